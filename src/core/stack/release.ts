/**
 * Release records: one immutable record per stack deploy, kept in the cluster itself (a Swarm config object) so the
 * team, CI and every editor see the same history. A record holds every service's spec with its pinned image, the
 * networks, the version, the git commit, who, when, the trigger and the reason. Numbered from 1 per stack and
 * cluster; the newest N are kept.
 */
import { SlipwayError } from '../errors';
import type { DesiredFileObject, DesiredStack } from './convert';
import type { EngineNetworkSpec, EngineServiceSpec } from './engineSpec';
import type { OnPushPolicy } from '../agent/onPush';

export const RELEASE_STACK_LABEL = 'io.slipway.stack';
export const RELEASE_NUMBER_LABEL = 'io.slipway.release';
export const RELEASES_KEPT = 20;

export interface ReleaseService {
  /** The service's key in the stack file (`app`). */
  readonly key: string;
  readonly name: string;
  /** Pinned image, `repo:tag@sha256:…`. */
  readonly image: string;
  readonly spec: EngineServiceSpec;
}

/** An owned secret or config as a release used it: its name on the cluster and the SHA-256 of its content. */
export interface ReleaseFileObject {
  readonly key: string;
  readonly name: string;
  readonly sha256: string;
}

export interface ReleaseRecord {
  readonly format: 1;
  readonly stack: string;
  readonly cluster: string;
  readonly number: number;
  /** The version deployed (the app image's tag). */
  readonly version: string;
  readonly commit?: string;
  readonly who: string;
  /** ISO time. */
  readonly when: string;
  /** editor | cli | `pipeline <run>` | push … */
  readonly trigger: string;
  readonly reason?: string;
  /** This release went back to release N. */
  readonly rollbackOf?: number;
  readonly promotedFrom?: { readonly cluster: string; readonly release: number };
  readonly files: readonly string[];
  readonly services: readonly ReleaseService[];
  readonly networks: readonly EngineNetworkSpec[];
  /** Every secret and config the services use (owned and external): they stay on the cluster while the record is kept. */
  readonly secrets: readonly string[];
  readonly configs: readonly string[];
  /** The stack's own secrets and configs with their content hashes (records older than this field have none). */
  readonly objects?: { readonly secrets: readonly ReleaseFileObject[]; readonly configs: readonly ReleaseFileObject[] };
  /**
   * How the deploy ended: converged, or failed with Swarm's reason. `unknown`: the record is written before the deploy
   * sends anything and says so until the deploy settles it; a deploy whose process or engine was lost leaves it so.
   */
  readonly outcome?: { readonly converged: boolean; readonly message: string; readonly unknown?: boolean };
  /** The stack follows pushes (deploy.onPush): the agent on the cluster reads it from the newest release. */
  readonly onPush?: OnPushPolicy;
}

/** Swarm config names: at most 64 characters of [a-zA-Z0-9_.-]. */
export function releaseObjectName(stack: string, number: number): string {
  return `slipway-release.${stack}.${number}`;
}

export function nextReleaseNumber(existing: readonly number[]): number {
  return existing.reduce((max, n) => Math.max(max, n), 0) + 1;
}

/** Release numbers to delete so that the newest `keep` remain. */
export function releasesToPrune(existing: readonly number[], keep = RELEASES_KEPT): number[] {
  return [...existing].sort((a, b) => b - a).slice(keep);
}

export function encodeRelease(record: ReleaseRecord): string {
  return JSON.stringify(record);
}

export function decodeRelease(text: string, where: string): ReleaseRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SlipwayError('docker', `The release record ${where} is not valid JSON: ${(e as Error).message}`);
  }
  const r = value as Partial<ReleaseRecord>;
  if (r.format !== 1 || typeof r.stack !== 'string' || typeof r.number !== 'number' || !Array.isArray(r.services)) {
    throw new SlipwayError('docker', `The release record ${where} is not one Slipway can read (format ${String(r.format)})`);
  }
  return r as ReleaseRecord;
}

export function findRelease(records: readonly ReleaseRecord[], number: number, cluster: string, stack: string): ReleaseRecord {
  const hit = records.find((r) => r.number === number);
  if (hit) return hit;
  throw new SlipwayError('notFound', `Stack ${stack} on cluster "${cluster}" has no release ${number}`, {
    hint: records.length > 0 ? `Its releases: ${records.map((r) => r.number).join(', ')}` : 'Deploy the stack first; every deploy records a release',
    details: { cluster, stack, release: number },
  });
}

/**
 * The stack exactly as a release recorded it. Its secrets and configs are those objects themselves (their content
 * is not in the record): they stay on the cluster while the record is kept.
 */
export function desiredFromRelease(record: ReleaseRecord): DesiredStack {
  const owned = (list: readonly ReleaseFileObject[] | undefined): DesiredFileObject[] => (list ?? []).map((o) => ({ key: o.key, name: o.name, sha256: o.sha256, labels: {} }));
  const secrets = owned(record.objects?.secrets);
  const configs = owned(record.objects?.configs);
  return {
    stack: record.stack,
    networks: record.networks.map((spec) => ({ key: spec.Name, spec })),
    externalNetworks: [],
    secrets,
    configs,
    externalSecrets: record.secrets.filter((n) => !secrets.some((o) => o.name === n)),
    externalConfigs: record.configs.filter((n) => !configs.some((o) => o.name === n)),
    services: record.services.map((s) => ({ key: s.key, spec: s.spec })),
  };
}

/** What a release record keeps of the stack's secrets and configs: every name, and the owned ones with their hashes. */
export function releaseFileObjects(desired: DesiredStack): Pick<ReleaseRecord, 'secrets' | 'configs' | 'objects'> {
  const owned = (list: readonly DesiredFileObject[]): ReleaseFileObject[] => list.filter((o) => o.sha256 !== undefined).map((o) => ({ key: o.key, name: o.name, sha256: o.sha256! }));
  return {
    secrets: [...desired.secrets.map((s) => s.name), ...desired.externalSecrets],
    configs: [...desired.configs.map((c) => c.name), ...desired.externalConfigs],
    objects: { secrets: owned(desired.secrets), configs: owned(desired.configs) },
  };
}

/** What a release says until its deploy settles it (and forever when the deploy was lost before it could). */
export function underwayOutcome(): NonNullable<ReleaseRecord['outcome']> {
  return { converged: false, unknown: true, message: 'the deploy did not say how it ended: it is still under way, or its process or the engine was lost before it ended' };
}

/** "#3  1.1  2026-12-01 02:10  alice  pipeline 17  (rollback to #1)" */
export function describeRelease(r: ReleaseRecord): string {
  const when = r.when.replace('T', ' ').slice(0, 16);
  const extra = r.rollbackOf !== undefined ? `rollback to #${r.rollbackOf}` : r.promotedFrom ? `promoted from ${r.promotedFrom.cluster} #${r.promotedFrom.release}` : (r.reason ?? '');
  const outcome = r.outcome?.unknown ? `  OUTCOME UNKNOWN (${r.outcome.message})` : r.outcome && !r.outcome.converged ? '  FAILED' : '';
  return `#${r.number}  ${r.version}  ${when}  ${r.who}  ${r.trigger}${r.commit ? `  ${r.commit.slice(0, 8)}` : ''}${extra ? `  (${extra})` : ''}${outcome}`;
}
