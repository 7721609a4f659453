/**
 * Version and digest comparison across clusters: a service (same name) that runs a different version — or the
 * same tag built differently (another digest) — on another cluster is marked, with the other cluster's version.
 */
import { shortDigest } from './imageRef';
import type { ClusterSnapshot, SwarmService } from './model';

export interface OtherClusterVersion {
  readonly cluster: string;
  readonly version: string;
  readonly digest: string | undefined;
  /** Why it counts as different: the tag differs, or the tags match but the digests do not. */
  readonly reason: 'version' | 'digest';
}

/** True when two deployments of a service run different images, judged as precisely as the data allows. */
export function runsDifferentImage(a: Pick<SwarmService, 'version' | 'digest' | 'image'>, b: Pick<SwarmService, 'version' | 'digest' | 'image'>): 'version' | 'digest' | undefined {
  if (a.digest && b.digest) {
    if (a.digest === b.digest) return undefined;
    return a.version === b.version ? 'digest' : 'version';
  }
  return a.version === b.version && a.image?.path === b.image?.path ? undefined : 'version';
}

/** cluster name → service name → the other clusters where that service differs. Services on one cluster only are not marked. */
export type VersionDifferences = ReadonlyMap<string, ReadonlyMap<string, readonly OtherClusterVersion[]>>;

export function compareVersions(snapshots: readonly ClusterSnapshot[]): VersionDifferences {
  const result = new Map<string, Map<string, OtherClusterVersion[]>>();
  for (const mine of snapshots) {
    const perService = new Map<string, OtherClusterVersion[]>();
    for (const service of mine.services) {
      const others: OtherClusterVersion[] = [];
      for (const theirs of snapshots) {
        if (theirs === mine) continue;
        const other = theirs.services.find((s) => s.name === service.name);
        if (!other) continue;
        const reason = runsDifferentImage(service, other);
        if (reason) others.push({ cluster: theirs.cluster.name, version: other.version, digest: other.digest, reason });
      }
      if (others.length > 0) perService.set(service.name, others);
    }
    result.set(mine.cluster.name, perService);
  }
  return result;
}

/** "production runs 1.0 (sha 0123456789ab)" lines for a tooltip. */
export function describeDifferences(others: readonly OtherClusterVersion[]): string {
  return others
    .map((o) => `${o.cluster} runs ${o.version}${o.digest ? ` (${shortDigest(o.digest)})` : ''}${o.reason === 'digest' ? ' — same tag, different image' : ''}`)
    .join('\n');
}
