import type Docker from 'dockerode';
import { writeFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainComposeFailure } from '../../core/build/integrationRun';
import type { ComposeEnvironment, ComposePort, OutputSink, ServiceContainerState } from '../../core/build/ports';
import { SlipwayError, cancelledError } from '../../core/errors';
import { exitStatus } from '../docker/containers';
import { engineError, type EngineEndpoint } from '../docker/endpoint';
import { execFile, type ExecResult } from '../process';
import { detectCompose, type ComposeCli } from './detect';
import { copyBindsBack, shipBinds, type ShippedEnvironment } from '../docker/shippedBinds';

const DOWN_TIMEOUT_MS = 90_000;

/** What the compose CLIs print when the engine cannot be reached or went away under them. */
const LOST_ENGINE = /Cannot connect to the Docker daemon|Couldn't connect to Docker daemon|Error while fetching server API version|Connection aborted|Connection refused|RemoteDisconnected|connection reset by peer|ConnectionError/i;

function sinkStream(write: (chunk: string) => void): PassThrough {
  const s = new PassThrough();
  s.setEncoding('utf8');
  s.on('data', (c: string) => write(c));
  return s;
}

/**
 * Compose environments through the machine's compose CLI (argument arrays only). Every environment gets an
 * override file adding the run's labels to its services, networks and volumes; teardown removes everything carrying
 * the compose project's label through the Engine API, so nothing is left behind.
 */
export class ComposeEnvironments implements ComposePort {
  private readonly shipped = new Map<string, Promise<ShippedEnvironment>>();

  constructor(
    private readonly docker: Docker,
    private readonly endpoint: EngineEndpoint,
    private readonly baseEnv: NodeJS.ProcessEnv,
    /** False for an engine that cannot see the workspace: bind mounts of workspace folders are shipped as volumes. */
    private readonly seesWorkspace = true,
    private readonly findCli: () => Promise<ComposeCli | undefined> = () => detectCompose(),
  ) {}

  private overridePath(env: ComposeEnvironment, which = 'override'): string {
    return join(tmpdir(), `${env.projectName}.slipway-${which}.yml`);
  }

  /** The environment's workspace binds as volumes on this engine, shipped once per environment. */
  private async shippedBinds(env: ComposeEnvironment, sink: OutputSink | undefined): Promise<ShippedEnvironment | undefined> {
    if (this.seesWorkspace || !env.binds?.length) return undefined;
    let shipping = this.shipped.get(env.projectName);
    if (!shipping) {
      shipping = shipBinds(this.docker, this.endpoint, env, (line) => sink?.stdout(`${line}\n`));
      this.shipped.set(env.projectName, shipping);
    }
    return shipping;
  }

  private async cli(): Promise<ComposeCli> {
    const cli = await this.findCli();
    if (!cli) {
      throw new SlipwayError('notFound', 'No compose CLI found (neither `docker compose` nor `docker-compose`)', {
        hint: 'Install Docker Compose (v2 plugin, or docker-compose v1)',
        remedies: [{ action: 'doctor' }],
      });
    }
    return cli;
  }

