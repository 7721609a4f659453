/**
 * The agent's service on a cluster through the Engine API: the image built on the engine from the CLI bundle (the
 * same image builder as `slipway package`), the token secret, the service itself, its tasks and logs.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AGENT_LABEL, AGENT_SERVICE, agentServiceSpec } from '../../core/agent/agentService';
import { SlipwayError } from '../../core/errors';
import type { SwarmService, SwarmTask } from '../../core/swarm/model';
import type { AgentHostPort } from '../../app/agent/install';
import { DockerImageBuilder } from './images';
import type { SwarmCluster } from './swarm';

const DOCKERFILE = `ARG BASE
FROM \${BASE}
COPY dist/ /opt/slipway/
ENTRYPOINT ["node", "/opt/slipway/cli.js", "agent", "run"]
`;

/** The CLI bundle this process runs from (dist/ with cli.js and cli/), or SLIPWAY_AGENT_BUNDLE. */
export function cliBundleDir(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.SLIPWAY_AGENT_BUNDLE, process.argv[1] ? dirname(realpathSync(process.argv[1])) : undefined].filter((d): d is string => Boolean(d));
  const dir = candidates.find((d) => existsSync(join(d, 'cli.js')) && existsSync(join(d, 'cli', 'bin.mjs')));
  if (!dir) throw new SlipwayError('config', `Cannot find Slipway's CLI bundle (dist/cli.js and dist/cli/) to build the agent image from; looked in ${candidates.join(', ') || 'nothing'}`, { hint: 'Run the installed slipway command (or set SLIPWAY_AGENT_BUNDLE to the dist directory)' });
  return dir;
}

function hashTree(dir: string, hash = createHash('sha256'), prefix = ''): ReturnType<typeof createHash> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name.endsWith('.map')) continue;
    if (statSync(p).isDirectory()) hashTree(p, hash, `${prefix}${name}/`);
    else hash.update(`${prefix}${name}\0`).update(new Uint8Array(readFileSync(p)));
  }
  return hash;
}

export class DockerAgentHost implements AgentHostPort {
  constructor(
    private readonly client: SwarmCluster,
    private readonly bundleDir: string,
    private readonly version: string,
  ) {}

  get cluster() {
    return this.client.cluster;
  }

  get socketPath(): string {
    const host = this.client.endpoint.host;
    return host.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
  }

  private get docker() {
    return this.client.docker;
  }

  async managerNode(): Promise<{ id: string; hostname: string }> {
    const info = (await this.client.call(() => this.docker.info())) as { Name?: string; Swarm?: { NodeID?: string; ControlAvailable?: boolean } };
    if (!info.Swarm?.NodeID || !info.Swarm.ControlAvailable) {
      throw new SlipwayError('docker', `The engine of cluster "${this.cluster.name}" is not a swarm manager: the agent runs beside a manager (it deploys)`, { remedies: [{ action: 'editClusters' }] });
    }
    return { id: info.Swarm.NodeID, hostname: info.Name ?? info.Swarm.NodeID };
  }

