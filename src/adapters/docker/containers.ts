import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { SlipwayError, cancelledError } from '../../core/errors';
import type { BuilderContainerSpec, BuilderPort, OutputSink, WorkspaceShipment } from '../../core/build/ports';
import { engineError, type EngineEndpoint } from './endpoint';
import { formatSize } from '../../core/build/packageRun';
import { transferSummary, type ShippedFile } from '../../core/build/shipping';
import { applyWorkspaceArchive, packWorkspace } from '../fs/workspaceArchive';

function sinkStream(write: (chunk: string) => void): PassThrough {
  const s = new PassThrough();
  s.setEncoding('utf8');
  s.on('data', (c: string) => write(c));
  return s;
}

/** A wait that ends early (and clears its timer) when `stop` aborts: a finished run must not hold the process. */
function pause(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done, { once: true });
  });
}

/**
 * The exit code of a started container whose output stream is `streamEnded`. `wait()` answers when it exits — but
 * when the engine dies, its connection can close without an answer and the promise never settles (the process would
 * then exit 0 with nothing pending). So once the output stream has ended, the engine is asked directly; an engine
 * that no longer answers is an `unreachable` error naming it, never a result.
 */
export async function exitStatus(container: Docker.Container, streamEnded: Promise<void>, endpoint: EngineEndpoint, what: string): Promise<number> {
  let settled = false;
  const stop = new AbortController();
  const waited = (container.wait() as Promise<{ StatusCode?: number }>).then(
    (r) => (typeof r?.StatusCode === 'number' ? r.StatusCode : undefined),
    (e: unknown) => {
      if (settled) return undefined;
      throw lostEngine(endpoint, what, e);
    },
  );
  const looked = (async (): Promise<number | undefined> => {
    await streamEnded;
    await pause(1000, stop.signal);
    for (;;) {
      if (settled) return undefined;
      let info: Docker.ContainerInspectInfo;
      try {
        info = await container.inspect();
      } catch (e) {
        if (settled) return undefined;
        throw lostEngine(endpoint, what, e);
      }
      if (!info.State.Running) return info.State.ExitCode;
      await pause(500, stop.signal);
    }
  })();
  try {
    // The first definite answer wins; an answer without a status (the engine went away mid-reply) waits for the other.
    const first = await Promise.race([waited, looked]);
    if (first !== undefined) return first;
    const other = await Promise.all([waited, looked]);
    const code = other.find((c) => c !== undefined);
    if (code === undefined) throw lostEngine(endpoint, what, new Error('no exit status'));
    return code;
  } finally {
    settled = true;
    stop.abort();
    waited.catch(() => undefined);
    looked.catch(() => undefined);
  }
}

/** The engine went away while a container ran: a failure naming the engine. */
export function lostEngine(endpoint: EngineEndpoint, what: string, cause: unknown): SlipwayError {
  const err = engineError(endpoint, cause);
  // The engine answered (no such container, conflict…): its own error, not a lost engine.
  if (err.kind !== 'unreachable' && !(cause instanceof Error && cause.message === 'no exit status')) return err;
  const reason = (cause as NodeJS.ErrnoException)?.code ?? err.message;
  return new SlipwayError('unreachable', `Lost the Docker engine at ${endpoint.host} during ${what} (${reason}); the run did not finish`, {
    hint: 'Check that the engine is running, then run it again',
    remedies: [{ action: 'doctor' }, { action: 'retry' }],
    cause,
    details: { engine: endpoint.host },
  });
}

/** The builder's numeric user (`uid:gid`, as Slipway sets it), for the owner of the shipped files; root otherwise. */
function numericUser(user: string | undefined): { uid: number; gid: number } {
  const m = /^(\d+)(?::(\d+))?$/.exec(user ?? '');
  return m ? { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) } : { uid: 0, gid: 0 };
}

interface Shipment {
  readonly files: ReadonlyMap<string, ShippedFile>;
  readonly at: number;
}

/** Uploads the workspace into the created (not yet started) container's workdir with the Engine API's archive upload. */
async function shipWorkspace(container: Docker.Container, spec: BuilderContainerSpec, ship: WorkspaceShipment, endpoint: EngineEndpoint): Promise<Shipment> {
  ship.started('ship');
  const at = Date.now();
  const packed = packWorkspace(spec.workspaceDir, { prefix: spec.workdir, ...numericUser(spec.user), ...(ship.ignore ? { ignore: ship.ignore } : {}) });
  const [upload, pack] = await Promise.allSettled([container.putArchive(packed.stream, { path: '/' }), packed.done]);
  if (pack.status === 'rejected') {
    packed.stream.destroy();
    throw new SlipwayError('config', `Cannot read the workspace to ship it: ${(pack.reason as Error).message}`, {
      hint: 'Make the file readable, or leave it out with build.engine.ignore (or .dockerignore)',
      cause: pack.reason,
    });
  }
  if (upload.status === 'rejected') throw lostEngine(endpoint, 'the upload of the workspace', upload.reason);
  ship.log(`shipped ${transferSummary(pack.value.report, formatSize)} to ${spec.workdir} on ${endpoint.host}`);
  ship.ended('ship', pack.value.report);
  return { files: pack.value.files, at };
}

