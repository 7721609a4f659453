/** Release history of a stack, whole-stack rollback to any recorded release, and promotion between clusters. */
import { SlipwayError } from '../../core/errors';
import { convertStack } from '../../core/stack/convert';
import { loadStack } from '../../core/stack/load';
import { planStack } from '../../core/stack/plan';
import { desiredFromRelease, findRelease, type ReleaseRecord } from '../../core/stack/release';
import { formatImageRef, parseImageRef } from '../../core/swarm/imageRef';
import { pinImages, withContentHashes, type PreparedStackDeploy, type StackDeployDeps } from './deploy';
import type { StackClusterPort } from '../../core/stack/ports';
import type { StackSource } from './source';

export async function listReleases(cluster: StackClusterPort, stack: string): Promise<ReleaseRecord[]> {
  return cluster.releases(stack);
}

/** The release a rollback goes to by default: the newest converged one before the current (newest) release. */
export function previousRelease(records: readonly ReleaseRecord[]): ReleaseRecord | undefined {
  const sorted = [...records].sort((a, b) => a.number - b.number);
  const current = sorted[sorted.length - 1];
  return sorted.filter((r) => r !== current && r.outcome?.converged !== false && r.services.length > 0).pop();
}

/** Plans putting the whole stack back to release `to` (default: the previous converged one). */
export async function prepareStackRollback(cluster: StackClusterPort, source: StackSource, to?: number): Promise<PreparedStackDeploy> {
  const records = await cluster.releases(source.stack);
  const target = to !== undefined ? findRelease(records, to, cluster.cluster.name, source.stack) : previousRelease(records);
  if (!target) {
    throw new SlipwayError('notFound', `Stack ${source.stack} on cluster "${cluster.cluster.name}" has no earlier release to roll back to`, {
      hint: records.length > 0 ? `Its releases: ${records.map((r) => `#${r.number} ${r.version}`).join(', ')}` : 'Deploy the stack first; every deploy records a release',
      details: { cluster: cluster.cluster.name, stack: source.stack },
    });
  }
  const plan = planStack(cluster.cluster, desiredFromRelease(target), await cluster.running(source.stack));
  return { plan, version: target.version, source: { ...source, files: target.files }, warnings: [], origin: { rollbackOf: target.number } };
}

/**
 * Plans promoting a release of `from` to the target cluster: the same image digests, with the target's own stack
 * files (its replicas, constraints, …). Services the source release does not have are pinned from the registry.
 */
export async function prepareStackPromote(from: StackClusterPort, target: StackDeployDeps, source: StackSource, release?: number): Promise<PreparedStackDeploy> {
  if (from.cluster.name === target.cluster.cluster.name) throw new SlipwayError('usage', 'Promote needs two different clusters (--from and --to)');
  const records = await from.releases(source.stack);
  const chosen = release !== undefined ? findRelease(records, release, from.cluster.name, source.stack) : [...records].reverse().find((r) => r.outcome?.converged !== false);
  if (!chosen) {
    throw new SlipwayError('notFound', `Stack ${source.stack} has no release on cluster "${from.cluster.name}" to promote`, { hint: `Deploy it on ${from.cluster.name} first` });
  }
  const app = source.app ? chosen.services.find((s) => s.key === source.app) : undefined;
  const appRef = app ? parseImageRef(app.image) : undefined;
  const unpinned = appRef ? formatImageRef({ repository: appRef.repository, tag: appRef.tag, digest: undefined }) : undefined;
  const texts = await target.files.read(source.files);
  const loaded = loadStack(texts, { ...target.env, ...(unpinned ? { SLIPWAY_IMAGE: unpinned } : {}), SLIPWAY_VERSION: chosen.version });
  const converted = convertStack(source.stack, loaded);
  const fromRelease = new Map(chosen.services.map((s) => [s.key, s.image] as const));
  const sameDigests = {
    ...converted,
    services: converted.services.map((s) => {
      const image = fromRelease.get(s.key);
      return image ? { ...s, spec: { ...s.spec, TaskTemplate: { ...s.spec.TaskTemplate, ContainerSpec: { ...s.spec.TaskTemplate.ContainerSpec, Image: image } } } } : s;
    }),
  };
  const desired = await withContentHashes(await pinImages(sameDigests, target.registryFor), target.files);
  const plan = planStack(target.cluster.cluster, desired, await target.cluster.running(source.stack));
  return { plan, version: chosen.version, source, warnings: loaded.warnings, origin: { promotedFrom: { cluster: from.cluster.name, release: chosen.number } } };
}
