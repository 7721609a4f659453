/** Pending promotions from the front ends: list, approve (deploy exactly that digest, confirmed), dismiss. */
import { pushMatches, subscriptionsFor } from '../../core/agent/onPush';
import type { PendingPromotion, PendingPromotionsPort } from '../../core/agent/pending';
import { SlipwayError } from '../../core/errors';
import { parseImageRef } from '../../core/swarm/imageRef';
import type { Confirmation } from '../../core/swarm/plans';
import type { ClusterTarget } from '../../core/swarm/model';
import { applyStackDeploy, assertStackConfirmed, type StackApplyOptions, type StackDeployResult } from '../stack/deploy';
import { NO_STACK_FILES, preparePushDeploy } from '../stack/push';
import type { AgentClusterPort } from './pushAgent';

export interface PendingDeps {
  readonly stacks: AgentClusterPort;
  readonly pending: PendingPromotionsPort;
}

export function listPending(deps: PendingDeps, stack?: string): Promise<PendingPromotion[]> {
  return deps.pending.list(stack);
}

async function findPending(deps: PendingDeps, stack: string, id?: string): Promise<PendingPromotion> {
  const list = await deps.pending.list(stack);
  const hit = id ? list.find((p) => p.id === id || p.digest === id) : list.length === 1 ? list[0] : undefined;
  if (hit) return hit;
  throw new SlipwayError('notFound', list.length === 0 ? `No promotion of ${stack} waits on cluster "${deps.stacks.cluster.name}"` : `Several promotions of ${stack} wait on "${deps.stacks.cluster.name}": name one (${list.map((p) => p.id).join(', ')})`, {
    details: { cluster: deps.stacks.cluster.name, stack },
  });
}

/**
 * Deploys exactly the pending digest (production: the confirmation must name the cluster), records the release with
 * the push's trigger and who approved, and removes the pending record whatever the deploy's outcome (the release
 * records a failure).
 */
export async function approvePending(
  deps: PendingDeps,
  stack: string,
  options: { id?: string; confirmation?: Confirmation; who: string } & Pick<StackApplyOptions, 'onEvent' | 'signal' | 'timeoutMs'>,
): Promise<StackDeployResult> {
  const p = await findPending(deps, stack, options.id);
  const sub = subscriptionsFor(deps.stacks.cluster.name, await deps.stacks.releases(stack)).find((s) => pushMatches({ id: p.id, repository: parseImageRef(p.image).path, tag: p.tag, digest: p.digest, mediaType: '', actor: p.actor }, s.policy));
  if (!sub) throw new SlipwayError('notFound', `Stack ${stack} on "${deps.stacks.cluster.name}" no longer follows pushes of ${p.image.split('@')[0]}; dismiss the pending promotion`);
  const prepared = await preparePushDeploy(deps.stacks, sub, p.image);
  assertStackConfirmed(prepared.plan, options.confirmation, 'approve the promotion of');
  const result = await applyStackDeploy({ cluster: deps.stacks, files: NO_STACK_FILES }, prepared, {
    ...(options.confirmation ? { confirmation: options.confirmation } : {}),
    trigger: `${p.trigger}, approved by ${options.who}`,
    who: options.who,
    reason: `pending promotion ${p.id} approved`,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  await deps.pending.remove(stack, p.id);
  return result;
}

export async function dismissPending(deps: PendingDeps, stack: string, id?: string): Promise<PendingPromotion> {
  const p = await findPending(deps, stack, id);
  await deps.pending.remove(stack, p.id);
  return p;
}

/** A pending promotion with the cluster it waits on, as the editor lists them across a workspace's clusters. */
export interface PendingOnCluster {
  readonly cluster: string;
  readonly production: boolean;
  readonly promotion: PendingPromotion;
}

/**
 * The editor's pending promotions for a workspace: every cluster of its slipway.yml is asked (one that cannot be
 * read has none to show), approve and dismiss act on the named one.
 */
export function pendingPromotionsService(deps: { clusters(workspaceDir: string): Promise<readonly ClusterTarget[]>; connect(cluster: ClusterTarget): PendingDeps }) {
  const find = async (dir: string, name: string): Promise<ClusterTarget> => {
    const hit = (await deps.clusters(dir)).find((c) => c.name === name);
    if (!hit) throw new SlipwayError('notFound', `No cluster "${name}" in this workspace`, { remedies: [{ action: 'editClusters' }] });
    return hit;
  };
  return {
    async list(workspaceDir: string): Promise<PendingOnCluster[]> {
      const clusters = await deps.clusters(workspaceDir);
      const lists = await Promise.all(
        clusters.map(async (c) => (await deps.connect(c).pending.list().catch(() => [])).map((promotion) => ({ cluster: c.name, production: c.role === 'production', promotion }))),
      );
      return lists.flat();
    },
    async approve(workspaceDir: string, cluster: string, stack: string, id: string, who: string, confirmed: boolean): Promise<StackDeployResult> {
      const target = await find(workspaceDir, cluster);
      return approvePending(deps.connect(target), stack, { id, who, ...(confirmed ? { confirmation: { cluster } } : {}) });
    },
    async dismiss(workspaceDir: string, cluster: string, stack: string, id: string): Promise<PendingPromotion> {
      return dismissPending(deps.connect(await find(workspaceDir, cluster)), stack, id);
    },
  };
}

export type PendingPromotionsService = ReturnType<typeof pendingPromotionsService>;