/** Downloads the builder's workdir and applies what the build created, changed or deleted to the workspace. */
async function copyBack(container: Docker.Container, spec: BuilderContainerSpec, ship: WorkspaceShipment, shipped: Shipment, endpoint: EngineEndpoint): Promise<void> {
  ship.started('copyBack');
  let archive: NodeJS.ReadableStream;
  try {
    archive = (await container.getArchive({ path: spec.workdir })) as NodeJS.ReadableStream;
  } catch (e) {
    throw lostEngine(endpoint, 'the copy of the results', e);
  }
  const base = spec.workdir.replace(/\/+$/, '').split('/').pop() ?? '';
  const report = await applyWorkspaceArchive(archive, spec.workspaceDir, {
    prefix: base,
    shipped: shipped.files,
    shippedAt: shipped.at,
    ...(ship.artifacts ? { artifacts: ship.artifacts } : {}),
  });
  ship.log(`copied back ${transferSummary(report, formatSize)}${ship.artifacts ? ` (artifacts: ${ship.artifacts.join(', ')})` : ''}`);
  for (const path of report.deleted ?? []) ship.log(`deleted ${path} (the build deleted it)`);
  for (const path of report.keptLocal ?? []) ship.log(`kept ${path} as you changed it during the build (the build's version was not copied)`);
  ship.ended('copyBack', report);
}

/** Runs builder containers through dockerode: create → attach → start → wait → remove; cancel = force remove. */
export class DockerBuilder implements BuilderPort {
  constructor(
    private readonly docker: Docker,
    private readonly endpoint: EngineEndpoint,
  ) {}

  async runContainer(spec: BuilderContainerSpec, sink: OutputSink, signal?: AbortSignal): Promise<{ exitCode: number }> {
    if (signal?.aborted) throw cancelledError('The build');
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Cmd: [...spec.command],
        WorkingDir: spec.workdir,
        Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
        ...(spec.user ? { User: spec.user } : {}),
        Labels: { ...spec.labels },
        Tty: false,
        AttachStdout: true,
        AttachStderr: true,
        // A shipped build has no bind mount (the engine cannot see the workspace: it would see its own disk). Its
        // workdir is an empty anonymous volume instead, hiding what the image has there as the bind mount would, so
        // only the workspace and what the build makes come back; removed with the container (`v: true`).
        HostConfig: spec.ship
          ? { Mounts: [{ Type: 'volume', Source: '', Target: spec.workdir, VolumeOptions: { NoCopy: true, Labels: { ...spec.labels } } } as Docker.MountSettings] }
          : { Binds: [`${spec.workspaceDir}:${spec.workdir}`] },
      });
    } catch (e) {
      const err = engineError(this.endpoint, e);
      if (err.kind === 'notFound' && /no such image/i.test(err.message)) {
        throw new SlipwayError('notFound', `The builder image ${spec.image} is not present on the engine at ${this.endpoint.host}`, {
          hint: `Build or load it first (docker build -t ${spec.image} …, or docker pull ${spec.image}), or change build.image in slipway.yml`,
          cause: e,
          details: { image: spec.image },
        });
      }
      throw err;
    }

    // One removal, and every caller awaits it: a cancel starts it at once, and the run must not end (and the process
    // exit) before the engine has answered, or the container can outlive the run.
    let removal: Promise<void> | undefined;
    const remove = (): Promise<void> => (removal ??= container.remove({ force: true, v: true }).then(
      () => undefined,
      () => undefined,
    ));
    const onAbort = (): void => void remove();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const shipped = spec.ship ? await shipWorkspace(container, spec, spec.ship, this.endpoint) : undefined;
      if (signal?.aborted) throw cancelledError('The build');
      const stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
      const ended = new Promise<void>((resolve) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', () => resolve());
      });
      this.docker.modem.demuxStream(stream, sinkStream(sink.stdout), sinkStream(sink.stderr));
      await container.start();
      const exitCode = await exitStatus(container, ended, this.endpoint, 'the build');
      // The attach stream can trail the exit by a few ms; don't lose the last lines (but don't hang on it).
      await Promise.race([ended, new Promise((r) => setTimeout(r, 2000).unref())]);
      if (signal?.aborted) throw cancelledError('The build');
      // Passed or failed, the results come back (a failed test step's reports are what the user needs).
      if (spec.ship && shipped) await copyBack(container, spec, spec.ship, shipped, this.endpoint);
      if (signal?.aborted) throw cancelledError('The build');
      return { exitCode };
    } catch (e) {
      if (signal?.aborted) throw cancelledError('The build');
      throw engineError(this.endpoint, e);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await remove();
    }
  }
}
