/**
 * Git for the git-flow engine: runs `git` with argument arrays and keeps the finish state under the git directory.
 *
 * Why not simple-git here: simple-git 4 waits 50 ms after every command that prints nothing (its completion plugin),
 * measured 55–63 ms per `git config` call against 4.5 ms for a plain spawn. A finish runs several silent commands
 * (checkout -q, config, update-ref), so the engine's speed goal (8× git-flow AVH in-process) rules it out.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { readGitConfigText } from '../core/gitflow/gitConfigFile';
import type { GitPort, GitResult } from '../core/gitflow/port';
import { SlipwayError } from '../core/errors';
import type { GitProcessRunner } from './gitRunner';
import { execFile } from './process';

export const FINISH_STATE_FILE = join('slipway', 'flow-finish.json');

/** The git directory for `cwd` (walking up, following a `.git` file as worktrees and submodules use), if any. */
export function findGitDir(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const dotGit = join(dir, '.git');
    if (existsSync(dotGit)) {
      if (statSync(dotGit).isDirectory()) return dotGit;
      const m = /^gitdir:\s*(.+)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
      if (m) return isAbsolute(m[1]!) ? m[1]! : resolve(dir, m[1]!);
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Config that comes from the environment rather than files: only git itself should interpret it. */
const CONFIG_ENV = ['GIT_DIR', 'GIT_COMMON_DIR', 'GIT_CONFIG', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_PARAMETERS'];

/**
 * The `gitflow.*` entries of system, global and repository config, read from the files in git's order (later wins),
 * or undefined when something only git can resolve is involved (includes, config from the environment, worktree config).
 */
export function readGitFlowConfigFiles(gitDir: string, env: NodeJS.ProcessEnv = process.env): Map<string, string> | undefined {
  if (CONFIG_ENV.some((k) => env[k] !== undefined)) return undefined;
  let commonDir = gitDir;
  const commondirFile = join(gitDir, 'commondir');
  if (existsSync(commondirFile)) commonDir = resolve(gitDir, readFileSync(commondirFile, 'utf8').trim());
  const home = env.HOME ?? homedir();
  const files = [
    ...(env.GIT_CONFIG_NOSYSTEM ? [] : ['/etc/gitconfig']),
    join(env.XDG_CONFIG_HOME || join(home, '.config'), 'git', 'config'),
    join(home, '.gitconfig'),
    join(commonDir, 'config'),
  ];
  const entries = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // absent files are normal
    }
    const read = readGitConfigText(text);
    if (read.unsupported) return undefined;
    for (const [k, v] of read.entries) entries.set(k, v);
  }
  return entries;
}

/**
 * The git executable, looked up on PATH once: spawning plain "git" makes every spawn try each PATH directory in turn
 * (nine failed execve calls on a typical dev box).
 */
export function gitExecutable(env: NodeJS.ProcessEnv = process.env): string {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'git');
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return 'git';
}

export interface GitAdapterOptions {
  readonly signal?: AbortSignal;
  /** Extra environment for git (tests set identities; the rest of process.env is kept). */
  readonly env?: NodeJS.ProcessEnv;
  /** Spawn git from this small helper process (the editor's choice: its own process is too big to fork cheaply). */
  readonly runner?: GitProcessRunner;
}

/** A GitPort for one repository directory. */
export function gitPort(cwd: string, options: GitAdapterOptions = {}): GitPort {
  // No editor may open and no credential prompt may block: the CLI is non-interactive and the editor has no TTY.
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, GIT_MERGE_AUTOEDIT: 'no', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  const git = gitExecutable(env);
  let gitDir: string | undefined;
  const resolveGitDir = async (): Promise<string> => {
    gitDir ??= findGitDir(cwd);
    if (gitDir) return gitDir;
    const r = await execFile(git, ['rev-parse', '--absolute-git-dir'], { cwd, env });
    if (r.code !== 0) throw new SlipwayError('git', 'Not a git repository', { hint: 'Run this inside a repository (or pass -C DIR)' });
    gitDir = r.stdout.trim();
    return gitDir;
  };
  const statePath = async () => join(await resolveGitDir(), FINISH_STATE_FILE);
  return {
    // --no-optional-locks: reads such as status do not rewrite the index (no lock contention, less I/O).
    git: (args: readonly string[]): Promise<GitResult> =>
      options.runner
        ? options.runner.run(git, ['--no-optional-locks', ...args], { cwd, env })
        : execFile(git, ['--no-optional-locks', ...args], { cwd, env, ...(options.signal ? { signal: options.signal } : {}) }),
    gitDir: resolveGitDir,
    async readGitFlowConfig() {
      const dir = (gitDir ??= findGitDir(cwd));
      return dir ? readGitFlowConfigFiles(dir, env) : undefined;
    },
    async readFinishState() {
      const dir = findGitDir(cwd);
      if (!dir) return undefined;
      try {
        return readFileSync(join(dir, FINISH_STATE_FILE), 'utf8');
      } catch {
        return undefined;
      }
    },
    async writeFinishState(text) {
      const path = await statePath();
      if (text === undefined) rmSync(path, { force: true });
      else {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
      }
    },
  };
}
