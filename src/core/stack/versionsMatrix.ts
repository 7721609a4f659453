/**
 * Which version runs where: each stack's services × clusters → tag and short digest, with the cells that run
 * another digest than the newest deploy of that service marked "behind". A digest is always shown with the tag it
 * came from when one is known (from the service's image, else from a release record of that digest).
 */
import { shortDigest, versionOf } from '../swarm/imageRef';
import type { ClusterSnapshot } from '../swarm/model';
import { NAMESPACE_LABEL } from './convert';
import type { ReleaseRecord } from './release';
import { atOrAfter } from '../swarm/rollout';

export interface VersionCell {
  readonly cluster: string;
  readonly tag: string;
  readonly digest: string;
  readonly state: 'in-sync' | 'behind' | 'newest' | 'missing';
}

export interface VersionRow {
  readonly stack: string;
  /** The service's name inside the stack (`app`), the same on every cluster. */
  readonly service: string;
  readonly cells: readonly VersionCell[];
}

export interface VersionsMatrix {
  readonly clusters: readonly string[];
  readonly rows: readonly VersionRow[];
}

export function versionsMatrix(snapshots: readonly ClusterSnapshot[], releases: ReadonlyMap<string, readonly ReleaseRecord[]> = new Map()): VersionsMatrix {
  const clusters = snapshots.map((s) => s.cluster.name);
  const tagOfDigest = new Map<string, string>();
  for (const list of releases.values()) for (const r of list) for (const s of r.services) {
    const at = s.image.indexOf('@');
    if (at > 0) tagOfDigest.set(s.image.slice(at + 1), r.version);
  }
  const keys = new Map<string, { stack: string; service: string }>();
  for (const snap of snapshots) {
    for (const svc of snap.services) {
      const stack = svc.labels[NAMESPACE_LABEL];
      if (!stack || !svc.name.startsWith(`${stack}_`)) continue;
      keys.set(`${stack}/${svc.name.slice(stack.length + 1)}`, { stack, service: svc.name.slice(stack.length + 1) });
    }
  }
  const rows = [...keys.values()]
    .sort((a, b) => (a.stack === b.stack ? (a.service < b.service ? -1 : 1) : a.stack < b.stack ? -1 : 1))
    .map(({ stack, service }): VersionRow => {
      const found = snapshots.map((snap) => ({ snap, svc: snap.services.find((s) => s.name === `${stack}_${service}`) }));
      const newest = found
        .filter((f) => f.svc)
        .sort((a, b) => (atOrAfter(a.svc!.updatedAt, b.svc!.updatedAt) ? -1 : 1))[0]?.svc;
      const newestKey = newest ? (newest.digest ?? newest.imageText) : undefined;
      const cells = found.map(({ snap, svc }): VersionCell => {
        if (!svc) return { cluster: snap.cluster.name, tag: '', digest: '', state: 'missing' };
        const key = svc.digest ?? svc.imageText;
        const tag = svc.image?.tag ?? (svc.digest ? tagOfDigest.get(svc.digest) : undefined) ?? versionOf(svc.image);
        const state = svc === newest ? 'newest' : key === newestKey ? 'in-sync' : 'behind';
        return { cluster: snap.cluster.name, tag, digest: shortDigest(svc.digest), state };
      });
      return { stack, service, cells };
    });
  return { clusters, rows };
}
