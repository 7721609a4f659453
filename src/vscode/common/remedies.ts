import type { Remedy } from '../../core/remedies';

/** A button offered with an error: its title and the command it runs (with arguments). */
export interface RemedyButton {
  readonly title: string;
  readonly command: string;
  readonly args: readonly unknown[];
}

/**
 * How the editor offers each remedy: a button running the command that does it. `retry` has no command of its own;
 * the caller of showError passes the operation to run again.
 */
const BUTTONS: { readonly [A in Remedy['action']]: (r: Extract<Remedy, { action: A }>) => RemedyButton | undefined } = {
  flowInit: () => ({ title: 'Initialize Git Flow', command: 'slipway.flow.init', args: [] }),
  // The branch as an option, not as the first argument: the finish then shows its plan first, as from the view.
  flowFinish: (r) => ({ title: `Finish ${r.name}`, command: `slipway.flow.${r.type}.finish`, args: [undefined, { branch: r.name }] }),
  flowList: () => ({ title: 'Show Git Flow', command: 'workbench.view.extension.slipway', args: [] }),
  // Publishing and tracking happen in another clone (or another window): nothing this window can do.
  flowPublish: () => undefined,
  flowTrack: () => undefined,
  // The Delete command asks its own confirmation before a forced delete; a one-click forced delete would lose commits.
  flowDelete: () => undefined,
  flowContinue: () => ({ title: 'Continue Finish', command: 'slipway.flow.finish.continue', args: [] }),
  flowAbort: () => ({ title: 'Abort Finish', command: 'slipway.flow.finish.abort', args: [] }),
  openConfig: (r) => ({ title: 'Open slipway.yml', command: 'slipway.openConfig', args: r.line ? [{ file: r.file, line: r.line }] : [] }),
  retry: () => undefined,
  doctor: () => ({ title: 'Run Doctor', command: 'slipway.doctor', args: [] }),
  editClusters: () => ({ title: 'Edit Cluster Settings', command: 'slipway.swarm.editSettings', args: [] }),
  approveProduction: () => ({ title: 'Deploy to Production', command: 'slipway.pipeline.approve', args: [] }),
  rollback: (r) => ({ title: 'Roll Back', command: 'slipway.swarm.rollback', args: [{ cluster: r.cluster, service: r.service }] }),
  deploy: (r) =>
    r.service
      ? { title: 'Deploy Version…', command: 'slipway.swarm.deployVersion', args: [{ cluster: r.cluster, service: r.service }] }
      : { title: 'Deploy Version…', command: 'slipway.stack.deploy', args: [{ cluster: r.cluster }] },
  releases: (r) => ({ title: 'Releases…', command: 'slipway.stack.releases', args: [{ cluster: r.cluster }] }),
  showTasks: (r) => ({ title: 'Show Tasks', command: 'slipway.swarm.refresh', args: [{ cluster: r.cluster, service: r.service }] }),
  pipelineRuns: () => ({ title: 'Show Pipeline', command: 'workbench.view.extension.slipway', args: [] }),
  runPipeline: () => ({ title: 'Run Pipeline', command: 'slipway.pipeline.run', args: [] }),
};

export function remedyButton(remedy: Remedy): RemedyButton | undefined {
  return (BUTTONS[remedy.action] as (r: Remedy) => RemedyButton | undefined)(remedy);
}
