/**
 * One Swarm cluster through one dockerode client: a refresh that costs three list calls whatever the number of
 * services, service updates that keep the spec (optimistic version index, ForceUpdate only when asked), rollback,
 * scale, logs and node labels. Every engine answer is turned into the core model by `src/core/swarm/engineData.ts`.
 */
import type Docker from 'dockerode';
import { PassThrough, type Readable } from 'node:stream';
import { SlipwayError } from '../../core/errors';
import { snapshotFromApi, serviceFromApi, taskFromApi, compareTasks, type RawNode, type RawService, type RawServiceSpec, type RawTask } from '../../core/swarm/engineData';
import type { NodeAvailability } from '../../core/swarm/nodes';
import type { ClusterSnapshot, ClusterTarget, SwarmService, SwarmTask } from '../../core/swarm/model';
import { resolveDockerContext } from './contexts';
import { dockerClient, engineError, type EngineEndpoint } from './endpoint';

/** The endpoint a cluster config names: its host (with TLS files) or its Docker context. */
export function clusterEndpoint(cluster: ClusterTarget, env: NodeJS.ProcessEnv = process.env): EngineEndpoint {
  if (cluster.host) return { host: cluster.host, ...(cluster.tls ? { tls: cluster.tls } : {}) };
  if (cluster.context) return resolveDockerContext(cluster.context, env);
  throw new SlipwayError('config', `Cluster "${cluster.name}" has neither host nor context`, { hint: 'Set `host:` (unix://, tcp://, ssh://) or `context:` for it' });
}

const NOT_MANAGER = /not a swarm manager|swarm mode|This node is not part of a swarm/i;

/** Engine errors in cluster words: a daemon that is not a swarm manager gets its own message and fix. */
export function clusterError(cluster: ClusterTarget, endpoint: EngineEndpoint, error: unknown): SlipwayError {
  const e = engineError(endpoint, error);
  if (e.kind === 'docker' && NOT_MANAGER.test(e.message)) {
    return new SlipwayError('docker', `The engine of cluster "${cluster.name}" (${endpoint.host}) is not a swarm manager`, {
      hint: 'Point the cluster at a manager node, or run `docker swarm init` on that engine',
      cause: error,
      details: { reason: 'notSwarmManager', cluster: cluster.name },
    });
  }
  if (e.kind === 'unreachable') {
    return new SlipwayError('unreachable', `Cluster "${cluster.name}": ${e.message}`, { hint: e.hint, cause: error, details: { cluster: cluster.name } });
  }
  return e;
}

export interface UpdateImageResult {
  /** The service before the update (its UpdatedAt marks where the new rollout starts). */
  readonly before: SwarmService;
  readonly image: string;
  readonly warnings: readonly string[];
}

export interface LogOptions {
  readonly follow?: boolean;
  readonly tail?: number;
  readonly timestamps?: boolean;
  /** Prefix each line with the task, node and service ids (`com.docker.swarm.task.id=…`). */
  readonly details?: boolean;
  readonly signal?: AbortSignal;
}

export class SwarmCluster {
  /** Engine API calls made so far (the bench and tests check a refresh stays constant). */
  apiCalls = 0;

  constructor(
    readonly cluster: ClusterTarget,
    readonly docker: Docker,
    readonly endpoint: EngineEndpoint,
    /** How long one API call may take before the engine counts as not answering (SLIPWAY_ENGINE_TIMEOUT_MS). */
    readonly answerTimeoutMs = 20_000,
  ) {}

  static connect(cluster: ClusterTarget, env: NodeJS.ProcessEnv = process.env): SwarmCluster {
    const endpoint = clusterEndpoint(cluster, env);
    const timeout = Number(env['SLIPWAY_ENGINE_TIMEOUT_MS']);
    return new SwarmCluster(cluster, dockerClient(endpoint), endpoint, Number.isFinite(timeout) && timeout > 0 ? timeout : undefined);
  }

