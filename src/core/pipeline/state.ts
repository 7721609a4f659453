import type { Remedy } from '../remedies';
import type { RunResult } from '../run/events';
import type { PipelineEvent } from './events';
import type { PipelineMode } from './graph';
import { STAGE_TITLES, type StageId } from './stages';
import { isToolWarning } from './logFormat';

export type StageState = 'waiting' | 'running' | 'passed' | 'failed' | 'skipped' | 'cancelled' | 'paused-for-approval';
/** A pipeline run's status: running, or how it ended (the one run-result model). */
export type RunStatus = 'running' | RunResult;

export interface StageView {
  readonly id: StageId;
  readonly title: string;
  state: StageState;
  startedAt?: number;
  durationMs?: number;
  message?: string;
  /** The stage's output, newest last; capped (see MAX_LOG_LINES) so a chatty build cannot eat the editor's memory. */
  log: string[];
}

export interface RunMeta {
  readonly runId: string;
  readonly mode: PipelineMode;
  readonly branch: string;
  readonly commit: string;
  readonly version: string;
  readonly startedAt: number;
}

export interface PipelineRunView extends RunMeta {
  status: RunStatus;
  durationMs?: number;
  stages: StageView[];
  failedStage?: StageId;
  reason?: string;
  /** Set when production was rolled back after failing production tests. */
  rollback?: { ok: boolean; message: string };
  /** What the user can do next (approve the production deploy, roll production back…). */
  remedies?: readonly Remedy[];
  artifacts: Record<string, string>;
}

export const MAX_LOG_LINES = 5000;

export function newRunView(meta: RunMeta, stages: readonly StageId[]): PipelineRunView {
  return {
    ...meta,
    status: 'running',
    stages: stages.map((id) => ({ id, title: STAGE_TITLES[id], state: 'waiting', log: [] })),
    artifacts: {},
  };
}

/** Applies one event to the view, in place, and returns it: the one place that knows how events change state. */
export function applyEvent(view: PipelineRunView, event: PipelineEvent): PipelineRunView {
  if (event.runId !== view.runId) return view;
  const stage = 'stage' in event ? view.stages.find((s) => s.id === event.stage) : undefined;
  switch (event.type) {
    case 'runStarted':
      view.status = 'running';
      break;
    case 'stageStarted':
      if (stage) {
        stage.state = 'running';
        stage.startedAt = event.at;
      }
      break;
    case 'log':
      if (stage) {
        stage.log.push(event.stream !== 'stderr' ? event.text : isToolWarning(event.text) ? `~ ${event.text}` : `! ${event.text}`);
        if (stage.log.length > MAX_LOG_LINES) stage.log.splice(0, stage.log.length - MAX_LOG_LINES);
      }
      break;
    case 'stageEnded':
      if (stage) {
        stage.state = event.result;
        stage.durationMs = event.durationMs;
        if (event.message !== undefined) stage.message = event.message;
        if (event.result === 'failed') {
          view.failedStage = stage.id;
          view.reason = event.message;
        }
      }
      break;
    case 'approvalRequired':
      if (stage) {
        stage.state = 'paused-for-approval';
        stage.message = event.message;
      }
      view.status = 'paused';
      break;
    case 'rolledBack':
      view.rollback = { ok: event.ok, message: event.message };
      break;
    case 'runEnded':
      view.durationMs = event.durationMs;
      view.status = event.result;
      if (event.remedies && event.remedies.length > 0) view.remedies = event.remedies;
      if (event.result === 'failed' && view.reason === undefined) view.reason = event.message;
      break;
  }
  return view;
}

/** What the run history keeps of a finished run: the view without its logs. */
export interface PipelineRunRecord extends RunMeta {
  readonly status: RunStatus;
  readonly durationMs: number;
  readonly stages: readonly { id: StageId; state: StageState; durationMs?: number; message?: string }[];
  readonly failedStage?: StageId;
  readonly reason?: string;
  readonly rollback?: { ok: boolean; message: string };
  readonly artifacts: Readonly<Record<string, string>>;
  /** `<hostname>:<pid>` of the process running it, while it runs (a record still running whose owner is gone was interrupted). */
  readonly owner?: string;
}

export function toRecord(view: PipelineRunView, owner?: string): PipelineRunRecord {
  const record: PipelineRunRecord = {
    runId: view.runId,
    mode: view.mode,
    branch: view.branch,
    commit: view.commit,
    version: view.version,
    startedAt: view.startedAt,
    status: view.status,
    durationMs: view.durationMs ?? 0,
    stages: view.stages.map((s) => ({
      id: s.id,
      state: s.state,
      ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}),
      ...(s.message !== undefined ? { message: s.message } : {}),
    })),
    ...(view.failedStage ? { failedStage: view.failedStage } : {}),
    ...(view.reason !== undefined ? { reason: view.reason } : {}),
    ...(view.rollback ? { rollback: view.rollback } : {}),
    artifacts: { ...view.artifacts },
    ...(owner !== undefined && view.status === 'running' ? { owner } : {}),
  };
  return record;
}
