/**
 * A cluster's stacks through the Engine API: the stack's services, networks, secrets and configs (found by
 * `com.docker.stack.namespace`, like `docker stack ls|ps|rm`), creating and updating them from specs, and the
 * release records Slipway keeps as Swarm config objects. Every call goes through the cluster's counted `call`.
 */
import { SlipwayError } from '../../core/errors';
import { contentSha256 } from '../contentHash';
import { compareTasks, serviceFromApi, taskFromApi, type RawNode, type RawService, type RawTask } from '../../core/swarm/engineData';
import { NAMESPACE_LABEL } from '../../core/stack/convert';
import type { EngineNetworkSpec, EngineServiceSpec } from '../../core/stack/engineSpec';
import { CONTENT_LABEL, type RunningFileObject } from '../../core/stack/objects';
import type { RunningStack } from '../../core/stack/plan';
import { decodeRelease, encodeRelease, releaseObjectName, RELEASE_NUMBER_LABEL, RELEASE_STACK_LABEL, type ReleaseRecord } from '../../core/stack/release';
import type { StackClusterPort, StackSummary } from '../../core/stack/ports';
import type { StackObjectKind } from '../../core/stack/steps';
import type { ClusterTarget, SwarmService, SwarmTask } from '../../core/swarm/model';
import type { SwarmCluster } from './swarm';

interface RawNamed {
  ID?: string;
  /** Networks say `Id`. */
  Id?: string;
  Name?: string;
  Spec?: { Name?: string; Labels?: Record<string, string>; Data?: string };
  Labels?: Record<string, string>;
}

/** How long a deploy's follower trusts the node list (nodes going down is rare; tasks and services are read every poll). */
const NODES_TTL_MS = 5_000;

export class SwarmStacks implements StackClusterPort {
  constructor(readonly client: SwarmCluster) {}

  get cluster(): ClusterTarget {
    return this.client.cluster;
  }

  serviceState(name: string): Promise<{ service: SwarmService; tasks: SwarmTask[] }> {
    return this.client.serviceState(name);
  }

  /**
   * The stack's services and tasks in two calls (both filtered by the namespace label) for following a deploy. The
   * node list (which nodes are up, their hostnames) is read again only when older than NODES_TTL_MS.
   */
  async stackState(stack: string): Promise<ReadonlyMap<string, { service: SwarmService; tasks: SwarmTask[] }>> {
    const filter = { label: [`${NAMESPACE_LABEL}=${stack}`] };
    const [rawServices, rawTasks, rawNodes] = await Promise.all([
      this.client.call(() => this.docker.listServices({ filters: filter }) as Promise<RawService[]>),
      this.client.call(() => this.docker.listTasks({ filters: filter }) as Promise<RawTask[]>),
      this.recentNodes(),
    ]);
    const hostnames = new Map(rawNodes.map((n) => [n.ID ?? '', n.Description?.Hostname ?? ''] as const));
    const up = new Set(rawNodes.filter((n) => n.Status?.State !== 'down').map((n) => n.ID ?? ''));
    const states = new Map<string, { service: SwarmService; tasks: SwarmTask[] }>();
    for (const raw of rawServices) {
      const service = serviceFromApi(raw, rawTasks, up);
      const tasks = rawTasks.filter((t) => t.ServiceID === raw.ID).map((t) => taskFromApi(t, service.name, hostnames.get(t.NodeID ?? '') ?? '')).sort(compareTasks);
      states.set(service.name, { service, tasks });
    }
    return states;
  }

  private nodes?: { readonly at: number; readonly raw: Promise<RawNode[]> };

  private recentNodes(): Promise<RawNode[]> {
    if (!this.nodes || Date.now() - this.nodes.at > NODES_TTL_MS) {
      const raw = this.client.call(() => this.docker.listNodes() as Promise<RawNode[]>);
      this.nodes = { at: Date.now(), raw };
      raw.catch(() => (this.nodes = undefined));
    }
    return this.nodes.raw;
  }

  private get docker() {
    return this.client.docker;
  }

  async nodeAddress(nodeId: string): Promise<string> {
    const [info, node] = await Promise.all([
      this.client.call(() => this.docker.info() as Promise<{ Swarm?: { NodeID?: string } }>),
      this.client.call(() => this.docker.getNode(nodeId).inspect() as Promise<{ Status?: { Addr?: string } }>),
    ]);
    return info.Swarm?.NodeID === nodeId || !node.Status?.Addr ? '127.0.0.1' : node.Status.Addr;
  }