  private async exec(env: ComposeEnvironment, args: string[], opts: { sink?: OutputSink; signal?: AbortSignal; timeoutMs?: number }): Promise<ExecResult> {
    const cli = await this.cli();
    const file = this.overridePath(env);
    await writeFile(file, env.labelOverride);
    const files = ['--file', env.composeFile, '--file', file];
    const shipped = args[0] === 'down' ? undefined : await this.shippedBinds(env, opts.sink);
    if (shipped) {
      const binds = this.overridePath(env, 'binds');
      await writeFile(binds, shipped.override);
      files.push('--file', binds);
    }
    return execFile(cli.file, [...cli.prefix, '--project-name', env.projectName, ...files, ...args], {
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
    if (LOST_ENGINE.test(r.stderr)) {
      return new SlipwayError('unreachable', `The Docker engine at ${this.endpoint.host} is not reachable (compose lost or could not get a connection)`, {
        hint: 'Start the Docker engine (or check DOCKER_HOST), then retry',
        remedies: [{ action: 'doctor' }, { action: 'retry' }],
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

  /**
   * docker-proxy accepts a connection even when nothing listens behind it, then drops it: require it to stay open.
   * A port published on all interfaces of an engine reached over TCP or SSH is probed at that engine's host.
   */
  portAnswers(host: string, port: number): Promise<boolean> {
    const remote = /^(tcp|https?|ssh):\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)/.exec(this.endpoint.host)?.[2];
    const target = remote && (host === '127.0.0.1' || host === '0.0.0.0' || host === '::' || host === '') ? remote.replace(/^\[|\]$/g, '') : host;
    return new Promise((resolve) => {
      const socket = connect({ host: target, port });
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
      const r = await this.exec(env, ['run', '-T', ...(env.noDeps ? ['--no-deps'] : []), service], { sink, timeoutMs, ...(signal ? { signal } : {}) });
      // A dependency that could not start (e.g. its host port is taken) is compose's failure, not the test's; so is an
      // engine that went away under compose (its exit code then says nothing about the test).
      if (r.code !== 0 && (explainComposeFailure(r.stderr) || LOST_ENGINE.test(r.stderr))) throw this.failure('run', r);
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

  async followService(env: ComposeEnvironment, service: string, sink: OutputSink, timeoutMs: number, signal?: AbortSignal): Promise<{ exitCode: number }> {
    if (signal?.aborted) throw cancelledError(`The test service ${service}`);
    let container: Docker.Container;
    let logs: NodeJS.ReadableStream;
    try {
      const list = await this.docker.listContainers({
        all: true,
        filters: { label: [`com.docker.compose.project=${env.projectName}`, `com.docker.compose.service=${service}`, 'com.docker.compose.oneoff=False'] },
      });
      if (!list[0]) throw new SlipwayError('docker', `compose started no container for the test service ${service}`, { hint: 'Check the compose file (profiles, scale)' });
      container = this.docker.getContainer(list[0].Id);
      // From the container's start, so nothing written before we attached is lost.
      logs = (await container.logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream;
    } catch (e) {
      throw engineError(this.endpoint, e);
    }
    const ended = new Promise<void>((resolve) => {
      logs.on('end', resolve);
      logs.on('close', resolve);
      logs.on('error', () => resolve());
    });
    this.docker.modem.demuxStream(logs, sinkStream(sink.stdout), sinkStream(sink.stderr));
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      const exited = exitStatus(container, ended, this.endpoint, `the test service ${service}`).then((StatusCode) => ({ StatusCode }));
      const stopped = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new SlipwayError('timeout', `The test service ${service} did not finish within ${Math.round(timeoutMs / 1000)} s`, {
                hint: 'Look for a hanging request in its output, or raise integration.testTimeoutSeconds in slipway.yml',
              }),
            ),
          timeoutMs,
        );
        onAbort = () => reject(cancelledError(`The test service ${service}`));
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      const { StatusCode } = await Promise.race([exited, stopped]);
      await Promise.race([ended, new Promise((r) => setTimeout(r, 2000).unref())]);
      return { exitCode: StatusCode };
    } catch (e) {
      if (SlipwayError.is(e)) throw e;
      throw engineError(this.endpoint, e);
    } finally {
      if (timer) clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      (logs as unknown as { destroy?: () => void }).destroy?.();
    }
  }

  /**
   * Removes what `down --volumes --remove-orphans` removes — every container (one-off runs included, with their
   * anonymous volumes), network and volume carrying the compose project's label — through the Engine API: no stop
   * grace and no second compose process, which under load costs seconds per environment (bench/build.mjs).
   * Falls back to `compose down` when the engine refuses or something remains.
   */
  async down(env: ComposeEnvironment, sink: OutputSink): Promise<void> {
    const shipping = this.shipped.get(env.projectName);
    this.shipped.delete(env.projectName);
    const shipped = await shipping?.catch(() => undefined);
    if (shipped) await copyBindsBack(this.docker, env, shipped, (line) => sink.stdout(`${line}\n`));
    try {
      const removed = await sweepProject(this.docker, env.projectName);
      const left = await projectResources(this.docker, env.projectName);
      if (left.length > 0) throw new Error(`still present: ${left.join(', ')}`);
      sink.stdout(`removed ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes of ${env.projectName}\n`);
    } catch (e) {
      // The engine is gone: compose could not reach it either (it would only print its traceback). What is left
      // carries the run's labels; the janitor of the next run on that engine removes it.
      if (engineError(this.endpoint, e).kind === 'unreachable') {
        sink.stderr(`cannot remove ${env.projectName}: the Docker engine at ${this.endpoint.host} is gone; the next run on it removes what is left\n`);
        await rm(this.overridePath(env), { force: true });
        await rm(this.overridePath(env, 'binds'), { force: true });
        return;
      }
      sink.stderr(`removing ${env.projectName} through the engine failed (${(e as Error).message}); running compose down\n`);
      try {
        const r = await this.exec(env, ['down', '--volumes', '--remove-orphans', '--timeout', '3'], { sink, timeoutMs: DOWN_TIMEOUT_MS });
        if (r.code !== 0) sink.stderr(`compose down exited with ${r.code}\n`);
      } catch (e2) {
        sink.stderr(`compose down failed: ${(e2 as Error).message}\n`);
      }
    }
    await rm(this.overridePath(env), { force: true });
    await rm(this.overridePath(env, 'binds'), { force: true });
  }
}

const projectFilter = (projectName: string): { label: string[] } => ({ label: [`com.docker.compose.project=${projectName}`] });

/** Names of the containers, networks and volumes compose created for a project. */
export async function projectResources(docker: Docker, projectName: string): Promise<string[]> {
  const filters = projectFilter(projectName);
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  return [...containers.map((c) => `container ${c.Names[0] ?? c.Id}`), ...networks.map((n) => `network ${n.Name}`), ...volumes.map((v) => `volume ${v.Name}`)];
}

/** Force-removes every container (with its anonymous volumes), then the networks and volumes of a compose project. */
export async function sweepProject(docker: Docker, projectName: string): Promise<{ containers: number; networks: number; volumes: number }> {
  const filters = projectFilter(projectName);
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove()));
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  await Promise.all(volumes.map((v) => docker.getVolume(v.Name).remove()));
  return { containers: containers.length, networks: networks.length, volumes: volumes.length };
}