  tokenHash(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  async buildAgentImage(baseImage: string, onLog: (line: string) => void): Promise<string> {
    const tag = `slipway-agent:${this.version}-${hashTree(join(this.bundleDir, 'cli')).update(baseImage).digest('hex').slice(0, 12)}`;
    const existing = await this.client.localTags('slipway-agent');
    if (existing.includes(tag.slice('slipway-agent:'.length))) return tag;
    try {
      await this.client.call(() => this.docker.getImage(baseImage).inspect());
    } catch (e) {
      if (!SlipwayError.is(e, 'notFound')) throw e;
      throw new SlipwayError('notFound', `The base image ${baseImage} is not on the engine of cluster "${this.cluster.name}": the agent image is built from it locally (nothing is pulled)`, {
        hint: 'Load a node 20 image on that engine (docker load), or name one it has with the base image option',
      });
    }
    const context = mkdtempSync(join(tmpdir(), 'slipway-agent-image-'));
    try {
      cpSync(join(this.bundleDir, 'cli.js'), join(context, 'dist', 'cli.js'));
      cpSync(join(this.bundleDir, 'cli'), join(context, 'dist', 'cli'), { recursive: true, filter: (src) => !src.endsWith('.map') });
      writeFileSync(join(context, 'Dockerfile'), DOCKERFILE);
      await new DockerImageBuilder(this.docker, this.client.endpoint).buildImage(
        { contextDir: context, dockerfile: 'Dockerfile', tags: [tag], buildArgs: { BASE: baseImage }, labels: { 'io.slipway.kind': 'agent', [AGENT_LABEL]: this.version } },
        onLog,
      );
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
    return tag;
  }

  async ensureSecret(name: string, token: string): Promise<string> {
    const found = (await this.client.call(() => this.docker.listSecrets({ filters: { name: [name] } }))) as { ID?: string; Spec?: { Name?: string } }[];
    const hit = found.find((s) => s.Spec?.Name === name);
    if (hit?.ID) return hit.ID;
    const created = (await this.client.call(() => this.docker.createSecret({ Name: name, Labels: { [AGENT_LABEL]: this.cluster.name }, Data: Buffer.from(token, 'utf8').toString('base64') }))) as { id?: string; ID?: string };
    return created.id ?? created.ID ?? '';
  }

  private async raw(): Promise<{ ID?: string; Version?: { Index?: number }; Spec?: { TaskTemplate?: { ContainerSpec?: { Env?: string[] }; ForceUpdate?: number } } } | undefined> {
    try {
      return (await this.client.call(() => this.docker.getService(AGENT_SERVICE).inspect())) as never;
    } catch (e) {
      if (SlipwayError.is(e, 'notFound')) return undefined;
      throw e;
    }
  }

  async serviceEnv(): Promise<readonly string[] | undefined> {
    return (await this.raw())?.Spec?.TaskTemplate?.ContainerSpec?.Env;
  }

  async serviceState(): Promise<{ service: SwarmService; tasks: SwarmTask[] } | undefined> {
    if (!(await this.raw())) return undefined;
    return this.client.serviceState(AGENT_SERVICE);
  }

  async createOrUpdate(spec: ReturnType<typeof agentServiceSpec>): Promise<'created' | 'updated'> {
    const raw = await this.raw();
    if (!raw) {
      await this.client.call(() => this.docker.createService(spec as never));
      return 'created';
    }
    // A reinstall restarts the agent even when nothing changed (ForceUpdate + 1): it re-reads its token and settings.
    const body = { ...spec, TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: (raw.Spec?.TaskTemplate?.ForceUpdate ?? 0) + 1 } };
    await this.client.call(() => this.docker.getService(raw.ID!).update({ _query: { version: raw.Version?.Index ?? 0 }, _body: body } as unknown as Record<string, unknown>));
    return 'updated';
  }

  async remove(): Promise<boolean> {
    const raw = await this.raw();
    if (raw) await this.client.call(() => this.docker.getService(raw.ID!).remove());
    const secrets = (await this.client.call(() => this.docker.listSecrets({ filters: { label: [AGENT_LABEL] } }))) as { ID?: string }[];
    for (const s of secrets) {
      // A secret stays in use until the agent's task is gone.
      for (let attempt = 0; ; attempt++) {
        try {
          await this.client.call(() => this.docker.getSecret(s.ID!).remove());
          break;
        } catch (e) {
          if (SlipwayError.is(e, 'notFound')) break;
          if (attempt >= 40) throw e;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    }
    // The agent's container outlives its service for its stop grace period: wait until it is gone, so a deploy
    // started right after `remove` cannot race a last push deploy of the agent.
    for (let i = 0; i < 120; i++) {
      const left = (await this.client.call(() => this.docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${AGENT_SERVICE}`] } }))) as unknown[];
      if (left.length === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    return Boolean(raw) || secrets.length > 0;
  }

  async logs(tail: number): Promise<string[]> {
    const stream = await this.client.logs(AGENT_SERVICE, { follow: false, tail, timestamps: false });
    let text = '';
    for await (const c of stream) text += Buffer.isBuffer(c) ? c.toString('utf8') : String(c);
    return text.split('\n').filter((l) => l.trim().length > 0);
  }
}
