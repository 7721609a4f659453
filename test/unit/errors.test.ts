import * as assert from 'node:assert/strict';
import { SlipwayError, cancelledError, exitCodeFor, isCancellation, toSlipwayError } from '../../src/core/errors';
import { delay, raceAbort } from '../../src/core/run/cancellation';

describe('SlipwayError', () => {
  it('is recognised by kind without instanceof', () => {
    const e = new SlipwayError('conflict', 'Merge conflict in a.txt', { hint: 'Resolve, then run `slipway flow finish --continue`' });
    const copy = Object.assign(Object.create(null), e) as unknown;
    assert.equal(SlipwayError.is(copy, 'conflict'), true);
    assert.equal(SlipwayError.is(copy, 'usage'), false);
    assert.equal(e.userMessage, 'Merge conflict in a.txt. Resolve, then run `slipway flow finish --continue`');
  });

  it('maps kinds to the CLI exit codes of the design', () => {
    assert.equal(exitCodeFor(new SlipwayError('usage', 'x')), 2);
    assert.equal(exitCodeFor(new SlipwayError('conflict', 'x')), 3);
    assert.equal(exitCodeFor(new SlipwayError('docker', 'x')), 1);
    assert.equal(exitCodeFor(new Error('boom')), 1);
  });

  it('wraps foreign errors and keeps the cause', () => {
    const cause = new Error('socket hang up');
    const e = toSlipwayError(cause, 'docker');
    assert.equal(e.kind, 'docker');
    assert.equal(e.message, 'socket hang up');
    assert.equal(e.cause, cause);
  });

  it('treats AbortError and the marked cancellation as cancellation', () => {
    assert.equal(isCancellation(cancelledError()), true);
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    assert.equal(isCancellation(abort), true);
    assert.equal(isCancellation(new Error('x')), false);
  });
});

describe('cancellation helpers', () => {
  it('raceAbort rejects with a cancellation as soon as the signal aborts', async () => {
    const c = new AbortController();
    const never = new Promise<number>(() => undefined);
    const p = raceAbort(never, c.signal, 'The build');
    c.abort();
    await assert.rejects(p, (e: unknown) => SlipwayError.is(e, 'cancelled') && (e as Error).message === 'The build was cancelled');
  });

  it('delay resolves when not aborted and rejects when aborted', async () => {
    await delay(1);
    const c = new AbortController();
    c.abort();
    await assert.rejects(delay(10_000, c.signal), (e: unknown) => isCancellation(e));
  });
});
