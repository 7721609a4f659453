/**
 * The git-flow engine's port: git through the one client, the `gitflow.*` config read from the files, and the finish
 * state kept under the git directory.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { readGitConfigText, removeConfigSection } from '../../core/gitflow/gitConfigFile';
import type { GitPort, GitResult } from '../../core/gitflow/port';
import { SlipwayError } from '../../core/errors';
import { gitClient, type GitClient } from './client';

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

/** The top of the working tree containing `cwd` (the directory holding `.git`), if any. */
export function findWorkTree(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
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
  const commonDir = commonDirOf(gitDir);
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

/** The common git directory (shared by a repository's worktrees) of a git directory. */
function commonDirOf(gitDir: string): string {
  const commondirFile = join(gitDir, 'commondir');
  return existsSync(commondirFile) ? resolve(gitDir, readFileSync(commondirFile, 'utf8').trim()) : gitDir;
}

/**
 * Removes a section from the repository's config file as `git config --local --remove-section` does, without a git
 * process: under git's lock file (created exclusively, written, renamed over the config). False when git should do
 * it: config from the environment, the lock taken, or a file this cannot edit exactly as git would.
 */
export function removeLocalConfigSection(gitDir: string, section: string, subsection: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (CONFIG_ENV.some((k) => env[k] !== undefined)) return false;
  const file = join(commonDirOf(gitDir), 'config');
  const lock = `${file}.lock`;
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch {
    return false;
  }
  let renamed = false;
  try {
    const text = readFileSync(file, 'utf8');
    const next = removeConfigSection(text, section, subsection);
    if (next === undefined) return false;
    if (next === text) return true;
    writeFileSync(fd, next);
    closeSync(fd);
    fd = -1;
    renameSync(lock, file);
    renamed = true;
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== -1) closeSync(fd);
    if (!renamed) rmSync(lock, { force: true });
  }
}

export interface GitAdapterOptions {
  readonly signal?: AbortSignal;
  /** Extra environment for git (tests set identities; the rest of process.env is kept). */
  readonly env?: NodeJS.ProcessEnv;
  /** The client to run git with (default: this process's). */
  readonly client?: GitClient;
}

/** A GitPort for one repository directory. */
export function gitPort(cwd: string, options: GitAdapterOptions = {}): GitPort {
  const client = options.client ?? gitClient;
  const runOptions = { cwd, ...(options.env ? { env: options.env } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  const configEnv: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  /** A directory found on disk (cheap), else asked of git once; remembered either way. */
  const located = (find: () => string | undefined, gitOption: string, notFound: string) => {
    let found: string | undefined;
    return async (): Promise<string> => {
      found ??= find();
      if (found) return found;
      const r = await client.run(['rev-parse', gitOption], runOptions);
      if (r.code !== 0) throw new SlipwayError('git', notFound, { hint: 'Run this inside a git repository' });
      found = r.stdout.trim();
      return found;
    };
  };
  const resolveGitDir = located(() => findGitDir(cwd), '--absolute-git-dir', 'Not a git repository');
  const workTree = located(() => findWorkTree(cwd), '--show-toplevel', 'Not inside the working tree of a git repository');
  const statePath = async () => join(await resolveGitDir(), FINISH_STATE_FILE);
  return {
    git: (args: readonly string[]): Promise<GitResult> => client.run(args, runOptions),
    gitDir: resolveGitDir,
    async readGitFlowConfig() {
      const dir = findGitDir(cwd);
      return dir ? readGitFlowConfigFiles(dir, configEnv) : undefined;
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
    async removeConfigSection(section, subsection) {
      return removeLocalConfigSection(await resolveGitDir(), section, subsection, configEnv);
    },
    async readWorkFile(path) {
      const top = await workTree();
      try {
        return readFileSync(join(top, path), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async writeWorkFile(path, text) {
      writeFileSync(join(await workTree(), path), text);
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
