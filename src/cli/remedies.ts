import type { Remedy } from '../core/remedies';

/** How the CLI says each remedy: the command to type (or, where there is none, what to do). */
const SAY: { readonly [A in Remedy['action']]: (r: Extract<Remedy, { action: A }>) => string } = {
  flowInit: (r) => (r.force ? 'run `slipway flow init -f` to set up git-flow again' : 'run `slipway flow init -d` to set up git-flow with the default names'),
  flowFinish: (r) => `run \`slipway flow ${r.type} finish ${r.name}\``,
  flowList: (r) => `run \`slipway flow ${r.type} list\` to see them`,
  flowPublish: (r) => `run \`slipway flow ${r.type} publish ${r.name}\` in the clone that has it`,
  flowTrack: (r) => `run \`slipway flow ${r.type} track ${r.name}\` in the other clone`,
  flowDelete: (r) => `run \`slipway flow ${r.type} delete ${r.name}${r.force ? ' -f' : ''}\`${r.force ? ' to delete it anyway' : ''}`,
  flowContinue: () => 'run `slipway flow finish --continue` once the conflicts are resolved and added',
  flowAbort: () => 'run `slipway flow finish --abort` to go back to where you started',
  openConfig: (r) => `edit ${r.file ?? 'slipway.yml'}${r.line ? ` at line ${r.line}` : ''}`,
  retry: () => 'run the same command again',
  doctor: () => 'run `slipway doctor` to see what is missing',
  editClusters: () => 'add the cluster under `clusters:` in slipway.yml, or set SLIPWAY_CLUSTERS to a JSON list',
  approveProduction: () => 'run `slipway pipeline --from deploy-production` to deploy to production',
  rollback: (r) => `run \`slipway rollback ${r.service ? `${r.service} ` : ''}--cluster ${r.cluster}\` to roll back`,
  deploy: (r) => `run \`slipway deploy ${r.service ? `${r.service} ` : ''}VERSION --cluster ${r.cluster}\` to deploy a version`,
  releases: (r) => `run \`slipway releases --cluster ${r.cluster}\` to list the releases`,
  showTasks: (r) => `follow it with \`slipway swarm tasks ${r.service} --cluster ${r.cluster}\``,
  pipelineRuns: () => 'run `slipway pipeline runs` to list the runs',
  runPipeline: () => 'run `slipway pipeline` to run the pipeline from the start',
};

export function remedyText(remedy: Remedy): string {
  return (SAY[remedy.action] as (r: Remedy) => string)(remedy);
}

/** The `hint:` lines the CLI prints under an error message: the hint's words, then one line per remedy. */
export function hintLines(hint: string | undefined, remedies: readonly Remedy[]): string[] {
  return [...(hint ? [hint] : []), ...remedies.map(remedyText)].map((line) => `hint: ${line}`);
}
