import type { PipelineMode } from './graph';
import { runsByBranch } from './history';
import { STAGE_TITLES, type StageId } from './stages';
import type { PipelineRunRecord, PipelineRunView, RunStatus, StageState } from './state';

/** What the Pipeline webview renders: plain data, posted as one message whenever it changes. */
export interface PipelineViewState {
  readonly mode: PipelineMode;
  readonly busy: boolean;
  readonly awaitingApproval: boolean;
  readonly run?: {
    readonly runId: string;
    readonly status: RunStatus;
    readonly branch: string;
    readonly version: string;
    readonly mode: PipelineMode;
    readonly durationMs?: number;
    readonly failedStage?: StageId;
    readonly reason?: string;
    readonly rollback?: { ok: boolean; message: string };
    /** True when the stages come from the history (no logs in memory). */
    readonly fromHistory: boolean;
    readonly stages: readonly {
      readonly id: StageId;
      readonly title: string;
      readonly state: StageState;
      readonly durationMs?: number;
      readonly message?: string;
      /** The last LOG_TAIL lines; the full log opens as a document. */
      readonly log: readonly string[];
      readonly logLines: number;
    }[];
  };
  readonly history: readonly {
    readonly branch: string;
    readonly runs: readonly { runId: string; status: RunStatus; startedAt: number; durationMs: number; version: string; failedStage?: StageId; reason?: string }[];
  }[];
  readonly error?: string;
}

export const LOG_TAIL = 200;

export function pipelineViewState(input: {
  mode: PipelineMode;
  busy: boolean;
  current?: PipelineRunView;
  /** Newest first (as RunHistoryStore.recent returns them). */
  history: readonly PipelineRunRecord[];
  error?: string;
}): PipelineViewState {
  const latest = input.current ?? [...input.history].sort((a, b) => b.startedAt - a.startedAt)[0];
  const run: PipelineViewState['run'] = latest && {
    runId: latest.runId,
    status: latest.status,
    branch: latest.branch,
    version: latest.version,
    mode: latest.mode,
    ...(latest.durationMs !== undefined ? { durationMs: latest.durationMs } : {}),
    ...(latest.failedStage ? { failedStage: latest.failedStage } : {}),
    ...(latest.reason !== undefined ? { reason: latest.reason } : {}),
    ...(latest.rollback ? { rollback: latest.rollback } : {}),
    fromHistory: input.current === undefined,
    stages: latest.stages.map((s) => {
      const log = 'log' in s ? (s.log as string[]) : [];
      return {
        id: s.id,
        title: STAGE_TITLES[s.id],
        state: s.state,
        ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}),
        ...(s.message !== undefined ? { message: s.message } : {}),
        log: log.slice(-LOG_TAIL),
        logLines: log.length,
      };
    }),
  };
  return {
    mode: input.mode,
    busy: input.busy,
    awaitingApproval: !input.busy && run?.status === 'paused',
    ...(run ? { run } : {}),
    history: runsByBranch(input.history, 5).map((g) => ({
      branch: g.branch,
      runs: g.runs.map((r) => ({
        runId: r.runId,
        status: r.status,
        startedAt: r.startedAt,
        durationMs: r.durationMs,
        version: r.version,
        ...(r.failedStage ? { failedStage: r.failedStage } : {}),
        ...(r.reason !== undefined ? { reason: r.reason } : {}),
      })),
    })),
    ...(input.error ? { error: input.error } : {}),
  };
}
