import { createServer } from 'node:net';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { RunOwner } from '../../core/build/labels';
import type { BuilderPort, ComposePort, FilesPort, GitVersionPort, ImageBuilderPort, PortAllocatorPort } from '../../core/build/ports';
import { ComposeEnvironments } from '../compose/environment';
import { DockerBuilder } from '../docker/containers';
import { defaultEndpoint, dockerClient, engineError, type EngineEndpoint } from '../docker/endpoint';
import { DockerImageBuilder } from '../docker/images';
import { reapOrphans, type ReapReport } from '../docker/janitor';
import { tagsOnHead } from '../git/queries';

/** Everything the build, package and integration runs need, wired to the real engine, compose CLI and git. */
export interface BuildAdapters {
  readonly endpoint: EngineEndpoint;
  readonly builder: BuilderPort;
  readonly images: ImageBuilderPort;
  readonly git: GitVersionPort;
  readonly compose: ComposePort;
  readonly portAllocator: PortAllocatorPort;
  readonly files: FilesPort;
  readonly owner: RunOwner;
  readonly hostUser: { uid: number; gid: number } | undefined;
  readonly resolvePath: (dir: string, relative: string) => string;
  /** Reaps what runs of dead processes left behind. */
  readonly reap: () => Promise<ReapReport>;
  /** Checks the engine answers; throws an `unreachable` error naming the endpoint otherwise. */
  readonly ping: () => Promise<void>;
}

export const gitVersionSource: GitVersionPort = {
  tagsOnHead,
};

export const freePortAllocator: PortAllocatorPort = {
  async freePorts(count) {
    const servers = await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<{ port: number; close: () => Promise<void> }>((res, rej) => {
            const s = createServer();
            s.once('error', rej);
            s.listen(0, '127.0.0.1', () => {
              const port = (s.address() as { port: number }).port;
              res({ port, close: () => new Promise<void>((r) => s.close(() => r())) });
            });
          }),
      ),
    );
    await Promise.all(servers.map((s) => s.close()));
    return servers.map((s) => s.port);
  },
};

export function createBuildAdapters(env: NodeJS.ProcessEnv = process.env): BuildAdapters {
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
