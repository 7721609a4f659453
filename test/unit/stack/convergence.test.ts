import * as assert from 'node:assert/strict';
import { FAILED_TASKS_LIMIT, ROLLOUT_START_GRACE_MS, serviceConvergence } from '../../../src/core/stack/convergence';
import { D1, prodLike, rawService, rawTask, snapshot } from '../swarm/fixtures';

const IMAGE = `localhost:5000/go-auth:1.1@${D1}`;
const SINCE = '2026-11-23T10:00:00.5Z';

function state(tasks: ReturnType<typeof rawTask>[], over: Parameters<typeof rawService>[3] = {}) {
  const snap = snapshot(prodLike, [rawService('s1', 'go-auth_app', IMAGE, over)], tasks);
  return { service: snap.services[0]!, tasks: snap.tasks };
}

describe('stack deploy convergence', () => {
  it('a created service converges when all its tasks run the new spec', () => {
    const s = state([rawTask('t1', 's1', 1, IMAGE, 'running'), rawTask('t2', 's1', 2, IMAGE, 'running')]);
    assert.equal(serviceConvergence({ ...s, targetImage: IMAGE, since: '', rolling: false, created: true }).outcome, 'converged');
    const starting = state([rawTask('t1', 's1', 1, IMAGE, 'running'), rawTask('t2', 's1', 2, IMAGE, 'starting')]);
    assert.equal(serviceConvergence({ ...starting, targetImage: IMAGE, since: '', rolling: false, created: true }).outcome, 'inProgress');
  });

  it(`a created service whose tasks keep failing (${FAILED_TASKS_LIMIT} times) has failed, naming the last task and its error`, () => {
    const failed = [1, 2, 3].map((i) => rawTask(`f${i}`, 's1', 1, IMAGE, 'failed', { Status: { State: 'failed', Err: 'task: non-zero exit (1)' }, UpdatedAt: `2026-11-23T10:00:0${i}Z` }));
    const c = serviceConvergence({ ...state([...failed, rawTask('t9', 's1', 1, IMAGE, 'starting')]), targetImage: IMAGE, since: '', rolling: false, created: true });
    assert.equal(c.outcome, 'failed');
    assert.match(c.message, /go-auth_app did not converge: 3 tasks failed, the last: task go-auth_app\.1 .* failed: task: non-zero exit \(1\)/);
  });

  it('an update Swarm rolled back has failed with Swarm’s words', () => {
    const s = state([rawTask('t1', 's1', 1, IMAGE, 'running')], { UpdateStatus: { StartedAt: '2026-11-23T10:00:01Z', State: 'rollback_completed', Message: 'rollback completed' } });
    const c = serviceConvergence({ ...s, targetImage: `localhost:5000/go-auth:bad@${D1.replace(/1/g, '3')}`, since: SINCE, rolling: true, created: false });
    assert.equal(c.outcome, 'failed');
    assert.match(c.message, /^go-auth_app: Swarm rolled go-auth_app back/);
  });

  it('waits for the rollout Swarm reports, but not forever when Swarm starts none', () => {
    const s = state([rawTask('t1', 's1', 1, IMAGE, 'running'), rawTask('t2', 's1', 2, IMAGE, 'running')]);
    assert.equal(serviceConvergence({ ...s, targetImage: IMAGE, since: SINCE, rolling: true, created: false, elapsedMs: 1000 }).outcome, 'inProgress');
    assert.equal(serviceConvergence({ ...s, targetImage: IMAGE, since: SINCE, rolling: true, created: false, elapsedMs: ROLLOUT_START_GRACE_MS }).outcome, 'converged');
    const done = state([rawTask('t1', 's1', 1, IMAGE, 'running'), rawTask('t2', 's1', 2, IMAGE, 'running')], { UpdateStatus: { StartedAt: '2026-11-23T10:00:01Z', CompletedAt: '2026-11-23T10:00:05Z', State: 'completed', Message: 'update completed' } });
    assert.equal(serviceConvergence({ ...done, targetImage: IMAGE, since: SINCE, rolling: true, created: false, elapsedMs: 1000 }).outcome, 'converged');
  });
});
