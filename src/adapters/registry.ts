/**
 * Docker Registry HTTP API v2: a repository's tags and a tag's manifest digest (HEAD with the v2 manifest media
 * types, so the digest equals what `docker push` printed and what RepoDigests hold). Plain `fetch`, no engine.
 */
import { SlipwayError } from '../core/errors';
import type { ImageRef } from '../core/swarm/imageRef';

export const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

export interface RegistryClientOptions {
  /** Defaults to global fetch (tests pass a fake). */
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

/** Local registries (localhost, 127.0.0.1, *.localhost) speak plain http, like the engine's insecure default. */
export function registryBaseUrl(registry: string): string {
  if (/^https?:\/\//.test(registry)) return registry.replace(/\/+$/, '');
  const host = registry.split(':')[0]!;
  const plain = host === 'localhost' || host === '127.0.0.1' || host === '::1' || host.endsWith('.localhost');
  return `${plain ? 'http' : 'https'}://${registry}`;
}

export class RegistryClient {
  private readonly fetchFn: typeof fetch;
  private readonly base: string;

  constructor(
    readonly registry: string,
    private readonly options: RegistryClientOptions = {},
  ) {
    this.fetchFn = options.fetch ?? fetch;
    this.base = registryBaseUrl(registry);
  }

  private async request(path: string, init: RequestInit, what: string): Promise<Response> {
    try {
      return await this.fetchFn(`${this.base}${path}`, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
    } catch (e) {
      throw new SlipwayError('unreachable', `The registry ${this.registry} is not reachable (${what}): ${(e as Error).message}`, {
        hint: 'Check the registry address in slipway.yml (deploy.registry / clusters.*.registry) and that it is running',
        cause: e,
      });
    }
  }

  private failed(res: Response, what: string): SlipwayError {
    if (res.status === 401 || res.status === 403) {
      return new SlipwayError('docker', `The registry ${this.registry} refused ${what} (HTTP ${res.status})`, { hint: 'Registries that need a login are not supported yet; use a registry that allows anonymous reads' });
    }
    return new SlipwayError('docker', `The registry ${this.registry} answered HTTP ${res.status} for ${what}`);
  }

  /** Tags of `path` (the repository path inside the registry, e.g. `team/demo`), newest-looking first. */
  async tags(path: string): Promise<string[]> {
    const res = await this.request(`/v2/${path}/tags/list`, { method: 'GET', headers: { Accept: 'application/json' } }, `tags of ${path}`);
    if (res.status === 404) {
      throw new SlipwayError('notFound', `No repository "${path}" in the registry ${this.registry}`, { hint: `Push an image first: docker push ${this.registry}/${path}:TAG`, details: { repository: path } });
    }
    if (!res.ok) throw this.failed(res, `tags of ${path}`);
    const body = (await res.json()) as { tags?: string[] | null };
    return sortTags(body.tags ?? []);
  }

  /** The manifest digest (`sha256:…`) of `path:tag`; a missing tag is a `notFound` error naming it. */
  async digest(path: string, tag: string): Promise<string> {
    const what = `${path}:${tag}`;
    const res = await this.request(`/v2/${path}/manifests/${encodeURIComponent(tag)}`, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT } }, what);
    if (res.status === 404) {
      throw new SlipwayError('notFound', `Tag "${tag}" of ${path} does not exist in the registry ${this.registry}`, {
        hint: `Push it first (docker push ${this.registry}/${what}), or pick an existing tag (\`slipway swarm services\` shows what runs)`,
        details: { repository: path, tag },
      });
    }
    if (!res.ok) throw this.failed(res, what);
    const digest = res.headers.get('docker-content-digest');
    if (!digest) throw new SlipwayError('docker', `The registry ${this.registry} did not send a digest for ${what}`);
    return digest;
  }
}

/** Version-looking tags in descending semver-ish order, then the rest alphabetically. */
export function sortTags(tags: readonly string[]): string[] {
  const parts = (t: string): number[] | undefined => (/^v?\d+(\.\d+)*$/.test(t) ? t.replace(/^v/, '').split('.').map(Number) : undefined);
  return [...tags].sort((a, b) => {
    const pa = parts(a);
    const pb = parts(b);
    if (pa && pb) {
      for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const d = (pb[i] ?? 0) - (pa[i] ?? 0);
        if (d !== 0) return d;
      }
      return 0;
    }
    if (pa) return -1;
    if (pb) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** Tags come only from a registry the image names (host[:port]/path); Slipway never guesses a public registry. */
export function listRegistryTags(ref: ImageRef): Promise<string[]> {
  if (!ref.registry) {
    return Promise.reject(new SlipwayError('notFound', `${ref.repository} names no registry`, { hint: 'Use an image in a registry (host:port/name) to pick from its tags' }));
  }
  return new RegistryClient(ref.registry).tags(ref.path);
}
