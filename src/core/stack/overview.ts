/**
 * The stacks on a cluster as the CLI (`slipway swarm stacks`) and the editor's tree show them: services grouped by
 * `com.docker.stack.namespace`, with the newest release record (number, version) and whether every service runs
 * all its tasks on its current spec.
 */
import type { ClusterSnapshot, SwarmService } from '../swarm/model';
import { NAMESPACE_LABEL } from './convert';
import type { ReleaseRecord } from './release';

export interface StackView {
  readonly name: string;
  readonly services: readonly SwarmService[];
  /** The newest release record, when Slipway deployed it. */
  readonly release?: { readonly number: number; readonly version: string; readonly when: string; readonly trigger: string; readonly converged: boolean; readonly outcomeUnknown?: boolean };
  /** The version the stack runs: the release's, else the most common image tag. */
  readonly version: string;
  readonly running: number;
  readonly desired: number;
  /** Every service runs all its desired tasks and no update is in flight. */
  readonly converged: boolean;
}

function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

export function stackOverview(snapshot: ClusterSnapshot, releases: readonly ReleaseRecord[] = []): StackView[] {
  const byStack = new Map<string, SwarmService[]>();
  for (const s of snapshot.services) {
    const stack = s.labels[NAMESPACE_LABEL];
    if (!stack) continue;
    byStack.set(stack, [...(byStack.get(stack) ?? []), s]);
  }
  const newest = new Map<string, ReleaseRecord>();
  for (const r of releases) if ((newest.get(r.stack)?.number ?? 0) < r.number) newest.set(r.stack, r);
  return [...byStack.entries()]
    .map(([name, services]): StackView => {
      const r = newest.get(name);
      const running = services.reduce((n, s) => n + s.runningTasks, 0);
      const desired = services.reduce((n, s) => n + s.desiredTasks, 0);
      const updating = services.some((s) => s.updateState !== undefined && s.updateState.phase !== 'completed');
      return {
        name,
        services: [...services].sort((a, b) => (a.name < b.name ? -1 : 1)),
        ...(r ? { release: { number: r.number, version: r.version, when: r.when, trigger: r.trigger, converged: r.outcome?.converged !== false, ...(r.outcome?.unknown ? { outcomeUnknown: true } : {}) } } : {}),
        version: r?.version ?? mostCommon(services.map((s) => s.version)),
        running,
        desired,
        converged: !updating && services.every((s) => s.runningTasks >= s.desiredTasks),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function stacksTable(views: readonly StackView[]): string {
  if (views.length === 0) return '  (no stacks)';
  const rows = views.map((v) => [v.name, v.version, v.release ? `#${v.release.number}${v.release.outcomeUnknown ? ' (outcome unknown)' : ''}` : '-', `${v.running}/${v.desired}`, v.converged ? 'converged' : 'converging', `${v.services.length} services`]);
  const head = ['STACK', 'VERSION', 'RELEASE', 'TASKS', 'STATE', 'SERVICES'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd()).join('\n');
}
