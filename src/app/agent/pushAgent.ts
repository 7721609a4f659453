/**
 * The push agent's decisions: a registry push (or the slow poll of the registry's tags) → the stacks on this
 * cluster that follow that repository and tag → deploy exactly the pushed digest as a release (trigger
 * `push <repo>:<tag> by <actor>`), or record a pending promotion on a production cluster in delivery mode.
 * Work is serialised (one deploy at a time), events are de-duplicated by id and by digest, and every decision is
 * logged with its reason (`slipway agent status` shows the last ones).
 */
import { decidePush, digestOf, appImageOf, pushMatches, pushTrigger, subscriptionsFor, type Subscription } from '../../core/agent/onPush';
import { pendingId, type PendingPromotionsPort } from '../../core/agent/pending';
import { parseEnvelope, type TagPush } from '../../core/agent/registryEvents';
import { toSlipwayError } from '../../core/errors';
import type { ReleaseRecord } from '../../core/stack/release';
import type { StackClusterPort } from '../../core/stack/ports';
import { parseImageRef } from '../../core/swarm/imageRef';
import type { RegistryLookup } from '../swarmOperations';
import { applyStackDeploy } from '../stack/deploy';
import { NO_STACK_FILES, preparePushDeploy } from '../stack/push';

export interface AgentClusterPort extends StackClusterPort {
  /** Every release record on the cluster (all stacks). */
  allReleases(): Promise<ReleaseRecord[]>;
}

export interface PushAgentDeps {
  readonly stacks: AgentClusterPort;
  readonly pending: PendingPromotionsPort;
  readonly registryFor: RegistryLookup;
  /** One line per decision (the agent's stdout, which `docker service logs` and `slipway agent status` read). */
  readonly log: (line: string) => void;
  readonly now?: () => Date;
  /** How long a push deploy may take to converge (default 10 minutes). */
  readonly deployTimeoutMs?: number;
}

const SEEN_IDS_KEPT = 1000;

export class PushAgent {
  private chain: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly seen = new Set<string>();

  constructor(private readonly deps: PushAgentDeps) {}

  private get clusterName(): string {
    return this.deps.stacks.cluster.name;
  }

  /**
   * Accepts a notification envelope (throws with a plain reason when it is not one: the server answers 400) and
   * queues its pushes; returns at once, so the registry is answered while deploys run.
   */
  accept(body: unknown): { pushes: number; ignored: number } | 'stopping' {
    // A stopping agent takes no new work: the registry retries the event, and the next agent (or the poll) gets it,
    // instead of a deploy racing whoever deploys next.
    if (this.stopping) return 'stopping';
    const { pushes, ignored } = parseEnvelope(body);
    for (const i of ignored) this.deps.log(`ignored event ${i.id}: ${i.reason}`);
    for (const p of pushes) this.enqueue(() => this.handlePush(p));
    return { pushes: pushes.length, ignored: ignored.length };
  }

  /** Compares every following stack with the registry's tag and deploys what was missed (the slow poll). */
  reconcile(): Promise<void> {
    return this.enqueue(() => this.reconcileNow());
  }

  /** Refuses new events from now on (the process is about to end). */
  stop(): void {
    this.stopping = true;
  }

