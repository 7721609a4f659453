/**
 * Comparing a service's spec as the stack files say it with the spec Swarm stores. Both sides are brought to one
 * canonical form first: network IDs → names, object IDs dropped, the engine's defaults filled in (Swarm stores a
 * 10 s stop grace period, a restart policy and update configs even when none was sent), lists sorted, empty values
 * pruned, and Slipway's own bookkeeping labels (`io.slipway.*`) left out. What differs is reported per aspect.
 */
import { shortDigest, tryParseImageRef, versionOf } from '../swarm/imageRef';

export interface SpecChange {
  /** image | replicas | env | ports | constraints | placement | update config | rollback config | networks | secrets | configs | labels | container labels | mounts | healthcheck | command | resources | restart policy | endpoint mode | other */
  readonly what: string;
  readonly from: string;
  readonly to: string;
}

/** Names of the cluster's objects by ID (the engine stores network targets as IDs). */
export interface ObjectNames {
  readonly networks: ReadonlyMap<string, string>;
}

type Json = Record<string, unknown>;

const SECOND = 1e9;
const UPDATE_DEFAULTS = { Parallelism: 1, FailureAction: 'pause', Monitor: 5 * SECOND, MaxFailureRatio: 0, Order: 'stop-first' };

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Removes undefined, null, '', false, 0, [] and {} recursively: the engine omits or zeroes them interchangeably. */
export function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, prune(v)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  if (value === null || value === '' || value === false || value === 0) return undefined;
  return value;
}

/** JSON with sorted keys, so equal objects give equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function withoutSlipwayLabels(labels: unknown): Json | undefined {
  if (!isRecord(labels)) return undefined;
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith('io.slipway.')));
}

function updateConfig(u: unknown): Json {
  if (!isRecord(u)) return { ...UPDATE_DEFAULTS };
  return { ...u, FailureAction: u.FailureAction || 'pause', Order: u.Order || 'stop-first' };
}

function byText(a: unknown, b: unknown): number {
  const x = stableJson(a);
  const y = stableJson(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The aspects of a spec in canonical form, each comparable as text. */
export function canonicalAspects(spec: Json, names: ObjectNames): Record<string, unknown> {
  const s = structuredClone(spec);
  const task = (isRecord(s.TaskTemplate) ? s.TaskTemplate : {}) as Json;
  const container = (isRecord(task.ContainerSpec) ? task.ContainerSpec : {}) as Json;
  const placement = (isRecord(task.Placement) ? task.Placement : {}) as Json;
  const endpoint = (isRecord(s.EndpointSpec) ? s.EndpointSpec : {}) as Json;
  const mode = (isRecord(s.Mode) ? s.Mode : {}) as Json;
  const networks = (Array.isArray(task.Networks) ? task.Networks : Array.isArray(s.Networks) ? s.Networks : []) as Json[];
  const refs = (list: unknown, idKey: string) =>
    (Array.isArray(list) ? (list as Json[]) : []).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== idKey))).sort(byText);
  const restart = isRecord(task.RestartPolicy) ? task.RestartPolicy : { Condition: 'any', Delay: 5 * SECOND, MaxAttempts: 0 };
  const aspects: Record<string, unknown> = {
    image: container.Image,
    replicas: isRecord(mode.Global) ? 'global' : `${isRecord(mode.Replicated) && typeof mode.Replicated.Replicas === 'number' ? mode.Replicated.Replicas : 1}`,
    env: Array.isArray(container.Env) ? [...(container.Env as string[])].sort() : [],
    ports: (Array.isArray(endpoint.Ports) ? (endpoint.Ports as Json[]) : [])
      .map((p) => ({ Protocol: p.Protocol || 'tcp', TargetPort: p.TargetPort, PublishedPort: p.PublishedPort, PublishMode: p.PublishMode || 'ingress' }))
      .sort(byText),
    constraints: Array.isArray(placement.Constraints) ? [...(placement.Constraints as string[])].sort() : [],
    placement: { Preferences: placement.Preferences, MaxReplicas: placement.MaxReplicas },
    'update config': updateConfig(s.UpdateConfig),
    'rollback config': updateConfig(s.RollbackConfig),
    networks: networks
      .map((n) => ({ Target: names.networks.get(String(n.Target)) ?? n.Target, Aliases: Array.isArray(n.Aliases) ? [...(n.Aliases as string[])].sort() : undefined, DriverOpts: n.DriverOpts }))
      .sort(byText),
    secrets: refs(container.Secrets, 'SecretID'),
    configs: refs(container.Configs, 'ConfigID'),
    labels: withoutSlipwayLabels(s.Labels),
    'container labels': withoutSlipwayLabels(container.Labels),
    mounts: container.Mounts,
    healthcheck: container.Healthcheck,
    command: { Command: container.Command, Args: container.Args },
    resources: task.Resources,
    'restart policy': { ...restart, Condition: (restart as Json).Condition || 'any' },
    'endpoint mode': endpoint.Mode || 'vip',
  };
  for (const k of ['Image', 'Env', 'Secrets', 'Configs', 'Labels', 'Mounts', 'Healthcheck', 'Command', 'Args', 'Isolation']) delete container[k];
  if (container.StopGracePeriod === undefined) container.StopGracePeriod = 10 * SECOND;
  aspects.other = {
    container,
    log: task.LogDriver,
  };
  return Object.fromEntries(Object.entries(aspects).map(([k, v]) => [k, prune(v)]));
}

