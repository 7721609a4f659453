/** Node availability changes (Drain / Activate): finding the node and the production guard, as plain rules. */
import { SlipwayError } from '../errors';
import type { ClusterSnapshot, ClusterTarget, SwarmNode } from './model';
import type { Confirmation } from './plans';

export type NodeAvailability = 'active' | 'drain' | 'pause';

/** A node by hostname, full id or id prefix (at least 6 characters, like the docker CLI's short ids). */
export function findNode(snapshot: ClusterSnapshot, ref: string): SwarmNode {
  const byName = snapshot.nodes.filter((n) => n.hostname === ref);
  const matches = byName.length > 0 ? byName : snapshot.nodes.filter((n) => n.id === ref || (ref.length >= 6 && n.id.startsWith(ref)));
  if (matches.length === 1) return matches[0]!;
  const known = snapshot.nodes.map((n) => n.hostname).join(', ');
  if (matches.length === 0) throw new SlipwayError('notFound', `No node "${ref}" on cluster "${snapshot.cluster.name}"`, { hint: `Its nodes: ${known}` });
  throw new SlipwayError('usage', `"${ref}" names ${matches.length} nodes on cluster "${snapshot.cluster.name}"`, { hint: 'Name the node by its ID' });
}

/** What a change of availability does, in words for the confirmation and the result. */
export function describeAvailabilityChange(node: SwarmNode, to: NodeAvailability): string {
  const what = to === 'drain' ? 'Swarm moves its tasks to other nodes and schedules none there' : to === 'pause' ? 'no new tasks, running ones stay' : 'Swarm may schedule tasks there again';
  return `${node.hostname}: ${node.availability} → ${to} (${what})`;
}

/** A production cluster's nodes change only with a confirmation naming the cluster. */
export function assertNodeChangeConfirmed(cluster: ClusterTarget, node: SwarmNode, to: NodeAvailability, confirmation: Confirmation | undefined): void {
  if (cluster.role !== 'production' || confirmation?.cluster === cluster.name) return;
  throw new SlipwayError('confirmationRequired', `Refusing to set node ${node.hostname} of production cluster "${cluster.name}" to ${to} without confirmation`, {
    hint: `Confirm by naming the cluster ${cluster.name}`,
    details: { cluster: cluster.name, node: node.hostname, to },
  });
}
