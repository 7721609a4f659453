/**
 * Glue shared by the CLI and the editor: where the cluster list comes from, reading every cluster at once (one
 * failing cluster becomes an error state, the others still answer), and which registry holds an image.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SlipwayError, toSlipwayError } from '../../core/errors';
import { mergeClusters, parseClusterList } from '../../core/swarm/clusters';
import type { ImageRef } from '../../core/swarm/imageRef';
import type { ClusterState, ClusterTarget } from '../../core/swarm/model';
import type { RegistryLookup } from '../../app/swarmOperations';
import { CONFIG_FILE, loadSlipwayConfig } from '../config';
import { RegistryClient } from '../registry';
import { SwarmCluster } from './swarm';

/** Clusters from `<dir>/slipway.yml` (when present), overridden by the SLIPWAY_CLUSTERS JSON list. */
export async function loadClusterTargets(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<ClusterTarget[]> {
  const fromFile = existsSync(join(dir, CONFIG_FILE)) ? (await loadSlipwayConfig(dir)).clusters : [];
  let fromEnv: ClusterTarget[] = [];
  const json = env.SLIPWAY_CLUSTERS;
  if (json && json.trim().length > 0) {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new SlipwayError('config', `SLIPWAY_CLUSTERS is not valid JSON: ${(e as Error).message}`, { hint: 'Example: [{"name":"prod-like","role":"prod-like","host":"unix:///var/run/docker.sock"}]' });
    }
    fromEnv = parseClusterList(value, 'env', 'SLIPWAY_CLUSTERS');
  }
  return mergeClusters(fromFile, fromEnv);
}

/** Reads one cluster; any failure becomes the cluster's error state (with the reason and a fix). */
export async function readClusterState(client: SwarmCluster): Promise<ClusterState> {
  try {
    return { kind: 'ok', cluster: client.cluster, snapshot: await client.snapshot() };
  } catch (e) {
    const err = toSlipwayError(e, 'docker');
    const reason = err.details?.reason;
    return { kind: 'error', cluster: client.cluster, error: { kind: typeof reason === 'string' ? reason : err.kind, message: err.message, hint: err.hint } };
  }
}

/** Connects lazily: a cluster whose endpoint cannot even be built (bad TLS file, unknown context) is an error state. */
export function connectOrError(cluster: ClusterTarget, env: NodeJS.ProcessEnv = process.env): SwarmCluster | ClusterState {
  try {
    return SwarmCluster.connect(cluster, env);
  } catch (e) {
    const err = toSlipwayError(e, 'config');
    return { kind: 'error', cluster, error: { kind: err.kind, message: err.message, hint: err.hint } };
  }
}

/** Registry clients by host, created on first use: images name their registry (`localhost:5000/demo:1.1`). */
export function registryLookup(options: { fetch?: typeof fetch } = {}): RegistryLookup {
  const clients = new Map<string, RegistryClient>();
  return (ref: ImageRef) => {
    if (!ref.registry) return undefined;
    let c = clients.get(ref.registry);
    if (!c) {
      c = new RegistryClient(ref.registry, options);
      clients.set(ref.registry, c);
    }
    return c;
  };
}
