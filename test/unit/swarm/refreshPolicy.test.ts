import * as assert from 'node:assert/strict';
import { RefreshScheduler, reconnectDelay, type RefreshReason, type Timers } from '../../../src/core/swarm/refreshPolicy';

/** Virtual clock: timers fire only when the test advances time. */
class FakeTimers implements Timers {
  private t = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.pending.delete(h as number);
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const next = [...this.pending.entries()].filter(([, p]) => p.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      this.pending.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
      await new Promise((r) => setImmediate(r));
    }
    this.t = end;
  }
}

const OPTS = { debounceMs: 100, maxDelayMs: 400, pollMs: 60_000, disconnectedPollMs: 10_000, rolloutPollMs: 1000 };

describe('refresh policy', () => {
  it('folds a burst of events into one refresh after the quiet time', async () => {
    const timers = new FakeTimers();
    const reasons: RefreshReason[] = [];
    const s = new RefreshScheduler(async (r) => void reasons.push(r), OPTS, timers);
    s.event();
    await timers.advance(50);
    s.event();
    await timers.advance(50);
    s.event();
    assert.deepEqual(reasons, []);
    await timers.advance(100);
    assert.deepEqual(reasons, ['event']);
    s.dispose();
  });

  it('refreshes at least every maxDelay under a steady stream of events', async () => {
    const timers = new FakeTimers();
    const reasons: RefreshReason[] = [];
    const s = new RefreshScheduler(async (r) => void reasons.push(r), OPTS, timers);
    for (let i = 0; i < 10; i++) {
      s.event();
      await timers.advance(50);
    }
    assert.equal(reasons.length, 1);
    s.dispose();
  });

  it('polls slowly while the stream is up, faster when it is down, every second during a rollout', async () => {
    const timers = new FakeTimers();
    const reasons: RefreshReason[] = [];
    const s = new RefreshScheduler(async (r) => void reasons.push(r), OPTS, timers);
    s.setStreamConnected(true);
    assert.equal(s.pollInterval, 60_000);
    await timers.advance(59_000);
    assert.deepEqual(reasons, []);
    s.setStreamConnected(false);
    await timers.advance(10_000);
    assert.deepEqual(reasons, ['poll']);
    s.setRolloutActive(true);
    await timers.advance(3000);
    assert.deepEqual(reasons, ['poll', 'rollout', 'rollout', 'rollout']);
    s.dispose();
  });

  it('runs a manual refresh at once and never two refreshes at the same time', async () => {
    const timers = new FakeTimers();
    let running = 0;
    let max = 0;
    let count = 0;
    let release: () => void = () => undefined;
    const s = new RefreshScheduler(
      async () => {
        running++;
        count++;
        max = Math.max(max, running);
        await new Promise<void>((r) => (release = r));
        running--;
      },
      OPTS,
      timers,
    );
    const first = s.now();
    void s.now();
    void s.now();
    release();
    await new Promise((r) => setImmediate(r));
    release();
    await first;
    assert.equal(max, 1);
    assert.equal(count, 2);
    s.dispose();
  });

  it('backs off reconnects up to 30 s', () => {
    assert.deepEqual([0, 1, 2, 10].map(reconnectDelay), [500, 1000, 2000, 30_000]);
  });
});
