import * as assert from 'node:assert/strict';
import type { OnPushPolicy } from '../../../src/core/agent/onPush';
import type { PendingPromotion, PendingPromotionsPort } from '../../../src/core/agent/pending';
import type { ClusterRole } from '../../../src/core/config/model';
import type { ReleaseRecord } from '../../../src/core/stack/release';
import { PushAgent, type AgentClusterPort } from '../../../src/app/agent/pushAgent';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;
const MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const policy: OnPushPolicy = { tag: 'develop', clusters: ['production'], app: 'app', repository: 'localhost:5000/demo', mode: 'delivery' };
const release: ReleaseRecord = {
  format: 1, stack: 'demo', cluster: 'production', number: 1, version: '1.0', who: 'ci', when: '2026-12-01T00:00:00Z', trigger: 'cli', files: ['stack.yml'],
  services: [{ key: 'app', name: 'demo_app', image: `localhost:5000/demo:1.0@${D1}`, spec: {} as never }], networks: [], secrets: [], configs: [], onPush: policy,
};
const envelope = (id: string, digest: string, tag = 'develop') => ({ events: [{ id, action: 'push', target: { mediaType: MANIFEST, repository: 'demo', digest, tag }, request: { host: 'localhost:5000' }, actor: { name: 'alice' } }] });

/** A production cluster in delivery mode: the agent only records pending promotions, it never deploys here. */
function setUp(registryDigest: string, role: ClusterRole = 'production') {
  const pending: PendingPromotion[] = [];
  const log: string[] = [];
  const stacks = { cluster: { name: 'production', role }, allReleases: async () => [release], releases: async () => [release] } as unknown as AgentClusterPort;
  const pendingPort: PendingPromotionsPort = {
    list: async () => [...pending],
    write: async (p) => (pending.some((x) => x.id === p.id) ? false : (pending.push(p), true)),
    remove: async () => undefined,
  };
  const agent = new PushAgent({ stacks, pending: pendingPort, registryFor: () => ({ digest: async () => registryDigest }), log: (l) => log.push(l), now: () => new Date('2026-12-01T01:00:00Z') });
  return { agent, pending, log };
}

describe('push agent decisions (no engine: fake cluster, registry and pending store)', () => {
  it('a push on production in delivery mode becomes one pending promotion, whatever the number of deliveries', async () => {
    const { agent, pending, log } = setUp(D2);
    agent.accept(envelope('e1', D2));
    agent.accept(envelope('e1', D2)); // the registry retried the same event
    agent.accept(envelope('e2', D2)); // another event for the same digest
    await agent.idle();
    assert.equal(pending.length, 1);
    assert.deepEqual({ ...pending[0], when: undefined }, { format: 1, id: '222222222222', stack: 'demo', cluster: 'production', image: `localhost:5000/demo:develop@${D2}`, tag: 'develop', digest: D2, actor: 'alice', when: undefined, trigger: 'push localhost:5000/demo:develop by alice' });
    assert.ok(log.some((l) => /already handled/.test(l)), log.join('\n'));
    assert.ok(log.some((l) => /already waits for approval/.test(l)), log.join('\n'));
  });

  it('an event whose tag has moved on since is ignored as late; another tag and other events too, each with the reason', async () => {
    const { agent, pending, log } = setUp(D3);
    agent.accept(envelope('late', D2));
    agent.accept(envelope('other', D2, 'feature'));
    agent.accept({ events: [{ id: 'pull', action: 'pull', target: { mediaType: MANIFEST, repository: 'demo', digest: D2, tag: 'develop' } }] });
    await agent.idle();
    assert.equal(pending.length, 0);
    assert.match(log.join('\n'), /ignored push .*develop.* the tag has moved on/);
    assert.match(log.join('\n'), /ignored push .*feature.* no stack on production follows demo:feature/);
    assert.match(log.join('\n'), /ignored event pull: action pull is not a push/);
  });

  it('the poll finds a digest the agent missed; the digest of the newest release is left alone', async () => {
    const missed = setUp(D2);
    await missed.agent.reconcile();
    assert.equal(missed.pending.length, 1);
    assert.equal(missed.pending[0]!.trigger, 'push localhost:5000/demo:develop by poll');
    const current = setUp(D1);
    await current.agent.reconcile();
    assert.equal(current.pending.length, 0);
  });

  it('a stopping agent takes no new events', async () => {
    const { agent, pending } = setUp(D2);
    agent.stop();
    assert.equal(agent.accept(envelope('e1', D2)), 'stopping');
    await agent.idle();
    assert.equal(pending.length, 0);
  });
});
