/**
 * Deploy, promote and rollback as steps over small ports (a cluster, a registry), so the CLI and the editor run the
 * same sequence and tests can drive it with fakes: resolve → plan → guard → update → watch the rollout.
 */
import { delay } from '../core/run/cancellation';
import { SlipwayError } from '../core/errors';
import { tryParseImageRef, withDigest, type ImageRef } from '../core/swarm/imageRef';
import type { ClusterTarget, SwarmService, SwarmTask } from '../core/swarm/model';
import { assertConfirmed, planDeploy, planPromote, targetImageFor, type Confirmation, type DeployPlan, type PromotePlan } from '../core/swarm/plans';
import { rolloutProgress, unplaceableTask, type RolloutProgress } from '../core/swarm/rollout';

export interface ClusterPort {
  readonly cluster: ClusterTarget;
  serviceState(name: string): Promise<{ service: SwarmService; tasks: SwarmTask[] }>;
  updateImage(name: string, image: string, options?: { force?: boolean }): Promise<{ before: SwarmService; warnings: readonly string[] }>;
  rollback(name: string): Promise<{ before: SwarmService; image: string; warnings: readonly string[] }>;
  localImageDigest(image: string, repository: string): Promise<string | undefined>;
}

export interface RegistryPort {
  digest(path: string, tag: string): Promise<string>;
}

/** The registry that holds an image, or undefined for engine-local images (no registry host in the reference). */
export type RegistryLookup = (ref: ImageRef) => RegistryPort | undefined;

/**
 * Pins a tag to the digest the registry holds for it (what `docker service update` does by default). A tag the
 * registry does not have is refused here, before anything changes on the cluster.
 */
export async function pinDigest(ref: ImageRef, registryFor: RegistryLookup): Promise<ImageRef> {
  if (ref.digest || !ref.tag) return ref;
  const registry = registryFor(ref);
  if (!registry) return ref;
  return withDigest(ref, await registry.digest(ref.path, ref.tag));
}

export async function prepareDeploy(port: ClusterPort, serviceName: string, version: string, registryFor: RegistryLookup): Promise<DeployPlan> {
  const { service } = await port.serviceState(serviceName);
  const target = await pinDigest(targetImageFor(service, version), registryFor);
  return planDeploy(port.cluster, service, target);
}

export async function preparePromote(source: ClusterPort, target: ClusterPort, serviceName: string): Promise<PromotePlan> {
  const [{ service: from }, { service: to }] = await Promise.all([source.serviceState(serviceName), target.serviceState(serviceName)]);
  const running = from.digest || !from.image ? undefined : await source.localImageDigest(from.imageText, from.image.repository);
  return planPromote(source.cluster, from, running, target.cluster, to);
}

export interface StartedRollout {
  readonly plan: DeployPlan;
  /** The service's UpdatedAt before the change: rollouts that started earlier are someone else's. */
  readonly since: string;
  readonly targetImage: string;
  readonly warnings: readonly string[];
  /** Nothing was sent: the service already runs this image. */
  readonly unchanged: boolean;
}

/** Applies a plan after the production guard. */
export async function startDeploy(port: ClusterPort, plan: DeployPlan, options: { confirmation?: Confirmation; force?: boolean; confirmHint?: string } = {}): Promise<StartedRollout> {
  assertConfirmed(plan, options.confirmation, options.confirmHint);
  if (plan.unchanged && !options.force) return { plan, since: '', targetImage: plan.to.image, warnings: [], unchanged: true };
  const { before, warnings } = await port.updateImage(plan.service, plan.to.image, { force: options.force });
  return { plan, since: before.updatedAt, targetImage: plan.to.image, warnings, unchanged: false };
}

export interface WatchOptions {
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
  readonly timeoutMs?: number;
  readonly onProgress?: (progress: RolloutProgress, service: SwarmService) => void;
  /** How long a task may stay unplaceable before the rollout counts as stuck (default 20 s). */
  readonly stuckAfterMs?: number;
}

/** Polls one service (two API calls per look) until Swarm completes, pauses or rolls back the rollout. */
export async function watchRollout(port: ClusterPort, serviceName: string, targetImage: string, since: string, options: WatchOptions = {}): Promise<{ progress: RolloutProgress; service: SwarmService }> {
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  let stuckSince: number | undefined;
  for (;;) {
    const { service, tasks } = await port.serviceState(serviceName);
    let progress = rolloutProgress(service, tasks, targetImage, since, port.cluster.name);
    // Swarm waits for ever for a node that may come back; a deploy must not: after a while it is stuck, and says where
    const unplaceable = progress.outcome === 'inProgress' ? unplaceableTask(tasks, since) : undefined;
    stuckSince = unplaceable ? (stuckSince ?? Date.now()) : undefined;
    if (unplaceable && stuckSince !== undefined && Date.now() - stuckSince >= (options.stuckAfterMs ?? 20_000)) {
      progress = {
        ...progress,
        outcome: 'stuck',
        message: `The rollout of ${serviceName} on ${port.cluster.name} is stuck: ${unplaceable}. Tasks on the new version: ${progress.updated}/${progress.total}; Swarm keeps the update open and resumes it if the node returns`,
        remedies: [{ action: 'showTasks', cluster: port.cluster.name, service: serviceName }],
      };
    }
    options.onProgress?.(progress, service);
    if (progress.outcome !== 'inProgress') return { progress, service };
    if (Date.now() > deadline) {
      throw new SlipwayError('timeout', `The rollout of ${serviceName} on ${port.cluster.name} did not finish in time (${progress.message})`, {
        hint: 'Swarm keeps going on its own',
        remedies: [{ action: 'showTasks', cluster: port.cluster.name, service: serviceName }],
      });
    }
    await delay(options.pollMs ?? 500, options.signal);
  }
}

/**
 * Rollback to the previous spec, paced by the service's rollback config. Not guarded like a deploy: it returns to
 * what ran before and is the way out of a bad release (the CLI surface has no --yes for it).
 */
export async function startRollback(port: ClusterPort, serviceName: string): Promise<StartedRollout> {
  const { service } = await port.serviceState(serviceName);
  if (!service.canRollBack) {
    throw new SlipwayError('docker', `Service "${serviceName}" on cluster "${port.cluster.name}" has no previous version to roll back to`, { hint: 'Rollback returns to the spec before the last update; deploy a version first' });
  }
  const { before, image, warnings } = await port.rollback(serviceName);
  const base = planDeploy(port.cluster, service, service.image ?? { registry: undefined, path: '', repository: '', tag: undefined, digest: undefined });
  const to = { image, version: service.previousVersion ?? '', digest: tryParseImageRef(image)?.digest };
  const plan: DeployPlan = { ...base, to, unchanged: false, summary: `${port.cluster.name}: ${service.name} ${service.version} → ${to.version} (rollback)` };
  return { plan, since: before.updatedAt, targetImage: image, warnings, unchanged: false };
}
