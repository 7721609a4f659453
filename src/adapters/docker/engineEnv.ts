import { dirname } from 'node:path';
import type { ClusterConfig } from '../../core/config/model';

/** Environment that points the docker and compose CLIs at a cluster's engine. */
export function engineEnv(cluster: Pick<ClusterConfig, 'host' | 'context' | 'tls'> | undefined, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  if (!cluster) return env;
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONTEXT;
  if (cluster.host) env.DOCKER_HOST = cluster.host;
  else if (cluster.context) env.DOCKER_CONTEXT = cluster.context;
  if (cluster.tls?.ca || cluster.tls?.cert) {
    // The CLIs want a directory with ca.pem/cert.pem/key.pem; slipway.yml names the files, which sit together.
    env.DOCKER_TLS_VERIFY = '1';
    env.DOCKER_CERT_PATH = dirname(cluster.tls.cert ?? cluster.tls.ca!);
  }
  return env;
}
