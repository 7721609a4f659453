/**
 * The configured clusters: slipway.yml `clusters:`, the `slipway.clusters` setting (editor) or SLIPWAY_CLUSTERS
 * (CLI). Validated here so both faces reject the same mistakes with the same words.
 */
import { SlipwayError } from '../errors';
import type { ClusterRole, ClusterTarget } from './model';

const ROLES: readonly ClusterRole[] = ['test', 'prod-like', 'production'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalString(entry: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = entry[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new SlipwayError('config', `${where}.${key} must be a string`);
  return v;
}

/**
 * Reads a cluster list as the setting holds it: `[{name, role, host|context, tls?, registry?}]`
 * (a `{name: {...}}` map as in slipway.yml is accepted too).
 */
export function parseClusterList(value: unknown, source: ClusterTarget['source'], what = 'slipway.clusters'): ClusterTarget[] {
  if (value === undefined || value === null) return [];
  const entries: [string | undefined, unknown][] = Array.isArray(value)
    ? value.map((v) => [undefined, v])
    : isRecord(value)
      ? Object.entries(value)
      : (() => {
          throw new SlipwayError('config', `${what} must be a list of clusters`, { hint: 'Example: [{"name": "prod-like", "role": "prod-like", "host": "unix:///var/run/docker.sock"}]' });
        })();
  return entries.map(([key, raw], i) => {
    const where = key !== undefined ? `${what}.${key}` : `${what}[${i}]`;
    if (!isRecord(raw)) {
      // A single cluster object given where a list is expected reads as a map whose values are strings.
      throw new SlipwayError('config', key !== undefined ? `${what} must be a list of clusters (its "${key}" is not a cluster object)` : `${where} must be an object with name, role and host or context`, {
        hint: 'Example: [{"name": "prod-like", "role": "prod-like", "host": "unix:///var/run/docker.sock"}]',
      });
    }
    const name = key ?? optionalString(raw, 'name', where);
    if (!name) throw new SlipwayError('config', `${where} has no name`);
    const role = raw.role;
    if (typeof role !== 'string' || !ROLES.includes(role as ClusterRole)) {
      const got = role === undefined ? 'it is missing' : `got ${JSON.stringify(role)}`;
      throw new SlipwayError('config', `${where}.role must be one of ${ROLES.join(', ')} (${got})`, { hint: 'The role decides the guards: production deploys need a confirmation' });
    }
    const host = optionalString(raw, 'host', where);
    const context = optionalString(raw, 'context', where);
    if ((host === undefined) === (context === undefined)) throw new SlipwayError('config', `${where} needs exactly one of "host" or "context"`);
    let tls: ClusterTarget['tls'];
    if (raw.tls !== undefined && raw.tls !== null) {
      if (!isRecord(raw.tls)) throw new SlipwayError('config', `${where}.tls must be an object with ca, cert and key file paths`);
      tls = { ca: optionalString(raw.tls, 'ca', `${where}.tls`), cert: optionalString(raw.tls, 'cert', `${where}.tls`), key: optionalString(raw.tls, 'key', `${where}.tls`) };
    }
    const registry = optionalString(raw, 'registry', where);
    return { name, role: role as ClusterRole, host, context, tls, registry, source };
  });
}

/** Later lists override earlier ones by name (slipway.yml, then the user's setting or environment). */
export function mergeClusters(...lists: readonly (readonly ClusterTarget[])[]): ClusterTarget[] {
  const byName = new Map<string, ClusterTarget>();
  for (const list of lists) for (const c of list) byName.set(c.name, c);
  return [...byName.values()];
}

export function findCluster<T extends ClusterTarget>(clusters: readonly T[], name: string): T {
  const hit = clusters.find((c) => c.name === name);
  if (hit) return hit;
  throw new SlipwayError('notFound', `Unknown cluster "${name}"`, {
    hint: clusters.length > 0 ? `Known clusters: ${clusters.map((c) => c.name).join(', ')}` : 'No cluster is configured: add one under `clusters:` in slipway.yml (or SLIPWAY_CLUSTERS)',
    details: { cluster: name, known: clusters.map((c) => c.name) },
  });
}
