import * as assert from 'node:assert/strict';
import { SlipwayError } from '../../../src/core/errors';
import { assertNodeChangeConfirmed, describeAvailabilityChange, findNode } from '../../../src/core/swarm/nodes';
import { prodLike, production, rawNode, snapshot } from './fixtures';

const snap = snapshot(prodLike, [], [], [rawNode('abcdef123456', { Description: { Hostname: 'prod-like-2' } }), rawNode('abcxyz999999', { Description: { Hostname: 'prod-like-3' } })]);

describe('node availability rules', () => {
  it('finds a node by hostname, id or a 6+ character id prefix, and says which nodes exist when none matches', () => {
    assert.equal(findNode(snap, 'prod-like-3').id, 'abcxyz999999');
    assert.equal(findNode(snap, 'abcdef').hostname, 'prod-like-2');
    assert.throws(() => findNode(snap, 'abc'), (e) => SlipwayError.is(e, 'notFound') && /Its nodes: prod-like-2, prod-like-3/.test((e as SlipwayError).hint ?? ''));
  });

  it('guards production: a change needs a confirmation naming the cluster; other clusters need none', () => {
    const node = snap.nodes[0]!;
    assert.throws(() => assertNodeChangeConfirmed(production, node, 'drain', undefined), (e) => SlipwayError.is(e, 'confirmationRequired') && /production cluster "production"/.test((e as Error).message));
    assert.throws(() => assertNodeChangeConfirmed(production, node, 'drain', { cluster: 'prod-like' }), (e) => SlipwayError.is(e, 'confirmationRequired'));
    assertNodeChangeConfirmed(production, node, 'drain', { cluster: 'production' });
    assertNodeChangeConfirmed(prodLike, node, 'drain', undefined);
    assert.equal(describeAvailabilityChange(node, 'drain'), 'prod-like-2: active → drain (Swarm moves its tasks to other nodes and schedules none there)');
  });
});
