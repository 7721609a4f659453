import * as assert from 'node:assert/strict';
import { buildClusterTree, findTreeNode } from '../../../src/core/swarm/tree';
import { compareVersions } from '../../../src/core/swarm/versions';
import { D1, D2, prodLike, production, rawService, rawTask, snapshot } from './fixtures';

describe('versions across clusters', () => {
  it('marks a service whose version differs on the other cluster, both ways', () => {
    const a = snapshot(prodLike, [rawService('s1', 'demo', `localhost:5000/demo:1.1@${D1}`), rawService('s2', 'only-here', 'x:1')], []);
    const b = snapshot(production, [rawService('p1', 'demo', `localhost:5000/demo:1.0@${D2}`)], []);
    const diffs = compareVersions([a, b]);
    assert.deepEqual(diffs.get('prod-like')!.get('demo'), [{ cluster: 'production', version: '1.0', digest: D2, reason: 'version' }]);
    assert.equal(diffs.get('production')!.get('demo')![0]!.version, '1.1');
    assert.equal(diffs.get('prod-like')!.has('only-here'), false);
  });

  it('tells the same tag with another digest apart, and equal pins as equal', () => {
    const a = snapshot(prodLike, [rawService('s1', 'demo', `localhost:5000/demo:1.1@${D1}`)], []);
    const b = snapshot(production, [rawService('p1', 'demo', `localhost:5000/demo:1.1@${D2}`)], []);
    assert.equal(compareVersions([a, b]).get('prod-like')!.get('demo')![0]!.reason, 'digest');
    const c = snapshot(production, [rawService('p1', 'demo', `localhost:5000/demo:1.1@${D1}`)], []);
    assert.equal(compareVersions([a, c]).get('prod-like')!.size, 0);
  });
});

describe('clusters tree model', () => {
  const a = snapshot(prodLike, [rawService('s1', 'demo', `localhost:5000/demo:1.1@${D1}`, { UpdateStatus: { State: 'updating', StartedAt: 'x' } })], [rawTask('t1', 's1', 1, `localhost:5000/demo:1.1@${D1}`, 'running'), rawTask('t0', 's1', 1, 'localhost:5000/demo:1.0', 'shutdown', { UpdatedAt: '2026-11-23T09:00:00Z', Status: { State: 'failed', Err: 'task: non-zero exit (1)' } })]);
  const b = snapshot(production, [rawService('p1', 'demo', `localhost:5000/demo:1.0@${D2}`)], []);
  const states = [
    { kind: 'ok' as const, cluster: prodLike, snapshot: a },
    { kind: 'ok' as const, cluster: production, snapshot: b },
    { kind: 'error' as const, cluster: { ...prodLike, name: 'broken' }, error: { kind: 'unreachable', message: 'The Docker engine at unix:///x is not reachable (ENOENT)', hint: 'Start it' } },
  ];
  const tree = buildClusterTree(states, compareVersions([a, b]));

  it('has one root per cluster with Nodes and Services groups', () => {
    assert.deepEqual(tree.map((n) => [n.label, n.kind]), [['prod-like', 'cluster'], ['production', 'cluster'], ['broken', 'clusterError']]);
    assert.deepEqual(tree[0]!.children.map((c) => c.label), ['Nodes', 'Stacks', 'Services']);
    assert.equal(tree[1]!.contextValue, 'cluster production');
  });

  it('marks the differing service with the other cluster’s version in its tooltip', () => {
    const svc = findTreeNode(tree, (n) => n.kind === 'service' && n.cluster === 'prod-like')!;
    assert.match(svc.description!, /^≠ 1\.1 · 111111111111 · 1\/2 · replicated · updating$/);
    assert.match(svc.tooltip!, /production runs 1\.0 \(222222222222\)/);
    assert.match(svc.contextValue, /\bversionDiffers\b/);
    assert.match(svc.contextValue, /\bpromotable\b/);
    assert.equal(svc.icon, 'sync~spin');
  });

  it('lists tasks under the service, history marked, with the error', () => {
    const svc = findTreeNode(tree, (n) => n.kind === 'service' && n.cluster === 'prod-like')!;
    assert.deepEqual(svc.children.map((t) => t.label), ['demo.1', '\\_ demo.1']);
    assert.match(svc.children[1]!.description!, /failed → shutdown · 1\.0 · task: non-zero exit \(1\)/);
  });

  it('shows an unreachable cluster as an error item with the reason and the fix', () => {
    const err = tree[2]!;
    assert.equal(err.contextValue, 'clusterError');
    assert.match(err.description!, /unreachable/);
    assert.equal(err.children[0]!.label, 'The Docker engine at unix:///x is not reachable (ENOENT)');
    assert.equal(err.children[0]!.description, 'Start it');
  });

  it('keeps ids stable across refreshes', () => {
    const again = buildClusterTree(states, compareVersions([a, b]));
    assert.deepEqual(JSON.stringify(again), JSON.stringify(tree));
  });
});
