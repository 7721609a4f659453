import * as assert from 'node:assert/strict';
import { atOrAfter, rolloutProgress, taskChanges } from '../../../src/core/swarm/rollout';
import { D1, prodLike, rawService, rawTask, snapshot } from './fixtures';

const NEW = `localhost:5000/demo:1.1@${D1}`;
const OLD = 'localhost:5000/demo:1.0';
const SINCE = '2026-11-23T10:00:00.5Z';

function look(image: string, status: { State: string; Message?: string; StartedAt?: string } | undefined, tasks: ReturnType<typeof rawTask>[]) {
  const s = snapshot(prodLike, [rawService('s1', 'demo', image, status ? { UpdateStatus: { StartedAt: '2026-11-23T10:00:00.600000001Z', ...status } } : {})], tasks);
  return rolloutProgress(s.services[0]!, s.tasks, NEW, SINCE);
}

describe('rollout progress', () => {
  it('counts tasks on the new version while Swarm updates', () => {
    const p = look(NEW, { State: 'updating' }, [rawTask('a', 's1', 1, NEW, 'running'), rawTask('b', 's1', 2, OLD, 'running')]);
    assert.equal(p.outcome, 'inProgress');
    assert.equal(p.updated, 1);
    assert.equal(p.message, '1/2 tasks on 1.1');
  });

  it('ignores an UpdateStatus from an earlier rollout', () => {
    const s = snapshot(prodLike, [rawService('s1', 'demo', NEW, { UpdateStatus: { State: 'completed', StartedAt: '2026-11-23T10:00:00.4999Z' } })], []);
    assert.equal(rolloutProgress(s.services[0]!, s.tasks, NEW, SINCE).outcome, 'inProgress');
  });

  it('reports completion', () => {
    const p = look(NEW, { State: 'completed' }, [rawTask('a', 's1', 1, NEW, 'running'), rawTask('b', 's1', 2, NEW, 'running')]);
    assert.equal(p.outcome, 'completed');
    assert.equal(p.message, 'update completed: 2/2 tasks running 1.1');
  });

  it('says Swarm rolled back and names the task that ended early', () => {
    const p = look(OLD, { State: 'rollback_completed', Message: 'rollback completed' }, [
      rawTask('a', 's1', 1, OLD, 'running'),
      rawTask('bad', 's1', 1, NEW, 'complete', { UpdatedAt: '2026-11-23T10:00:02Z', Status: { State: 'complete', Message: 'finished' } }),
    ]);
    assert.equal(p.outcome, 'rolledBack');
    assert.match(p.message, /^Swarm rolled demo back to 1\.0 \(failure action "rollback"\) after task demo\.1 on host-n1 \(1\.1\) ended before it was healthy: complete \(finished\): rollback completed$/);
  });

  it('explains a paused update with the failing task’s error', () => {
    const p = look(NEW, { State: 'paused', Message: 'update paused due to failure or early termination of task bad0000000000000000000000' }, [
      rawTask('bad0000000000000000000000', 's1', 1, NEW, 'failed', { UpdatedAt: '2026-11-23T10:00:02Z', Status: { State: 'failed', Err: 'task: non-zero exit (1)' } }),
    ]);
    assert.equal(p.outcome, 'paused');
    assert.match(p.message, /after task demo\.1 on host-n1 \(1\.1\) ended: failed: task: non-zero exit \(1\)/);
  });

  it('a paused update offers the rollback of that service on that cluster as a remedy, not as CLI text', () => {
    const s = snapshot(prodLike, [rawService('s1', 'demo', NEW, { UpdateStatus: { StartedAt: '2026-11-23T10:00:00.600000001Z', State: 'paused', Message: 'update paused' } })], []);
    const p = rolloutProgress(s.services[0]!, s.tasks, NEW, SINCE, 'prod-like');
    assert.deepEqual(p.remedies, [{ action: 'rollback', cluster: 'prod-like', service: 'demo' }]);
    assert.doesNotMatch(p.message, /slipway/);
  });

  it('compares engine timestamps at nanosecond precision', () => {
    assert.equal(atOrAfter('2026-11-23T10:00:00.5000001Z', '2026-11-23T10:00:00.5Z'), true);
    assert.equal(atOrAfter('2026-11-23T10:00:00.12Z', '2026-11-23T10:00:00.123Z'), false);
    assert.equal(atOrAfter(undefined, SINCE), false);
  });

  it('prints only tasks that changed', () => {
    const t1 = [{ name: 'demo.1', node: 'vm', version: '1.1', state: 'starting', desiredState: 'running', error: undefined, onTarget: true }];
    const t2 = [{ ...t1[0]!, state: 'running' }];
    assert.deepEqual(taskChanges([], t1), ['  demo.1 on vm: 1.1 starting']);
    assert.deepEqual(taskChanges(t1, t1), []);
    assert.deepEqual(taskChanges(t1, t2), ['  demo.1 on vm: 1.1 running']);
  });
});
