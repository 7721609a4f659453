/**
 * Push to deploy, per stack: which pushes a stack follows (`deploy.onPush` in slipway.yml, recorded in every
 * release so the agent needs no checkout), and what the agent does with a push on its cluster.
 */
import type { ClusterRole, PipelineMode } from '../config/model';
import type { ReleaseRecord } from '../stack/release';
import { tryParseImageRef } from '../swarm/imageRef';
import type { TagPush } from './registryEvents';

/** As a release records it: the stack follows pushes of `repository:tag` on `clusters`. */
export interface OnPushPolicy {
  readonly tag: string;
  readonly clusters: readonly string[];
  /** The stack's service that runs the pushed image (deploy.app). */
  readonly app: string;
  /** `registry/path` of the app image, without tag. */
  readonly repository: string;
  /** The pipeline's mode: a production cluster in delivery mode waits for a person. */
  readonly mode: PipelineMode;
}

/** A stack on the agent's cluster that follows pushes, from its newest release. */
export interface Subscription {
  readonly stack: string;
  readonly policy: OnPushPolicy;
  readonly newest: ReleaseRecord;
}

/** The app image the newest release runs, `repo:tag@sha256:…`, if the release has the app service. */
export function appImageOf(record: ReleaseRecord, app: string): string | undefined {
  return record.services.find((s) => s.key === app)?.image;
}

export function digestOf(image: string | undefined): string | undefined {
  return image ? tryParseImageRef(image)?.digest : undefined;
}

/** The newest release of each stack that opted in for this cluster. */
export function subscriptionsFor(cluster: string, records: readonly ReleaseRecord[]): Subscription[] {
  const newest = new Map<string, ReleaseRecord>();
  for (const r of records) {
    const seen = newest.get(r.stack);
    if (!seen || r.number > seen.number) newest.set(r.stack, r);
  }
  return [...newest.values()]
    .filter((r) => r.onPush && r.onPush.clusters.includes(cluster))
    .map((r) => ({ stack: r.stack, policy: r.onPush!, newest: r }))
    .sort((a, b) => (a.stack < b.stack ? -1 : 1));
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);

/** Same registry host: equal, or both the local machine's (`localhost:5000` and `127.0.0.1:5000`). */
function sameRegistry(a: string, b: string): boolean {
  if (a === b) return true;
  const [ha, pa = ''] = a.split(/:(?=\d+$)/);
  const [hb, pb = ''] = b.split(/:(?=\d+$)/);
  return pa === pb && LOCAL_HOSTS.has(ha!) && LOCAL_HOSTS.has(hb!);
}

/** True when a push is of the repository and tag a subscription follows. */
export function pushMatches(push: TagPush, policy: OnPushPolicy): boolean {
  if (push.tag !== policy.tag) return false;
  const ref = tryParseImageRef(policy.repository);
  if (!ref || ref.path !== push.repository) return false;
  return !push.registryHost || !ref.registry || sameRegistry(push.registryHost, ref.registry);
}

/** `push localhost:5000/demo:develop by alice`: the release trigger of a push deploy. */
export function pushTrigger(repository: string, tag: string, actor: string): string {
  return `push ${repository}:${tag} by ${actor}`;
}

export type PushDecision =
  | { readonly kind: 'deploy'; readonly image: string; readonly confirmCluster: boolean }
  | { readonly kind: 'pending'; readonly image: string }
  | { readonly kind: 'skip'; readonly reason: string };

/**
 * What the agent does with `digest` for a subscription: nothing when the newest release already has it (a duplicate
 * event, or a failed deploy of it — retrying a failure in a loop helps nobody) or a pending promotion waits for it;
 * a pending promotion on a production cluster in delivery mode; else a deploy. A production cluster listed in
 * `onPush.clusters` in deployment mode was confirmed by naming it there.
 */
export function decidePush(sub: Subscription, digest: string, role: ClusterRole, pendingDigests: readonly string[]): PushDecision {
  const current = appImageOf(sub.newest, sub.policy.app);
  if (digestOf(current) === digest) {
    const failed = sub.newest.outcome && !sub.newest.outcome.converged;
    return { kind: 'skip', reason: `release #${sub.newest.number} of ${sub.stack} already ${failed ? 'tried' : 'runs'} ${digest.slice(0, 19)}${failed ? ' (it failed; deploy by hand to retry)' : ''}` };
  }
  if (pendingDigests.includes(digest)) return { kind: 'skip', reason: `a pending promotion of ${digest.slice(0, 19)} for ${sub.stack} already waits for approval` };
  const image = `${sub.policy.repository}:${sub.policy.tag}@${digest}`;
  if (role === 'production' && sub.policy.mode === 'delivery') return { kind: 'pending', image };
  return { kind: 'deploy', image, confirmCluster: role === 'production' };
}
