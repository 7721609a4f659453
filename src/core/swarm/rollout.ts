/**
 * Following a rolling update: which tasks run the new version, whether Swarm finished, paused or rolled back, and
 * an end-state sentence that says what Swarm did (with the failing task's error) — for the CLI and progress UI.
 */
import type { Remedy } from '../remedies';
import type { SwarmService, SwarmTask } from './model';

/** `stuck`: a task Swarm cannot place (e.g. its node went down and no other node may run it); Swarm keeps waiting. */
export type RolloutOutcome = 'inProgress' | 'completed' | 'paused' | 'rolledBack' | 'rollbackPaused' | 'stuck';

export interface RolloutTask {
  readonly name: string;
  readonly node: string;
  readonly version: string;
  readonly state: string;
  readonly desiredState: string;
  readonly error: string | undefined;
  readonly onTarget: boolean;
}

export interface RolloutProgress {
  readonly outcome: RolloutOutcome;
  /** Current tasks (desired running) with their version. */
  readonly tasks: readonly RolloutTask[];
  readonly updated: number;
  readonly total: number;
  /** One sentence: "2/3 tasks on 1.1", "update completed", "Swarm rolled back to 1.0 after task … failed: …". */
  readonly message: string;
  /** What the user can do about a rollout that stopped (a paused update can be rolled back). */
  readonly remedies: readonly Remedy[];
}

