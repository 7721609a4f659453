import type { BuildEngineTarget } from '../../app/ports';
import { resolveDockerContext } from './contexts';
import { engineEnv } from './engineEnv';
import type { EngineEndpoint } from './endpoint';
import { clusterEndpoint } from './swarm';

/** A local socket's engine sees this machine's files; a TCP or SSH engine sees its own. */
export function seesLocalFiles(host: string): boolean {
  return host.startsWith('unix://') || host.startsWith('npipe://');
}

/** The endpoint of a build engine (`build.engine`) and the environment pointing the docker/compose CLIs at it. */
export function buildEngineEndpoint(target: BuildEngineTarget, env: NodeJS.ProcessEnv): { endpoint: EngineEndpoint; cliEnv: NodeJS.ProcessEnv } {
  if (target.cluster) return { endpoint: clusterEndpoint(target.cluster, env), cliEnv: engineEnv(target.cluster, env) };
  const context = target.context ?? 'default';
  return { endpoint: resolveDockerContext(context, env), cliEnv: engineEnv({ context }, env) };
}
