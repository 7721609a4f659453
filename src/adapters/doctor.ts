import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { clusterChecks, composeCheck, filesNamedBy, registriesNamedBy, type ClusterProbe, type DoctorCheck } from '../core/doctor';
import type { SlipwayConfig } from '../core/config/model';
import { toSlipwayError } from '../core/errors';
import { mergeClusters } from '../core/swarm/clusters';
import type { ClusterTarget } from '../core/swarm/model';
import { detectCompose } from './compose/detect';
import { gitClient } from './git/client';
import { CONFIG_FILE, loadSlipwayConfig } from './config';
import { defaultEndpoint, dockerClient, engineError, type EngineEndpoint } from './docker/endpoint';
import { SwarmCluster } from './docker/swarm';
import { loadClusterTargets } from './docker/swarmClusters';
import { registryBaseUrl } from './registry';
import { buildEngineOf } from '../app/build';
import { buildEngineEndpoint } from './docker/buildEngine';

async function gitCheck(): Promise<DoctorCheck> {
  try {
    const r = await gitClient.run(['--version'], { cwd: process.cwd(), timeoutMs: 10_000 });
    return { name: 'git', ok: r.code === 0, detail: r.stdout.trim() || r.stderr.trim() };
  } catch (e) {
    return { name: 'git', ok: false, detail: (e as Error).message, fix: 'Install git (apt-get install git)' };
  }
}

async function gitFlowCheck(cwd: string): Promise<DoctorCheck> {
  const name = 'git-flow config';
  try {
    const inRepo = await gitClient.run(['rev-parse', '--show-toplevel'], { cwd, timeoutMs: 10_000 });
    if (inRepo.code !== 0) {
      return { name, ok: false, optional: true, detail: `${cwd} is not inside a git repository`, fix: 'Run `git init`, then `slipway flow init -d`' };
    }
    const r = await gitClient.run(['config', '--get-regexp', '^gitflow\\.'], { cwd, timeoutMs: 10_000 });
    const keys = r.stdout.split('\n').filter((l) => l.trim().length > 0);
    const master = keys.find((l) => l.startsWith('gitflow.branch.master '))?.split(' ')[1];
    const develop = keys.find((l) => l.startsWith('gitflow.branch.develop '))?.split(' ')[1];
    if (master && develop) return { name, ok: true, detail: `initialised in ${inRepo.stdout.trim()} (${master} / ${develop})` };
    return { name, ok: false, optional: true, detail: `not initialised in ${inRepo.stdout.trim()}`, fix: 'Run `slipway flow init -d` (AVH defaults)' };
  } catch (e) {
    return { name, ok: false, optional: true, detail: (e as Error).message, fix: 'Install git' };
  }
}

async function engineCheck(endpoint: EngineEndpoint): Promise<DoctorCheck[]> {
  const docker = dockerClient(endpoint);
  try {
    const version = (await docker.version()) as { Version: string; ApiVersion: string };
    const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
    const swarm = info.Swarm?.LocalNodeState ?? 'unknown';
    return [
      { name: 'Docker engine', ok: true, detail: `${version.Version} (API ${version.ApiVersion}) at ${endpoint.host}` },
      {
        name: 'Docker swarm',
        ok: swarm === 'active',
        optional: true,
        detail: swarm === 'active' ? `active${info.Swarm?.ControlAvailable ? ', manager' : ', worker'}` : swarm,
        ...(swarm === 'active' ? {} : { fix: 'Deploys need a swarm manager: `docker swarm init`, or point a cluster at a manager in slipway.yml' }),
      },
    ];
  } catch (e) {
    const err = engineError(endpoint, e);
    return [{ name: 'Docker engine', ok: false, detail: err.message, fix: err.hint ?? 'Start the Docker engine' }];
  }
}

async function composeCliCheck(): Promise<DoctorCheck> {
  const cli = await detectCompose();
  return composeCheck(cli && { command: [cli.file, ...cli.prefix].join(' '), version: cli.version, generation: cli.generation });
}

/** slipway.yml parses and validates (errors carry file:line:col), and every file it names exists. */
async function configChecks(cwd: string, env: NodeJS.ProcessEnv): Promise<{ checks: DoctorCheck[]; config?: SlipwayConfig; clusters: ClusterTarget[] }> {
  if (!existsSync(join(cwd, CONFIG_FILE))) {
    return { checks: [{ name: CONFIG_FILE, ok: false, optional: true, detail: `no ${CONFIG_FILE} in ${cwd}`, fix: `Create ${CONFIG_FILE} to build, test and deploy this service` }], clusters: [] };
  }
  let config: SlipwayConfig;
  let clusters: ClusterTarget[];
  try {
    config = await loadSlipwayConfig(cwd);
    clusters = await loadClusterTargets(cwd, env);
  } catch (e) {
    const err = toSlipwayError(e, 'config');
    return { checks: [{ name: CONFIG_FILE, ok: false, detail: err.message, fix: err.hint ?? `Fix ${CONFIG_FILE}` }], clusters: [] };
  }
  const checks: DoctorCheck[] = [{ name: CONFIG_FILE, ok: true, detail: `valid (${clusters.length} cluster(s))` }];
  const missing = filesNamedBy(config).filter((f) => !existsSync(isAbsolute(f.path) ? f.path : join(cwd, f.path)));
  const named = filesNamedBy(config).length;
  if (named > 0) {
    checks.push(
      missing.length === 0
        ? { name: 'files slipway.yml names', ok: true, detail: `${named} present` }
        : { name: 'files slipway.yml names', ok: false, detail: missing.map((f) => `${f.key}: ${f.path} does not exist`).join('; '), fix: `Add the file, or correct its path in ${CONFIG_FILE}` },
    );
  }
  return { checks, config, clusters };
}

