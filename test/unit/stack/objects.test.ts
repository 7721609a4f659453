import * as assert from 'node:assert/strict';
import { SlipwayError } from '../../../src/core/errors';
import { convertStack, type DesiredStack } from '../../../src/core/stack/convert';
import { loadStack } from '../../../src/core/stack/load';
import { isVersionOf, rotatedName } from '../../../src/core/stack/objects';
import { planLines, planStack, type RunningStack } from '../../../src/core/stack/plan';
import { desiredFromRelease, releaseFileObjects, type ReleaseRecord } from '../../../src/core/stack/release';
import { describeStep, stackSteps } from '../../../src/core/stack/steps';
import type { ClusterTarget } from '../../../src/core/swarm/model';
import type { StackClusterPort } from '../../../src/core/stack/ports';
import { applyStackDeploy } from '../../../src/app/stack/deploy';

const cluster: ClusterTarget = { name: 'prod-like', role: 'prod-like', host: 'unix:///x.sock' };
const A = 'a'.repeat(64);
const B = `1a2b3c4d${'b'.repeat(56)}`;
const C = `c0ffee00${'c'.repeat(56)}`;

const STACK = `version: "3.8"
services:
  app:
    image: localhost:5000/go-auth:1.0
    configs: [{ source: appconf, target: /etc/app.conf }]
    secrets: [token]
  cache:
    image: slipway-rig/redis:7
configs:
  appconf: { file: ./app.conf }
secrets:
  token: { file: ./token.txt }
`;

/** The stack of the files with its contents hashed (as the app does before planning). */
function fromFiles(appconf: string, token: string = A, text = STACK): DesiredStack {
  const d = convertStack('go-auth', loadStack([{ path: 'stack.yml', dir: '/ws', text }], {}));
  const hash: Record<string, string> = { '/ws/app.conf': appconf, '/ws/token.txt': token };
  return { ...d, secrets: d.secrets.map((s) => ({ ...s, sha256: hash[s.file!] })), configs: d.configs.map((c) => ({ ...c, sha256: hash[c.file!] })) };
}

/** The cluster after `desired` was applied (services as specs, objects with their hashes), plus extra objects. */
function after(desired: DesiredStack, extra: { secrets?: RunningStack['secrets']; configs?: RunningStack['configs']; releases?: ReleaseRecord[] } = {}): RunningStack {
  return {
    services: desired.services.map((s, i) => ({ id: `s${i}`, name: s.spec.Name, spec: s.spec as unknown as Record<string, unknown> })),
    networks: new Map([['id-default', 'go-auth_default']]),
    secrets: [...desired.secrets.map((s) => ({ name: s.name, sha256: s.sha256!, stack: 'go-auth' })), ...(extra.secrets ?? [])],
    configs: [...desired.configs.map((c) => ({ name: c.name, sha256: c.sha256!, stack: 'go-auth' })), ...(extra.configs ?? [])],
    owned: { networks: ['go-auth_default'] },
    releases: extra.releases ?? [],
  };
}

function release(number: number, desired: DesiredStack): ReleaseRecord {
  return {
    format: 1, stack: 'go-auth', cluster: 'prod-like', number, version: '1.0', who: 'ann', when: '2026-12-01T05:00:00.000Z', trigger: 'cli', files: ['stack.yml'],
    services: desired.services.map((s) => ({ key: s.key, name: s.spec.Name, image: s.spec.TaskTemplate.ContainerSpec.Image, spec: s.spec })),
    networks: desired.networks.map((n) => n.spec),
    ...releaseFileObjects(desired),
  };
}

const configsOf = (d: DesiredStack, service: string) => d.services.find((s) => s.key === service)!.spec.TaskTemplate.ContainerSpec.Configs?.map((c) => c.ConfigName);

