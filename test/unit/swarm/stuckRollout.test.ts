import * as assert from 'node:assert/strict';
import type { SwarmService, SwarmTask } from '../../../src/core/swarm/model';
import { watchRollout, type ClusterPort } from '../../../src/app/swarmOperations';
import { unplaceableTask } from '../../../src/core/swarm/rollout';
import { prodLike, rawNode, rawService, rawTask, snapshot } from './fixtures';

const OLD = 'localhost:5000/app:1.0';
const NEW = 'localhost:5000/app:1.1';
const SINCE = '2026-11-23T10:00:00Z';
const nodes = [rawNode('w2', { Description: { Hostname: 'prod-like-2' } }), rawNode('w3', { Description: { Hostname: 'prod-like-3' } })];

/** The rollout as Swarm shows it after prod-like-3 was cut off: slot 1's new task cannot be placed anywhere. */
function stuckState(): { service: SwarmService; tasks: SwarmTask[] } {
  const s = snapshot(
    prodLike,
    [rawService('s1', 'web', NEW, { UpdateStatus: { State: 'updating', StartedAt: '2026-11-23T10:00:01Z', Message: 'update in progress' } } as never)],
    [
      rawTask('p', 's1', 1, NEW, 'pending', { NodeID: '', DesiredState: 'running', UpdatedAt: '2026-11-23T10:00:20Z', Status: { State: 'pending', Message: 'pending task scheduling', Err: 'no suitable node (1 node not available for new tasks; max replicas per node limit exceed)' } } as never),
      rawTask('a', 's1', 1, NEW, 'assigned', { NodeID: 'w3', DesiredState: 'shutdown', UpdatedAt: '2026-11-23T10:00:19Z' }),
      rawTask('o', 's1', 1, OLD, 'running', { NodeID: 'w3', DesiredState: 'shutdown', UpdatedAt: '2026-11-23T09:00:00Z' }),
      rawTask('n', 's1', 2, NEW, 'running', { NodeID: 'w2', UpdatedAt: '2026-11-23T10:00:10Z' }),
    ],
    nodes,
  );
  return { service: s.services[0]!, tasks: [...s.tasks] };
}

describe('a rollout Swarm cannot finish (a node lost mid-rollout)', () => {
  it('names the task that cannot be placed and the node its slot last ran on', () => {
    const { tasks } = stuckState();
    assert.equal(unplaceableTask(tasks, SINCE), 'task web.1 cannot be placed (it last ran on prod-like-3): no suitable node (1 node not available for new tasks; max replicas per node limit exceed)');
    assert.equal(unplaceableTask(tasks.filter((t) => t.id !== 'p'), SINCE), undefined);
  });

  it('watchRollout ends as stuck once the task stayed unplaceable for stuckAfterMs, never as completed', async () => {
    const port: ClusterPort = {
      cluster: prodLike,
      serviceState: async () => stuckState(),
      updateImage: async () => assert.fail('not used'),
      rollback: async () => assert.fail('not used'),
      localImageDigest: async () => undefined,
    };
    const seen: string[] = [];
    const { progress } = await watchRollout(port, 'web', NEW, SINCE, { pollMs: 5, stuckAfterMs: 30, timeoutMs: 5000, onProgress: (p) => seen.push(p.outcome) });
    assert.equal(progress.outcome, 'stuck');
    assert.ok(seen.slice(0, -1).every((o) => o === 'inProgress'), seen.join(','));
    assert.match(progress.message, /^The rollout of web on prod-like is stuck: task web\.1 cannot be placed \(it last ran on prod-like-3\): no suitable node .* Tasks on the new version: 1\/2;/);
    assert.deepEqual(progress.remedies, [{ action: 'showTasks', cluster: 'prod-like', service: 'web' }]);
  });
});
