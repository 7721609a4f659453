import * as assert from 'node:assert/strict';
import type { RawService } from '../../../src/core/swarm/engineData';
import { buildClusterTree, findTreeNode } from '../../../src/core/swarm/tree';
import { stackOverview } from '../../../src/core/stack/overview';
import type { ReleaseRecord } from '../../../src/core/stack/release';
import { versionsMatrix } from '../../../src/core/stack/versionsMatrix';
import { D1, D2, prodLike, production, rawService, rawTask, snapshot } from '../swarm/fixtures';

function stackService(id: string, stack: string, key: string, image: string, updatedAt: string): RawService {
  const raw = rawService(id, `${stack}_${key}`, image, { UpdatedAt: updatedAt });
  return { ...raw, Spec: { ...raw.Spec, Labels: { 'com.docker.stack.namespace': stack }, Mode: { Replicated: { Replicas: 1 } } } };
}

const release = (cluster: string, number: number, version: string, image: string): ReleaseRecord =>
  ({ format: 1, stack: 'go-auth', cluster, number, version, who: 'ann', when: '2026-12-01T03:00:00.000Z', trigger: 'cli', files: [], services: [{ key: 'app', name: 'go-auth_app', image, spec: {} as never }], networks: [], secrets: [], configs: [], outcome: { converged: true, message: 'converged' } }) as ReleaseRecord;

const prodLikeSnap = snapshot(
  prodLike,
  [stackService('a1', 'go-auth', 'app', `localhost:5000/go-auth:1.1@${D1}`, '2026-12-01T03:00:00Z'), stackService('r1', 'go-auth', 'redis', 'slipway-rig/redis:7', '2026-12-01T02:00:00Z'), rawService('p1', 'plain', 'busybox:1')],
  [rawTask('t1', 'a1', 1, `localhost:5000/go-auth:1.1@${D1}`, 'running'), rawTask('t2', 'r1', 1, 'slipway-rig/redis:7', 'running')],
);
const productionSnap = snapshot(production, [stackService('a2', 'go-auth', 'app', `localhost:5000/go-auth@${D2}`, '2026-12-01T01:00:00Z')], [rawTask('t3', 'a2', 1, `localhost:5000/go-auth@${D2}`, 'running')]);

describe('stacks in the clusters tree and the Versions matrix', () => {
  it('groups a cluster’s stack services under Stacks → stack (version, release, converged), plain services apart', () => {
    const releases = new Map([['prod-like', [release('prod-like', 1, '1.0', `localhost:5000/go-auth:1.0@${D2}`), release('prod-like', 2, '1.1', `localhost:5000/go-auth:1.1@${D1}`)]]]);
    const tree = buildClusterTree([{ kind: 'ok', cluster: prodLike, snapshot: prodLikeSnap }], new Map(), releases);
    assert.deepEqual(tree[0]!.children.map((c) => `${c.label} ${c.description}`), ['Nodes 1', 'Stacks 1', 'Services 1']);
    const stack = findTreeNode(tree, (n) => n.kind === 'stack')!;
    assert.equal(stack.description, '1.1 · release #2 · converged · 2/2');
    assert.deepEqual(stack.children.map((c) => c.label), ['go-auth_app', 'go-auth_redis']);
    assert.equal(stack.children[0]!.contextValue, 'service stackService hasDigest');
    assert.equal(findTreeNode(tree, (n) => n.kind === 'services')!.children[0]!.label, 'plain');
  });

  it('marks a stack with a push waiting for approval, and its item carries the promotion Approve / Dismiss act on', () => {
    const waiting = { format: 1 as const, id: '111111111111', stack: 'go-auth', cluster: 'prod-like', image: `localhost:5000/go-auth:develop@${D1}`, tag: 'develop', digest: D1, actor: 'ci', when: '2026-12-01T04:00:00.000Z', trigger: 'push localhost:5000/go-auth:develop by ci' };
    const other = { ...waiting, id: '222222222222', stack: 'other' };
    const tree = buildClusterTree([{ kind: 'ok', cluster: prodLike, snapshot: prodLikeSnap }], new Map(), new Map(), new Map([['prod-like', [waiting, other]]]));
    const stack = findTreeNode(tree, (n) => n.kind === 'stack')!;
    assert.match(stack.description ?? '', / · push waiting \(develop\)$/);
    assert.match(stack.contextValue, /\bpendingPromotion\b/);
    assert.equal(stack.promotionId, '111111111111');
    assert.match(stack.tooltip ?? '', /Waiting for approval: localhost:5000\/go-auth:develop@sha256:1+ pushed by ci/);
    const plainTree = buildClusterTree([{ kind: 'ok', cluster: prodLike, snapshot: prodLikeSnap }]);
    const plainStack = findTreeNode(plainTree, (n) => n.kind === 'stack')!;
    assert.doesNotMatch(plainStack.contextValue, /pendingPromotion/);
    assert.equal(plainStack.promotionId, undefined);
  });

  it('shows each stack service per cluster with tag and short digest, the tag found from a release for a digest-only image, and marks the one behind', () => {
    const releases = new Map([['production', [release('production', 1, '1.0', `localhost:5000/go-auth:1.0@${D2}`)]]]);
    const m = versionsMatrix([prodLikeSnap, productionSnap], releases);
    assert.deepEqual(m.clusters, ['prod-like', 'production']);
    const app = m.rows.find((r) => r.service === 'app')!;
    assert.deepEqual(app.cells, [
      { cluster: 'prod-like', tag: '1.1', digest: '111111111111', state: 'newest' },
      { cluster: 'production', tag: '1.0', digest: '222222222222', state: 'behind' },
    ]);
    assert.equal(m.rows.find((r) => r.service === 'redis')!.cells[1]!.state, 'missing');
    assert.equal(stackOverview(productionSnap)[0]!.version, '@222222222222');
  });
});
