/**
 * Compose stack → Swarm objects, with the names, labels and defaults `docker stack deploy` gives them
 * (`<stack>_<service>`, `com.docker.stack.namespace`, `com.docker.stack.image`, the network `<stack>_default` for
 * services that name none, aliases = the service's name, sorted env/networks/ports/secrets), so a stack made by
 * either tool plans as unchanged by the other.
 */
import { positionAt } from './load';
import { externalName, type FileReference, type LoadedStack, type ServiceConfig, type UpdateConfig, type VolumeMount } from './model';
import type { EngineFileReference, EngineMount, EngineNetworkSpec, EngineServiceSpec, EngineUpdateConfig } from './engineSpec';
import { stackError } from './stackError';
import { parseBytes, parseCpus, parseDuration } from './units';

export const NAMESPACE_LABEL = 'com.docker.stack.namespace';
export const IMAGE_LABEL = 'com.docker.stack.image';

export interface DesiredNetwork {
  /** The key in the stack file (`back`), or `default`. */
  readonly key: string;
  readonly spec: EngineNetworkSpec;
}

/**
 * A secret or config the stack owns: from the files (created from `file` when no object holds its content, see
 * ./objects.ts), or as a release recorded it (no file: that exact object, which exists while a kept release uses it).
 */
export interface DesiredFileObject {
  readonly key: string;
  readonly name: string;
  /** Absolute path of the content. */
  readonly file?: string;
  /** SHA-256 (hex) of the content, once read (the app reads the files before planning). */
  readonly sha256?: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface DesiredService {
  /** The service's key in the stack file (`app`). */
  readonly key: string;
  readonly spec: EngineServiceSpec;
}

export interface DesiredStack {
  readonly stack: string;
  readonly networks: readonly DesiredNetwork[];
  /** Networks the stack uses but does not own (`external`): they must exist. */
  readonly externalNetworks: readonly string[];
  readonly secrets: readonly DesiredFileObject[];
  readonly configs: readonly DesiredFileObject[];
  readonly externalSecrets: readonly string[];
  readonly externalConfigs: readonly string[];
  /** Sorted by name, as `docker stack deploy` creates them. */
  readonly services: readonly DesiredService[];
}

export function scoped(stack: string, name: string): string {
  return `${stack}_${name}`;
}

function withNamespace(stack: string, labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return { ...(labels ?? {}), [NAMESPACE_LABEL]: stack };
}

/** Stack names follow Docker's object-name rules (they prefix every service and network). */
export function validateStackName(name: string): string | undefined {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) return `"${name}" is not a valid stack name (letters, digits, _ . - and no leading symbol)`;
  if (name.length > 40) return `"${name}" is too long for a stack name (at most 40 characters)`;
  return undefined;
}

