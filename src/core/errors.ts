import type { Remedy } from './remedies';

/**
 * Typed errors with a user-facing reason and a suggested action.
 *
 * Callers branch on `kind` (never on message text); the CLI maps kinds to exit codes and the editor maps them to
 * notifications with actions. `SlipwayError.is(e, kind)` works across bundles (no `instanceof`).
 */
export type ErrorKind =
  | 'usage' // the user asked for something malformed (exit 2)
  | 'config' // slipway.yml or settings are invalid
  | 'git' // a git operation failed
  | 'gitflow' // git-flow rules refused the operation
  | 'dirtyTree'
  | 'conflict' // stopped for the user: resolve, then continue or abort (exit 3)
  | 'docker' // the engine refused or failed
  | 'unreachable' // a daemon/endpoint cannot be reached
  | 'notFound' // unknown cluster, service, image, tag, branch…
  | 'timeout'
  | 'cancelled'
  | 'confirmationRequired' // production guard
  | 'testFailed'
  | 'internal';

const MARK = Symbol.for('slipway.error');

export interface SlipwayErrorOptions {
  /**
   * What the user can do next, in words every front end can show as they are ("Commit or stash your changes").
   * Never a CLI command or an editor command: those are `remedies`.
   */
  readonly hint?: string;
  /** Actions that fix or continue it; the CLI prints each as a command, the editor offers each as a button. */
  readonly remedies?: readonly Remedy[];
  readonly cause?: unknown;
  /** Structured details for --json output and tests. */
  readonly details?: Record<string, unknown>;
}

export class SlipwayError extends Error {
  readonly [MARK] = true;
  readonly hint: string | undefined;
  readonly remedies: readonly Remedy[];
  readonly details: Record<string, unknown> | undefined;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: SlipwayErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SlipwayError';
    this.hint = options.hint;
    this.remedies = options.remedies ?? [];
    this.details = options.details;
  }

  static is(error: unknown, kind?: ErrorKind): error is SlipwayError {
    const marked = typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARK] === true;
    return marked && (kind === undefined || (error as SlipwayError).kind === kind);
  }

  /** "what happened. what to do" in one line, for notifications and stderr. */
  get userMessage(): string {
    return this.hint ? `${this.message}. ${this.hint}` : this.message;
  }
}

/** Marked cancellation error: survives bundling, unlike `instanceof AbortError`. */
export function cancelledError(what = 'The operation'): SlipwayError {
  return new SlipwayError('cancelled', `${what} was cancelled`);
}

export function isCancellation(error: unknown): boolean {
  if (SlipwayError.is(error, 'cancelled')) return true;
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

/** Turns anything thrown into a SlipwayError, keeping the original as `cause`. */
export function toSlipwayError(error: unknown, kind: ErrorKind = 'internal'): SlipwayError {
  if (SlipwayError.is(error)) return error;
  if (isCancellation(error)) return cancelledError();
  const message = error instanceof Error ? error.message : String(error);
  return new SlipwayError(kind, message, { cause: error });
}

/** Exit codes of the CLI surface (DESIGN.md): 0 ok, 1 failed, 2 usage, 3 stopped for the user. */
export function exitCodeFor(error: unknown): 1 | 2 | 3 {
  if (SlipwayError.is(error, 'usage')) return 2;
  if (SlipwayError.is(error, 'conflict')) return 3;
  return 1;
}
