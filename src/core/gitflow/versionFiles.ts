/**
 * Version files a release or hotfix start bumps: which formats, and how each one's version is rewritten. Text edits
 * keep the rest of each file byte for byte (formatting, comments, key order).
 */
import { SlipwayError } from '../errors';

/** git config key with the files to bump (space-separated paths from the repository root); "package.json" unless set. */
export const VERSION_FILES_KEY = 'gitflow.slipway.versionfiles';
export const DEFAULT_VERSION_FILES: readonly string[] = ['package.json'];

/** The formats Slipway can bump, by file name. */
export const VERSION_FILE_FORMATS = ['package.json', 'package-lock.json', 'pyproject.toml', 'VERSION', 'Chart.yaml'] as const;
export type VersionFileFormat = (typeof VERSION_FILE_FORMATS)[number];

/** A release name Slipway writes into version files: digits and dots, optionally a pre-release or build suffix. */
export function isVersionNumber(name: string): boolean {
  return /^\d+(\.\d+){0,3}([-+][0-9A-Za-z.+-]+)?$/.test(name);
}

export function versionFileFormat(path: string): VersionFileFormat | undefined {
  const base = path.split('/').pop() ?? path;
  return (VERSION_FILE_FORMATS as readonly string[]).includes(base) ? (base as VersionFileFormat) : undefined;
}

/** The configured list: `gitflow.slipway.versionfiles` split on spaces or commas; the default when unset. */
export function configuredVersionFiles(value: string | undefined): readonly string[] {
  if (value === undefined) return DEFAULT_VERSION_FILES;
  return value.split(/[\s,]+/).filter((p) => p.length > 0);
}

function notFound(file: string, what: string): SlipwayError {
  return new SlipwayError('config', `${file}: ${what}`, { hint: `Add the version there, or leave ${file} out of ${VERSION_FILES_KEY}` });
}

/** `text` with its version set to `version`. Throws a config error naming the file (and line) when it has none. */
export function bumpVersionText(format: VersionFileFormat, file: string, text: string, version: string): string {
  switch (format) {
    case 'package.json':
      return bumpPackageJson(file, text, version);
    case 'package-lock.json':
      return bumpPackageLock(file, text, version);
    case 'pyproject.toml':
      return bumpPyproject(file, text, version);
    case 'VERSION':
      return version + (text.endsWith('\n') || text.length === 0 ? '\n' : '');
    case 'Chart.yaml':
      return bumpChart(file, text, version);
  }
}

function parseJson(file: string, text: string): Record<string, unknown> {
  try {
    const data = JSON.parse(text) as unknown;
    if (data && typeof data === 'object' && !Array.isArray(data)) return data as Record<string, unknown>;
  } catch (e) {
    throw new SlipwayError('config', `${file} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  throw new SlipwayError('config', `${file} is not a JSON object`);
}

/** The top-level "version" (the least indented of the `"version": "…"` lines), rewritten in place. */
function bumpPackageJson(file: string, text: string, version: string): string {
  if (typeof parseJson(file, text).version !== 'string') throw notFound(file, 'has no "version" field');
  let best: RegExpExecArray | undefined;
  for (const m of text.matchAll(/^([ \t]*)"version"(\s*:\s*)"((?:[^"\\]|\\.)*)"/gm)) {
    if (!best || m[1]!.length < best[1]!.length) best = m as RegExpExecArray;
  }
  if (!best) {
    // Minified: the first "version" key of the object.
    const m = /"version"(\s*:\s*)"((?:[^"\\]|\\.)*)"/.exec(text);
    if (!m) throw notFound(file, 'has no "version" field');
    best = m;
    return text.slice(0, m.index) + `"version"${m[1]}"${version}"` + text.slice(m.index + m[0].length);
  }
  return text.slice(0, best.index) + `${best[1]}"version"${best[2]}"${version}"` + text.slice(best.index + best[0].length);
}

/** npm writes its lock file as JSON.stringify(…, null, 2): rewrite it the same way. */
function bumpPackageLock(file: string, text: string, version: string): string {
  const lock = parseJson(file, text);
  if (typeof lock.version !== 'string') throw notFound(file, 'has no "version" field');
  lock.version = version;
  const root = (lock.packages as Record<string, Record<string, unknown>> | undefined)?.[''];
  if (root && typeof root.version === 'string') root.version = version;
  const indent = /^\{\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  return JSON.stringify(lock, null, indent) + (text.endsWith('\n') ? '\n' : '');
}

/** `version = "…"` in `[project]`, else in `[tool.poetry]`. */
function bumpPyproject(file: string, text: string, version: string): string {
  for (const table of ['project', 'tool.poetry']) {
    const header = new RegExp(`^\\[${table.replace('.', '\\.')}\\][ \\t]*(#.*)?$`, 'm').exec(text);
    if (!header) continue;
    const start = header.index + header[0].length;
    const next = /^\[/m.exec(text.slice(start));
    const end = next ? start + next.index : text.length;
    const m = /^([ \t]*version[ \t]*=[ \t]*)(["'])([^"'\n]*)\2/m.exec(text.slice(start, end));
    if (!m) continue;
    const at = start + m.index;
    return text.slice(0, at) + `${m[1]}${m[2]}${version}${m[2]}` + text.slice(at + m[0].length);
  }
  throw notFound(file, 'has no version = "…" in [project] or [tool.poetry]');
}

/** The top-level `version:` of a Helm chart (not `appVersion`). */
function bumpChart(file: string, text: string, version: string): string {
  const m = /^version:([ \t]*)(["']?)([^"'\n#]*?)\2([ \t]*(#.*)?)$/m.exec(text);
  if (!m) throw notFound(file, 'has no top-level "version:"');
  return text.slice(0, m.index) + `version:${m[1]}${m[2]}${version}${m[2]}${m[4]}` + text.slice(m.index + m[0].length);
}
