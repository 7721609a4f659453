/**
 * What a user can do about an error, as data. Core and app code attach remedies to a SlipwayError; each front end
 * renders them in its own words: the CLI as the command to type (src/cli/remedies.ts), the editor as a button that
 * runs it (src/vscode/common/remedies.ts). Core never quotes a CLI command or an editor command id.
 *
 * Add a remedy here, then a line in both tables; the exhaustive `Record` types there make a missing line a compile
 * error.
 */
export type Remedy =
  /** Set up git-flow in this repository with the default branch names and prefixes. */
  | { readonly action: 'flowInit' }
  /** Continue a git-flow finish (or update) that stopped for the user. */
  | { readonly action: 'flowContinue' }
  /** Abort a git-flow finish (or update) and go back to where it started. */
  | { readonly action: 'flowAbort' }
  /** Open slipway.yml (optionally at a line) to fix it. */
  | { readonly action: 'openConfig'; readonly file?: string; readonly line?: number }
  /** Run the same operation again. */
  | { readonly action: 'retry' }
  /** Run Slipway's doctor to see what is missing. */
  | { readonly action: 'doctor' }
  /** Edit the clusters Slipway knows (slipway.yml `clusters:` or the `slipway.clusters` setting). */
  | { readonly action: 'editClusters' }
  /** Resume a pipeline that waits for approval before production. */
  | { readonly action: 'approveProduction' }
  /** Roll a service (or the stack, when no service is named) back on a cluster. */
  | { readonly action: 'rollback'; readonly cluster: string; readonly service?: string }
  /** Follow a service's tasks on a cluster. */
  | { readonly action: 'showTasks'; readonly cluster: string; readonly service: string }
  /** List the pipeline runs. */
  | { readonly action: 'pipelineRuns' };

export type RemedyAction = Remedy['action'];
