/**
 * What a user can do about an error, as data. Core and app code attach remedies to a SlipwayError; each front end
 * renders them in its own words: the CLI as the command to type (src/cli/remedies.ts), the editor as a button that
 * runs it (src/vscode/common/remedies.ts). Core never quotes a CLI command or an editor command id.
 *
 * Add a remedy here, then a line in both tables; the exhaustive `Record` types there make a missing line a compile
 * error.
 */
import type { FlowType } from './gitflow/types';

export type Remedy =
  /** Set up git-flow in this repository with the default branch names and prefixes (`force`: set it up again). */
  | { readonly action: 'flowInit'; readonly force?: boolean }
  /** Finish a git-flow branch. */
  | { readonly action: 'flowFinish'; readonly type: FlowType; readonly name: string }
  /** See the git-flow branches of a type. */
  | { readonly action: 'flowList'; readonly type: FlowType }
  /** Publish a git-flow branch to the remote. */
  | { readonly action: 'flowPublish'; readonly type: FlowType; readonly name: string }
  /** Check out a published git-flow branch from the remote, tracking it. */
  | { readonly action: 'flowTrack'; readonly type: FlowType; readonly name: string }
  /** Delete a git-flow branch (`force`: even with unmerged commits). */
  | { readonly action: 'flowDelete'; readonly type: FlowType; readonly name: string; readonly force?: boolean }
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
  /** Deploy a version of a service (or of the stack, when no service is named) on a cluster. */
  | { readonly action: 'deploy'; readonly cluster: string; readonly service?: string }
  /** List the release records of the stack on a cluster. */
  | { readonly action: 'releases'; readonly cluster: string }
  /** Follow a service's tasks on a cluster. */
  | { readonly action: 'showTasks'; readonly cluster: string; readonly service: string }
  /** List the pipeline runs. */
  | { readonly action: 'pipelineRuns' }
  /** Run the pipeline from its first stage. */
  | { readonly action: 'runPipeline' };

export type RemedyAction = Remedy['action'];
