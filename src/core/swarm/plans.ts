/**
 * What a deploy or a promotion will do, decided before anything is touched, and the production guard: any deploy
 * to a cluster whose role is `production` needs a confirmation that names that cluster.
 */
import { SlipwayError } from '../errors';
import { formatImageRef, parseImageRef, shortDigest, versionOf, type ImageRef } from './imageRef';
import type { ClusterTarget, SwarmService } from './model';

export interface DeployPlan {
  readonly cluster: ClusterTarget;
  readonly service: string;
  readonly from: { readonly image: string; readonly version: string; readonly digest: string | undefined };
  readonly to: { readonly image: string; readonly version: string; readonly digest: string | undefined };
  /** Same image already in the spec: nothing to roll out unless forced. */
  readonly unchanged: boolean;
  readonly requiresConfirmation: boolean;
  /** For the modal / the CLI refusal: "production: demo 1.0 (0123…) → 1.1 (4567…)". */
  readonly summary: string;
}

/** The answer to the guard: the user confirmed a deploy to this cluster by name (`--yes --cluster production`, a modal button). */
export interface Confirmation {
  readonly cluster: string;
}

function side(image: ImageRef | undefined, text: string): DeployPlan['from'] {
  return { image: text, version: versionOf(image), digest: image?.digest };
}

function describeSide(s: DeployPlan['from']): string {
  return s.digest ? `${s.version} (${shortDigest(s.digest)})` : s.version;
}

/**
 * The image a version string means for a service: a full reference is taken as is; a bare version (`1.1`) keeps
 * the service's repository and swaps the tag (dropping the old pin; the adapter pins the new digest).
 */
export function targetImageFor(service: Pick<SwarmService, 'image' | 'name'>, version: string): ImageRef {
  const v = version.trim();
  if (v.length === 0) throw new SlipwayError('usage', 'The version to deploy is empty');
  if (v.includes('/') || v.includes('@') || v.includes(':')) {
    try {
      return parseImageRef(v);
    } catch (e) {
      throw new SlipwayError('usage', `"${v}" is not a valid image reference: ${(e as Error).message}`);
    }
  }
  if (!service.image) throw new SlipwayError('docker', `Service ${service.name} has no image to take the repository from`, { hint: 'Deploy a full image reference instead (registry/repo:tag)' });
  if (!/^[\w][\w.-]{0,127}$/.test(v)) throw new SlipwayError('usage', `"${v}" is not a valid image tag`);
  return { ...service.image, tag: v, digest: undefined };
}

export function planDeploy(cluster: ClusterTarget, service: SwarmService, target: ImageRef): DeployPlan {
  const toText = formatImageRef(target);
  const from = side(service.image, service.imageText);
  const to = side(target, toText);
  const unchanged = service.imageText === toText || (target.digest !== undefined && target.digest === service.digest && target.tag === service.image?.tag);
  return {
    cluster,
    service: service.name,
    from,
    to,
    unchanged,
    requiresConfirmation: cluster.role === 'production',
    summary: `${cluster.name}: ${service.name} ${describeSide(from)} → ${describeSide(to)}`,
  };
}

/** Throws `confirmationRequired` unless a production deploy was confirmed by naming its cluster. */
export function assertConfirmed(plan: DeployPlan, confirmation: Confirmation | undefined, how = `Confirm the deploy by naming the cluster ${plan.cluster.name}`): void {
  if (!plan.requiresConfirmation) return;
  if (confirmation?.cluster === plan.cluster.name) return;
  throw new SlipwayError('confirmationRequired', `Refusing to deploy to production cluster "${plan.cluster.name}" without confirmation (${plan.summary})`, {
    hint: how,
    details: { cluster: plan.cluster.name, service: plan.service, from: plan.from, to: plan.to },
  });
}

export interface PromotePlan extends DeployPlan {
  readonly source: ClusterTarget;
}

/**
 * Promotion deploys exactly what runs on the source: its repository and tag pinned to the digest running there.
 * `runningDigest` comes from the service spec, else from the source engine's image (the adapter looks it up).
 */
export function planPromote(source: ClusterTarget, sourceService: SwarmService, runningDigest: string | undefined, target: ClusterTarget, targetService: SwarmService): PromotePlan {
  if (source.name === target.name) throw new SlipwayError('usage', 'Promote needs two different clusters (--from and --to)');
  if (!sourceService.image) throw new SlipwayError('docker', `Service ${sourceService.name} on ${source.name} has no image`);
  const digest = sourceService.digest ?? runningDigest;
  if (!digest) {
    throw new SlipwayError('notFound', `Cannot tell which image digest ${sourceService.name} runs on ${source.name} (${sourceService.imageText} is not pinned and no digest is known for it)`, {
      hint: `Deploy a version of it on ${source.name} first (a deploy pins the digest), then promote`,
      remedies: [{ action: 'deploy', cluster: source.name, service: sourceService.name }],
    });
  }
  const image: ImageRef = { ...sourceService.image, digest };
  return { ...planDeploy(target, targetService, image), source };
}
