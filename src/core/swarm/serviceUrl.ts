import type { SwarmNode, SwarmService, SwarmTask } from './model';

const LOOPBACK = '127.0.0.1';

/**
 * Where a deployed service answers HTTP, seen from its cluster's manager engine. A host-mode port is open only on
 * the nodes that run one of its tasks, so the URL names such a node's address (the manager's own first, then by
 * hostname); an ingress port answers on every node, so loopback. Undefined when no port is published, or a
 * host-mode port has no running task to answer on.
 */
export function serviceUrl(service: SwarmService, tasks: readonly SwarmTask[], nodes: readonly SwarmNode[]): string | undefined {
  const port = service.ports.find((p) => p.published !== undefined);
  if (!port) return undefined;
  if (port.mode !== 'host') return `http://${LOOPBACK}:${port.published}`;
  const running = new Set(tasks.filter((t) => t.serviceId === service.id && t.state === 'running' && t.desiredState === 'running').map((t) => t.nodeId));
  const candidates = nodes
    .filter((n) => running.has(n.id))
    .sort((a, b) => Number(b.role === 'manager') - Number(a.role === 'manager') || a.hostname.localeCompare(b.hostname));
  const node = candidates[0];
  if (!node) return undefined;
  // a single-node swarm advertising loopback, or an engine that reports no address: its own loopback
  const address = node.address === '' || node.address === '0.0.0.0' ? LOOPBACK : node.address;
  return `http://${address}:${port.published}`;
}
