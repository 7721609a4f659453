import type { RunEvent } from '../run/events';
import type { StageId } from './stages';

/**
 * A pipeline run emits the generic run events (so the CLI printer, tasks and progress treat it like any run) plus two
 * of its own that only a pipeline has: the pause before production and the automatic rollback.
 */
export type PipelineEvent =
  | RunEvent
  | { readonly type: 'approvalRequired'; readonly runId: string; readonly stage: StageId; readonly at: number; readonly message: string }
  | { readonly type: 'rolledBack'; readonly runId: string; readonly stage: StageId; readonly ok: boolean; readonly message: string };

export type PipelineListener = (event: PipelineEvent) => void;

export function isRunEvent(event: PipelineEvent): event is RunEvent {
  return event.type !== 'approvalRequired' && event.type !== 'rolledBack';
}
