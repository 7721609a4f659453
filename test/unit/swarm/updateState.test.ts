import * as assert from 'node:assert/strict';
import { describeUpdateState, interpretUpdateStatus } from '../../../src/core/swarm/updateState';

describe('update state in user words', () => {
  it('says "rolled back" with Swarm’s message and counts it as a failed rollout', () => {
    const s = interpretUpdateStatus({ State: 'rollback_completed', Message: 'rollback completed', StartedAt: 'a' })!;
    assert.equal(s.label, 'rolled back');
    assert.equal(s.failed, true);
    assert.equal(s.inProgress, false);
    assert.equal(describeUpdateState(s), 'rolled back: rollback completed');
  });

  it('keeps the pause reason', () => {
    const s = interpretUpdateStatus({ State: 'paused', Message: 'update paused due to failure or early termination of task abc' })!;
    assert.equal(describeUpdateState(s), 'update paused: update paused due to failure or early termination of task abc');
    assert.equal(s.phase, 'paused');
  });

  it('marks updating and rolling back as in progress', () => {
    assert.equal(interpretUpdateStatus({ State: 'updating' })!.inProgress, true);
    assert.equal(interpretUpdateStatus({ State: 'rollback_started' })!.label, 'rolling back');
    assert.equal(interpretUpdateStatus({ State: 'completed', Message: 'update completed' })!.failed, false);
  });

  it('has no state for a service that was never updated, and passes unknown states through', () => {
    assert.equal(interpretUpdateStatus(undefined), undefined);
    assert.equal(interpretUpdateStatus({ State: 'weird' })!.label, 'weird');
  });
});