  /**
   * Everything a plan compares against: 4 calls (services of the stack, all networks, secrets, configs). A config's
   * content hash comes from its data, a secret's from Slipway's label; the stack's release records are configs too.
   */
  async running(stack: string): Promise<RunningStack> {
    const filter = { label: [`${NAMESPACE_LABEL}=${stack}`] };
    const [services, networks, secrets, configs] = await Promise.all([
      this.client.call(() => this.docker.listServices({ filters: filter }) as Promise<RawService[]>),
      this.client.call(() => this.docker.listNetworks() as Promise<RawNamed[]>),
      this.client.call(() => this.docker.listSecrets() as Promise<RawNamed[]>),
      this.client.call(() => this.docker.listConfigs() as Promise<RawNamed[]>),
    ]);
    const fileObject = (o: RawNamed, sha256: string | undefined): RunningFileObject => {
      const owner = o.Spec?.Labels?.[NAMESPACE_LABEL];
      return { name: o.Spec?.Name ?? '', ...(sha256 ? { sha256 } : {}), ...(owner ? { stack: owner } : {}) };
    };
    const records = configs.filter((c) => c.Spec?.Labels?.[RELEASE_STACK_LABEL] !== undefined);
    return {
      services: services.map((s) => ({ id: s.ID ?? '', name: s.Spec?.Name ?? '', spec: (s.Spec ?? {}) as Record<string, unknown> })),
      networks: new Map(networks.map((n) => [n.Id ?? n.ID ?? '', n.Name ?? ''] as const)),
      secrets: secrets.map((x) => fileObject(x, x.Spec?.Labels?.[CONTENT_LABEL])),
      configs: configs.filter((c) => !records.includes(c)).map((x) => fileObject(x, x.Spec?.Data !== undefined ? contentSha256(new Uint8Array(Buffer.from(x.Spec.Data, 'base64'))) : x.Spec?.Labels?.[CONTENT_LABEL])),
      owned: { networks: networks.filter((n) => n.Labels?.[NAMESPACE_LABEL] === stack).map((n) => n.Name ?? '') },
      releases: this.decodeReleases(records, stack),
    };
  }

