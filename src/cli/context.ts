/** What every CLI command receives: where to run, how to print, and the run's cancellation signal. */
export interface CliContext {
  /** Directory the command acts on (`-C DIR`, else the process's cwd). */
  readonly cwd: string;
  /** Machine output requested (`--json`). */
  readonly json: boolean;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Aborted on SIGINT/SIGTERM; commands pass it down so cleanup runs. */
  readonly signal: AbortSignal;
  readonly env: NodeJS.ProcessEnv;
}

/** A command group (`flow`, `build`, `swarm`…): receives the arguments after its name, returns the exit code. */
export interface CliCommand {
  readonly run: (args: string[], ctx: CliContext) => Promise<number>;
}

/** Prints data as JSON in --json mode, else the human text. */
export function emit(ctx: CliContext, data: unknown, human: () => string): void {
  if (ctx.json) ctx.out(JSON.stringify(data, null, 2) + '\n');
  else {
    const text = human();
    if (text.length > 0) ctx.out(text.endsWith('\n') ? text : text + '\n');
  }
}