describe('stack secrets and configs by content', () => {
  it('names a rotation <name>-<8 hex of sha256> within Swarm\'s 64 characters, and knows its versions', () => {
    assert.equal(rotatedName('go-auth_appconf', B), 'go-auth_appconf-1a2b3c4d');
    const long = `s_${'x'.repeat(70)}`;
    assert.equal(rotatedName(long, B).length, 64);
    assert.ok(isVersionOf(rotatedName(long, B), long));
    assert.ok(isVersionOf('go-auth_appconf', 'go-auth_appconf'));
    assert.ok(!isVersionOf('go-auth_appconf-old', 'go-auth_appconf'));
    assert.ok(!isVersionOf('go-auth_appconf2-1a2b3c4d', 'go-auth_appconf'));
  });

  it('creates objects under the names docker stack deploy gives them on a fresh cluster', () => {
    const plan = planStack(cluster, fromFiles(A), { ...after(fromFiles(A)), services: [], secrets: [], configs: [] });
    assert.deepEqual([plan.secretsToCreate, plan.configsToCreate, plan.rotations], [['go-auth_token'], ['go-auth_appconf'], []]);
    assert.ok(planLines(plan).includes('  + config go-auth_appconf'));
  });

  it('plans the same contents as no change, with no warning', () => {
    const plan = planStack(cluster, fromFiles(A), after(fromFiles(A)));
    assert.deepEqual(plan.counts, { create: 0, update: 0, remove: 0 });
    assert.deepEqual([plan.secretsToCreate, plan.configsToCreate, plan.rotations, plan.warnings, plan.kept], [[], [], [], [], []]);
  });

  it('rotates a config whose content changed: a new object, the services moved to it, the old one kept for the release that uses it', () => {
    const first = fromFiles(A);
    const plan = planStack(cluster, fromFiles(B), after(first, { releases: [release(1, first)] }));
    assert.deepEqual(plan.rotations, [{ kind: 'config', name: 'go-auth_appconf', from: ['go-auth_appconf'], to: 'go-auth_appconf-1a2b3c4d', create: true, services: ['app'] }]);
    assert.deepEqual(plan.configsToCreate, ['go-auth_appconf-1a2b3c4d']);
    assert.deepEqual(configsOf(plan.desired, 'app'), ['go-auth_appconf-1a2b3c4d']);
    assert.deepEqual(plan.counts, { create: 0, update: 1, remove: 0 });
    assert.deepEqual(plan.services.find((s) => s.name === 'go-auth_app')!.changes, [{ what: 'configs', from: 'go-auth_appconf', to: 'go-auth_appconf-1a2b3c4d' }]);
    assert.deepEqual(plan.configsToRemove, []);
    assert.deepEqual(plan.kept, [{ kind: 'config', name: 'go-auth_appconf', releases: [1] }]);
    const lines = planLines(plan);
    assert.ok(lines.includes('  ~ config go-auth_appconf content changed → go-auth_appconf-1a2b3c4d; services: app'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.startsWith('  + config')), 'the rotation line says it: no separate create line');
    assert.ok(lines.includes('  = config go-auth_appconf  kept for a rollback: release #1 uses it'), lines.join('\n'));
    assert.deepEqual(stackSteps(plan).map(describeStep).slice(0, 2), ['create config go-auth_appconf-1a2b3c4d', 'update service go-auth_app']);
  });

  it('rotates a secret whose label says another content, and removes the old one when no kept release uses it', () => {
    const plan = planStack(cluster, fromFiles(A, B), after(fromFiles(A, A)));
    assert.deepEqual(plan.rotations.map((r) => [r.kind, r.to]), [['secret', 'go-auth_token-1a2b3c4d']]);
    assert.deepEqual(plan.secretsToRemove, ['go-auth_token']);
    assert.deepEqual(plan.kept, []);
  });

  it('goes back to an older content\'s object, creating nothing, and reuses a rotation an earlier deploy made', () => {
    const second = planStack(cluster, fromFiles(B), after(fromFiles(A))).desired;
    const running = after(second, { configs: [{ name: 'go-auth_appconf', sha256: A, stack: 'go-auth' }] });
    const back = planStack(cluster, fromFiles(A), running);
    assert.deepEqual(back.rotations, [{ kind: 'config', name: 'go-auth_appconf', from: ['go-auth_appconf-1a2b3c4d'], to: 'go-auth_appconf', create: false, services: ['app'] }]);
    assert.deepEqual(back.configsToCreate, []);
    assert.ok(planLines(back).includes('  ~ config go-auth_appconf-1a2b3c4d content changed → go-auth_appconf (exists: an earlier release made it); services: app'));
    const again = planStack(cluster, fromFiles(B), after(fromFiles(A), { configs: [{ name: 'go-auth_appconf-1a2b3c4d', sha256: B, stack: 'go-auth' }] }));
    assert.deepEqual([again.rotations[0]!.to, again.rotations[0]!.create, again.configsToCreate], ['go-auth_appconf-1a2b3c4d', false, []]);
    const third = planStack(cluster, fromFiles(C), running);
    assert.deepEqual(third.rotations[0], { kind: 'config', name: 'go-auth_appconf', from: ['go-auth_appconf-1a2b3c4d'], to: 'go-auth_appconf-c0ffee00', create: true, services: ['app'] });
  });

  it('warns that a secret without Slipway\'s label cannot be verified, and leaves it as it is', () => {
    const d = fromFiles(A);
    const running = after(d);
    const unlabelled: RunningStack = { ...running, secrets: [{ name: 'go-auth_token', stack: 'go-auth' }] };
    const plan = planStack(cluster, fromFiles(A, B), unlabelled);
    assert.deepEqual([plan.counts, plan.rotations, plan.secretsToCreate], [{ create: 0, update: 0, remove: 0 }, [], []]);
    assert.equal(plan.warnings.length, 1);
    assert.match(plan.warnings[0]!, /^secret go-auth_token was not created by Slipway .*cannot tell whether token\.txt changed and leaves it as it is/);
    assert.ok(planLines(plan).some((l) => l.startsWith('  ! secret go-auth_token was not created by Slipway')));
  });

  it('refuses a rotation name that exists with another content', () => {
    const running = after(fromFiles(A), { configs: [{ name: 'go-auth_appconf-1a2b3c4d', sha256: C, stack: 'go-auth' }] });
    assert.throws(() => planStack(cluster, fromFiles(B), running), (e) => SlipwayError.is(e, 'docker') && /go-auth_appconf-1a2b3c4d .*should hold the new content of app\.conf but holds another one/.test(e.message));
  });

  it('rolls back to a release\'s exact objects, which stay while a kept release uses them', () => {
    const first = fromFiles(A, A);
    const second = planStack(cluster, fromFiles(B, B), after(first)).desired;
    const r1 = release(1, first);
    const r2 = release(2, second);
    assert.deepEqual(r2.objects!.configs, [{ key: 'appconf', name: 'go-auth_appconf-1a2b3c4d', sha256: B }]);
    const running = after(second, { configs: [{ name: 'go-auth_appconf', sha256: A, stack: 'go-auth' }], secrets: [{ name: 'go-auth_token', sha256: A, stack: 'go-auth' }], releases: [r1, r2] });
    const back = planStack(cluster, desiredFromRelease(r1), running);
    assert.deepEqual(configsOf(back.desired, 'app'), ['go-auth_appconf']);
    assert.deepEqual([back.configsToCreate, back.secretsToCreate, back.configsToRemove, back.secretsToRemove], [[], [], [], []]);
    assert.deepEqual(back.rotations.map((r) => [r.kind, r.from, r.to, r.create]), [['secret', ['go-auth_token-1a2b3c4d'], 'go-auth_token', false], ['config', ['go-auth_appconf-1a2b3c4d'], 'go-auth_appconf', false]]);
    assert.deepEqual(back.kept.map((k) => [k.name, k.releases]), [['go-auth_token-1a2b3c4d', [2]], ['go-auth_appconf-1a2b3c4d', [2]]]);
    assert.deepEqual(releaseFileObjects(back.desired).objects, r1.objects, 'the rollback\'s release notes the same objects and hashes');
  });

  it('removes what only pruned releases used at the next deploy', () => {
    const first = fromFiles(A, A);
    const second = planStack(cluster, fromFiles(B, B), after(first)).desired;
    const old: RunningStack = after(second, { configs: [{ name: 'go-auth_appconf', sha256: A, stack: 'go-auth' }], secrets: [{ name: 'go-auth_token', sha256: A, stack: 'go-auth' }], releases: [release(2, second)] });
    const plan = planStack(cluster, fromFiles(B, B), old);
    assert.deepEqual([plan.configsToRemove, plan.secretsToRemove, plan.kept], [['go-auth_appconf'], ['go-auth_token'], []]);
  });

  it('names what a release needs and the cluster lost', () => {
    const first = fromFiles(A);
    const running: RunningStack = { ...after(first), configs: [] };
    assert.throws(
      () => planStack(cluster, desiredFromRelease(release(1, first)), running),
      (e) => SlipwayError.is(e, 'notFound') && e.message === 'Stack go-auth needs config go-auth_appconf, which cluster "prod-like" does not have',
    );
  });

  it('reads a release recorded before content hashes: its secrets and configs as they are named', () => {
    const { objects: _objects, ...legacy } = release(1, fromFiles(A));
    const d = desiredFromRelease(legacy);
    assert.deepEqual([d.secrets, d.configs, d.externalSecrets, d.externalConfigs], [[], [], ['go-auth_token'], ['go-auth_appconf']]);
    assert.deepEqual(planStack(cluster, d, after(fromFiles(A))).counts, { create: 0, update: 0, remove: 0 });
  });

  it('refuses to create an object whose file changed after the plan named it for its content, before anything changed', async () => {
    const plan = planStack(cluster, fromFiles(A), { ...after(fromFiles(A)), services: [], secrets: [], configs: [] });
    const created: string[] = [];
    const port = {
      cluster,
      createNetwork: async () => void created.push('network'),
      createSecret: async (name: string) => void created.push(name),
      createConfig: async (name: string) => void created.push(name),
      createService: async (spec: { Name: string }) => void created.push(spec.Name),
    } as unknown as StackClusterPort;
    const files = { read: async () => [], content: async (path: string) => ({ bytes: new Uint8Array([1]), sha256: path.endsWith('token.txt') ? A : B }) };
    await assert.rejects(
      applyStackDeploy({ cluster: port, files }, { plan, version: '1.0', source: { stack: 'go-auth', files: ['stack.yml'] }, warnings: [] }, { trigger: 'cli', who: 'ann' }),
      (e) => SlipwayError.is(e, 'config') && e.message === '/ws/app.conf changed after the deploy was planned (the config go-auth_appconf was named for its content then)' && e.hint === 'Plan the deploy again: the plan names secrets and configs by their content',
    );
    assert.deepEqual(created, [], 'every file is checked before the first change');
  });
});
