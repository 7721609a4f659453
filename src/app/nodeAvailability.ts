/** Drain / Activate a node: the one use case the CLI and the editor share. */
import { assertNodeChangeConfirmed, describeAvailabilityChange, findNode, type NodeAvailability } from '../core/swarm/nodes';
import type { Confirmation } from '../core/swarm/plans';
import type { SwarmClient } from './ports';

export interface AvailabilityChange {
  readonly node: string;
  readonly nodeId: string;
  readonly from: string;
  readonly to: NodeAvailability;
  readonly summary: string;
  /** The node already had that availability: nothing was sent. */
  readonly unchanged: boolean;
}

export async function setNodeAvailability(client: SwarmClient, nodeRef: string, to: NodeAvailability, confirmation?: Confirmation): Promise<AvailabilityChange> {
  const node = findNode(await client.snapshot(), nodeRef);
  const change = { node: node.hostname, nodeId: node.id, from: node.availability, to, summary: describeAvailabilityChange(node, to) };
  if (node.availability === to) return { ...change, unchanged: true };
  assertNodeChangeConfirmed(client.cluster, node, to, confirmation);
  await client.setNodeAvailability(node.id, to);
  return { ...change, unchanged: false };
}