  /** Stacks on the cluster (services grouped by their namespace label), as `docker stack ls` lists them. */
  async list(): Promise<StackSummary[]> {
    const services = (await this.client.call(() => this.docker.listServices({ filters: { label: [NAMESPACE_LABEL] } }))) as RawService[];
    const byStack = new Map<string, string[]>();
    for (const s of services) {
      const stack = s.Spec?.Labels?.[NAMESPACE_LABEL];
      if (!stack) continue;
      byStack.set(stack, [...(byStack.get(stack) ?? []), s.Spec?.Name ?? '']);
    }
    return [...byStack.entries()].map(([name, list]) => ({ name, services: list.sort() })).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async createNetwork(spec: EngineNetworkSpec): Promise<void> {
    await this.client.call(() => this.docker.createNetwork({ ...spec, CheckDuplicate: true } as unknown as Parameters<typeof this.docker.createNetwork>[0]));
  }

  async createSecret(name: string, data: Uint8Array, labels: Readonly<Record<string, string>>): Promise<void> {
    await this.client.call(() => this.docker.createSecret({ Name: name, Labels: { ...labels }, Data: Buffer.from(data).toString('base64') }));
  }

  async createConfig(name: string, data: Uint8Array, labels: Readonly<Record<string, string>>): Promise<void> {
    await this.client.call(() => this.docker.createConfig({ Name: name, Labels: { ...labels }, Data: Buffer.from(data).toString('base64') }));
  }

  /** Fills SecretID/ConfigID from the names (the API takes IDs; the stack file names them). */
  async withObjectIds(spec: EngineServiceSpec): Promise<EngineServiceSpec> {
    const container = spec.TaskTemplate.ContainerSpec;
    if (!container.Secrets?.length && !container.Configs?.length) return spec;
    const [secrets, configs] = await Promise.all([
      container.Secrets?.length ? this.client.call(() => this.docker.listSecrets() as Promise<RawNamed[]>) : Promise.resolve([] as RawNamed[]),
      container.Configs?.length ? this.client.call(() => this.docker.listConfigs() as Promise<RawNamed[]>) : Promise.resolve([] as RawNamed[]),
    ]);
    const id = (list: RawNamed[], name: string | undefined, kind: string): string => {
      const hit = list.find((o) => o.Spec?.Name === name);
      if (!hit?.ID) throw new SlipwayError('notFound', `The ${kind} "${name}" does not exist on cluster "${this.client.cluster.name}"`, { hint: `Create it on the cluster (external ${kind}s are not created by the stack)` });
      return hit.ID;
    };
    return {
      ...spec,
      TaskTemplate: {
        ...spec.TaskTemplate,
        ContainerSpec: {
          ...container,
          ...(container.Secrets ? { Secrets: container.Secrets.map((s) => ({ ...s, SecretID: id(secrets, s.SecretName, 'secret') })) } : {}),
          ...(container.Configs ? { Configs: container.Configs.map((c) => ({ ...c, ConfigID: id(configs, c.ConfigName, 'config') })) } : {}),
        },
      },
    };
  }

  /** Creates a service; no registry lookup happens here (images come pinned). Returns its ID. */
  async createService(spec: EngineServiceSpec): Promise<string> {
    const full = await this.withObjectIds(spec);
    const answer = (await this.client.call(() => this.docker.createService(full as never))) as { id?: string; ID?: string };
    return answer.id ?? answer.ID ?? '';
  }

  /**
   * Replaces a service's spec, keeping its ForceUpdate counter (raised by one with `force`, which restarts the tasks
   * even when nothing else changed), sent with the version index it was read at. Returns the UpdatedAt before.
   */
  async updateService(spec: EngineServiceSpec, force: boolean): Promise<string> {
    const raw = await this.client.rawService(spec.Name);
    const full = await this.withObjectIds(spec);
    const forceUpdate = ((raw.Spec?.TaskTemplate?.ForceUpdate as number | undefined) ?? 0) + (force ? 1 : 0);
    const body = { ...full, TaskTemplate: { ...full.TaskTemplate, ForceUpdate: forceUpdate } };
    await this.client.call(() =>
      this.docker.getService(raw.ID!).update({ _query: { version: raw.Version?.Index ?? 0 }, _body: body } as unknown as Record<string, unknown>),
    );
    return raw.UpdatedAt ?? '';
  }

  async removeService(name: string): Promise<void> {
    await this.client.call(() => this.docker.getService(name).remove());
  }

  async removeObject(kind: StackObjectKind, name: string): Promise<void> {
    if (kind === 'network') await this.removeBusyNetwork(name);
    else if (kind === 'secret') await this.client.call(() => this.docker.getSecret(name).remove());
    else await this.client.call(() => this.docker.getConfig(name).remove());
  }

  /** A network stays busy until the tasks' containers are gone: retry for a while, as `docker stack rm` users do. */
  private async removeBusyNetwork(idOrName: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.call(() => this.docker.getNetwork(idOrName).remove());
        return;
      } catch (e) {
        if (attempt >= 40) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Removes the stack like `docker stack rm`: its services, then its networks, secrets and configs. */
  async remove(stack: string): Promise<string[]> {
    const filter = { label: [`${NAMESPACE_LABEL}=${stack}`] };
    const removed: string[] = [];
    const services = (await this.client.call(() => this.docker.listServices({ filters: filter }))) as RawService[];
    for (const s of services) {
      await this.client.call(() => this.docker.getService(s.ID!).remove());
      removed.push(`service ${s.Spec?.Name ?? s.ID}`);
    }
    const [networks, secrets, configs] = await Promise.all([
      this.client.call(() => this.docker.listNetworks({ filters: filter }) as Promise<RawNamed[]>),
      this.client.call(() => this.docker.listSecrets({ filters: filter }) as Promise<RawNamed[]>),
      this.client.call(() => this.docker.listConfigs({ filters: filter }) as Promise<RawNamed[]>),
    ]);
    for (const n of networks) {
      await this.removeBusyNetwork((n.Id ?? n.ID)!);
      removed.push(`network ${n.Name}`);
    }
    for (const s of secrets) {
      await this.client.call(() => this.docker.getSecret(s.ID!).remove());
      removed.push(`secret ${s.Spec?.Name}`);
    }
    for (const c of configs) {
      await this.client.call(() => this.docker.getConfig(c.ID!).remove());
      removed.push(`config ${c.Spec?.Name}`);
    }
    return removed;
  }

  // ---- release records ----

  /** The stack's release records on this cluster, oldest first (one call: the config list carries the data). */
  async releases(stack: string): Promise<ReleaseRecord[]> {
    const configs = (await this.client.call(() => this.docker.listConfigs({ filters: { label: [`${RELEASE_STACK_LABEL}=${stack}`] } }))) as RawNamed[];
    return this.decodeReleases(configs, stack);
  }

  private decodeReleases(configs: readonly RawNamed[], stack: string): ReleaseRecord[] {
    return configs
      .filter((c) => c.Spec?.Labels?.[RELEASE_STACK_LABEL] === stack && c.Spec.Data)
      .map((c) => decodeRelease(Buffer.from(c.Spec!.Data!, 'base64').toString('utf8'), `${c.Spec!.Name} on ${this.client.cluster.name}`))
      .sort((a, b) => a.number - b.number);
  }

  /** Every release record on the cluster (all stacks), for the stacks overview. */
  async allReleases(): Promise<ReleaseRecord[]> {
    const configs = (await this.client.call(() => this.docker.listConfigs({ filters: { label: [RELEASE_STACK_LABEL] } }))) as RawNamed[];
    return configs.filter((c) => c.Spec?.Data).map((c) => decodeRelease(Buffer.from(c.Spec!.Data!, 'base64').toString('utf8'), `${c.Spec!.Name} on ${this.client.cluster.name}`));
  }

  /** Writes a record; false when that number was taken meanwhile (another deploy won the race). */
  async writeRelease(record: ReleaseRecord): Promise<boolean> {
    try {
      await this.client.call(() =>
        this.docker.createConfig({
          Name: releaseObjectName(record.stack, record.number),
          Labels: { [RELEASE_STACK_LABEL]: record.stack, [RELEASE_NUMBER_LABEL]: String(record.number) },
          Data: Buffer.from(encodeRelease(record), 'utf8').toString('base64'),
        }),
      );
      return true;
    } catch (e) {
      if (SlipwayError.is(e) && /already exists|name conflicts/i.test(e.message)) return false;
      throw e;
    }
  }

  async removeRelease(stack: string, number: number): Promise<void> {
    await this.client.call(() => this.docker.getConfig(releaseObjectName(stack, number)).remove());
  }
}
