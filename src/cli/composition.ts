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
import type { RegistryLookup } from '../app/swarmOperations';
import type { StackDeployDeps } from '../app/stack/deploy';
import type { SlipwayConfig } from '../core/config/model';
import type { ReleaseRecord } from '../core/stack/release';
import type { CliContext } from './context';
import type { AgentHostPort } from '../app/agent/install';
import type { PendingDeps } from '../app/agent/pending';
import type { AgentSettings } from '../core/agent/agentService';

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

/** Stack deploys: slipway.yml, the use cases' ports on a cluster, and who/which commit a release names. */
export const stacks = {
  config: async (ctx: CliContext): Promise<SlipwayConfig> => (await import('../adapters/config')).loadSlipwayConfig(ctx.cwd),
  deps: async (ctx: CliContext, cluster: ClusterTarget): Promise<StackDeployDeps> => {
    const [{ SwarmStacks }, { SwarmCluster }, { workspaceStackFiles }, { registryLookup }] = await Promise.all([
      import('../adapters/docker/stacks'),
      import('../adapters/docker/swarm'),
      import('../adapters/fs/stackFiles'),
      import('../adapters/docker/swarmClusters'),
    ]);
    return { cluster: new SwarmStacks(SwarmCluster.connect(cluster, ctx.env)), files: workspaceStackFiles(ctx.cwd), registryFor: registryLookup(), env: ctx.env };
  },
  allReleases: async (ctx: CliContext, cluster: ClusterTarget): Promise<ReleaseRecord[]> => {
    const [{ SwarmStacks }, { SwarmCluster }] = await Promise.all([import('../adapters/docker/stacks'), import('../adapters/docker/swarm')]);
    return new SwarmStacks(SwarmCluster.connect(cluster, ctx.env)).allReleases();
  },
  author: async (ctx: CliContext): Promise<{ who: string; commit?: string }> => {
    const [{ userInfo }, { gitClient }] = await Promise.all([import('node:os'), import('../adapters/git')]);
    const who = ctx.env.SLIPWAY_ACTOR ?? ctx.env.USER ?? ctx.env.LOGNAME ?? userInfo().username;
    const commit = (await gitClient.read(['rev-parse', '--verify', '-q', 'HEAD'], { cwd: ctx.cwd, timeoutMs: 10_000 }))?.trim();
    return { who, ...(commit ? { commit } : {}) };
  },
};

/** The push agent: its service on a cluster (install/status/remove), its pending promotions, and its process. */
export const agent = {
  host: async (ctx: CliContext, cluster: ClusterTarget): Promise<AgentHostPort> => {
    const [{ DockerAgentHost, cliBundleDir }, { SwarmCluster }, { slipwayVersion }] = await Promise.all([import('../adapters/docker/agentHost'), import('../adapters/docker/swarm'), import('./version')]);
    return new DockerAgentHost(SwarmCluster.connect(cluster, ctx.env), cliBundleDir(ctx.env), slipwayVersion());
  },
  pending: async (ctx: CliContext, cluster: ClusterTarget): Promise<PendingDeps> => {
    const [{ SwarmStacks }, { SwarmCluster }, { SwarmPendingPromotions }] = await Promise.all([import('../adapters/docker/stacks'), import('../adapters/docker/swarm'), import('../adapters/docker/pendingPromotions')]);
    const client = SwarmCluster.connect(cluster, ctx.env);
    return { stacks: new SwarmStacks(client), pending: new SwarmPendingPromotions(client) };
  },
  /** Random bearer token (hex), or the content of a file (the rig's token). */
  token: async (file?: string): Promise<string> => {
    if (file) return (await import('node:fs/promises')).readFile(file, 'utf8').then((t) => t.trim());
    return (await import('node:crypto')).randomBytes(32).toString('hex');
  },
  /** Runs the agent process in the foreground (the agent image's entrypoint): returns when `ctx.signal` aborts. */
  run: async (ctx: CliContext, settings: AgentSettings, tokenFile: string): Promise<void> => {
    const [{ SwarmStacks }, { SwarmCluster }, { SwarmPendingPromotions }, { registryLookup }, { startWebhookServer }, { serveAgent }, { readFile }] = await Promise.all([
      import('../adapters/docker/stacks'),
      import('../adapters/docker/swarm'),
      import('../adapters/docker/pendingPromotions'),
      import('../adapters/docker/swarmClusters'),
      import('../adapters/agent/webhookServer'),
      import('../app/agent/serve'),
      import('node:fs/promises'),
    ]);
    const token = (await readFile(tokenFile, 'utf8')).trim();
    const client = SwarmCluster.connect({ name: settings.cluster, role: settings.role, host: ctx.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock', source: 'env' }, ctx.env);
    const log = (line: string) => ctx.out(`${new Date().toISOString()} ${line}\n`);
    await serveAgent(
      {
        stacks: new SwarmStacks(client),
        pending: new SwarmPendingPromotions(client),
        registryFor: registryLookup(),
        log,
        settings,
        startServer: async (handler) => {
          const server = await startWebhookServer({ port: settings.port, token, handler, log });
          return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
        },
      },
      ctx.signal,
    );
  },
};
