import type { TreeNodeModel } from '../../../src/core/swarm/tree';

/** The first node of the Swarm Clusters tree model (depth first) that `pred` accepts. */
export function findNode(nodes: readonly TreeNodeModel[], pred: (n: TreeNodeModel) => boolean): TreeNodeModel | undefined {
  for (const n of nodes) {
    if (pred(n)) return n;
    const hit = findNode(n.children, pred);
    if (hit) return hit;
  }
  return undefined;
}
