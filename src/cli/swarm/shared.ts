/** What `slipway swarm|deploy|rollback|promote` share: cluster lookup, connecting, and following a rollout. */
import { stacks, swarm, type ClusterClient } from '../composition';
import type { StackDeployDeps } from '../../app/stack/deploy';
import { stackSourceFor, type StackSource } from '../../app/stack/source';
import type { SlipwayConfig } from '../../core/config/model';
import type { ReleaseRecord } from '../../core/stack/release';
import { SlipwayError } from '../../core/errors';
import { findCluster } from '../../core/swarm/clusters';
import type { ClusterState, ClusterTarget } from '../../core/swarm/model';
import type { StartedRollout } from '../../app/swarmOperations';
import { shortDigest } from '../../core/swarm/imageRef';
import type { RolloutProgress } from '../../core/swarm/rollout';
import { followRollout as follow } from '../../app/serviceRollout';
import type { CliContext } from '../context';

export async function clusterTargets(ctx: CliContext): Promise<ClusterTarget[]> {
  const clusters = await swarm.targets(ctx);
  if (clusters.length === 0) {
    throw new SlipwayError('config', 'No Swarm cluster is configured', { hint: 'Add clusters under `clusters:` in slipway.yml, or set SLIPWAY_CLUSTERS to a JSON list' });
  }
  return clusters;
}

export async function connectNamed(ctx: CliContext, name: string): Promise<ClusterClient> {
  const cluster = findCluster(await clusterTargets(ctx), name);
  return swarm.connect(ctx, cluster);
}

/** Reads every cluster in parallel; an unreachable one becomes an error state instead of failing the others. */
export async function readAll(ctx: CliContext, clusters: readonly ClusterTarget[]): Promise<ClusterState[]> {
  return Promise.all(clusters.map((c) => swarm.read(ctx, c)));
}

export function requireValue(value: string | undefined, option: string): string {
  if (!value) throw new SlipwayError('usage', `Missing ${option}`);
  return value;
}

export function describeVersion(v: { version: string; digest: string | undefined }): string {
  return v.digest ? `${v.version} (${shortDigest(v.digest)})` : v.version;
}

/** Follows a started rollout, printing per-task changes (human mode) until Swarm settles. */
export function followRollout(ctx: CliContext, client: ClusterClient, started: StartedRollout, timeoutSeconds: number): Promise<RolloutProgress> {
  return follow(client, started, {
    signal: ctx.signal,
    timeoutMs: timeoutSeconds * 1000,
    onMessage: (m) => !ctx.json && ctx.out(`${m}\n`),
    onTasks: (lines) => !ctx.json && ctx.out(lines.join('\n') + '\n'),
  });
}

export const ROLLOUT_OPTIONS = {
  cluster: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  detach: { type: 'boolean', short: 'd' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function timeoutOf(value: string | undefined): number {
  if (value === undefined) return 600;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new SlipwayError('usage', `--timeout needs a number of seconds (got ${value})`);
  return n;
}

/** Everything a stack command needs on one cluster: slipway.yml, the stack source and the use cases' ports. */
export interface StackContext {
  readonly config: SlipwayConfig;
  readonly source: StackSource;
  readonly deps: StackDeployDeps;
}

export async function stackContext(ctx: CliContext, clusterName: string): Promise<StackContext> {
  const config = await stacks.config(ctx);
  const cluster = findCluster(await clusterTargets(ctx), clusterName);
  const source = stackSourceFor(config, cluster);
  return { config, source, deps: await stacks.deps(ctx, cluster) };
}

/** Who and which commit a release record names (SLIPWAY_ACTOR or the OS user, git's HEAD in a repository). */
export function releaseAuthor(ctx: CliContext): Promise<{ who: string; commit?: string }> {
  return stacks.author(ctx);
}

export function releaseNumber(value: string): number {
  const n = Number(value.replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1) throw new SlipwayError('usage', `A release is a number from 1 (got ${value})`);
  return n;
}

/** Every release record on a cluster (all stacks); empty when the cluster cannot be read. */
export async function releasesOf(ctx: CliContext, cluster: ClusterTarget): Promise<ReleaseRecord[]> {
  try {
    return await stacks.allReleases(ctx, cluster);
  } catch (e) {
    if (!ctx.json) ctx.err(`warning: cannot read the release records of ${cluster.name}: ${(e as Error).message}\n`);
    return [];
  }
}
