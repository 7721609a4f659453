/**
 * The real ports of the use cases, built from the adapters: the one place both composition roots (src/extension.ts
 * and src/cli/composition.ts) get them from, so the editor and the CLI run on the same wiring.
 */
import { SwarmStacks } from './docker/stacks';
import { workspaceStackFiles } from './fs/stackFiles';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { BuildEngineTarget, BuildPorts, PipelinePorts } from '../app/ports';
import type { GitVersionPort } from '../core/build/ports';
import { ComposeEnvironments } from './compose/environment';
import { loadSlipwayConfig } from './config';
import { DockerBuilder } from './docker/containers';
import { defaultEndpoint, dockerClient, engineError } from './docker/endpoint';
import { buildEngineEndpoint, seesLocalFiles } from './docker/buildEngine';
import { DockerImageBuilder } from './docker/images';
import { reapOrphans } from './docker/janitor';
import { pushImage } from './docker/push';
import { SwarmCluster, clusterEndpoint } from './docker/swarm';
import { engineEnv } from './docker/engineEnv';
import { registryLookup } from './docker/swarmClusters';
import { freePortAllocator } from './net/freePorts';
import { describeWorkspace } from './git/workspace';
import { tagsOnHead } from './git/queries';
import { runHistoryFor } from './runHistory';

export const gitVersionSource: GitVersionPort = { tagsOnHead };

export function createBuildPorts(env: NodeJS.ProcessEnv = process.env, target?: BuildEngineTarget): BuildPorts {
  const { endpoint, cliEnv } = target ? buildEngineEndpoint(target, env) : { endpoint: defaultEndpoint(env), cliEnv: env };
  const docker = dockerClient(endpoint);
  const engines = new Map<string, BuildPorts>();
  return {
    endpoint,
    // A named engine is never trusted to share this machine's disk, whatever its address looks like.
    seesWorkspace: !target && seesLocalFiles(endpoint.host),
    onEngine: (other) => {
      const key = JSON.stringify(other);
      let ports = engines.get(key);
      if (!ports) engines.set(key, (ports = createBuildPorts(env, other)));
      return ports;
    },
    builder: new DockerBuilder(docker, endpoint),
    images: new DockerImageBuilder(docker, endpoint),
    git: gitVersionSource,
    compose: new ComposeEnvironments(docker, endpoint, cliEnv, !target && seesLocalFiles(endpoint.host)),
    portAllocator: freePortAllocator,
    files: { readText: (path) => readFile(path, 'utf8') },
    owner: { hostname: hostname(), pid: process.pid },
    hostUser: typeof process.getuid === 'function' && typeof process.getgid === 'function' ? { uid: process.getuid(), gid: process.getgid() } : undefined,
    resolvePath: (dir, relative) => resolve(dir, relative),
    loadConfig: loadSlipwayConfig,
    reap: () => reapOrphans(docker),
    ping: async () => {
      try {
        await docker.ping();
      } catch (e) {
        throw engineError(endpoint, e);
      }
    },
  };
}

export function createPipelinePorts(env: NodeJS.ProcessEnv = process.env, build: BuildPorts = createBuildPorts(env)): PipelinePorts {
  return {
    build,
    describeWorkspace: (dir, signal) => describeWorkspace(dir, signal),
    history: runHistoryFor,
    pushImage: ({ engine, ...o }) => pushImage({ ...o, env: engine ? buildEngineEndpoint(engine, env).cliEnv : env }),
    reapOn: (cluster) => reapOrphans(dockerClient(clusterEndpoint(cluster, env))),
    composeOn: (cluster) => {
      const endpoint = clusterEndpoint(cluster, env);
      // A cluster's engine is never trusted to see this machine's files: workspace binds are shipped.
      return new ComposeEnvironments(dockerClient(endpoint), endpoint, engineEnv(cluster, env), false);
    },
    connect: (cluster) => SwarmCluster.connect(cluster, env),
    registryFor: registryLookup(),
    stacks: (cluster) => new SwarmStacks(SwarmCluster.connect(cluster, env)),
    stackFiles: (dir) => workspaceStackFiles(dir),
    env,
  };
}
