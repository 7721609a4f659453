/** What the git-flow engine needs from the outside world: run git, and keep one small state file. */
export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface GitPort {
  /** Runs `git <args>` in the repository; resolves whatever the exit code (rejects only if git cannot run). */
  git(args: readonly string[]): Promise<GitResult>;
  /**
   * The `gitflow.*` config entries read without running git, or undefined when only git can tell (includes, config
   * from the environment); the engine then runs `git config`. Optional: a port may always leave it to git.
   */
  readGitFlowConfig?(): Promise<ReadonlyMap<string, string> | undefined>;
  /** The repository's git directory (absolute), e.g. for AVH's `gitflow.path.hooks`. */
  gitDir(): Promise<string>;
  /** The saved finish state (`.git/slipway/flow-finish.json`), or undefined when none. */
  readFinishState(): Promise<string | undefined>;
  /** Saves the finish state; undefined removes it. */
  writeFinishState(text: string | undefined): Promise<void>;
  /**
   * Removes `[section "subsection"]` from the repository's config file without starting git, under git's own lock
   * (`config.lock`); false when it could not (then the engine runs `git config --remove-section`). Optional.
   */
  removeConfigSection?(section: string, subsection: string): Promise<boolean>;
  /** A file of the working tree (path from the repository root), or undefined when it does not exist. */
  readWorkFile(path: string): Promise<string | undefined>;
  /** Writes a file of the working tree (path from the repository root). */
  writeWorkFile(path: string, text: string): Promise<void>;
}

/** One git command Slipway ran, as its listeners see it (the editor logs these). */
export interface GitCommandRecord {
  readonly args: readonly string[];
  readonly cwd: string;
  /** Exit code; undefined when git could not run, was cancelled or timed out (then `error` says why). */
  readonly code?: number;
  readonly ms: number;
  readonly stderr?: string;
  readonly error?: string;
}

/** One log line for a git command: `git <args>  (exit N, 12 ms)`, arguments quoted where a shell would need it. */
export function formatGitCommand(record: GitCommandRecord): string {
  const args = record.args.map((a) => (/^[\w@%+=:,./^~-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`));
  const outcome = record.code === undefined ? `failed: ${record.error ?? 'no exit status'}` : `exit ${record.code}`;
  return `git ${args.join(' ')}  (${outcome}, ${Math.round(record.ms)} ms)`;
}
