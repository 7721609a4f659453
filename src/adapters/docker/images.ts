import type Docker from 'dockerode';
import { readdir } from 'node:fs/promises';
import { SlipwayError, cancelledError } from '../../core/errors';
import type { ImageBuildSpec, ImageBuilderPort } from '../../core/build/ports';
import { engineError, type EngineEndpoint } from './endpoint';

interface BuildMessage {
  stream?: string;
  status?: string;
  aux?: { ID?: string };
  error?: string;
  errorDetail?: { message?: string };
}

/** Builds images from a workspace context via the engine's build API (the tar honours .dockerignore). */
export class DockerImageBuilder implements ImageBuilderPort {
  constructor(
    private readonly docker: Docker,
    private readonly endpoint: EngineEndpoint,
  ) {}

  async buildImage(spec: ImageBuildSpec, onLog: (line: string) => void, signal?: AbortSignal): Promise<{ id: string; sizeBytes: number }> {
    if (signal?.aborted) throw cancelledError('The image build');
    let entries: string[];
    try {
      entries = await readdir(spec.contextDir);
    } catch (e) {
      throw new SlipwayError('config', `Cannot read the build context ${spec.contextDir}: ${(e as Error).message}`, {
        hint: 'Check package.context in slipway.yml',
      });
    }
    if (!entries.includes(spec.dockerfile) && !spec.dockerfile.includes('/')) {
      throw new SlipwayError('config', `No ${spec.dockerfile} in ${spec.contextDir}`, { hint: 'Add a Dockerfile or set package.dockerfile in slipway.yml' });
    }
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.buildImage(
        { context: spec.contextDir, src: entries },
        {
          t: spec.tags[0],
          dockerfile: spec.dockerfile,
          buildargs: { ...spec.buildArgs },
          labels: { ...spec.labels },
          rm: true,
          forcerm: true,
          abortSignal: signal,
        } as Docker.ImageBuildOptions,
      );
    } catch (e) {
      if (signal?.aborted) throw cancelledError('The image build');
      throw engineError(this.endpoint, e);
    }
    let id: string | undefined;
    let failure: string | undefined;
    let partial = '';
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (m: BuildMessage) => {
          if (m.aux?.ID) id = m.aux.ID;
          if (m.error) failure = m.errorDetail?.message ?? m.error;
          const text = partial + (m.stream ?? (m.status ? `${m.status}\n` : ''));
          const lines = text.split('\n');
          partial = lines.pop() ?? '';
          for (const l of lines) if (l.trim().length > 0) onLog(l);
        },
      );
    }).catch((e: unknown) => {
      if (signal?.aborted) throw cancelledError('The image build');
      throw engineError(this.endpoint, e);
    });
    if (partial.trim()) onLog(partial);
    if (signal?.aborted) throw cancelledError('The image build');
    if (failure) {
      throw new SlipwayError('docker', `The image build failed: ${failure.trim()}`, {
        hint: `Fix ${spec.dockerfile} (the build log above shows the failing instruction)`,
      });
    }
    const image = this.docker.getImage(id ?? spec.tags[0]!);
    for (const extra of spec.tags.slice(1)) {
      const at = extra.lastIndexOf(':');
      await image.tag({ repo: extra.slice(0, at), tag: extra.slice(at + 1) });
    }
    const info = (await image.inspect()) as { Id: string; Size: number };
    return { id: info.Id, sizeBytes: info.Size };
  }
}