/** Engine timestamps have up to 9 fractional digits; compare them at full precision (Date keeps only ms). */
function timeKey(time: string): string | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(time);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}` : undefined;
}

export function atOrAfter(time: string | undefined, since: string): boolean {
  if (!time) return false;
  if (!since) return true;
  const a = timeKey(time);
  const b = timeKey(since);
  if (a !== undefined && b !== undefined) return a >= b;
  return Date.parse(time) >= Date.parse(since);
}

const TERMINAL = new Set(['complete', 'shutdown', 'failed', 'rejected', 'orphaned', 'remove']);

function isCurrent(t: SwarmTask): boolean {
  return t.desiredState === 'running' || t.desiredState === 'ready';
}

function sameImage(t: SwarmTask, targetImage: string): boolean {
  return t.imageText === targetImage;
}

/** The most recent failed task since the rollout started: the reason Swarm paused or rolled back. */
export function lastFailure(tasks: readonly SwarmTask[], since: string): SwarmTask | undefined {
  return tasks
    .filter((t) => (t.state === 'failed' || t.state === 'rejected' || (t.exitCode !== undefined && t.exitCode !== 0 && t.state !== 'running')) && atOrAfter(t.updatedAt, since))
    .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))[0];
}

/** Swarm names the task that made it pause or roll back: "… due to failure or early termination of task <id>". */
export function failedTaskNamedBy(message: string | undefined, tasks: readonly SwarmTask[]): SwarmTask | undefined {
  const id = message ? /\btask ([a-z0-9]{20,})/.exec(message)?.[1] : undefined;
  return id ? tasks.find((t) => t.id === id) : undefined;
}

/** "task demo.1 on vm (1.2) ended complete (finished)" / "… failed: task: non-zero exit (1)". */
export function describeFailedTask(t: SwarmTask): string {
  const name = `${t.serviceName}${t.slot !== undefined ? `.${t.slot}` : ''}`;
  const where = t.nodeHostname || t.nodeId.slice(0, 12);
  const how = t.error ? `${t.state}: ${t.error}` : `${t.state}${t.message ? ` (${t.message})` : ''}${t.exitCode ? `, exit code ${t.exitCode}` : ''}`;
  const early = t.state === 'failed' || t.state === 'rejected' ? '' : ' before it was healthy';
  return `task ${name} on ${where} (${t.version}) ended${early}: ${how}`;
}

/**
 * A task of the rollout that Swarm cannot place: pending with "no suitable node" (its node is down or drained and
 * the constraints leave no other). Names where the slot last ran — the node that was lost.
 */
export function unplaceableTask(tasks: readonly SwarmTask[], since: string): string | undefined {
  const stuck = tasks.find((t) => isCurrent(t) && t.state === 'pending' && /no suitable node/i.test(`${t.error ?? ''} ${t.message}`));
  if (!stuck) return undefined;
  const name = `${stuck.serviceName}${stuck.slot !== undefined ? `.${stuck.slot}` : ''}`;
  const before = tasks
    .filter((t) => t.slot === stuck.slot && t.id !== stuck.id && t.nodeHostname !== '' && atOrAfter(t.updatedAt, since))
    .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))[0];
  return `task ${name} cannot be placed${before ? ` (it last ran on ${before.nodeHostname})` : ''}: ${stuck.error || stuck.message}`;
}

/**
 * Reads the rollout of `targetImage` on `service`. `since` is the service's UpdatedAt *before* the update was sent:
 * an UpdateStatus that started earlier belongs to an older rollout and is ignored.
 */
/** `clusterName` lets a paused update offer the rollback of that service on that cluster as a remedy. */
export function rolloutProgress(service: SwarmService, tasks: readonly SwarmTask[], targetImage: string, since: string, clusterName?: string): RolloutProgress {
  const current = tasks.filter(isCurrent);
  const rows = current.map(
    (t): RolloutTask => ({
      name: t.slot !== undefined ? `${t.serviceName}.${t.slot}` : `${t.serviceName}.${t.nodeId.slice(0, 12)}`,
      node: t.nodeHostname || t.nodeId.slice(0, 12) || 'unassigned',
      version: t.version,
      state: t.state,
      desiredState: t.desiredState,
      error: t.error,
      onTarget: sameImage(t, targetImage),
    }),
  );
  const updated = rows.filter((r) => r.onTarget && r.state === 'running').length;
  const total = service.desiredTasks;
  const status = service.updateState && atOrAfter(service.updateState.startedAt, since) ? service.updateState : undefined;
  // Swarm names the task only while rolling back ("rollback completed" drops it); a new-image task that ended
  // during a failed rollout is the culprit otherwise.
  const abandoned = status?.failed === true && service.imageText !== targetImage;
  const endedOnTarget = abandoned
    ? tasks.filter((t) => t.imageText === targetImage && TERMINAL.has(t.state) && atOrAfter(t.updatedAt, since)).sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))[0]
    : undefined;
  const failure = abandoned ? (failedTaskNamedBy(status?.message, tasks) ?? lastFailure(tasks, since) ?? endedOnTarget) : lastFailure(tasks, since);
  const failureText = failure ? describeFailedTask(failure) : undefined;
  const target = rows.find((r) => r.onTarget)?.version ?? '';
  let outcome: RolloutOutcome = 'inProgress';
  let message = `${updated}/${total} tasks on ${target || 'the new version'}`;
  let remedies: Remedy[] = [];
  if (status?.phase === 'completed') {
    outcome = 'completed';
    message = `update completed: ${updated}/${total} tasks running ${service.version}`;
  } else if (status?.phase === 'paused') {
    outcome = 'paused';
    message = `Swarm paused the update (failure action "pause")${failureText ? ` after ${failureText}` : ''}: ${status.message}. Tasks on the new version: ${updated}/${total}. Roll it back, or fix it and deploy again`;
    if (clusterName) remedies = [{ action: 'rollback', cluster: clusterName, service: service.name }];
  } else if (status?.phase === 'rolledBack') {
    outcome = 'rolledBack';
    message = `Swarm rolled ${service.name} back to ${service.version} (failure action "rollback")${failureText ? ` after ${failureText}` : ''}: ${status.message}`;
  } else if (status?.phase === 'rollbackPaused') {
    outcome = 'rollbackPaused';
    message = `Swarm started rolling back and paused: ${status.message}${failureText ? ` (${failureText})` : ''}`;
  } else if (status?.phase === 'rollingBack') {
    message = `Swarm is rolling back${failureText ? ` after ${failureText}` : ''}: ${status.message}`;
  } else if (!status && service.imageText === targetImage && total > 0 && updated === total && current.every((t) => t.state === 'running')) {
    // A service without UpdateStatus (e.g. scaled from zero) that already runs the target everywhere is done.
    outcome = 'completed';
    message = `${updated}/${total} tasks running ${service.version}`;
  }
  return { outcome, tasks: rows, updated, total, message, remedies };
}

/** Lines for the tasks whose state or version changed since the last look (per-task progress in the CLI). */
export function taskChanges(previous: readonly RolloutTask[], next: readonly RolloutTask[]): string[] {
  const before = new Map(previous.map((t) => [t.name, t] as const));
  const lines: string[] = [];
  for (const t of next) {
    const p = before.get(t.name);
    if (p && p.state === t.state && p.version === t.version && p.error === t.error) continue;
    lines.push(`  ${t.name} on ${t.node}: ${t.version} ${t.state}${t.error ? ` (${t.error})` : ''}`);
  }
  return lines;
}
