import type { PendingOnCluster } from '../../app/agent/pending';
import type { PipelineListener, PipelineMode, PipelineRunRecord, PipelineRunView, StageId } from '../../core/pipeline';

/** What the editor needs to run pipelines; the composition root passes the adapters in. */
export interface PipelineServices {
  runPipeline(request: {
    workspaceDir: string;
    from?: string;
    to?: string;
    mode?: string;
    yes?: boolean;
    signal: AbortSignal;
    onEvent?: PipelineListener;
    onStart?: (info: { runId: string; mode: PipelineMode; stages: readonly StageId[]; selected: readonly StageId[]; branch: string; version: string; commit: string }) => void;
  }): Promise<PipelineRunView>;
  recentRuns(workspaceDir: string): Promise<PipelineRunRecord[]>;
  /** The saved log of a finished run (slipway-log text), if it is still kept. */
  runLog(workspaceDir: string, runId: string): Promise<string | undefined>;
  /** Pushes waiting for approval on the workspace's clusters (push to deploy, production in delivery mode). */
  pendingPromotions(workspaceDir: string): Promise<PendingOnCluster[]>;
}

/** Options of *Slipway: Run Pipeline* (also what tests pass to the command). */
export interface RunPipelineCommandOptions {
  readonly from?: string;
  readonly to?: string;
  readonly mode?: PipelineMode;
  readonly yes?: boolean;
}
