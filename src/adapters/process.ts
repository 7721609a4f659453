import { spawn } from 'node:child_process';
import { SlipwayError, cancelledError } from '../core/errors';
import { lineWriter, type LogStream } from '../core/run/lines';

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
  readonly input?: string;
  /** Called with each chunk as it arrives (for live streaming). */
  readonly onStdout?: (chunk: string) => void;
  readonly onStderr?: (chunk: string) => void;
  /** Milliseconds before the process is killed and a `timeout` error is thrown. */
  readonly timeoutMs?: number;
}

/**
 * Runs a program with an argument array (never a shell string). Resolves with the exit code whatever it is;
 * rejects only when the program cannot be started, is cancelled, or times out.
 */
export function execFile(file: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(cancelledError(`${file} ${args[0] ?? ''}`.trim()));
      return;
    }
    const child = spawn(file, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => {
      child.kill('SIGTERM');
      finish(() => reject(cancelledError(`${file} ${args[0] ?? ''}`.trim())));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        child.kill('SIGTERM');
        finish(() =>
          reject(new SlipwayError('timeout', `${file} ${args.join(' ')} did not finish within ${options.timeoutMs} ms`)),
        );
      }, options.timeoutMs);
    }
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      options.onStdout?.(c);
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      options.onStderr?.(c);
    });
    child.on('error', (err: NodeJS.ErrnoException) =>
      finish(() =>
        reject(
          new SlipwayError(err.code === 'ENOENT' ? 'notFound' : 'internal', `Cannot run ${file}: ${err.message}`, {
            cause: err,
            hint: err.code === 'ENOENT' ? `Install ${file} or put it on PATH` : undefined,
          }),
        ),
      ),
    );
    child.on('close', (code, sig) => finish(() => resolve({ code: code ?? (sig ? 128 : 1), stdout, stderr })));
    if (options.input !== undefined && child.stdin) {
      child.stdin.end(options.input);
    }
  });
}

/** execFile with its output streamed into `log` line by line as it arrives (and still collected in the result). */
export async function execStreamed(
  file: string,
  args: readonly string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; signal: AbortSignal; log: (line: string, stream: LogStream) => void; timeoutMs?: number },
): Promise<ExecResult> {
  const out = lineWriter(opts.log, 'stdout');
  const err = lineWriter(opts.log, 'stderr');
  try {
    return await execFile(file, args, { env: opts.env, cwd: opts.cwd, signal: opts.signal, timeoutMs: opts.timeoutMs, onStdout: out.write, onStderr: err.write });
  } finally {
    out.flush();
    err.flush();
  }
}

/** Whether a process of this host still runs (signal 0 probes without touching it). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
