import { SlipwayError } from '../errors';

/** Version used when HEAD carries no `v*` tag (git-flow: work in progress on develop). */
export const DEFAULT_VERSION = 'develop';

function compareNumericParts(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny) && nx !== ny) return nx - ny;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The package version: an explicit override, else the highest `v<digit>…` tag on HEAD without its `v`,
 * else `develop`.
 */
export function packageVersion(tagsOnHead: readonly string[], override?: string): { version: string; source: 'override' | 'tag' | 'default'; tag?: string } {
  if (override !== undefined && override !== '') {
    assertValidTagPart(override, 'The version');
    return { version: override, source: 'override' };
  }
  const versionTags = tagsOnHead.filter((t) => /^v\d/.test(t)).filter((t) => isValidTagPart(t.slice(1)));
  if (versionTags.length === 0) return { version: DEFAULT_VERSION, source: 'default' };
  const best = [...versionTags].sort((a, b) => compareNumericParts(a.slice(1), b.slice(1))).at(-1)!;
  return { version: best.slice(1), source: 'tag', tag: best };
}

/** Docker's tag grammar: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
export function isValidTagPart(tag: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag);
}

function assertValidTagPart(tag: string, what: string): void {
  if (!isValidTagPart(tag)) {
    throw new SlipwayError('usage', `${what} "${tag}" is not a valid image tag`, {
      hint: 'Use letters, digits, "_", "." and "-" (at most 128 characters, not starting with "." or "-")',
    });
  }
}

/** `NAME:VERSION`, with NAME checked against Docker's reference grammar (optional registry host[:port]/). */
export function imageTag(name: string, version: string): string {
  const parts = name.split('/');
  const first = parts[0] ?? '';
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const path = hasRegistry ? parts.slice(1) : parts;
  const component = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
  const hostOk = !hasRegistry || /^[A-Za-z0-9.-]+(:\d+)?$/.test(first);
  if (!hostOk || path.length === 0 || !path.every((c) => component.test(c))) {
    throw new SlipwayError('config', `package.image "${name}" is not a valid image name`, {
      hint: 'Use a lower-case name such as go-auth or localhost:5000/team/go-auth, without a tag',
    });
  }
  assertValidTagPart(version, 'The version');
  return `${name}:${version}`;
}
