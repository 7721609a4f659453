import * as assert from 'node:assert/strict';
import { agentServiceSpec, agentSettingsFromEnv, notificationsBlock } from '../../../src/core/agent/agentService';
import { decidePush, pushMatches, pushTrigger, subscriptionsFor, type OnPushPolicy } from '../../../src/core/agent/onPush';
import { parseEnvelope, type TagPush } from '../../../src/core/agent/registryEvents';
import { parseSlipwayConfig } from '../../../src/core/config/parse';
import { SlipwayError } from '../../../src/core/errors';
import type { ReleaseRecord } from '../../../src/core/stack/release';
import { tokenMatches } from '../../../src/adapters/agent/webhookServer';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

const policy: OnPushPolicy = { tag: 'develop', clusters: ['prod-like', 'production'], app: 'app', repository: 'localhost:5000/team/demo', mode: 'delivery' };

function release(number: number, digest: string, extra: Partial<ReleaseRecord> = {}): ReleaseRecord {
  return {
    format: 1, stack: 'demo', cluster: 'prod-like', number, version: 'develop', who: 'ci', when: '2026-12-01T00:00:00Z', trigger: 'cli', files: ['stack.yml'],
    services: [{ key: 'app', name: 'demo_app', image: `localhost:5000/team/demo:develop@${digest}`, spec: {} as never }],
    networks: [], secrets: [], configs: [], onPush: policy, ...extra,
  };
}

const push = (over: Partial<TagPush> = {}): TagPush => ({ id: 'e1', repository: 'team/demo', tag: 'develop', digest: D2, mediaType: MANIFEST, actor: 'alice', registryHost: 'localhost:5000', ...over });

describe('push to deploy: registry events', () => {
  it('keeps only manifest pushes by tag and says why each other event is ignored', () => {
    const parsed = parseEnvelope({
      events: [
        { id: 'a', action: 'push', target: { mediaType: MANIFEST, repository: 'team/demo', digest: D1, tag: 'develop' }, request: { host: 'localhost:5000' }, actor: { name: 'alice' } },
        { id: 'b', action: 'push', target: { mediaType: 'application/octet-stream', repository: 'team/demo', digest: D1 } },
        { id: 'c', action: 'pull', target: { mediaType: MANIFEST, repository: 'team/demo', digest: D1, tag: 'develop' } },
        { id: 'd', action: 'push', target: { mediaType: MANIFEST, repository: 'team/demo', digest: D1 } },
        { id: 'e', action: 'push', target: { mediaType: MANIFEST, repository: 'team/demo', digest: 'sha256:nothex', tag: 'x' } },
      ],
    });
    assert.deepEqual(parsed.pushes, [{ id: 'a', repository: 'team/demo', tag: 'develop', digest: D1, mediaType: MANIFEST, actor: 'alice', registryHost: 'localhost:5000' }]);
    assert.deepEqual(parsed.ignored.map((i) => i.id), ['b', 'c', 'd', 'e']);
    assert.match(parsed.ignored[0]!.reason, /not a manifest/);
    assert.match(parsed.ignored[1]!.reason, /pull is not a push/);
    assert.match(parsed.ignored[2]!.reason, /by digest names no tag/);
  });

  it('an anonymous registry push is by "anonymous"; a body without events is refused', () => {
    const parsed = parseEnvelope({ events: [{ id: 'a', action: 'push', target: { mediaType: MANIFEST, repository: 'r', digest: D1, tag: 't' }, actor: {} }] });
    assert.equal(parsed.pushes[0]!.actor, 'anonymous');
    assert.throws(() => parseEnvelope({ hello: 1 }), /not a registry notification envelope/);
    assert.throws(() => parseEnvelope(null), /not a registry notification envelope/);
  });
});

