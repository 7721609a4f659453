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
  const v1 = await execFile('docker-compose', ['version', '--short'], { timeoutMs: 10_000 }).catch(() => undefined);
  if (v1 && v1.code === 0 && /\d/.test(v1.stdout)) {
    return { file: 'docker-compose', prefix: [], version: v1.stdout.trim(), generation: 1 };
  }
  return undefined;
}
