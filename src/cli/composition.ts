/**
 * The CLI's composition root: the only file of src/cli that imports src/adapters. Commands get their ports and use
 * cases from here, so they parse arguments, call src/app and print, and nothing else.
 */
import { createBuildPorts, createPipelinePorts } from '../adapters/wiring';
import { runDoctorChecks } from '../adapters/doctor';
import { gitPort } from '../adapters/git';
import { runHistoryFor } from '../adapters/runHistory';
import { SwarmCluster } from '../adapters/docker/swarm';
import { connectOrError, loadClusterTargets, readClusterState, registryLookup } from '../adapters/docker/swarmClusters';
import type { BuildPorts } from '../app/ports';
import { pipelineDependencies, type PipelineDependencies } from '../app/pipeline/run';
import type { GitPort } from '../core/gitflow/port';
import type { ClusterState, ClusterTarget } from '../core/swarm/model';
import type { RegistryLookup } from '../core/swarm/operations';
import type { RunHistoryStore } from '../core/pipeline/history';
import type { DoctorCheck } from '../core/doctor';
import type { CliContext } from './context';

export const buildPorts = (ctx: CliContext): BuildPorts => createBuildPorts(ctx.env);
export const pipeline = (ctx: CliContext): PipelineDependencies => pipelineDependencies(createPipelinePorts(ctx.env));
export const runHistory = (dir: string): Promise<RunHistoryStore> => runHistoryFor(dir);
export const doctorChecks = (cwd: string): Promise<DoctorCheck[]> => runDoctorChecks(cwd);
export const gitFor = (ctx: CliContext): GitPort => gitPort(ctx.cwd, { signal: ctx.signal });

/** A connected cluster as the swarm commands use it: the rollout port plus the snapshot reader. */
export type ClusterClient = SwarmCluster;

export const swarm = {
  targets: (ctx: CliContext): Promise<ClusterTarget[]> => loadClusterTargets(ctx.cwd, ctx.env),
  connect: (ctx: CliContext, cluster: ClusterTarget): ClusterClient => SwarmCluster.connect(cluster, ctx.env),
  /** Reads one cluster; an unreachable one becomes an error state instead of failing the others. */
  read: async (ctx: CliContext, cluster: ClusterTarget): Promise<ClusterState> => {
    const client = connectOrError(cluster, ctx.env);
    return client instanceof SwarmCluster ? readClusterState(client) : client;
  },
  registryFor: (): RegistryLookup => registryLookup(),
};
