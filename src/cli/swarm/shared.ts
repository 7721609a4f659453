/** What `slipway swarm|deploy|rollback|promote` share: cluster lookup, connecting, and following a rollout. */
import { userInfo } from 'node:os';
import { SwarmCluster } from '../../adapters/docker/swarm';
import { SwarmStacks } from '../../adapters/docker/stacks';
import { loadSlipwayConfig } from '../../adapters/config';
import { workspaceStackFiles } from '../../adapters/fs/stackFiles';
import { gitClient } from '../../adapters/git';
import type { StackDeployDeps } from '../../app/stack/deploy';
import { stackSourceFor, type StackSource } from '../../app/stack/source';
import type { SlipwayConfig } from '../../core/config/model';
import type { ReleaseRecord } from '../../core/stack/release';
import { connectOrError, loadClusterTargets, readClusterState, registryLookup } from '../../adapters/docker/swarmClusters';
import { SlipwayError } from '../../core/errors';
import { findCluster } from '../../core/swarm/clusters';
import type { ClusterState, ClusterTarget } from '../../core/swarm/model';
import { watchRollout, type StartedRollout } from '../../core/swarm/operations';
import { shortDigest } from '../../core/swarm/imageRef';
import { taskChanges, type RolloutProgress, type RolloutTask } from '../../core/swarm/rollout';
import type { CliContext } from '../context';

export async function clusterTargets(ctx: CliContext): Promise<ClusterTarget[]> {
  const clusters = await loadClusterTargets(ctx.cwd, ctx.env);
  if (clusters.length === 0) {
    throw new SlipwayError('config', 'No Swarm cluster is configured', { hint: 'Add clusters under `clusters:` in slipway.yml, or set SLIPWAY_CLUSTERS to a JSON list' });
  }
  return clusters;
}

export async function connectNamed(ctx: CliContext, name: string): Promise<SwarmCluster> {
  const cluster = findCluster(await clusterTargets(ctx), name);
  return SwarmCluster.connect(cluster, ctx.env);
}

/** Reads every cluster in parallel; an unreachable one becomes an error state instead of failing the others. */
export async function readAll(ctx: CliContext, clusters: readonly ClusterTarget[]): Promise<ClusterState[]> {
  return Promise.all(
    clusters.map(async (c) => {
      const client = connectOrError(c, ctx.env);
      return client instanceof SwarmCluster ? readClusterState(client) : client;
    }),
  );
}

export function requireValue(value: string | undefined, option: string): string {
  if (!value) throw new SlipwayError('usage', `Missing ${option}`);
  return value;
}

export function describeVersion(v: { version: string; digest: string | undefined }): string {
  return v.digest ? `${v.version} (${shortDigest(v.digest)})` : v.version;
}

/** Follows a started rollout, printing per-task changes (human mode) until Swarm settles. */
export async function followRollout(ctx: CliContext, client: SwarmCluster, started: StartedRollout, timeoutSeconds: number): Promise<RolloutProgress> {
  let previous: readonly RolloutTask[] = [];
  let lastMessage = '';
  const { progress } = await watchRollout(client, started.plan.service, started.targetImage, started.since, {
    signal: ctx.signal,
    pollMs: 500,
    timeoutMs: timeoutSeconds * 1000,
    onProgress: (p) => {
      if (ctx.json) return;
      const lines = taskChanges(previous, p.tasks);
      previous = p.tasks;
      if (p.outcome === 'inProgress' && p.message !== lastMessage) {
        ctx.out(`${p.message}\n`);
        lastMessage = p.message;
      }
      if (lines.length > 0) ctx.out(lines.join('\n') + '\n');
    },
  });
  return progress;
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
  const config = await loadSlipwayConfig(ctx.cwd);
  const cluster = findCluster(await clusterTargets(ctx), clusterName);
  const source = stackSourceFor(config, cluster);
  const deps: StackDeployDeps = { cluster: new SwarmStacks(SwarmCluster.connect(cluster, ctx.env)), files: workspaceStackFiles(ctx.cwd), registryFor: registryLookup(), env: ctx.env };
  return { config, source, deps };
}

/** Who and which commit a release record names (the OS user, git's HEAD when the workspace is a repository). */
export async function releaseAuthor(ctx: CliContext): Promise<{ who: string; commit?: string }> {
  const who = ctx.env.SLIPWAY_ACTOR ?? ctx.env.USER ?? ctx.env.LOGNAME ?? userInfo().username;
  const commit = (await gitClient.read(['rev-parse', '--verify', '-q', 'HEAD'], { cwd: ctx.cwd, timeoutMs: 10_000 }))?.trim();
  return { who, ...(commit ? { commit } : {}) };
}

export function releaseNumber(value: string): number {
  const n = Number(value.replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1) throw new SlipwayError('usage', `A release is a number from 1 (got ${value})`);
  return n;
}

/** Every release record on a cluster (all stacks); empty when the cluster cannot be read. */
export async function releasesOf(ctx: CliContext, cluster: ClusterTarget): Promise<ReleaseRecord[]> {
  try {
    return await new SwarmStacks(SwarmCluster.connect(cluster, ctx.env)).allReleases();
  } catch {
    return [];
  }
}
