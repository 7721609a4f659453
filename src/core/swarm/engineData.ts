/**
 * The engine's JSON (GET /nodes, /services, /tasks) turned into the plain model. Only the fields Slipway reads are
 * typed; everything is optional because engines differ by version. Pure, so it is tested without a daemon.
 */
import { tryParseImageRef, versionOf } from './imageRef';
import type { ClusterSnapshot, ClusterTarget, PublishedPort, SwarmNode, SwarmService, SwarmTask, UpdatePolicy } from './model';
import { interpretUpdateStatus, type RawUpdateStatus } from './updateState';

export interface RawNode {
  ID?: string;
  Description?: { Hostname?: string; Engine?: { EngineVersion?: string } };
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string> };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Addr?: string };
}

export interface RawUpdateConfig {
  Parallelism?: number;
  Delay?: number;
  FailureAction?: string;
  Monitor?: number;
  Order?: string;
}

export interface RawServiceSpec {
  Name?: string;
  Labels?: Record<string, string>;
  TaskTemplate?: {
    ContainerSpec?: { Image?: string };
    Placement?: { Constraints?: string[] };
    ForceUpdate?: number;
  };
  Mode?: { Replicated?: { Replicas?: number }; Global?: Record<string, never> };
  UpdateConfig?: RawUpdateConfig;
  RollbackConfig?: RawUpdateConfig;
  EndpointSpec?: { Ports?: { TargetPort?: number; PublishedPort?: number; Protocol?: string; PublishMode?: string }[] };
}

export interface RawService {
  ID?: string;
  Version?: { Index?: number };
  UpdatedAt?: string;
  Spec?: RawServiceSpec;
  PreviousSpec?: RawServiceSpec;
  UpdateStatus?: RawUpdateStatus;
}

export interface RawTask {
  ID?: string;
  ServiceID?: string;
  Slot?: number;
  NodeID?: string;
  UpdatedAt?: string;
  DesiredState?: string;
  Spec?: { ContainerSpec?: { Image?: string } };
  Status?: { State?: string; Message?: string; Err?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } };
}

const NANOS_PER_SECOND = 1e9;

function policy(raw: RawUpdateConfig | undefined): UpdatePolicy | undefined {
  if (!raw) return undefined;
  return {
    parallelism: raw.Parallelism ?? 1,
    delaySeconds: (raw.Delay ?? 0) / NANOS_PER_SECOND,
    failureAction: raw.FailureAction ?? 'pause',
    monitorSeconds: (raw.Monitor ?? 5 * NANOS_PER_SECOND) / NANOS_PER_SECOND,
    order: raw.Order ?? 'stop-first',
  };
}

export function nodeFromApi(raw: RawNode): SwarmNode {
  return {
    id: raw.ID ?? '',
    hostname: raw.Description?.Hostname ?? '',
    role: raw.Spec?.Role === 'manager' ? 'manager' : 'worker',
    leader: raw.ManagerStatus?.Leader === true,
    availability: raw.Spec?.Availability ?? 'unknown',
    status: raw.Status?.State ?? 'unknown',
    address: raw.Status?.Addr ?? '',
    engineVersion: raw.Description?.Engine?.EngineVersion ?? '',
    labels: raw.Spec?.Labels ?? {},
  };
}

/** Tasks the scheduler still wants running count as desired (like `docker service ls` for global services). */
function isDesired(t: RawTask): boolean {
  return t.DesiredState === 'running';
}