  /** Resolves when everything queued so far is done. */
  idle(): Promise<void> {
    return this.chain;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work).catch((e: unknown) => this.deps.log(`error: ${toSlipwayError(e).message}`));
    this.chain = next;
    return next;
  }

  private remember(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > SEEN_IDS_KEPT) this.seen.delete(this.seen.values().next().value!);
    return true;
  }

  private async subscriptions(): Promise<Subscription[]> {
    return subscriptionsFor(this.clusterName, await this.deps.stacks.allReleases());
  }

  /** The digest the registry holds for the subscription's tag now, or undefined when it cannot say. */
  private async registryDigest(sub: Subscription): Promise<string | undefined> {
    const ref = parseImageRef(`${sub.policy.repository}:${sub.policy.tag}`);
    const registry = this.deps.registryFor(ref);
    return registry ? registry.digest(ref.path, sub.policy.tag) : undefined;
  }

  private async handlePush(push: TagPush): Promise<void> {
    const what = `${push.registryHost ? `${push.registryHost}/` : ''}${push.repository}:${push.tag}@${push.digest.slice(0, 19)} by ${push.actor}`;
    if (!this.remember(push.id)) {
      this.deps.log(`ignored event ${push.id} (push ${what}): already handled (the registry sent it again)`);
      return;
    }
    const subs = (await this.subscriptions()).filter((s) => pushMatches(push, s.policy));
    if (subs.length === 0) {
      this.deps.log(`ignored push ${what}: no stack on ${this.clusterName} follows ${push.repository}:${push.tag}`);
      return;
    }
    for (const sub of subs) {
      let now: string | undefined;
      try {
        now = await this.registryDigest(sub);
      } catch (e) {
        this.deps.log(`warning: cannot check ${sub.policy.repository}:${sub.policy.tag} in the registry (${toSlipwayError(e).message}); going by the event`);
      }
      if (now && now !== push.digest) {
        this.deps.log(`ignored push ${what} for ${sub.stack}: the tag has moved on to ${now.slice(0, 19)} since (a late or replayed event)`);
        continue;
      }
      await this.act(sub, push.digest, pushTrigger(sub.policy.repository, push.tag, push.actor), push.actor, what);
    }
  }

  private async reconcileNow(): Promise<void> {
    for (const sub of await this.subscriptions()) {
      let digest: string | undefined;
      try {
        digest = await this.registryDigest(sub);
      } catch (e) {
        this.deps.log(`poll: cannot read ${sub.policy.repository}:${sub.policy.tag} (${toSlipwayError(e).message})`);
        continue;
      }
      if (!digest || digestOf(appImageOf(sub.newest, sub.policy.app)) === digest) continue;
      const what = `${sub.policy.repository}:${sub.policy.tag}@${digest.slice(0, 19)}`;
      this.deps.log(`poll: ${what} differs from release #${sub.newest.number} of ${sub.stack} (a push the agent missed)`);
      await this.act(sub, digest, pushTrigger(sub.policy.repository, sub.policy.tag, 'poll'), 'poll', what);
    }
  }

  private async act(sub: Subscription, digest: string, trigger: string, actor: string, what: string): Promise<void> {
    const pending = (await this.deps.pending.list(sub.stack)).map((p) => p.digest);
    const decision = decidePush(sub, digest, this.deps.stacks.cluster.role, pending);
    if (decision.kind === 'skip') {
      this.deps.log(`ignored ${what}: ${decision.reason}`);
      return;
    }
    const when = (this.deps.now?.() ?? new Date()).toISOString();
    if (decision.kind === 'pending') {
      const written = await this.deps.pending.write({ format: 1, id: pendingId(digest), stack: sub.stack, cluster: this.clusterName, image: decision.image, tag: sub.policy.tag, digest, actor, when, trigger });
      this.deps.log(written ? `pending: ${sub.stack} on production cluster ${this.clusterName} (delivery mode) waits for a person to approve ${decision.image}` : `ignored ${what}: already pending for ${sub.stack}`);
      return;
    }
    this.deps.log(`deploying ${decision.image} to ${sub.stack} on ${this.clusterName} (${trigger})`);
    const prepared = await preparePushDeploy(this.deps.stacks, { ...sub }, decision.image);
    const result = await applyStackDeploy({ cluster: this.deps.stacks, files: NO_STACK_FILES }, prepared, {
      trigger,
      who: actor,
      reason: `registry push of ${digest.slice(0, 19)}`,
      ...(decision.confirmCluster ? { confirmation: { cluster: this.clusterName } } : {}),
      timeoutMs: this.deps.deployTimeoutMs ?? 10 * 60_000,
      onEvent: (e) => {
        if (e.kind === 'serviceDone') this.deps.log(`  ${e.service}: ${e.outcome} (${e.message})`);
      },
    });
    this.deps.log(`${result.outcome === 'failed' ? 'failed' : result.outcome}: ${result.message}`);
  }
}
