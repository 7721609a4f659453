import type { PushedImage } from '../../app/ports';
import type { LineSink } from '../../core/run/lines';
import { SlipwayError } from '../../core/errors';
import { execFile, execStreamed } from '../process';

/** `NAME:VERSION` → `REGISTRY/NAME:VERSION`, keeping only the last path part of a name that has a registry already. */
export function registryTag(image: string, registry: string, version: string): string {
  const name = image.replace(/@sha256:[0-9a-f]+$/, '').replace(/:[^:/]+$/, '');
  const base = name.split('/').pop()!;
  return `${registry}/${base}:${version}`;
}

/** Parses the digest from `docker push` output ("develop: digest: sha256:… size: 1234"). */
export function pushedDigest(output: string): string | undefined {
  return /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1];
}

/** Tags and pushes the packaged image with the default engine's CLI; returns the reference by digest. */
export async function pushImage(options: { image: string; registry: string; version: string; signal: AbortSignal; log: LineSink; env?: NodeJS.ProcessEnv }): Promise<PushedImage> {
  const env = options.env ?? process.env;
  const tag = registryTag(options.image, options.registry, options.version);
  const tagged = await execFile('docker', ['tag', options.image, tag], { env, signal: options.signal });
  if (tagged.code !== 0) {
    throw new SlipwayError('docker', `Cannot tag ${options.image} as ${tag}: ${tagged.stderr.trim()}`, { hint: 'Check that the build stage packaged the image' });
  }
  options.log(`pushing ${tag}`, 'info');
  const pushed = await execStreamed('docker', ['push', tag], { env, signal: options.signal, log: options.log, timeoutMs: 10 * 60_000 });
  const digest = pushedDigest(pushed.stdout);
  if (pushed.code !== 0 || !digest) {
    throw new SlipwayError('docker', `Pushing ${tag} failed: ${(pushed.stderr.trim().split('\n').pop() ?? '') || `exit ${pushed.code}`}`, {
      hint: `Check that the registry ${options.registry} is running and reachable from the engine`,
    });
  }
  return { reference: `${tag.replace(/:[^:/]+$/, '')}@${digest}`, digest, tag };
}
