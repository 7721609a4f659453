import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { execFile } from '../process';

/** Which compose CLI this machine has: v2 (`docker compose`) preferred, else v1 (`docker-compose`). */
export interface ComposeCli {
  readonly file: string;
  /** Arguments that come before the compose arguments (`['compose']` for v2). */
  readonly prefix: readonly string[];
  readonly version: string;
  readonly generation: 1 | 2;
}

let cached: Promise<ComposeCli | undefined> | undefined;

/** Finds the compose CLI once per process; `undefined` when neither is installed. */
export function detectCompose(refresh = false): Promise<ComposeCli | undefined> {
  if (!cached || refresh) cached = probe();
  return cached;
}

async function probe(): Promise<ComposeCli | undefined> {
  const v2 = await execFile('docker', ['compose', 'version', '--short'], { timeoutMs: 10_000 }).catch(() => undefined);
  if (v2 && v2.code === 0 && /\d/.test(v2.stdout)) {
    return { file: 'docker', prefix: ['compose'], version: v2.stdout.trim().replace(/^v/, ''), generation: 2 };
  }
  const v1 = await findOnPath('docker-compose');
  if (!v1) return undefined;
  const version = await v1Version(v1);
  return version ? { file: v1, prefix: [], version, generation: 1 } : undefined;
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    const s = await stat(candidate).catch(() => undefined);
    if (s?.isFile() && (s.mode & 0o111) !== 0) return candidate;
  }
  return undefined;
}

/**
 * Compose v1 is a Python program that takes about 3 s to print its version; the answer is cached per binary
 * (path + modification time) so doctor and every integration run don't pay for it again.
 */
async function v1Version(file: string): Promise<string | undefined> {
  const cacheFile = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'slipway', 'compose-version.json');
  const mtimeMs = (await stat(file)).mtimeMs;
  const hit = await readFile(cacheFile, 'utf8')
    .then((t) => JSON.parse(t) as { file: string; mtimeMs: number; version: string })
    .catch(() => undefined);
  if (hit && hit.file === file && hit.mtimeMs === mtimeMs) return hit.version;
  const r = await execFile(file, ['version', '--short'], { timeoutMs: 20_000 }).catch(() => undefined);
  if (!r || r.code !== 0 || !/\d/.test(r.stdout)) return undefined;
  const version = r.stdout.trim();
  await mkdir(dirname(cacheFile), { recursive: true })
    .then(() => writeFile(cacheFile, JSON.stringify({ file, mtimeMs, version })))
    .catch(() => undefined); // a read-only home only costs the 3 s again
  return version;
}
