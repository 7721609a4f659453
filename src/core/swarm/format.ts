/** Human tables for `slipway swarm …` (the --json output is the model itself). */
import { shortDigest } from './imageRef';
import type { ClusterState, SwarmNode, SwarmService, SwarmTask } from './model';
import { describeUpdateState } from './updateState';
import type { OtherClusterVersion } from './versions';

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function clustersTable(states: readonly ClusterState[]): string {
  return table(
    // STATUS last: an unreachable cluster's reason is long and would push the counts off the screen.
    ['NAME', 'ROLE', 'ENDPOINT', 'NODES', 'SERVICES', 'STATUS'],
    states.map((s) => [
      s.cluster.name,
      s.cluster.role,
      s.cluster.host ?? `context:${s.cluster.context ?? ''}`,
      s.kind === 'ok' ? String(s.snapshot.nodes.length) : '-',
      s.kind === 'ok' ? String(s.snapshot.services.length) : '-',
      s.kind === 'ok' ? 'ok' : s.kind === 'error' ? `${s.error.kind}: ${s.error.message}` : 'loading',
    ]),
  );
}

export function nodesTable(nodes: readonly SwarmNode[]): string {
  return table(
    ['ID', 'HOSTNAME', 'ROLE', 'STATUS', 'AVAILABILITY', 'LABELS'],
    nodes.map((n) => [
      n.id.slice(0, 12),
      n.hostname,
      n.role === 'manager' ? (n.leader ? 'manager (leader)' : 'manager') : 'worker',
      n.status,
      n.availability,
      Object.entries(n.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    ]),
  );
}

export function servicesTable(services: readonly SwarmService[], differences?: ReadonlyMap<string, readonly OtherClusterVersion[]>): string {
  return table(
    ['NAME', 'MODE', 'REPLICAS', 'VERSION', 'DIGEST', 'IMAGE', 'UPDATE', 'OTHER CLUSTERS'],
    services.map((s) => [
      s.name,
      s.mode,
      `${s.runningTasks}/${s.desiredTasks}`,
      s.version,
      shortDigest(s.digest),
      s.image?.repository ?? s.imageText,
      describeUpdateState(s.updateState),
      (differences?.get(s.name) ?? []).map((o) => `≠ ${o.cluster}: ${o.version}`).join(', '),
    ]),
  );
}

export function tasksTable(tasks: readonly SwarmTask[]): string {
  return table(
    ['ID', 'NAME', 'NODE', 'VERSION', 'DESIRED', 'STATE', 'ERROR'],
    tasks.map((t) => {
      const current = t.desiredState === 'running' || t.desiredState === 'ready';
      const name = t.slot !== undefined ? `${t.serviceName}.${t.slot}` : `${t.serviceName}.${t.nodeId}`;
      return [t.id.slice(0, 12), current ? name : ` \\_ ${name}`, t.nodeHostname, t.version, t.desiredState, t.state, t.error ?? ''];
    }),
  );
}
