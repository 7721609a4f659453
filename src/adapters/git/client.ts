/**
 * The one git client: every git command Slipway runs goes through `gitClient.run`, with an argument array (never a
 * shell string). How git is started is the transport: a direct spawn (the CLI, tests) or a small helper process (the
 * editor, whose own process is too big to fork cheaply: see helperProcess.ts). Listeners see every command once it
 * ended (the editor logs them to its output channel).
 *
 * Why not simple-git: simple-git 4 waits 50 ms after every command that prints nothing (its completion plugin),
 * measured 55–63 ms per `git config` call against 4.5 ms for a plain spawn. A finish runs several silent commands
 * (checkout -q, config, update-ref), so the engine's speed goal (8× git-flow AVH in-process) rules it out.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { GitCommandRecord, GitResult } from '../../core/gitflow/port';
import { execFile } from '../process';

export interface GitRunOptions {
  readonly cwd: string;
  /** Extra environment for git (tests set identities); the rest of process.env is kept. */
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
  /** Milliseconds before git is killed and the call fails with a `timeout` error. */
  readonly timeoutMs?: number;
}

/** How a git process is started; resolves whatever the exit code, rejects when git cannot run, is cancelled or times out. */
export interface GitTransport {
  exec(file: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; signal?: AbortSignal; timeoutMs?: number }): Promise<GitResult>;
}

/** Spawns git from this process. */
export const directTransport: GitTransport = {
  exec: (file, args, options) => execFile(file, args, options),
};

/**
 * Always set for git: no editor may open and no credential prompt may block (the CLI is non-interactive and the
 * editor has no TTY), and messages are in the words the code parses.
 */
const FIXED_ENV = { GIT_MERGE_AUTOEDIT: 'no', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } as const;

export class GitClient {
  private transport: GitTransport = directTransport;
  private readonly listeners = new Set<(record: GitCommandRecord) => void>();
  private executable: { path: string; file: string } | undefined;

  /** Picks how git is started (the composition root's choice); returns the previous transport. */
  useTransport(transport: GitTransport): GitTransport {
    const previous = this.transport;
    this.transport = transport;
    return previous;
  }

  /** Calls `listener` after every git command with its arguments, exit code and duration; returns the unsubscribe. */
  onCommand(listener: (record: GitCommandRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `git <args>` in `options.cwd`; resolves whatever the exit code (rejects only when git cannot run). */
  async run(args: readonly string[], options: GitRunOptions): Promise<GitResult> {
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, ...FIXED_ENV };
    // performance.now() loads perf_hooks (~1.5 ms at start-up): only when someone listens.
    const started = this.listeners.size > 0 ? performance.now() : 0;
    // --no-optional-locks: reads such as status do not rewrite the index (no lock contention, less I/O).
    const call = this.transport.exec(this.gitExecutable(env.PATH), ['--no-optional-locks', ...args], {
      cwd: options.cwd,
      env,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    if (this.listeners.size === 0) return call;
    try {
      const r = await call;
      this.notify({ args, cwd: options.cwd, code: r.code, ms: performance.now() - started, stderr: r.stderr });
      return r;
    } catch (e) {
      this.notify({ args, cwd: options.cwd, ms: performance.now() - started, error: (e as Error).message });
      throw e;
    }
  }

  /** Runs `git <args>` and returns its stdout, or undefined when git exits non-zero or cannot run. */
  async read(args: readonly string[], options: GitRunOptions): Promise<string | undefined> {
    const r = await this.run(args, options).catch(() => undefined);
    return r && r.code === 0 ? r.stdout : undefined;
  }

  /**
   * The git executable, looked up on PATH once per PATH value: spawning plain "git" makes every spawn try each PATH
   * directory in turn (nine failed execve calls on a typical dev box).
   */
  private gitExecutable(path: string | undefined): string {
    const key = path ?? '';
    if (this.executable?.path === key) return this.executable.file;
    this.executable = { path: key, file: findOnPath('git', key) };
    return this.executable.file;
  }

  private notify(record: GitCommandRecord): void {
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch {
        // A logger's failure must not change what git did.
      }
    }
  }
}

function findOnPath(program: string, path: string): string {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return program;
}

/** This process's git client. The composition root picks its transport; everything else only runs commands. */
export const gitClient = new GitClient();
