import type { ConfigEntries } from './config';

/** One local branch as `git for-each-ref` reports it. */
export interface BranchRef {
  readonly name: string;
  readonly sha: string;
  /** Parent commits of the tip (used to see whether a finish can fast-forward without asking git). */
  readonly parents: readonly string[];
  /** Upstream ref name, e.g. `refs/remotes/origin/feature/x`, when set. */
  readonly upstream?: string;
}

/** Everything the engine reads before planning, gathered in a few parallel git calls. */
export interface RepoSnapshot {
  /** The checked-out branch; undefined when HEAD is detached or unborn. */
  readonly currentBranch: string | undefined;
  readonly branches: ReadonlyMap<string, BranchRef>;
  /** Remote-tracking branches by short name (`origin/develop`) → commit. */
  readonly remoteBranches: ReadonlyMap<string, string>;
  /** Tags by name → the commit they point at (annotated tags peeled). */
  readonly tags: ReadonlyMap<string, string>;
  readonly config: ConfigEntries;
}

/** Arguments of the one `for-each-ref` call that reads branches, remote branches, tags and HEAD. */
export const FOR_EACH_REF_ARGS: readonly string[] = [
  'for-each-ref',
  '--format=%(HEAD)%00%(refname)%00%(objectname)%00%(*objectname)%00%(parent)%00%(upstream)',
  'refs/heads',
  'refs/remotes',
  'refs/tags',
];

export const CONFIG_READ_ARGS: readonly string[] = ['config', '-z', '--get-regexp', '^gitflow\\.'];

export function parseForEachRef(output: string, config: ConfigEntries): RepoSnapshot {
  let currentBranch: string | undefined;
  const branches = new Map<string, BranchRef>();
  const remoteBranches = new Map<string, string>();
  const tags = new Map<string, string>();
  for (const line of output.split('\n')) {
    if (line.length === 0) continue;
    const [head, ref, sha, peeled, parents, upstream] = line.split('\0') as [string, string, string, string, string, string];
    if (ref.startsWith('refs/heads/')) {
      const name = ref.slice('refs/heads/'.length);
      if (head === '*') currentBranch = name;
      branches.set(name, { name, sha, parents: parents ? parents.split(' ') : [], ...(upstream ? { upstream } : {}) });
    } else if (ref.startsWith('refs/remotes/')) {
      const name = ref.slice('refs/remotes/'.length);
      if (!name.endsWith('/HEAD')) remoteBranches.set(name, sha);
    } else if (ref.startsWith('refs/tags/')) {
      tags.set(ref.slice('refs/tags/'.length), peeled || sha);
    }
  }
  return { currentBranch, branches, remoteBranches, tags, config };
}

/** The working tree as git-flow cares about it: untracked files do not count (as in AVH). */
export interface WorktreeStatus {
  readonly unstaged: number;
  readonly staged: number;
  /** Paths with unresolved merge conflicts. */
  readonly conflicted: readonly string[];
}

export const STATUS_ARGS: readonly string[] = ['status', '--porcelain=v1', '-z', '--untracked-files=no', '--ignore-submodules=all'];

const UNMERGED = new Set(['DD', 'AU', 'UD', 'UA', 'DU', 'AA', 'UU']);

export function parseStatus(output: string): WorktreeStatus {
  let unstaged = 0;
  let staged = 0;
  const conflicted: string[] = [];
  const records = output.split('\0');
  for (let i = 0; i < records.length; i++) {
    const rec = records[i]!;
    if (rec.length < 3) continue;
    const xy = rec.slice(0, 2);
    const path = rec.slice(3);
    if (xy[0] === 'R' || xy[0] === 'C') i++; // the next record is the rename's source path
    if (UNMERGED.has(xy)) conflicted.push(path);
    else {
      if (xy[0] !== ' ' && xy[0] !== '?') staged++;
      if (xy[1] !== ' ' && xy[1] !== '?') unstaged++;
    }
  }
  return { unstaged, staged, conflicted };
}

export function isClean(status: WorktreeStatus): boolean {
  return status.unstaged === 0 && status.staged === 0 && status.conflicted.length === 0;
}
