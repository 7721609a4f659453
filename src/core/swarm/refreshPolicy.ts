/**
 * When a cluster is read again: on engine events (debounced, so a burst of events costs one refresh), at once on a
 * manual refresh, every second while a rollout moves (Swarm sends no task events), and otherwise only by a slow poll
 * that is the fallback for a lost event stream. Timers are injected so the policy is tested without waiting.
 */
export type RefreshReason = 'start' | 'event' | 'manual' | 'poll' | 'rollout' | 'reconnect' | 'disconnect';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface RefreshPolicyOptions {
  /** Quiet time after the last event before refreshing. */
  readonly debounceMs: number;
  /** A steady event stream still refreshes at least this often. */
  readonly maxDelayMs: number;
  /** Poll while the event stream is connected (safety net only). */
  readonly pollMs: number;
  /** Poll while the event stream is down. */
  readonly disconnectedPollMs: number;
  /** Poll while a rollout is in progress. */
  readonly rolloutPollMs: number;
}

export const DEFAULT_REFRESH_POLICY: RefreshPolicyOptions = {
  debounceMs: 150,
  maxDelayMs: 1000,
  pollMs: 60_000,
  disconnectedPollMs: 10_000,
  rolloutPollMs: 1000,
};

export class RefreshScheduler {
  private debounceTimer: unknown;
  private pollTimer: unknown;
  private firstPendingAt: number | undefined;
  private pendingReason: RefreshReason | undefined;
  private inflight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private connected = false;
  private rolloutActive = false;
  private disposed = false;

  constructor(
    private readonly refresh: (reason: RefreshReason) => Promise<void>,
    private readonly options: RefreshPolicyOptions = DEFAULT_REFRESH_POLICY,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Starts: one refresh now, then polls. */
  start(): void {
    void this.run('start');
  }

  /** An engine event arrived: refresh after a quiet `debounceMs`, but no later than `maxDelayMs` after the first one. */
  event(): void {
    if (this.disposed) return;
    const now = this.timers.now();
    if (this.firstPendingAt === undefined) this.firstPendingAt = now;
    this.pendingReason = 'event';
    if (this.debounceTimer !== undefined) this.timers.clearTimeout(this.debounceTimer);
    const wait = Math.max(0, Math.min(this.options.debounceMs, this.firstPendingAt + this.options.maxDelayMs - now));
    this.debounceTimer = this.timers.setTimeout(() => this.fire(), wait);
  }

  /** The user asked: refresh at once (a pending debounced refresh is folded into it). */
  now(reason: RefreshReason = 'manual'): Promise<void> {
    this.clearDebounce();
    return this.run(reason);
  }

  setStreamConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.schedulePoll();
  }

  setRolloutActive(active: boolean): void {
    if (this.rolloutActive === active) return;
    this.rolloutActive = active;
    this.schedulePoll();
  }

  /** Milliseconds until the next poll under the current conditions. */
  get pollInterval(): number {
    if (this.rolloutActive) return this.options.rolloutPollMs;
    return this.connected ? this.options.pollMs : this.options.disconnectedPollMs;
  }

  dispose(): void {
    this.disposed = true;
    this.clearDebounce();
    if (this.pollTimer !== undefined) this.timers.clearTimeout(this.pollTimer);
  }

  private clearDebounce(): void {
    if (this.debounceTimer !== undefined) this.timers.clearTimeout(this.debounceTimer);
    this.debounceTimer = undefined;
    this.firstPendingAt = undefined;
    this.pendingReason = undefined;
  }

  private fire(): void {
    const reason = this.pendingReason ?? 'event';
    this.clearDebounce();
    void this.run(reason);
  }

  private schedulePoll(): void {
    if (this.disposed) return;
    if (this.pollTimer !== undefined) this.timers.clearTimeout(this.pollTimer);
    this.pollTimer = this.timers.setTimeout(() => void this.run(this.rolloutActive ? 'rollout' : 'poll'), this.pollInterval);
  }

  /**
   * One refresh at a time; requests during a refresh fold into one more refresh afterwards (never lost, never
   * doubled), and every caller's promise settles when a refresh that started after its request has finished.
   */
  private run(reason: RefreshReason): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.inflight) {
      this.queued ??= this.inflight.then(() => {
        this.queued = undefined;
        return this.run(reason);
      });
      return this.queued;
    }
    const current = (async () => {
      try {
        await this.refresh(reason);
      } catch {
        // The refresh reports its own errors (as an error item); the schedule goes on.
      } finally {
        this.schedulePoll();
      }
    })();
    this.inflight = current.finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }
}

/** Back-off for re-opening an event stream: 0.5 s, 1 s, 2 s … capped at 30 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, attempt));
}
