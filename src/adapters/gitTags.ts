import { execFile } from './process';

/** Tags of the repository at `dir`, newest first (for the Deploy Version picker); empty when it is not a repository. */
export async function gitTags(dir: string): Promise<string[]> {
  const r = await execFile('git', ['tag', '--list', '--sort=-creatordate'], { cwd: dir, timeoutMs: 10_000 });
  if (r.code !== 0) return [];
  return r.stdout.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
}
