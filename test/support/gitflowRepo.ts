/** Temporary git repositories for the git-flow tests, and helpers to drive `slipway flow` and AVH's `git flow`. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Identity and no editor, so commits, merges and AVH's squash commits never wait for a human. */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Slipway Test',
  GIT_AUTHOR_EMAIL: 'test@slipway.invalid',
  GIT_COMMITTER_NAME: 'Slipway Test',
  GIT_COMMITTER_EMAIL: 'test@slipway.invalid',
  GIT_EDITOR: 'true',
  GIT_MERGE_AUTOEDIT: 'no',
  GIT_CONFIG_NOSYSTEM: '1',
};

export class TempRepo {
  private constructor(readonly dir: string) {}

  /** A repository with `master` and one commit (or none with `empty`), not initialised for git-flow. */
  static create(options: { empty?: boolean; bare?: boolean; root?: string } = {}): TempRepo {
    const dir = mkdtempSync(join(options.root ?? tmpdir(), 'slipway-flow-'));
    const repo = new TempRepo(dir);
    repo.git('init', '-q', '-b', 'master', ...(options.bare ? ['--bare'] : []));
    if (!options.bare) {
      repo.git('config', 'user.name', 'Slipway Test');
      repo.git('config', 'user.email', 'test@slipway.invalid');
      if (!options.empty) {
        repo.write('README.md', '# fixture\n');
        repo.git('add', 'README.md');
        repo.git('commit', '-q', '-m', 'Initial import');
      }
    }
    return repo;
  }

  static clone(remote: TempRepo): TempRepo {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-flow-clone-'));
    const r = spawnSync('git', ['clone', '-q', remote.dir, dir], { encoding: 'utf8', env: GIT_ENV });
    if (r.status !== 0) throw new Error(`git clone failed: ${r.stderr}`);
    const repo = new TempRepo(dir);
    repo.git('config', 'user.name', 'Slipway Test');
    repo.git('config', 'user.email', 'test@slipway.invalid');
    return repo;
  }

  /** Runs git and returns stdout; throws with stderr when git fails. */
  git(...args: string[]): string {
    const r = this.tryGit(...args);
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  tryGit(...args: string[]): RunResult {
    const r = spawnSync('git', args, { cwd: this.dir, encoding: 'utf8', env: GIT_ENV });
    return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  }

  slipway(...args: string[]): RunResult {
    const r = spawnSync(process.execPath, [CLI, '-C', this.dir, ...args], { encoding: 'utf8', env: GIT_ENV });
    return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  }

  /** git-flow AVH (`git flow …`). */
  avh(...args: string[]): RunResult {
    const r = spawnSync('git', ['flow', ...args], { cwd: this.dir, encoding: 'utf8', env: GIT_ENV });
    return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  }

  write(path: string, content: string): void {
    writeFileSync(join(this.dir, path), content);
  }

  commit(path: string, content: string, message = `change ${path}`): void {
    this.write(path, content);
    this.git('add', path);
    this.git('commit', '-q', '-m', message);
  }

  currentBranch(): string {
    return this.git('symbolic-ref', '--short', 'HEAD').trim();
  }

  branches(): string[] {
    return this.git('for-each-ref', '--format=%(refname:short)', 'refs/heads').split('\n').filter(Boolean).sort();
  }

  tags(): string[] {
    return this.git('for-each-ref', '--format=%(refname:short)', 'refs/tags').split('\n').filter(Boolean).sort();
  }

  sha(ref: string): string {
    return this.git('rev-parse', ref).trim();
  }

  parents(ref: string): number {
    return this.git('rev-list', '--parents', '-n1', ref).trim().split(' ').length - 1;
  }

  hasBranch(name: string): boolean {
    return this.tryGit('rev-parse', '--verify', '-q', `refs/heads/${name}`).status === 0;
  }

  config(key: string): string | undefined {
    const r = this.tryGit('config', '--get', key);
    return r.status === 0 ? r.stdout.replace(/\n$/, '') : undefined;
  }

  /** Every ref with its commit, HEAD, the working tree status and git-flow config: "exactly where the user was". */
  fullState(): string {
    return [
      this.git('for-each-ref', '--format=%(refname) %(objectname)'),
      this.git('symbolic-ref', '-q', 'HEAD'),
      this.git('rev-parse', 'HEAD'),
      this.git('status', '--porcelain'),
      this.tryGit('config', '--get-regexp', '^gitflow\\.').stdout,
    ].join('\n--\n');
  }

  /**
   * The repository's shape without SHAs: branches, tags (with type and message), current branch, and for every branch
   * its history as (tree, parent count, subject) in topological order.
   */
  shape(): Record<string, unknown> {
    const branches = this.branches();
    const history: Record<string, string[]> = {};
    for (const b of branches) {
      history[b] = this.git('log', '--topo-order', '--format=%T %P%x00%s', b)
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [head, subject] = line.split('\0') as [string, string];
          const [tree, ...parents] = head.trim().split(' ');
          return `${tree} parents=${parents.length} ${subject}`;
        });
    }
    const tags = this.git('for-each-ref', '--format=%(refname:short) %(objecttype) %(contents:subject) -> %(*tree)', 'refs/tags').split('\n').filter(Boolean);
    return { branches, current: this.currentBranch(), tags, history };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
