import { dirname } from 'node:path';
import type { ClusterConfig } from '../../core/config/model';
import { resolveDockerContext } from './contexts';

/**
 * Environment that points the docker and compose CLIs at a cluster's engine. A Docker context is resolved to its
 * host and TLS files here: docker-compose 1.x does not read contexts, and the answer must not depend on which CLI runs.
 */
export function engineEnv(cluster: Pick<ClusterConfig, 'host' | 'context' | 'tls'> | undefined, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  if (!cluster) return env;
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONTEXT;
  delete env.DOCKER_TLS_VERIFY;
  delete env.DOCKER_CERT_PATH;
  const endpoint = cluster.host ? { host: cluster.host, tls: cluster.tls } : cluster.context ? resolveDockerContext(cluster.context, base) : undefined;
  if (!endpoint) return env;
  env.DOCKER_HOST = endpoint.host;
  const tls = endpoint.tls;
  if (tls?.ca || tls?.cert) {
    // The CLIs want a directory with ca.pem/cert.pem/key.pem; slipway.yml names the files, which sit together.
    env.DOCKER_TLS_VERIFY = '1';
    env.DOCKER_CERT_PATH = dirname(tls.cert ?? tls.ca!);
  }
  return env;
}
