import * as assert from 'node:assert/strict';
import { D1, prodLike, rawNode, rawService, rawTask, snapshot } from './fixtures';

describe('engine data → swarm model', () => {
  const image = `localhost:5000/demo:1.1@${D1}`;

  it('counts running over desired replicas like docker service ls', () => {
    const s = snapshot(prodLike, [rawService('s1', 'demo', image)], [rawTask('t1', 's1', 1, image, 'running'), rawTask('t2', 's1', 2, image, 'starting'), rawTask('t0', 's1', 1, image, 'shutdown')]);
    const svc = s.services[0]!;
    assert.equal(svc.runningTasks, 1);
    assert.equal(svc.desiredTasks, 2);
    assert.equal(svc.version, '1.1');
    assert.equal(svc.digest, D1);
    assert.deepEqual(svc.constraints, ['node.labels.env==prod-like']);
    assert.equal(svc.updateConfig?.monitorSeconds, 1);
    assert.equal(svc.updateConfig?.failureAction, 'rollback');
  });

  it('derives a global service’s desired count from its wanted tasks on nodes that are up', () => {
    const g = rawService('s2', 'agent', 'busybox:1', { Spec: { Name: 'agent', TaskTemplate: { ContainerSpec: { Image: 'busybox:1' } }, Mode: { Global: {} } } });
    const nodes = [rawNode('n1'), rawNode('n2', { Status: { State: 'down' } })];
    const tasks = [rawTask('a', 's2', 0, 'busybox:1', 'running'), rawTask('b', 's2', 0, 'busybox:1', 'running', { NodeID: 'n2' })];
    const svc = snapshot(prodLike, [g], tasks, nodes).services[0]!;
    assert.equal(svc.mode, 'global');
    assert.equal(svc.desiredTasks, 1);
    assert.equal(svc.runningTasks, 1);
    assert.equal(svc.replicas, undefined);
  });

  it('orders tasks like docker service ps: by slot, newest first, with hostnames', () => {
    const s = snapshot(prodLike, [rawService('s1', 'demo', image)], [
      rawTask('old', 's1', 1, image, 'shutdown', { UpdatedAt: '2026-11-23T10:00:00.9Z' }),
      rawTask('two', 's1', 2, image, 'running'),
      rawTask('new', 's1', 1, image, 'running', { UpdatedAt: '2026-11-23T10:00:01.1Z' }),
    ]);
    assert.deepEqual(s.tasks.map((t) => t.id), ['new', 'old', 'two']);
    assert.equal(s.tasks[0]!.nodeHostname, 'host-n1');
  });

  it('keeps the previous version for rollback messages and maps node fields', () => {
    const svc = rawService('s1', 'demo', image, { PreviousSpec: { TaskTemplate: { ContainerSpec: { Image: 'localhost:5000/demo:1.0' } } } });
    const s = snapshot(prodLike, [svc], []);
    assert.equal(s.services[0]!.canRollBack, true);
    assert.equal(s.services[0]!.previousVersion, '1.0');
    assert.deepEqual(s.nodes[0], { id: 'n1', hostname: 'host-n1', role: 'manager', leader: true, availability: 'active', status: 'ready', address: '10.0.0.1', engineVersion: '20.10.24', labels: { env: 'prod-like' } });
  });

  it('ignores tasks of services it did not list', () => {
    const s = snapshot(prodLike, [rawService('s1', 'demo', image)], [rawTask('x', 'gone', 1, image, 'running')]);
    assert.equal(s.tasks.length, 0);
  });
});
