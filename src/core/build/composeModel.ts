import { LineCounter, parseDocument, stringify } from 'yaml';
import { SlipwayError } from '../errors';

/** What an integration run needs to know about a compose file. */
export interface ComposeModel {
  readonly services: readonly string[];
  /** depends_on of each service, in file order. */
  readonly dependsOn: Readonly<Record<string, readonly string[]>>;
  /** Dependencies declared with `condition: service_healthy` (compose itself waits for them to be healthy). */
  readonly healthyDependsOn?: Readonly<Record<string, readonly string[]>>;
  /** Variables used in `ports:` host parts (e.g. APP_PORT in "127.0.0.1:${APP_PORT:-18090}:3000"). */
  readonly portVariables: readonly string[];
  /** Top-level named volumes and networks that compose creates (not external). */
  readonly volumes: readonly string[];
  readonly networks: readonly string[];
  /** Bind mounts of workspace paths (`./tests:/tests`): an engine that cannot see the workspace gets them shipped. */
  readonly binds?: readonly ComposeBind[];
}

/** A service's bind mount of a path relative to the compose file, as written there. */
export interface ComposeBind {
  readonly service: string;
  /** Relative to the compose file's folder, e.g. `./tests`. */
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** A host path relative to the compose file (`.`, `./x`, `../x`); named volumes and absolute paths are not. */
function isRelativeHostPath(source: string): boolean {
  return source === '.' || source === '..' || source.startsWith('./') || source.startsWith('../');
}

/** The workspace-relative bind mounts of one service (short `SRC:TARGET[:ro]` and long `type: bind` forms). */
function bindsOf(service: string, volumes: unknown): ComposeBind[] {
  if (!Array.isArray(volumes)) return [];
  const binds: ComposeBind[] = [];
  for (const v of volumes) {
    if (typeof v === 'string') {
      const [source, target, mode] = v.split(':');
      if (source && target && isRelativeHostPath(source)) binds.push({ service, source, target, readOnly: (mode ?? '').split(',').includes('ro') });
    } else if (isRecord(v) && v['type'] === 'bind' && typeof v['source'] === 'string' && typeof v['target'] === 'string' && isRelativeHostPath(v['source'])) {
      binds.push({ service, source: v['source'], target: v['target'], readOnly: v['read_only'] === true });
    }
  }
  return binds;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function variablesIn(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|\$([A-Za-z_][A-Za-z0-9_]*)/g)) names.push((m[1] ?? m[2])!);
  return names;
}

/** Parses a compose file's text; YAML errors carry line:column like slipway.yml errors do. */
export function parseComposeModel(text: string, file: string): ComposeModel {
  const lineCounter = new LineCounter();
  // prettyErrors: false keeps the message free of the library's own " at line L, column C:" and code frame.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = lineCounter.linePos(e.pos[0]);
    throw new SlipwayError('config', `${file}:${pos.line}:${pos.col}: ${e.message.split('\n')[0]}`, {
      hint: `Fix the YAML in ${file}`,
      details: { file, line: pos.line, column: pos.col },
    });
  }
  const root = doc.toJS() as unknown;
  if (!isRecord(root) || !isRecord(root['services'])) {
    throw new SlipwayError('config', `${file} has no services`, { hint: 'A compose file needs a services: mapping', details: { file } });
  }
  const servicesMap = root['services'];
  const services = Object.keys(servicesMap);
  const dependsOn: Record<string, string[]> = {};
  const healthyDependsOn: Record<string, string[]> = {};
  const portVariables = new Set<string>();
  const binds: ComposeBind[] = [];
  for (const name of services) {
    const svc = servicesMap[name];
    binds.push(...bindsOf(name, isRecord(svc) ? svc['volumes'] : undefined));
    const deps = isRecord(svc) ? svc['depends_on'] : undefined;
    dependsOn[name] = Array.isArray(deps) ? deps.map(String) : isRecord(deps) ? Object.keys(deps) : [];
    healthyDependsOn[name] = isRecord(deps) ? Object.entries(deps).filter(([, d]) => isRecord(d) && d['condition'] === 'service_healthy').map(([k]) => k) : [];
    const ports = isRecord(svc) ? svc['ports'] : undefined;
    if (Array.isArray(ports)) {
      for (const p of ports) {
        if (typeof p === 'string' || typeof p === 'number') {
          // Only the host part (everything before the last ":") names host ports.
          const s = String(p);
          const hostPart = s.includes(':') ? s.slice(0, s.lastIndexOf(':')) : '';
          variablesIn(hostPart).forEach((v) => portVariables.add(v));
        } else if (isRecord(p) && typeof p['published'] === 'string') {
          variablesIn(p['published']).forEach((v) => portVariables.add(v));
        }
      }
    }
  }
  const named = (key: string): string[] => {
    const section = root[key];
    if (!isRecord(section)) return [];
    return Object.entries(section)
      .filter(([, v]) => !(isRecord(v) && (v['external'] === true || isRecord(v['external']))))
      .map(([k]) => k);
  };
  return { services, dependsOn, healthyDependsOn, portVariables: [...portVariables], volumes: named('volumes'), networks: named('networks'), binds };
}

