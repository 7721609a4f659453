/**
 * Image references as Swarm stores them: `[registry/]path[:tag][@sha256:digest]`, e.g.
 * `localhost:5000/demo:1.2@sha256:…`. The tag is the version users talk about; the digest is what actually runs.
 */
export interface ImageRef {
  /** Registry host when the first path component is one (`localhost:5000`, `registry.example.com`), else undefined (the engine's default registry). */
  readonly registry: string | undefined;
  /** Path inside the registry, e.g. `team/demo`. */
  readonly path: string;
  /** `registry/path` (or just `path`): what `docker images` calls the repository. */
  readonly repository: string;
  readonly tag: string | undefined;
  /** `sha256:…` when pinned. */
  readonly digest: string | undefined;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,}$/;

/** Parses an image reference. Throws on an empty or malformed one (no silent guessing). */
export function parseImageRef(text: string): ImageRef {
  const input = text.trim();
  if (input.length === 0) throw new Error('empty image reference');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new Error(`malformed digest in image reference "${input}"`);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) throw new Error(`malformed tag in image reference "${input}"`);
  }
  if (rest.length === 0 || /\s/.test(rest)) throw new Error(`malformed image reference "${input}"`);
  const first = rest.split('/')[0]!;
  const hasRegistry = rest.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : undefined;
  const path = hasRegistry ? rest.slice(first.length + 1) : rest;
  // Docker's reference grammar: lowercase path components joined by ".", "_", "__" or dashes (so no "..", no "/x/").
  const bad = path.split('/').find((c) => !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(c));
  if (bad !== undefined) throw new Error(`malformed repository name in image reference "${input}" (${bad === '' ? 'empty part' : `"${bad}"`}: use lowercase letters, digits and . _ -)`);
  return { registry, path, repository: rest, tag, digest };
}

/** Like parseImageRef but returns undefined instead of throwing (for engine data we only display). */
export function tryParseImageRef(text: string | undefined): ImageRef | undefined {
  if (!text) return undefined;
  try {
    return parseImageRef(text);
  } catch {
    return undefined;
  }
}

export function formatImageRef(ref: Pick<ImageRef, 'repository' | 'tag' | 'digest'>): string {
  return `${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The same repository and tag pinned to a digest. */
export function withDigest(ref: ImageRef, digest: string | undefined): ImageRef {
  return { ...ref, digest };
}

/** `sha256:0123456789ab…` → `0123456789ab` (12 hex chars, as `docker images` shows ids). */
export function shortDigest(digest: string | undefined): string {
  if (!digest) return '';
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, 12);
}

/** The version users see: the tag, `latest` when none is given and the image is not pinned, else `@short`. */
export function versionOf(ref: ImageRef | undefined): string {
  if (!ref) return '';
  if (ref.tag) return ref.tag;
  return ref.digest ? `@${shortDigest(ref.digest)}` : 'latest';
}