describe('push to deploy: which stack follows a push, and what the agent does', () => {
  it('subscriptions come from the newest release of each stack that lists the cluster', () => {
    const records = [release(1, D1), release(2, D1, { onPush: undefined }), { ...release(1, D1), stack: 'other', onPush: { ...policy, clusters: ['production'] } }];
    assert.deepEqual(subscriptionsFor('prod-like', records), [], 'the newest release of demo no longer opts in; other is for production only');
    assert.deepEqual(subscriptionsFor('production', records).map((s) => s.stack), ['other']);
    assert.equal(subscriptionsFor('prod-like', [release(1, D1), release(3, D2)])[0]!.newest.number, 3);
  });

  it('matches the repository path, the tag and the registry host (localhost and 127.0.0.1 are the same)', () => {
    assert.ok(pushMatches(push(), policy));
    assert.ok(pushMatches(push({ registryHost: '127.0.0.1:5000' }), policy));
    assert.ok(!pushMatches(push({ tag: 'latest' }), policy));
    assert.ok(!pushMatches(push({ repository: 'team/other' }), policy));
    assert.ok(!pushMatches(push({ registryHost: 'registry.example.org:5000' }), policy));
    assert.equal(pushTrigger(policy.repository, 'develop', 'alice'), 'push localhost:5000/team/demo:develop by alice');
  });

  it('deploys a new digest, skips the one the newest release has (duplicate or failed), and waits on production in delivery mode', () => {
    const [sub] = subscriptionsFor('prod-like', [release(1, D1)]);
    assert.deepEqual(decidePush(sub!, D2, 'prod-like', []), { kind: 'deploy', image: `localhost:5000/team/demo:develop@${D2}`, confirmCluster: false });
    const same = decidePush(sub!, D1, 'prod-like', []);
    assert.equal(same.kind, 'skip');
    assert.match((same as { reason: string }).reason, /already runs/);
    const [failed] = subscriptionsFor('prod-like', [release(1, D1, { outcome: { converged: false, message: 'x' } })]);
    assert.match((decidePush(failed!, D1, 'prod-like', []) as { reason: string }).reason, /already tried .* failed/);
    assert.deepEqual(decidePush(sub!, D2, 'production', []), { kind: 'pending', image: `localhost:5000/team/demo:develop@${D2}` });
    assert.equal(decidePush(sub!, D2, 'production', [D2]).kind, 'skip');
    const [deployment] = subscriptionsFor('production', [release(1, D1, { onPush: { ...policy, mode: 'deployment' } })]);
    assert.deepEqual(decidePush(deployment!, D2, 'production', []), { kind: 'deploy', image: `localhost:5000/team/demo:develop@${D2}`, confirmCluster: true });
  });
});

describe('push to deploy: the agent service and the registry config', () => {
  it('the service runs on the manager node with host network, the socket mounted and the token as a secret', () => {
    const spec = agentServiceSpec({ cluster: 'prod-like', role: 'prod-like', port: 18765, pollSeconds: 30, image: 'slipway-agent:x', nodeId: 'n1', socketPath: '/run/x.sock', secretId: 's1', secretName: 'slipway-agent-token-abc' }) as unknown as {
      TaskTemplate: { ContainerSpec: { Env: string[]; Mounts: { Source: string }[]; Secrets: { SecretID: string; File: { Name: string } }[] }; Placement: { Constraints: string[] }; Networks: { Target: string }[] };
    };
    assert.deepEqual(spec.TaskTemplate.Placement.Constraints, ['node.id == n1']);
    assert.deepEqual(spec.TaskTemplate.Networks, [{ Target: 'host' }]);
    assert.equal(spec.TaskTemplate.ContainerSpec.Mounts[0]!.Source, '/run/x.sock');
    assert.equal(spec.TaskTemplate.ContainerSpec.Secrets[0]!.File.Name, 'slipway-agent-token');
    assert.deepEqual(agentSettingsFromEnv(spec.TaskTemplate.ContainerSpec.Env), { cluster: 'prod-like', role: 'prod-like', port: 18765, pollSeconds: 30 });
  });

  it('prints the distribution notifications block with the bearer token', () => {
    const block = notificationsBlock('http://127.0.0.1:18765/events', 'tok123');
    assert.match(block, /^notifications:\n {2}endpoints:\n {4}- name: slipway-agent\n {6}url: http:\/\/127\.0\.0\.1:18765\/events\n/);
    assert.match(block, /Authorization: \[Bearer tok123\]/);
  });

  it('accepts only the exact bearer token', () => {
    assert.ok(tokenMatches('Bearer secret-token-1234', 'secret-token-1234'));
    assert.ok(!tokenMatches('Bearer secret-token-123', 'secret-token-1234'));
    assert.ok(!tokenMatches('Basic secret-token-1234', 'secret-token-1234'));
    assert.ok(!tokenMatches(undefined, 'secret-token-1234'));
  });
});

describe('push to deploy: slipway.yml deploy.onPush', () => {
  const base = `version: 1
package: { image: demo }
deploy:
  files: [stack.yml]
`;
  it('parses onPush and refuses it without deploy.app, at its line', () => {
    const config = parseSlipwayConfig(`${base}  app: app\n  onPush: { tag: develop, clusters: [prod-like] }\n`);
    assert.deepEqual(config.deploy?.onPush, { tag: 'develop', clusters: ['prod-like'] });
    assert.throws(
      () => parseSlipwayConfig(`${base}  onPush: { tag: develop, clusters: [prod-like] }\n`),
      (e: unknown) => SlipwayError.is(e, 'config') && /slipway\.yml:\d+:\d+: deploy needs "app" when it has "onPush"/.test(e.message),
    );
    assert.throws(() => parseSlipwayConfig(`${base}  app: app\n  onPush: { tag: develop }\n`), /missing the required key "clusters"/);
  });
});
