/**
 * When a stack deploy is done: every changed service converged (its tasks running, healthy, on the new spec) or one
 * failed (Swarm paused or rolled back its update, or its new tasks keep failing). Reuses the rolling-update reading
 * of src/core/swarm/rollout.ts; adds the case Swarm has no status for: a service just created.
 */
import type { SwarmService, SwarmTask } from '../swarm/model';
import { atOrAfter, describeFailedTask, lastFailure, rolloutProgress } from '../swarm/rollout';

export type ConvergenceOutcome = 'inProgress' | 'converged' | 'failed';

export interface ServiceConvergence {
  readonly service: string;
  readonly outcome: ConvergenceOutcome;
  /** "2/2 tasks running", or Swarm's reason naming the task. */
  readonly message: string;
  readonly running: number;
  readonly desired: number;
}

/** Failed tasks (since the change) after which a service whose tasks never became ready counts as failed. */
export const FAILED_TASKS_LIMIT = 3;

function failuresSince(tasks: readonly SwarmTask[], since: string): SwarmTask[] {
  return tasks.filter((t) => (t.state === 'failed' || t.state === 'rejected' || (t.exitCode !== undefined && t.exitCode !== 0 && t.state !== 'running')) && atOrAfter(t.updatedAt, since));
}

function runningOn(tasks: readonly SwarmTask[], image: string): number {
  return tasks.filter((t) => (t.desiredState === 'running' || t.desiredState === 'ready') && t.state === 'running' && t.imageText === image).length;
}

export interface ConvergenceInput {
  readonly service: SwarmService;
  readonly tasks: readonly SwarmTask[];
  readonly targetImage: string;
  /** The service's UpdatedAt before the change ('' for a service just created). */
  readonly since: string;
  /** The change replaces tasks: wait for Swarm's rolling update to report (see steps.ts needsRollout). */
  readonly rolling: boolean;
  readonly created: boolean;
  /** Milliseconds since the change was sent. */
  readonly elapsedMs?: number;
}

/**
 * How long a change that should roll the tasks may go without Swarm reporting a rollout before the service counts
 * as converged on its current, ready tasks (Swarm starts no rollout for changes that do not touch the tasks).
 */
export const ROLLOUT_START_GRACE_MS = 10_000;

export function serviceConvergence(input: ConvergenceInput): ServiceConvergence {
  const { service, tasks, targetImage, since } = input;
  const desired = service.desiredTasks;
  const running = runningOn(tasks, targetImage);
  const base = { service: service.name, running, desired };
  const current = tasks.filter((t) => t.desiredState === 'running' || t.desiredState === 'ready');
  const allReady = desired > 0 ? running >= desired && current.every((t) => t.state === 'running' && t.imageText === targetImage) : current.length === 0;
  const failures = failuresSince(tasks, since);
  const failedMessage = (): string => {
    const last = lastFailure(tasks, since) ?? failures[0]!;
    return `${service.name} did not converge: ${failures.length} tasks failed, the last: ${describeFailedTask(last)}`;
  };
  if (input.created || !input.rolling) {
    if (allReady) return { ...base, outcome: 'converged', message: `${running}/${desired} tasks running` };
    if (failures.length >= FAILED_TASKS_LIMIT) return { ...base, outcome: 'failed', message: failedMessage() };
    return { ...base, outcome: 'inProgress', message: `${running}/${desired} tasks running` };
  }
  const progress = rolloutProgress(service, tasks, targetImage, since);
  const started = service.updateState !== undefined && atOrAfter(service.updateState.startedAt, since);
  if (progress.outcome === 'paused' || progress.outcome === 'rolledBack' || progress.outcome === 'rollbackPaused') {
    return { ...base, outcome: 'failed', message: `${service.name}: ${progress.message}` };
  }
  if (progress.outcome === 'completed' && started && allReady) return { ...base, outcome: 'converged', message: `${running}/${desired} tasks running` };
  if (!started && allReady && (input.elapsedMs ?? 0) >= ROLLOUT_START_GRACE_MS) return { ...base, outcome: 'converged', message: `${running}/${desired} tasks running (Swarm started no rollout)` };
  if (failures.length >= FAILED_TASKS_LIMIT && !allReady) return { ...base, outcome: 'failed', message: failedMessage() };
  return { ...base, outcome: 'inProgress', message: progress.message };
}