/** Reaches the cluster's engine: swarm state and role, then a snapshot of its services and tasks (managers only). */
async function probeCluster(target: ClusterTarget, env: NodeJS.ProcessEnv): Promise<ClusterProbe> {
  let client: SwarmCluster;
  try {
    client = SwarmCluster.connect(target, env);
  } catch (e) {
    const err = toSlipwayError(e, 'config');
    return { cluster: target.name, endpoint: target.host ?? target.context ?? '?', kind: 'unreachable', message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  }
  const endpoint = client.endpoint.host;
  try {
    const info = (await client.call(() => client.docker.info())) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
    const swarmState = info.Swarm?.LocalNodeState || 'inactive';
    const manager = info.Swarm?.ControlAvailable === true;
    if (swarmState !== 'active' || !manager) return { cluster: target.name, endpoint, kind: 'answered', swarmState, manager };
    return { cluster: target.name, endpoint, kind: 'answered', swarmState, manager, snapshot: await client.snapshot() };
  } catch (e) {
    const err = toSlipwayError(e, 'docker');
    return { cluster: target.name, endpoint, kind: 'unreachable', message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  }
}

/** The engine `build.engine` names answers and holds the builder image (the workspace is shipped there). */
async function buildEngineCheck(config: SlipwayConfig | undefined, env: NodeJS.ProcessEnv): Promise<DoctorCheck[]> {
  if (!config?.build?.engine) return [];
  let name = 'build engine';
  let host = '?';
  try {
    const target = buildEngineOf(config)!;
    name = `build engine (${target.label})`;
    const { endpoint } = buildEngineEndpoint(target, env);
    host = endpoint.host;
    const docker = dockerClient(endpoint);
    await docker.ping().catch((e: unknown) => {
      throw engineError(endpoint, e);
    });
    const image = config.build.image;
    const present = await docker.getImage(image).inspect().then(
      () => true,
      (e: unknown) => {
        if (engineError(endpoint, e).kind === 'notFound') return false;
        throw engineError(endpoint, e);
      },
    );
    if (!present) {
      return [{ name, ok: false, detail: `${host} answers, but the builder image ${image} is not there`, fix: `Build or load ${image} on that engine (docker -H ${host} …), or change build.image` }];
    }
    return [{ name, ok: true, detail: `${host} answers and has ${image}; the workspace is shipped there (no bind mount)` }];
  } catch (e) {
    const err = toSlipwayError(e, 'docker');
    return [{ name, ok: false, detail: `${host === '?' ? '' : `${host}: `}${err.message}`, fix: err.hint ?? 'Check build.engine in slipway.yml' }];
  }
}

/** The registry answers the v2 API (200, or 401 when it wants a login: reachable either way). */
async function registryCheck(registry: string): Promise<DoctorCheck> {
  const name = `registry ${registry}`;
  const url = `${registryBaseUrl(registry)}/v2/`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (res.ok) return { name, ok: true, detail: `${url} answers` };
    if (res.status === 401) return { name, ok: false, optional: true, detail: `${url} wants a login; Slipway reads registries anonymously`, fix: 'Allow anonymous pulls, or use a registry that does' };
    return { name, ok: false, detail: `${url} answered HTTP ${res.status}`, fix: 'Check that the address is a Docker registry (v2 API)' };
  } catch (e) {
    return { name, ok: false, detail: `${url} is not reachable: ${(e as Error).message}`, fix: 'Start the registry, or correct its address in slipway.yml (deploy.registry, clusters.*.registry)' };
  }
}

export interface DoctorOptions {
  /** The default engine (DOCKER_HOST) the build and tests use. */
  readonly endpoint?: EngineEndpoint;
  /** Clusters configured outside slipway.yml (the editor's `slipway.clusters` setting); a name here wins. */
  readonly extraClusters?: readonly ClusterTarget[];
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Probes everything Slipway needs, concurrently: git, git-flow, the default Docker engine, the compose CLI,
 * slipway.yml and the files it names, every configured cluster (reachable, swarm manager, services healthy) and
 * every registry.
 */
export async function runDoctorChecks(cwd: string, options: DoctorOptions = {}): Promise<DoctorCheck[]> {
  const env = options.env ?? process.env;
  const configured = configChecks(cwd, env);
  const [git, flow, engine, compose, config] = await Promise.all([
    gitCheck(),
    gitFlowCheck(cwd),
    engineCheck(options.endpoint ?? defaultEndpoint()),
    composeCliCheck(),
    configured,
  ]);
  const clusters = mergeClusters(config.clusters, [...(options.extraClusters ?? [])]);
  const [probes, registries, buildEngine] = await Promise.all([
    Promise.all(clusters.map((c) => probeCluster(c, env))),
    Promise.all(registriesNamedBy(config.config, clusters).map(registryCheck)),
    buildEngineCheck(config.config, env),
  ]);
  return [git, flow, ...engine, compose, ...config.checks, ...buildEngine, ...probes.flatMap(clusterChecks), ...registries];
}