export function convertStack(stack: string, loaded: LoadedStack): DesiredStack {
  const { compose } = loaded;
  const at = (path: string) => positionAt(loaded.positions, path, loaded.files[0] ?? 'stack file');
  const fail = (path: string, what: string): never => {
    throw stackError(at(path), `${path} ${what}`, { path });
  };
  const duration = (path: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const ns = parseDuration(value);
    return ns === undefined ? fail(path, `"${value}" is not a duration (e.g. 10s, 1m30s, 500ms)`) : ns;
  };

  // Networks: those the services use, in a stable order; `default` only when a service names none.
  const used = new Set<string>();
  const serviceKeys = Object.keys(compose.services).sort();
  for (const key of serviceKeys) {
    const nets = compose.services[key]!.networks;
    const names = nets && Object.keys(nets).length > 0 ? Object.keys(nets) : ['default'];
    for (const n of names) {
      if (n !== 'default' && !(n in compose.networks)) fail(`services.${key}.networks.${n}`, `names the network "${n}", which is not defined under networks:`);
      used.add(n);
    }
  }
  const networks: DesiredNetwork[] = [];
  const externalNetworks: string[] = [];
  const networkTarget = new Map<string, string>();
  for (const key of [...used].sort()) {
    const cfg = compose.networks[key] ?? {};
    const ext = externalName(key, cfg);
    if (ext !== undefined) {
      externalNetworks.push(ext);
      networkTarget.set(key, ext);
      continue;
    }
    const name = cfg.name ?? scoped(stack, key);
    networkTarget.set(key, name);
    const ipam = cfg.ipam && (cfg.ipam.driver || (cfg.ipam.config?.length ?? 0) > 0) ? { IPAM: { ...(cfg.ipam.driver ? { Driver: cfg.ipam.driver } : {}), Config: (cfg.ipam.config ?? []).map((c) => ({ Subnet: c.subnet })) } } : {};
    networks.push({
      key,
      spec: {
        Name: name,
        Driver: cfg.driver ?? 'overlay',
        Labels: withNamespace(stack, cfg.labels),
        Scope: 'swarm',
        ...(cfg.attachable ? { Attachable: true } : {}),
        ...(cfg.internal ? { Internal: true } : {}),
        ...(cfg.driver_opts ? { Options: { ...cfg.driver_opts } } : {}),
        ...ipam,
      },
    });
  }

  const fileObjects = (kind: 'secrets' | 'configs') => {
    const owned: DesiredFileObject[] = [];
    const external: string[] = [];
    const names = new Map<string, string>();
    for (const [key, cfg] of Object.entries(compose[kind])) {
      const ext = externalName(key, cfg);
      if (ext !== undefined) {
        external.push(ext);
        names.set(key, ext);
        continue;
      }
      if (!cfg.file) fail(`${kind}.${key}`, 'needs file: (the content) or external: true');
      const name = cfg.name ?? scoped(stack, key);
      names.set(key, name);
      owned.push({ key, name, file: cfg.file!, labels: withNamespace(stack, cfg.labels) });
    }
    return { owned, external, names };
  };
  const secrets = fileObjects('secrets');
  const configs = fileObjects('configs');

  const references = (key: string, kind: 'secrets' | 'configs', refs: readonly FileReference[] | undefined, names: Map<string, string>): EngineFileReference[] => {
    const out = (refs ?? []).map((r, i): EngineFileReference => {
      const name = names.get(r.source) ?? fail(`services.${key}.${kind}.${i}`, `names the ${kind === 'secrets' ? 'secret' : 'config'} "${r.source}", which is not defined under ${kind}:`);
      const file = { Name: r.target ?? r.source, UID: r.uid ?? '0', GID: r.gid ?? '0', Mode: r.mode ?? 0o444 };
      return kind === 'secrets' ? { File: file, SecretName: name } : { File: file, ConfigName: name };
    });
    return out.sort((a, b) => ((a.SecretName ?? a.ConfigName ?? '') < (b.SecretName ?? b.ConfigName ?? '') ? -1 : 1));
  };

  const mount = (key: string, m: VolumeMount, i: number): EngineMount => {
    const base = { Target: m.target, ...(m.read_only ? { ReadOnly: true } : {}) };
    if (m.type === 'bind') return { Type: 'bind', Source: m.source, ...base, ...(m.bind?.propagation ? { BindOptions: { Propagation: m.bind.propagation } } : {}) };
    if (m.type === 'tmpfs') return { Type: 'tmpfs', ...base, ...(m.tmpfs?.size !== undefined ? { TmpfsOptions: { SizeBytes: m.tmpfs.size } } : {}) };
    if (!m.source) return { Type: 'volume', ...base, ...(m.volume?.nocopy ? { VolumeOptions: { NoCopy: true } } : {}) };
    const cfg = compose.volumes[m.source] ?? fail(`services.${key}.volumes.${i}`, `names the volume "${m.source}", which is not defined under volumes:`);
    const ext = externalName(m.source, cfg);
    if (ext !== undefined) return { Type: 'volume', Source: ext, ...base, ...(m.volume?.nocopy ? { VolumeOptions: { NoCopy: true } } : {}) };
    return {
      Type: 'volume',
      Source: cfg.name ?? scoped(stack, m.source),
      ...base,
      VolumeOptions: {
        Labels: withNamespace(stack, cfg.labels),
        ...(m.volume?.nocopy ? { NoCopy: true } : {}),
        ...(cfg.driver ? { DriverConfig: { Name: cfg.driver, ...(cfg.driver_opts ? { Options: { ...cfg.driver_opts } } : {}) } } : {}),
      },
    };
  };

  const updateConfig = (path: string, u: UpdateConfig | undefined): EngineUpdateConfig | undefined =>
    u === undefined
      ? undefined
      : {
          Parallelism: u.parallelism ?? 1,
          ...(u.delay !== undefined ? { Delay: duration(`${path}.delay`, u.delay) } : {}),
          ...(u.failure_action ? { FailureAction: u.failure_action } : {}),
          ...(u.monitor !== undefined ? { Monitor: duration(`${path}.monitor`, u.monitor) } : {}),
          ...(u.max_failure_ratio !== undefined ? { MaxFailureRatio: u.max_failure_ratio } : {}),
          ...(u.order ? { Order: u.order } : {}),
        };

  const service = (key: string, s: ServiceConfig): DesiredService => {
    const path = `services.${key}`;
    const d = s.deploy ?? {};
    if (d.mode === 'global' && d.replicas !== undefined) fail(`${path}.deploy.replicas`, 'cannot be set for a global service (mode: global runs one task per node)');
    const nets = s.networks && Object.keys(s.networks).length > 0 ? s.networks : { default: null };
    const attachments = Object.entries(nets)
      .map(([n, cfg]) => {
        const target = networkTarget.get(n)!;
        const userDefined = !['host', 'bridge', 'none'].includes(target);
        const aliases = [...(cfg?.aliases ?? []), ...(userDefined ? [key] : [])];
        return { Target: target, ...(aliases.length > 0 ? { Aliases: aliases } : {}), ...(cfg?.driver_opts ? { DriverOpts: { ...cfg.driver_opts } } : {}) };
      })
      .sort((a, b) => (a.Target < b.Target ? -1 : a.Target > b.Target ? 1 : 0));
    const env = s.environment ? Object.entries(s.environment).map(([k, v]) => (v === null ? k : `${k}=${v}`)).sort() : undefined;
    const hc = s.healthcheck;
    if (hc?.disable && hc.test && hc.test.length > 0) fail(`${path}.healthcheck`, 'sets both test and disable');
    const healthcheck = hc
      ? hc.disable
        ? { Test: ['NONE'] }
        : {
            ...(hc.test ? { Test: [...hc.test] } : {}),
            ...(hc.interval !== undefined ? { Interval: duration(`${path}.healthcheck.interval`, hc.interval) } : {}),
            ...(hc.timeout !== undefined ? { Timeout: duration(`${path}.healthcheck.timeout`, hc.timeout) } : {}),
            ...(hc.retries !== undefined ? { Retries: hc.retries } : {}),
            ...(hc.start_period !== undefined ? { StartPeriod: duration(`${path}.healthcheck.start_period`, hc.start_period) } : {}),
          }
      : undefined;
    const r = d.resources;
    const cpus = (p: string, v: string | number | undefined) => (v === undefined ? undefined : (parseCpus(v) ?? fail(p, `"${v}" is not a number of CPUs`)));
    const bytes = (p: string, v: string | number | undefined) => (v === undefined ? undefined : (parseBytes(v) ?? fail(p, `"${v}" is not a size (e.g. 512M, 1G)`)));
    const limits = r?.limits
      ? { NanoCPUs: cpus(`${path}.deploy.resources.limits.cpus`, r.limits.cpus), MemoryBytes: bytes(`${path}.deploy.resources.limits.memory`, r.limits.memory), Pids: r.limits.pids }
      : undefined;
    const reservations = r?.reservations
      ? { NanoCPUs: cpus(`${path}.deploy.resources.reservations.cpus`, r.reservations.cpus), MemoryBytes: bytes(`${path}.deploy.resources.reservations.memory`, r.reservations.memory) }
      : undefined;
    const rp = d.restart_policy;
    const restartPolicy = rp
      ? {
          ...(rp.condition ? { Condition: rp.condition } : {}),
          ...(rp.delay !== undefined ? { Delay: duration(`${path}.deploy.restart_policy.delay`, rp.delay) } : {}),
          ...(rp.max_attempts !== undefined ? { MaxAttempts: rp.max_attempts } : {}),
          ...(rp.window !== undefined ? { Window: duration(`${path}.deploy.restart_policy.window`, rp.window) } : {}),
        }
      : restartFromLegacy(s.restart);
    const ports = (s.ports ?? [])
      .map((p) => ({ Protocol: p.protocol, TargetPort: p.target, ...(p.published !== undefined ? { PublishedPort: p.published } : {}), PublishMode: p.mode }))
      .sort((a, b) => (a.PublishedPort ?? 0) - (b.PublishedPort ?? 0) || a.TargetPort - b.TargetPort);
    const placement = d.placement;
    const spec: EngineServiceSpec = {
      Name: scoped(stack, key),
      Labels: { ...withNamespace(stack, d.labels), [IMAGE_LABEL]: s.image },
      TaskTemplate: {
        ContainerSpec: {
          Image: s.image,
          Labels: withNamespace(stack, s.labels),
          ...(s.entrypoint ? { Command: [...s.entrypoint] } : {}),
          ...(s.command ? { Args: [...s.command] } : {}),
          ...(s.hostname ? { Hostname: s.hostname } : {}),
          ...(env ? { Env: env } : {}),
          ...(s.working_dir ? { Dir: s.working_dir } : {}),
          ...(s.user ? { User: s.user } : {}),
          ...(s.volumes && s.volumes.length > 0 ? { Mounts: s.volumes.map((m, i) => mount(key, m, i)) } : {}),
          ...(s.stop_grace_period !== undefined ? { StopGracePeriod: duration(`${path}.stop_grace_period`, s.stop_grace_period) } : {}),
          ...(s.stop_signal ? { StopSignal: s.stop_signal } : {}),
          ...(s.tty ? { TTY: true } : {}),
          ...(s.stdin_open ? { OpenStdin: true } : {}),
          ...(s.read_only ? { ReadOnly: true } : {}),
          ...(s.init !== undefined ? { Init: s.init } : {}),
          ...(healthcheck ? { Healthcheck: healthcheck } : {}),
          ...(s.extra_hosts && s.extra_hosts.length > 0 ? { Hosts: s.extra_hosts.map(hostsEntry) } : {}),
          ...((s.dns?.length ?? 0) > 0 || (s.dns_search?.length ?? 0) > 0 ? { DNSConfig: { ...(s.dns?.length ? { Nameservers: [...s.dns] } : {}), ...(s.dns_search?.length ? { Search: [...s.dns_search] } : {}) } } : {}),
          ...(s.secrets?.length ? { Secrets: references(key, 'secrets', s.secrets, secrets.names) } : {}),
          ...(s.configs?.length ? { Configs: references(key, 'configs', s.configs, configs.names) } : {}),
          ...(s.sysctls ? { Sysctls: { ...s.sysctls } } : {}),
          ...(s.cap_add?.length ? { CapabilityAdd: [...s.cap_add] } : {}),
          ...(s.cap_drop?.length ? { CapabilityDrop: [...s.cap_drop] } : {}),
          ...(s.ulimits ? { Ulimits: Object.entries(s.ulimits).map(([Name, u]) => ({ Name, Soft: u.soft, Hard: u.hard })).sort((a, b) => (a.Name < b.Name ? -1 : 1)) } : {}),
        },
        Resources: { ...(limits ? { Limits: limits } : {}), ...(reservations ? { Reservations: reservations } : {}) },
        ...(restartPolicy ? { RestartPolicy: restartPolicy } : {}),
        Placement: {
          ...(placement?.constraints?.length ? { Constraints: [...placement.constraints] } : {}),
          ...(placement?.preferences?.length ? { Preferences: placement.preferences.map((p) => ({ Spread: { SpreadDescriptor: p.spread } })) } : {}),
          ...(placement?.max_replicas_per_node !== undefined ? { MaxReplicas: placement.max_replicas_per_node } : {}),
        },
        Networks: attachments,
        ...(s.logging ? { LogDriver: { ...(s.logging.driver ? { Name: s.logging.driver } : {}), ...(s.logging.options ? { Options: { ...s.logging.options } } : {}) } } : {}),
      },
      Mode: d.mode === 'global' ? { Global: {} } : { Replicated: d.replicas !== undefined ? { Replicas: d.replicas } : {} },
      ...(d.update_config ? { UpdateConfig: updateConfig(`${path}.deploy.update_config`, d.update_config) } : {}),
      ...(d.rollback_config ? { RollbackConfig: updateConfig(`${path}.deploy.rollback_config`, d.rollback_config) } : {}),
      EndpointSpec: { ...(d.endpoint_mode ? { Mode: d.endpoint_mode } : {}), Ports: ports },
    };
    return { key, spec };
  };

  return {
    stack,
    networks,
    externalNetworks,
    secrets: secrets.owned,
    configs: configs.owned,
    externalSecrets: secrets.external,
    externalConfigs: configs.external,
    services: serviceKeys.map((k) => service(k, compose.services[k]!)),
  };
}

/** "host:ip" → "ip host" (SwarmKit's hosts-file order). */
function hostsEntry(entry: string): string {
  const i = entry.indexOf(':');
  return i < 0 ? entry : `${entry.slice(i + 1)} ${entry.slice(0, i)}`;
}

/** The service-level `restart:` of compose, used when `deploy.restart_policy` is absent. */
function restartFromLegacy(restart: string | undefined): { Condition: string; MaxAttempts?: number } | undefined {
  if (!restart || restart === 'no') return undefined;
  const [name, count] = restart.split(':');
  const attempts = count ? Number(count) : 0;
  const condition = name === 'on-failure' ? 'on-failure' : 'any';
  return { Condition: condition, ...(attempts > 0 ? { MaxAttempts: attempts } : {}) };
}
