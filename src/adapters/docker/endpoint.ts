import Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import { SlipwayError } from '../../core/errors';

/** Where an engine answers: `unix:///path.sock`, `tcp://host:port` (TLS when files are given), `ssh://user@host`. */
export interface EngineEndpoint {
  readonly host: string;
  readonly tls?: { readonly ca?: string; readonly cert?: string; readonly key?: string };
}

/** The default engine as the docker CLI finds it: DOCKER_HOST, else the standard socket. */
export function defaultEndpoint(env: NodeJS.ProcessEnv = process.env): EngineEndpoint {
  return { host: env.DOCKER_HOST && env.DOCKER_HOST.length > 0 ? env.DOCKER_HOST : 'unix:///var/run/docker.sock' };
}

function readTlsFile(path: string | undefined, what: string): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (e) {
    throw new SlipwayError('config', `Cannot read the TLS ${what} file ${path}: ${(e as Error).message}`, {
      hint: 'Check the path in slipway.yml or the slipway.clusters setting',
      cause: e,
    });
  }
}

/** Builds one dockerode client for an endpoint. No I/O beyond reading TLS files. */
export function dockerClient(endpoint: EngineEndpoint): Docker {
  const { host } = endpoint;
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  if (host.startsWith('npipe://')) return new Docker({ socketPath: host.slice('npipe://'.length) });
  if (host.startsWith('tcp://') || host.startsWith('https://') || host.startsWith('http://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    const tls = endpoint.tls;
    const useTls = Boolean(tls?.ca || tls?.cert || tls?.key) || host.startsWith('https://');
    return new Docker({
      host: url.hostname,
      port: url.port ? Number(url.port) : useTls ? 2376 : 2375,
      protocol: useTls ? 'https' : 'http',
      ca: readTlsFile(tls?.ca, 'CA'),
      cert: readTlsFile(tls?.cert, 'certificate'),
      key: readTlsFile(tls?.key, 'key'),
    });
  }
  if (host.startsWith('ssh://')) {
    const url = new URL(host);
    return new Docker({
      protocol: 'ssh',
      host: url.hostname,
      port: url.port ? Number(url.port) : 22,
      username: url.username || undefined,
    } as Docker.DockerOptions);
  }
  throw new SlipwayError('config', `Unsupported Docker endpoint "${host}"`, {
    hint: 'Use unix:///path/to/docker.sock, tcp://host:port, ssh://user@host, or a Docker context name',
  });
}

/** Maps connection failures to an `unreachable` error naming the endpoint and a fix. */
export function engineError(endpoint: EngineEndpoint, error: unknown): SlipwayError {
  if (SlipwayError.is(error)) return error;
  const e = error as NodeJS.ErrnoException & { statusCode?: number; json?: { message?: string } };
  const code = e?.code;
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(e instanceof Error ? e.message : '')) {
    return new SlipwayError('unreachable', `The connection to the Docker engine at ${endpoint.host} broke (${code ?? 'socket hang up'})`, {
      hint: 'Check that the engine is still running, then retry',
      remedies: [{ action: 'doctor' }, { action: 'retry' }],
      cause: error,
    });
  }
  if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH') {
    return new SlipwayError('unreachable', `The Docker engine at ${endpoint.host} is not reachable (${code})`, {
      hint:
        code === 'EACCES'
          ? 'Add your user to the docker group or fix the socket permissions'
          : 'Start the Docker engine (or check the endpoint), then retry',
      remedies: code === 'EACCES' ? [] : [{ action: 'doctor' }, { action: 'retry' }],
      cause: error,
    });
  }
  const message = e?.json?.message ?? (error instanceof Error ? error.message : String(error));
  return new SlipwayError(e?.statusCode === 404 ? 'notFound' : 'docker', message.trim(), { cause: error });
}
