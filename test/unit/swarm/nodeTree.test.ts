import * as assert from 'node:assert/strict';
import { buildClusterTree, findTreeNode } from '../../../src/core/swarm/tree';
import { prodLike, rawNode, rawService, rawTask, snapshot } from './fixtures';

const IMG = 'localhost:5000/app:1.0';
const worker = (id: string, host: string, availability = 'active') =>
  rawNode(id, { Description: { Hostname: host }, Spec: { Role: 'worker', Availability: availability, Labels: { env: 'prod-like' } }, Status: { State: 'ready', Addr: '10.88.1.2' }, ManagerStatus: undefined });

describe('Swarm tree: nodes of a multi-node cluster', () => {
  const snap = snapshot(
    prodLike,
    [rawService('s1', 'web', IMG)],
    [
      rawTask('t1', 's1', 1, IMG, 'running', { NodeID: 'w2' }),
      rawTask('t2', 's1', 2, IMG, 'running', { NodeID: 'w3' }),
      rawTask('t0', 's1', 1, IMG, 'shutdown', { NodeID: 'w3' }),
    ],
    [rawNode('m', { Description: { Hostname: 'prod-like-1' }, Spec: { Role: 'manager', Availability: 'active' } }), worker('w2', 'prod-like-2'), worker('w3', 'prod-like-3', 'drain')],
  );
  const tree = buildClusterTree([{ kind: 'ok', cluster: prodLike, snapshot: snap }]);
  const node = (id: string) => findTreeNode(tree, (n) => n.id === `prod-like/node/${id}`)!;

  it('shows role, availability, labels and how many tasks run on each node, with those tasks under it', () => {
    assert.equal(node('w2').description, 'worker · active · ready · env=prod-like · 1 task');
    assert.deepEqual(node('w2').children.map((c) => [c.label, c.description]), [['web.1', 'prod-like-2 · running · 1.0']]);
    assert.equal(node('m').description, 'manager (leader) · active · ready · 0 tasks');
    assert.equal(node('m').collapsible, 'none');
    // the task that was shut down on w3 is history, not something running there
    assert.deepEqual(node('w3').children.map((c) => c.label), ['web.2']);
  });

  it('offers Drain on an active node and Activate on a drained one', () => {
    assert.match(node('w2').contextValue, /\bnodeActive\b/);
    assert.match(node('w3').contextValue, /\bnodeDrained\b/);
    assert.match(node('w2').contextValue, /\bhasLabels\b/);
  });

  it('gives a task under its node an id of its own (the same task also shows under its service)', () => {
    const ids: string[] = [];
    const walk = (ns: readonly (typeof tree)[number][]): void => ns.forEach((n) => (ids.push(n.id), walk(n.children)));
    walk(tree);
    assert.equal(new Set(ids).size, ids.length);
    const underService = findTreeNode(tree, (n) => n.kind === 'service')!.children.map((c) => c.description);
    assert.ok(underService.includes('prod-like-3 · running · 1.0'), 'a service\'s task names the node it runs on');
  });
});