function describeImage(text: unknown): string {
  if (typeof text !== 'string') return '(none)';
  const ref = tryParseImageRef(text);
  if (!ref) return text;
  return ref.digest ? `${ref.repository}:${versionOf(ref)} (${shortDigest(ref.digest)})` : text;
}

function envKeys(list: unknown): Map<string, string> {
  return new Map(((list as string[] | undefined) ?? []).map((e) => [e.includes('=') ? e.slice(0, e.indexOf('=')) : e, e] as const));
}

function describeEnv(from: unknown, to: unknown): { from: string; to: string } {
  const a = envKeys(from);
  const b = envKeys(to);
  const added = [...b.keys()].filter((k) => !a.has(k));
  const removed = [...a.keys()].filter((k) => !b.has(k));
  const changed = [...b.keys()].filter((k) => a.has(k) && a.get(k) !== b.get(k));
  // Values are left out: environment often holds credentials.
  return { from: removed.length > 0 ? `-${removed.join(' -')}` : '', to: [...added.map((k) => `+${k}`), ...changed.map((k) => `~${k}`)].join(' ') };
}

function short(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? value : stableJson(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/** Secret or config references that differ only in the objects they name (a rotation): said by those names. */
function sameFiles(from: unknown, to: unknown): boolean {
  const files = (list: unknown) => stableJson((Array.isArray(list) ? (list as Json[]) : []).map((r) => r.File).sort(byText));
  return files(from) === files(to);
}

function refNames(list: unknown): string {
  return (Array.isArray(list) ? (list as Json[]) : []).map((r) => String(r.SecretName ?? r.ConfigName ?? '')).join(', ');
}

/** What differs between the spec Swarm runs and the one the files ask for, aspect by aspect (empty: unchanged). */
export function specChanges(running: Json, desired: Json, names: ObjectNames): SpecChange[] {
  const a = canonicalAspects(running, names);
  const b = canonicalAspects(desired, names);
  const changes: SpecChange[] = [];
  for (const what of Object.keys(b)) {
    if (stableJson(a[what]) === stableJson(b[what])) continue;
    if (what === 'image') changes.push({ what, from: describeImage(a.image), to: describeImage(b.image) });
    else if (what === 'env') changes.push({ what, ...describeEnv(a.env, b.env) });
    else if (what === 'replicas') changes.push({ what, from: String(a.replicas), to: String(b.replicas) });
    else if ((what === 'secrets' || what === 'configs') && sameFiles(a[what], b[what])) changes.push({ what, from: refNames(a[what]), to: refNames(b[what]) });
    else changes.push({ what, from: short(a[what]), to: short(b[what]) });
  }
  return changes;
}
