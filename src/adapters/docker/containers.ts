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

    let removed = false;
    const remove = async (): Promise<void> => {
      if (removed) return;
      removed = true;
      await container.remove({ force: true, v: true }).catch(() => undefined);
    };
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
      const waited = (await container.wait()) as { StatusCode: number };
      // The attach stream can trail the exit by a few ms; don't lose the last lines (but don't hang on it).
      await Promise.race([ended, new Promise((r) => setTimeout(r, 2000).unref())]);
      if (signal?.aborted) throw cancelledError('The build');
      return { exitCode: waited.StatusCode };
    } catch (e) {
      if (signal?.aborted) throw cancelledError('The build');
      throw engineError(this.endpoint, e);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await remove();
    }
  }
}
