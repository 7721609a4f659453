/**
 * The CLI's composition root: the only file of src/cli that imports src/adapters. Commands get their ports and use
 * cases from here, so they parse arguments, call src/app and print, and nothing else.
 *
 * Each adapter group is imported on first use (a dynamic import is its own chunk of the CLI bundle), so
 * `slipway flow` loads git code only, never the Docker client.
 */
import type { BuildPorts, SwarmClient } from '../app/ports';
import type { PipelineDependencies } from '../app/pipeline/run';
import type { DoctorCheck } from '../core/doctor';
import type { GitPort } from '../core/gitflow/port';
import type { RunHistoryStore } from '../core/pipeline/history';
import type { ClusterState, ClusterTarget } from '../core/swarm/model';
import type { RegistryLookup } from '../core/swarm/operations';
import type { CliContext } from './context';

export async function buildPorts(ctx: CliContext): Promise<BuildPorts> {
  return (await import('../adapters/wiring')).createBuildPorts(ctx.env);
}

export async function pipeline(ctx: CliContext): Promise<PipelineDependencies> {
  const [{ createPipelinePorts }, { pipelineDependencies }] = await Promise.all([import('../adapters/wiring'), import('../app/pipeline/run')]);
  return pipelineDependencies(createPipelinePorts(ctx.env));
}

export async function runHistory(dir: string): Promise<RunHistoryStore> {
  return (await import('../adapters/runHistory')).runHistoryFor(dir);
}

export async function doctorChecks(cwd: string): Promise<DoctorCheck[]> {
  return (await import('../adapters/doctor')).runDoctorChecks(cwd);
}

export async function gitFor(ctx: CliContext): Promise<GitPort> {
  return (await import('../adapters/git/flowPort')).gitPort(ctx.cwd, { signal: ctx.signal });
}

/** A connected cluster as the swarm commands use it. */
export type ClusterClient = SwarmClient;

export const swarm = {
  targets: async (ctx: CliContext): Promise<ClusterTarget[]> => (await import('../adapters/docker/swarmClusters')).loadClusterTargets(ctx.cwd, ctx.env),
  connect: async (ctx: CliContext, cluster: ClusterTarget): Promise<ClusterClient> => (await import('../adapters/docker/swarm')).SwarmCluster.connect(cluster, ctx.env),
  /** Reads one cluster; an unreachable one becomes an error state instead of failing the others. */
  read: async (ctx: CliContext, cluster: ClusterTarget): Promise<ClusterState> => {
    const [{ connectOrError, readClusterState }, { SwarmCluster }] = await Promise.all([import('../adapters/docker/swarmClusters'), import('../adapters/docker/swarm')]);
    const client = connectOrError(cluster, ctx.env);
    return client instanceof SwarmCluster ? readClusterState(client) : client;
  },
  registryFor: async (): Promise<RegistryLookup> => (await import('../adapters/docker/swarmClusters')).registryLookup(),
};
