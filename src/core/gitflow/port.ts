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
}