export function serviceFromApi(raw: RawService, tasks: readonly RawTask[], nodesUp: ReadonlySet<string>): SwarmService {
  const spec = raw.Spec ?? {};
  const imageText = spec.TaskTemplate?.ContainerSpec?.Image ?? '';
  const image = tryParseImageRef(imageText);
  const mine = tasks.filter((t) => t.ServiceID === raw.ID);
  const global = spec.Mode?.Global !== undefined;
  const replicas = global ? undefined : (spec.Mode?.Replicated?.Replicas ?? 1);
  // Same rule as the docker CLI: a task counts as running when it runs and is wanted, on a node that is not down.
  const running = mine.filter((t) => isDesired(t) && t.Status?.State === 'running' && (t.NodeID === undefined || nodesUp.has(t.NodeID))).length;
  const desired = global ? mine.filter((t) => isDesired(t) && t.NodeID !== undefined && nodesUp.has(t.NodeID)).length : replicas!;
  const previousImage = tryParseImageRef(raw.PreviousSpec?.TaskTemplate?.ContainerSpec?.Image);
  return {
    id: raw.ID ?? '',
    name: spec.Name ?? raw.ID ?? '',
    imageText,
    image,
    version: versionOf(image),
    digest: image?.digest,
    mode: global ? 'global' : 'replicated',
    replicas,
    runningTasks: running,
    desiredTasks: desired,
    constraints: spec.TaskTemplate?.Placement?.Constraints ?? [],
    ports: (spec.EndpointSpec?.Ports ?? []).map(
      (p): PublishedPort => ({ target: p.TargetPort ?? 0, published: p.PublishedPort, protocol: p.Protocol ?? 'tcp', mode: p.PublishMode ?? 'ingress' }),
    ),
    updateState: interpretUpdateStatus(raw.UpdateStatus),
    specVersion: raw.Version?.Index ?? 0,
    updatedAt: raw.UpdatedAt ?? '',
    updateConfig: policy(spec.UpdateConfig),
    rollbackConfig: policy(spec.RollbackConfig),
    canRollBack: raw.PreviousSpec !== undefined,
    previousVersion: previousImage ? versionOf(previousImage) : undefined,
    labels: spec.Labels ?? {},
  };
}

export function taskFromApi(raw: RawTask, serviceName: string, hostname: string): SwarmTask {
  const imageText = raw.Spec?.ContainerSpec?.Image ?? '';
  const image = tryParseImageRef(imageText);
  return {
    id: raw.ID ?? '',
    serviceId: raw.ServiceID ?? '',
    serviceName,
    slot: raw.Slot && raw.Slot > 0 ? raw.Slot : undefined,
    nodeId: raw.NodeID ?? '',
    nodeHostname: hostname,
    state: raw.Status?.State ?? 'unknown',
    desiredState: raw.DesiredState ?? 'unknown',
    message: raw.Status?.Message ?? '',
    error: raw.Status?.Err || undefined,
    exitCode: raw.Status?.ContainerStatus?.ExitCode,
    imageText,
    version: versionOf(image),
    digest: image?.digest,
    containerId: raw.Status?.ContainerStatus?.ContainerID || undefined,
    updatedAt: raw.UpdatedAt ?? '',
  };
}

/**
 * Orders tasks like `docker service ps`: by service, then slot (or node for global services), newest first within
 * a slot, so the current task of each slot comes before its history.
 */
export function compareTasks(a: SwarmTask, b: SwarmTask): number {
  if (a.serviceName !== b.serviceName) return a.serviceName < b.serviceName ? -1 : 1;
  const ka = a.slot ?? 0;
  const kb = b.slot ?? 0;
  if (ka !== kb) return ka - kb;
  if (a.slot === undefined && a.nodeId !== b.nodeId) return a.nodeId < b.nodeId ? -1 : 1;
  return a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0;
}

/** One cluster read: three list calls' answers → the snapshot the tree and CLI show. */
export function snapshotFromApi(
  cluster: ClusterTarget,
  raw: { nodes: readonly RawNode[]; services: readonly RawService[]; tasks: readonly RawTask[] },
  fetchedAt: number,
): ClusterSnapshot {
  const nodes = raw.nodes.map(nodeFromApi).sort((a, b) => (a.hostname === b.hostname ? (a.id < b.id ? -1 : 1) : a.hostname < b.hostname ? -1 : 1));
  const nodesUp = new Set(nodes.filter((n) => n.status !== 'down').map((n) => n.id));
  const hostnames = new Map(nodes.map((n) => [n.id, n.hostname] as const));
  const services = raw.services.map((s) => serviceFromApi(s, raw.tasks, nodesUp)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = new Map(services.map((s) => [s.id, s.name] as const));
  const tasks = raw.tasks
    .filter((t) => t.ServiceID !== undefined && names.has(t.ServiceID))
    .map((t) => taskFromApi(t, names.get(t.ServiceID!)!, hostnames.get(t.NodeID ?? '') ?? ''))
    .sort(compareTasks);
  return { cluster, nodes, services, tasks, fetchedAt };
}
