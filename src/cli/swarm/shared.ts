/** What `slipway swarm|deploy|rollback|promote` share: cluster lookup, connecting, and following a rollout. */
import { SwarmCluster } from '../../adapters/docker/swarm';
import { connectOrError, loadClusterTargets, readClusterState } from '../../adapters/docker/swarmClusters';
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