  /** Counts the call and maps its failure to a cluster error. */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    this.apiCalls++;
    // A paused or wedged engine accepts the connection and never answers: bound every call, name the cluster
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const seconds = Math.round(this.answerTimeoutMs / 1000);
        reject(new SlipwayError('unreachable', `Cluster "${this.cluster.name}": the engine at ${this.endpoint.host} did not answer within ${seconds} s`, {
          hint: 'The engine is paused, overloaded or cut off; it is asked again on the next refresh',
          details: { cluster: this.cluster.name, reason: 'noAnswer' },
        }));
      }, this.answerTimeoutMs);
    });
    try {
      return await Promise.race([fn(), silent]);
    } catch (e) {
      throw SlipwayError.is(e, 'unreachable') && (e as SlipwayError).details?.['reason'] === 'noAnswer' ? e : clusterError(this.cluster, this.endpoint, e);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The whole cluster in three calls (nodes, services, tasks), whatever the number of services. */
  async snapshot(): Promise<ClusterSnapshot> {
    const [nodes, services, tasks] = await Promise.all([
      this.call(() => this.docker.listNodes() as Promise<RawNode[]>),
      this.call(() => this.docker.listServices() as Promise<RawService[]>),
      this.call(() => this.docker.listTasks() as Promise<RawTask[]>),
    ]);
    return snapshotFromApi(this.cluster, { nodes, services, tasks }, Date.now());
  }

  async rawService(name: string): Promise<RawService> {
    try {
      return (await this.call(() => this.docker.getService(name).inspect())) as RawService;
    } catch (e) {
      if (SlipwayError.is(e, 'notFound')) {
        throw new SlipwayError('notFound', `No service "${name}" on cluster "${this.cluster.name}"`, {
          hint: `List the services with \`slipway swarm services --cluster ${this.cluster.name}\``,
          details: { cluster: this.cluster.name, service: name },
        });
      }
      throw e;
    }
  }

  /** One service and its tasks: two calls (inspect + tasks filtered by service); used while watching a rollout. */
  async serviceState(name: string): Promise<{ service: SwarmService; tasks: SwarmTask[] }> {
    const raw = await this.rawService(name);
    const [rawTasks, rawNodes] = await Promise.all([
      this.call(() => this.docker.listTasks({ filters: { service: [raw.ID!] } }) as Promise<RawTask[]>),
      this.call(() => this.docker.listNodes() as Promise<RawNode[]>),
    ]);
    const hostnames = new Map(rawNodes.map((n) => [n.ID ?? '', n.Description?.Hostname ?? ''] as const));
    const up = new Set(rawNodes.filter((n) => n.Status?.State !== 'down').map((n) => n.ID ?? ''));
    const service = serviceFromApi(raw, rawTasks, up);
    const tasks = rawTasks.filter((t) => t.ServiceID === raw.ID).map((t) => taskFromApi(t, service.name, hostnames.get(t.NodeID ?? '') ?? '')).sort(compareTasks);
    return { service, tasks };
  }

  private async postUpdate(raw: RawService, spec: RawServiceSpec, query: Record<string, string | number> = {}): Promise<string[]> {
    const answer = (await this.call(() =>
      this.docker.getService(raw.ID!).update({ _query: { version: raw.Version?.Index ?? 0, ...query }, _body: spec } as unknown as Record<string, unknown>),
    )) as { Warnings?: string[] | null } | undefined;
    return answer?.Warnings ?? [];
  }

  /**
   * Rolls the service to `image` with its own update config. The rest of the spec is sent back unchanged with the
   * version index it was read at (a concurrent change makes the engine refuse instead of overwriting it).
   * No registry lookup happens here (the `--no-resolve-image` of the CLI): callers pin digests themselves.
   */
  async updateImage(name: string, image: string, options: { force?: boolean } = {}): Promise<UpdateImageResult> {
    const raw = await this.rawService(name);
    const before = serviceFromApi(raw, [], new Set());
    const spec = structuredClone(raw.Spec ?? {}) as RawServiceSpec;
    const template = (spec.TaskTemplate ??= {});
    const container = (template.ContainerSpec ??= {});
    const unchanged = container.Image === image;
    container.Image = image;
    // Only a redeploy of the very same image needs ForceUpdate to restart tasks; otherwise the image change does it.
    if (unchanged && options.force) template.ForceUpdate = (template.ForceUpdate ?? 0) + 1;
    const warnings = unchanged && !options.force ? [] : await this.postUpdate(raw, spec);
    return { before, image, warnings };
  }

  /** Swarm's own rollback to the previous spec, paced by the service's rollback config (`docker service rollback`). */
  async rollback(name: string): Promise<UpdateImageResult> {
    const raw = await this.rawService(name);
    const before = serviceFromApi(raw, [], new Set());
    if (!raw.PreviousSpec) {
      throw new SlipwayError('docker', `Service "${name}" on cluster "${this.cluster.name}" has no previous version to roll back to`, {
        hint: 'Deploy a version first; rollback returns to the spec before the last update',
      });
    }
    const warnings = await this.postUpdate(raw, raw.Spec ?? {}, { rollback: 'previous' });
    return { before, image: raw.PreviousSpec.TaskTemplate?.ContainerSpec?.Image ?? '', warnings };
  }

  async scale(name: string, replicas: number): Promise<void> {
    if (!Number.isInteger(replicas) || replicas < 0) throw new SlipwayError('usage', `Replicas must be a whole number ≥ 0 (got ${replicas})`);
    const raw = await this.rawService(name);
    if (raw.Spec?.Mode?.Global !== undefined) throw new SlipwayError('usage', `Service "${name}" is global: it runs one task per node and cannot be scaled`);
    const spec = structuredClone(raw.Spec ?? {}) as RawServiceSpec;
    spec.Mode = { Replicated: { Replicas: replicas } };
    await this.postUpdate(raw, spec);
  }

  /** Drain (Swarm moves its tasks elsewhere) or activate a node, keeping the rest of its spec and its version index. */
  async setNodeAvailability(nodeId: string, availability: NodeAvailability): Promise<void> {
    const node = this.docker.getNode(nodeId);
    const raw = (await this.call(() => node.inspect())) as RawNode & { Version?: { Index?: number } };
    const spec = { ...structuredClone(raw.Spec ?? {}), Availability: availability } as NonNullable<RawNode['Spec']>;
    await this.call(() => node.update({ _query: { version: raw.Version?.Index ?? 0 }, _body: spec } as unknown as Record<string, unknown>));
  }

  /** Adds (or changes) a node label, keeping the node's spec and version index. */
  async setNodeLabel(nodeId: string, key: string, value: string | undefined): Promise<void> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key)) throw new SlipwayError('usage', `"${key}" is not a valid label key`);
    const node = this.docker.getNode(nodeId);
    const raw = (await this.call(() => node.inspect())) as RawNode & { Version?: { Index?: number } };
    const spec = structuredClone(raw.Spec ?? {}) as NonNullable<RawNode['Spec']>;
    const labels = { ...(spec.Labels ?? {}) };
    if (value === undefined) {
      if (!(key in labels)) throw new SlipwayError('notFound', `Node ${raw.Description?.Hostname ?? nodeId} has no label "${key}"`);
      delete labels[key];
    } else labels[key] = value;
    spec.Labels = labels;
    await this.call(() => node.update({ _query: { version: raw.Version?.Index ?? 0 }, _body: spec } as unknown as Record<string, unknown>));
  }

  /**
   * The digest the engine knows for a local image (its RepoDigests for the same repository): what a node runs when
   * the service spec is not pinned.
   */
  async localImageDigest(image: string, repository: string): Promise<string | undefined> {
    try {
      const info = (await this.call(() => this.docker.getImage(image).inspect())) as { RepoDigests?: string[] };
      const match = (info.RepoDigests ?? []).find((d) => d.startsWith(`${repository}@`));
      return match?.slice(match.indexOf('@') + 1);
    } catch (e) {
      if (SlipwayError.is(e, 'notFound')) return undefined;
      throw e;
    }
  }

  /** Local image tags of a repository on this engine (for the Deploy Version picker). */
  async localTags(repository: string): Promise<string[]> {
    const images = (await this.call(() => this.docker.listImages({ filters: { reference: [repository] } }))) as { RepoTags?: string[] | null }[];
    return images
      .flatMap((i) => i.RepoTags ?? [])
      .filter((t) => t.startsWith(`${repository}:`))
      .map((t) => t.slice(repository.length + 1));
  }

  /** Service logs (all tasks), demultiplexed into text; the stream ends when `signal` aborts or the logs end. */
  async logs(name: string, options: LogOptions = {}): Promise<Readable> {
    const raw = await this.rawService(name);
    const service = this.docker.getService(raw.ID!) as unknown as { logs(opts: Record<string, unknown>): Promise<Readable | Buffer> };
    const stream = await this.call(() =>
      service.logs({ follow: options.follow ?? true, stdout: true, stderr: true, timestamps: options.timestamps ?? false, details: options.details ?? false, tail: options.tail ?? 200 }),
    );
    const out = new PassThrough();
    if (Buffer.isBuffer(stream)) {
      // Non-follow answers arrive whole: demultiplex the frames ourselves.
      out.end(demuxBuffer(stream));
      return out;
    }
    this.docker.modem.demuxStream(stream, out, out);
    stream.on('end', () => out.end());
    stream.on('error', (e) => out.destroy(e));
    options.signal?.addEventListener('abort', () => {
      (stream as Readable & { destroy(): void }).destroy();
      out.end();
    }, { once: true });
    return out;
  }
}

/** Docker's multiplexed log frames: 8-byte header (stream, 0, 0, 0, size BE32) then the payload. */
export function demuxBuffer(buffer: Buffer): string {
  const parts: string[] = [];
  let i = 0;
  while (i + 8 <= buffer.length) {
    const kind = buffer[i]!;
    if (kind > 2 || buffer[i + 1] !== 0) return buffer.toString('utf8'); // not multiplexed (TTY service)
    const size = buffer.readUInt32BE(i + 4);
    parts.push(buffer.toString('utf8', i + 8, i + 8 + size));
    i += 8 + size;
  }
  return parts.join('');
}
