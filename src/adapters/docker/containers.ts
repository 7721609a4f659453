import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { SlipwayError, cancelledError } from '../../core/errors';
import type { BuilderContainerSpec, BuilderPort, OutputSink } from '../../core/build/ports';
import { engineError, type EngineEndpoint } from './endpoint';

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
        HostConfig: { Binds: [`${spec.workspaceDir}:${spec.workdir}`] },
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
