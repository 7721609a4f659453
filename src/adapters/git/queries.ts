/** Small read-only questions to git that features outside git-flow ask (tags, the git directory, git's version). */
import { gitClient } from './client';

const QUICK = 10_000;

function lines(text: string | undefined): string[] {
  return (text ?? '').split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
}

/** Tags of the repository at `dir`, newest first (for the Deploy Version picker); empty when it is not a repository. */
export async function gitTags(dir: string): Promise<string[]> {
  return lines(await gitClient.read(['tag', '--list', '--sort=-creatordate'], { cwd: dir, timeoutMs: QUICK }));
}

/** The tags on HEAD of the repository at `dir`; empty when none or not a repository. */
export async function tagsOnHead(dir: string): Promise<string[]> {
  return lines(await gitClient.read(['tag', '--points-at', 'HEAD'], { cwd: dir, timeoutMs: QUICK }));
}
