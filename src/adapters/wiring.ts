/**
 * The real ports of the use cases, built from the adapters: the one place both composition roots (src/extension.ts
 * and src/cli/composition.ts) get them from, so the editor and the CLI run on the same wiring.
 */
import { SwarmStacks } from './docker/stacks';
import { workspaceStackFiles } from './fs/stackFiles';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { BuildPorts, PipelinePorts } from '../app/ports';
import type { GitVersionPort } from '../core/build/ports';
import { ComposeEnvironments } from './compose/environment';
import { loadSlipwayConfig } from './config';
import { DockerBuilder } from './docker/containers';
import { defaultEndpoint, dockerClient, engineError } from './docker/endpoint';
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

export function createBuildPorts(env: NodeJS.ProcessEnv = process.env): BuildPorts {
  const endpoint = defaultEndpoint(env);
  const docker = dockerClient(endpoint);
  return {
    endpoint,
    builder: new DockerBuilder(docker, endpoint),
    images: new DockerImageBuilder(docker, endpoint),
    git: gitVersionSource,
    compose: new ComposeEnvironments(docker, endpoint, env),
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
    pushImage: (o) => pushImage({ ...o, env }),
    reapOn: (cluster) => reapOrphans(dockerClient(clusterEndpoint(cluster, env))),
    composeOn: (cluster) => {
      const endpoint = clusterEndpoint(cluster, env);
      return new ComposeEnvironments(dockerClient(endpoint), endpoint, engineEnv(cluster, env));
    },
    connect: (cluster) => SwarmCluster.connect(cluster, env),
    registryFor: registryLookup(),
    stacks: (cluster) => new SwarmStacks(SwarmCluster.connect(cluster, env)),
    stackFiles: (dir) => workspaceStackFiles(dir),
    env,
  };
}
