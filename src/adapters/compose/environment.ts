import type Docker from 'dockerode';
import { writeFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainComposeFailure } from '../../core/build/integrationRun';
import type { ComposeEnvironment, ComposePort, OutputSink, ServiceContainerState } from '../../core/build/ports';
import { SlipwayError } from '../../core/errors';
import { LABEL_RUN } from '../../core/run/runId';
import { engineError, type EngineEndpoint } from '../docker/endpoint';
import { execFile, type ExecResult } from '../process';
import { detectCompose, type ComposeCli } from './detect';

const DOWN_TIMEOUT_MS = 90_000;

/**
 * Compose environments through the machine's compose CLI (argument arrays only). Every environment gets an
 * override file adding the run's labels to its services, networks and volumes, so `down` plus a label sweep
 * leave nothing behind.
 */
export class ComposeEnvironments implements ComposePort {
  constructor(
    private readonly docker: Docker,
    private readonly endpoint: EngineEndpoint,
    private readonly baseEnv: NodeJS.ProcessEnv,
    private readonly findCli: () => Promise<ComposeCli | undefined> = () => detectCompose(),
  ) {}

  private overridePath(env: ComposeEnvironment): string {
    return join(tmpdir(), `${env.projectName}.slipway-override.yml`);
  }

  private async cli(): Promise<ComposeCli> {
    const cli = await this.findCli();
    if (!cli) {
      throw new SlipwayError('notFound', 'No compose CLI found (neither `docker compose` nor `docker-compose`)', {
        hint: 'Install Docker Compose (v2 plugin, or docker-compose v1); `slipway doctor` checks it',
      });
    }
    return cli;
  }

  private async exec(env: ComposeEnvironment, args: string[], opts: { sink?: OutputSink; signal?: AbortSignal; timeoutMs?: number }): Promise<ExecResult> {
    const cli = await this.cli();
    const file = this.overridePath(env);
    await writeFile(file, env.labelOverride);
    return execFile(cli.file, [...cli.prefix, '--project-name', env.projectName, '--file', env.composeFile, '--file', file, ...args], {
      cwd: env.workspaceDir,
      env: { ...this.baseEnv, ...env.env },
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.sink ? { onStdout: opts.sink.stdout, onStderr: opts.sink.stderr } : {}),
    });
  }

  private failure(what: string, r: ExecResult): SlipwayError {
    const explained = explainComposeFailure(r.stderr);
    if (explained) return new SlipwayError('docker', explained.message, { hint: explained.hint, details: { stderr: r.stderr } });
    if (/Cannot connect to the Docker daemon|Couldn't connect to Docker daemon|Error while fetching server API version/i.test(r.stderr)) {
      return new SlipwayError('unreachable', `The Docker engine at ${this.endpoint.host} is not reachable (compose could not connect)`, {
        hint: 'Start the Docker engine (or check DOCKER_HOST), then retry; `slipway doctor` shows what is missing',
      });
    }
    const lines = r.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^(Creating|Starting|Stopping|Removing|Pulling|Network|Volume)\b/.test(l));
    const detail = lines.slice(-6).join(' ').replace(/^ERROR:\s*/, '');
    return new SlipwayError('docker', `compose ${what} failed (exit ${r.code}): ${detail || 'no message'}`, {
      hint: 'Check the compose file (`docker-compose -f FILE config` shows what compose understood)',
      details: { stderr: r.stderr },
    });
  }

  async up(env: ComposeEnvironment, services: readonly string[], sink: OutputSink, signal?: AbortSignal): Promise<void> {
    const r = await this.exec(env, ['up', '--detach', '--no-build', ...services], { sink, ...(signal ? { signal } : {}) });
    if (r.code !== 0) throw this.failure('up', r);
  }

  async serviceState(env: ComposeEnvironment, service: string): Promise<ServiceContainerState> {
    try {
      const list = await this.docker.listContainers({
        all: true,
        filters: { label: [`com.docker.compose.project=${env.projectName}`, `com.docker.compose.service=${service}`, 'com.docker.compose.oneoff=False'] },
      });
      const first = list[0];
      if (!first) return { found: false, publishedPorts: [] };
      const info = await this.docker.getContainer(first.Id).inspect();
      const health = (info.State as { Health?: { Status: string; Log?: { Output: string }[] } }).Health;
      const ports: { host: string; port: number }[] = [];
      for (const bindings of Object.values(info.NetworkSettings.Ports ?? {})) {
        for (const b of bindings ?? []) ports.push({ host: b.HostIp, port: Number(b.HostPort) });
      }
      return {
        found: true,
        status: info.State.Status,
        exitCode: info.State.ExitCode,
        ...(health ? { health: health.Status, lastHealthOutput: health.Log?.at(-1)?.Output ?? '' } : {}),
        publishedPorts: ports,
      };
    } catch (e) {
      throw engineError(this.endpoint, e);
    }
  }

  /** docker-proxy accepts a connection even when nothing listens behind it, then drops it: require it to stay open. */
  portAnswers(host: string, port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host, port });
      let done = false;
      const finish = (ok: boolean): void => {
        if (done) return;
        done = true;
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1000, () => finish(false));
      socket.on('error', () => finish(false));
      socket.on('close', () => finish(false));
      socket.on('connect', () => setTimeout(() => finish(true), 150));
    });
  }

  async runService(env: ComposeEnvironment, service: string, sink: OutputSink, timeoutMs: number, signal?: AbortSignal): Promise<{ exitCode: number }> {
    try {
      const r = await this.exec(env, ['run', '--rm', '-T', service], { sink, timeoutMs, ...(signal ? { signal } : {}) });
      // A dependency that could not start (e.g. its host port is taken) is compose's failure, not the test's.
      if (r.code !== 0 && explainComposeFailure(r.stderr)) throw this.failure('run', r);
      return { exitCode: r.code };
    } catch (e) {
      if (SlipwayError.is(e, 'timeout')) {
        throw new SlipwayError('timeout', `The test service ${service} did not finish within ${Math.round(timeoutMs / 1000)} s`, {
          hint: 'Look for a hanging request in its output, or raise integration.testTimeoutSeconds in slipway.yml',
        });
      }
      throw e;
    }
  }

  async down(env: ComposeEnvironment, sink: OutputSink): Promise<void> {
    try {
      const r = await this.exec(env, ['down', '--volumes', '--remove-orphans', '--timeout', '3'], { sink, timeoutMs: DOWN_TIMEOUT_MS });
      if (r.code !== 0) sink.stderr(`compose down exited with ${r.code}; removing by label\n`);
    } catch (e) {
      sink.stderr(`compose down failed (${(e as Error).message}); removing by label\n`);
    }
    await sweepProject(this.docker, env.projectName, env.labels[LABEL_RUN]).catch((e: unknown) => sink.stderr(`label sweep failed: ${(e as Error).message}\n`));
    await rm(this.overridePath(env), { force: true });
  }
}

/** Removes every container, network and volume of one compose project of a run (by label). */
export async function sweepProject(docker: Docker, projectName: string, runId: string | undefined): Promise<void> {
  const label = [`com.docker.compose.project=${projectName}`, ...(runId ? [`${LABEL_RUN}=${runId}`] : [])];
  const containers = await docker.listContainers({ all: true, filters: { label } });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  const networks = await docker.listNetworks({ filters: { label } });
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove().catch(() => undefined)));
  const volumes = (await docker.listVolumes({ filters: { label } })).Volumes ?? [];
  await Promise.all(volumes.map((v) => docker.getVolume(v.Name).remove().catch(() => undefined)));
}
