/**
 * Swarm's UpdateStatus (`updating`, `paused`, `completed`, `rollback_started`, `rollback_paused`,
 * `rollback_completed` + message) in the words a user would use, and whether the rollout is still moving.
 */
export type UpdatePhase = 'updating' | 'paused' | 'completed' | 'rollingBack' | 'rollbackPaused' | 'rolledBack' | 'unknown';

export interface UpdateState {
  readonly phase: UpdatePhase;
  /** Swarm's raw state, kept for --json and tooltips. */
  readonly raw: string;
  /** Short label: "updating", "rolled back"… */
  readonly label: string;
  /** Swarm's message, e.g. "update paused due to failure or early termination of task …". */
  readonly message: string;
  readonly startedAt: string | undefined;
  readonly completedAt: string | undefined;
  /** Still moving: the tree polls faster and the CLI keeps watching. */
  readonly inProgress: boolean;
  /** Ended somewhere other than the requested version (paused or rolled back). */
  readonly failed: boolean;
}

const PHASES: Record<string, { phase: UpdatePhase; label: string; inProgress: boolean; failed: boolean }> = {
  updating: { phase: 'updating', label: 'updating', inProgress: true, failed: false },
  paused: { phase: 'paused', label: 'update paused', inProgress: false, failed: true },
  completed: { phase: 'completed', label: 'update completed', inProgress: false, failed: false },
  rollback_started: { phase: 'rollingBack', label: 'rolling back', inProgress: true, failed: true },
  rollback_paused: { phase: 'rollbackPaused', label: 'rollback paused', inProgress: false, failed: true },
  rollback_completed: { phase: 'rolledBack', label: 'rolled back', inProgress: false, failed: true },
};

export interface RawUpdateStatus {
  readonly State?: string;
  readonly StartedAt?: string;
  readonly CompletedAt?: string;
  readonly Message?: string;
}

export function interpretUpdateStatus(status: RawUpdateStatus | undefined): UpdateState | undefined {
  if (!status || !status.State) return undefined;
  const known = PHASES[status.State] ?? { phase: 'unknown' as const, label: status.State, inProgress: false, failed: false };
  return {
    ...known,
    raw: status.State,
    message: status.Message ?? '',
    startedAt: status.StartedAt,
    completedAt: status.CompletedAt,
  };
}

/** One line for a table cell or a tree description: "rolled back: rollback completed". */
export function describeUpdateState(state: UpdateState | undefined): string {
  if (!state) return '';
  return state.message && state.message !== state.label ? `${state.label}: ${state.message}` : state.label;
}