/** The service to wait for: configured, else the first service the test service depends on. */
export function readinessService(model: ComposeModel, test: string, configured: string | undefined, file: string, section = 'integration'): string | undefined {
  if (!model.services.includes(test)) {
    throw new SlipwayError('config', `The test service "${test}" is not defined in ${file}`, {
      hint: `Set ${section}.test in slipway.yml to one of: ${model.services.join(', ')}`,
    });
  }
  if (configured) {
    if (!model.services.includes(configured)) {
      throw new SlipwayError('config', `The app service "${configured}" is not defined in ${file}`, {
        hint: `Set ${section}.app in slipway.yml to one of: ${model.services.join(', ')}`,
      });
    }
    return configured;
  }
  return model.dependsOn[test]?.[0];
}

/**
 * Whether compose itself holds the test service back until the app is healthy (`depends_on: {app: {condition:
 * service_healthy}}`). Then one `up -d TEST` starts everything in order, and the run follows the test container,
 * saving a compose process per environment.
 */
export function composeGatesOnHealth(model: ComposeModel, test: string, app: string | undefined): boolean {
  return app !== undefined && (model.healthyDependsOn?.[test] ?? []).includes(app);
}

/**
 * A compose override file that puts the run's labels on every service, the default network, and the named
 * networks and volumes, so teardown and the janitor can find everything by label.
 */
export function labelOverride(model: ComposeModel, labels: Readonly<Record<string, string>>, version = '3.8'): string {
  const services: Record<string, unknown> = {};
  for (const s of model.services) services[s] = { labels: { ...labels } };
  const networks: Record<string, unknown> = { default: { labels: { ...labels } } };
  for (const n of model.networks) networks[n] = { labels: { ...labels } };
  const override: Record<string, unknown> = { version, services, networks };
  if (model.volumes.length > 0) {
    const volumes: Record<string, unknown> = {};
    for (const v of model.volumes) volumes[v] = { labels: { ...labels } };
    override['volumes'] = volumes;
  }
  return stringify(override);
}

/**
 * A compose override that mounts, in place of each workspace bind mount, a volume holding a shipped copy of it (the
 * volumes exist before `up`: they are external to compose). Compose merges a service's volumes by target, so the
 * volume replaces the bind.
 */
export function shippedBindsOverride(binds: readonly { readonly bind: ComposeBind; readonly volume: string }[], version = '3.8'): string {
  const services: Record<string, { volumes: unknown[] }> = {};
  const volumes: Record<string, unknown> = {};
  for (const { bind, volume } of binds) {
    (services[bind.service] ??= { volumes: [] }).volumes.push({ type: 'volume', source: volume, target: bind.target, read_only: bind.readOnly });
    volumes[volume] = { external: true };
  }
  return stringify({ version, services, volumes });
}

/** The compose file's `version:` (override files must use a compatible one). */
export function composeVersion(text: string): string | undefined {
  const m = /^version:\s*["']?([0-9.]+)["']?\s*$/m.exec(text);
  return m?.[1];
}
