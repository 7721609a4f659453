import type { DoctorCheck } from '../core/doctor';
import { detectCompose } from './compose/detect';
import { defaultEndpoint, dockerClient, engineError, type EngineEndpoint } from './docker/endpoint';
import { gitClient } from './git/client';

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

async function composeCheck(): Promise<DoctorCheck> {
  const cli = await detectCompose();
  if (!cli) {
    return {
      name: 'compose CLI',
      ok: false,
      detail: 'neither `docker compose` (v2) nor `docker-compose` (v1) answers',
      fix: 'Install the compose plugin, or docker-compose (apt-get install docker-compose)',
    };
  }
  return { name: 'compose CLI', ok: true, detail: `${[cli.file, ...cli.prefix].join(' ')} ${cli.version} (v${cli.generation})` };
}

/** Probes git, git-flow, the Docker engine and the compose CLI concurrently. */
export async function runDoctorChecks(cwd: string, endpoint: EngineEndpoint = defaultEndpoint()): Promise<DoctorCheck[]> {
  const [git, flow, engine, compose] = await Promise.all([gitCheck(), gitFlowCheck(cwd), engineCheck(endpoint), composeCheck()]);
  return [git, flow, ...engine, compose];
}
