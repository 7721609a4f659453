import * as assert from 'node:assert/strict';
import { SlipwayError } from '../../../src/core/errors';
import { specChanges } from '../../../src/core/stack/compare';
import { convertStack } from '../../../src/core/stack/convert';
import { loadStack } from '../../../src/core/stack/load';
import { planChangesNothing, planLines, planStack, type RunningStack } from '../../../src/core/stack/plan';
import { describeStep, needsRollout, stackSteps } from '../../../src/core/stack/steps';
import { describeRelease, nextReleaseNumber, releasesToPrune, type ReleaseRecord } from '../../../src/core/stack/release';
import type { ClusterTarget } from '../../../src/core/swarm/model';

const cluster: ClusterTarget = { name: 'prod-like', role: 'prod-like', host: 'unix:///x.sock' };
const production: ClusterTarget = { name: 'production', role: 'production', host: 'unix:///y.sock' };
const D1 = `sha256:${'1'.repeat(64)}`;

const STACK = `version: "3.8"
services:
  app:
    image: localhost:5000/go-auth:1.0@${D1}
    environment: { A: "1" }
    ports: [{ target: 3000, published: 18100, mode: host }]
    networks: [back]
    deploy: { replicas: 2, endpoint_mode: dnsrr }
  cache:
    image: slipway-rig/redis:7
networks:
  back: {}
`;

const desired = (text = STACK) => convertStack('go-auth', loadStack([{ path: 'stack.yml', dir: '/ws', text }], {}));

/** The spec as Swarm stores it after a create: network IDs, engine defaults filled in, Slipway's own labels. */
function asStored(spec: Record<string, unknown>): Record<string, unknown> {
  const s = structuredClone(spec) as Record<string, Record<string, unknown>>;
  const task = s.TaskTemplate as Record<string, unknown> & { ContainerSpec: Record<string, unknown>; Networks?: { Target: string }[] };
  task.Networks = (task.Networks ?? []).map((n) => ({ ...n, Target: n.Target === 'go-auth_back' ? 'id-back' : 'id-default' }));
  task.ContainerSpec = { ...task.ContainerSpec, StopGracePeriod: 10e9, Isolation: 'default', Privileges: { CredentialSpec: null, SELinuxContext: null } };
  task.RestartPolicy = { Condition: 'any', Delay: 5e9, MaxAttempts: 0 };
  task.ForceUpdate = 0;
  task.Runtime = 'container';
  s.UpdateConfig = { Parallelism: 1, FailureAction: 'pause', Monitor: 5e9, MaxFailureRatio: 0, Order: 'stop-first' };
  s.RollbackConfig = { ...s.UpdateConfig };
  (s.Labels as Record<string, string>)['io.slipway.release'] = '7';
  return s as Record<string, unknown>;
}

function running(specs: Record<string, unknown>[]): RunningStack {
  return {
    services: specs.map((spec, i) => ({ id: `s${i}`, name: String(spec.Name), spec })),
    networks: new Map([['id-back', 'go-auth_back'], ['id-default', 'go-auth_default']]),
    secrets: [],
    configs: [],
    owned: { networks: ['go-auth_back', 'go-auth_default'] },
    releases: [],
  };
}

describe('stack plans', () => {
  it('names services and networks as docker stack deploy does, with its labels and the default network', () => {
    const d = desired();
    assert.deepEqual(d.services.map((s) => s.spec.Name), ['go-auth_app', 'go-auth_cache']);
    assert.deepEqual(d.networks.map((n) => n.spec.Name), ['go-auth_back', 'go-auth_default']);
    const app = d.services[0]!.spec;
    assert.deepEqual(app.Labels, { 'com.docker.stack.namespace': 'go-auth', 'com.docker.stack.image': `localhost:5000/go-auth:1.0@${D1}` });
    assert.deepEqual(app.TaskTemplate.Networks, [{ Target: 'go-auth_back', Aliases: ['app'] }]);
    assert.deepEqual(app.EndpointSpec, { Mode: 'dnsrr', Ports: [{ Protocol: 'tcp', TargetPort: 3000, PublishedPort: 18100, PublishMode: 'host' }] });
    assert.deepEqual(app.Mode, { Replicated: { Replicas: 2 } });
  });

  it('creates everything on an empty cluster, networks first', () => {
    const plan = planStack(cluster, desired(), { ...running([]), networks: new Map() });
    assert.deepEqual(plan.counts, { create: 2, update: 0, remove: 0 });
    assert.deepEqual(plan.networksToCreate, ['go-auth_back', 'go-auth_default']);
    assert.equal(planLines(plan).pop(), 'Plan: 2 to create, 0 to update, 0 to remove.');
  });

  it('plans what Swarm stores (IDs, defaults, bookkeeping labels) as unchanged', () => {
    const d = desired();
    const plan = planStack(cluster, d, running(d.services.map((s) => asStored(s.spec as unknown as Record<string, unknown>))));
    assert.deepEqual(plan.counts, { create: 0, update: 0, remove: 0 }, JSON.stringify(plan.services));
  });

  it('says what changes, old → new: image, replicas, env keys, ports; and removes services gone from the files', () => {
    const d = desired();
    const stored = d.services.map((s) => asStored(s.spec as unknown as Record<string, unknown>));
    const next = desired(STACK.replace('go-auth:1.0@', 'go-auth:1.1@').replace('replicas: 2', 'replicas: 3').replace('{ A: "1" }', '{ A: "2", B: "x" }').replace('published: 18100', 'published: 18101').replace(/  cache:\n.*\n/, ''));
    const plan = planStack(cluster, next, running(stored));
    assert.deepEqual(plan.counts, { create: 0, update: 1, remove: 1 });
    const app = plan.services.find((s) => s.name === 'go-auth_app')!;
    assert.deepEqual(app.changes.map((c) => c.what).sort(), ['env', 'image', 'labels', 'ports', 'replicas']);
    assert.deepEqual(app.changes.find((c) => c.what === 'env'), { what: 'env', from: '', to: '+B ~A' });
    assert.deepEqual(app.changes.find((c) => c.what === 'replicas'), { what: 'replicas', from: '2', to: '3' });
    assert.equal(app.changes.find((c) => c.what === 'image')!.to, 'localhost:5000/go-auth:1.1 (111111111111)');
    assert.equal(plan.services.find((s) => s.name === 'go-auth_cache')!.action, 'remove');
  });

  it('refuses an external network the cluster lacks, and marks production plans for confirmation', () => {
    const ext = STACK.replace('  back: {}', '  back: { external: true, name: shared }');
    assert.throws(() => planStack(cluster, desired(ext), running([])), (e) => SlipwayError.is(e, 'notFound') && /external network shared/.test(e.message));
    assert.equal(planStack(production, desired(), running([])).requiresConfirmation, true);
  });

  it('compares environment regardless of order and spots a removed healthcheck', () => {
    const a = { TaskTemplate: { ContainerSpec: { Image: 'x', Env: ['B=2', 'A=1'], Healthcheck: { Test: ['CMD', 'true'] } } } };
    const b = { TaskTemplate: { ContainerSpec: { Image: 'x', Env: ['A=1', 'B=2'] } } };
    assert.deepEqual(specChanges(a, b, { networks: new Map() }).map((c) => c.what), ['healthcheck']);
  });

  it('removes the stack\'s own networks, and the secrets and configs no kept release uses, after everything else, and never others', () => {
    const d = desired();
    const stored = d.services.map((s) => asStored(s.spec as unknown as Record<string, unknown>));
    const next = desired(STACK.replace('    networks: [back]\n', '').replace('networks:\n  back: {}\n', ''));
    const base = running(stored);
    const r: RunningStack = { ...base, secrets: [{ name: 'go-auth_token', stack: 'go-auth' }, { name: 'shared' }], configs: [{ name: 'go-auth_conf', stack: 'go-auth' }, { name: 'other_conf', stack: 'other' }] };
    const plan = planStack(cluster, next, r);
    assert.deepEqual([plan.networksToRemove, plan.secretsToRemove, plan.configsToRemove], [['go-auth_back'], ['go-auth_token'], ['go-auth_conf']]);
    const lines = planLines(plan);
    assert.ok(lines.includes('  - network go-auth_back  remove (no longer in the files)'), lines.join('\n'));
    assert.ok(lines.includes('  - config go-auth_conf  remove (no longer used, and no kept release uses it)'), lines.join('\n'));
    const steps = stackSteps(plan).map(describeStep);
    assert.deepEqual(steps.slice(-3), ['remove network go-auth_back (no longer in the files)', 'remove secret go-auth_token (no longer used, and no kept release uses it)', 'remove config go-auth_conf (no longer used, and no kept release uses it)']);
    assert.equal(planChangesNothing(planStack(cluster, d, base)), true);
    assert.equal(planChangesNothing({ ...planStack(cluster, d, base), networksToRemove: ['go-auth_old'] }), false);
  });

  it('follows a change of only service labels, replicas or update/rollback config as converging at once (no rollout)', () => {
    const d = desired();
    const stored = d.services.map((s) => asStored(s.spec as unknown as Record<string, unknown>));
    const relabelled = desired(STACK.replace('deploy: { replicas: 2, endpoint_mode: dnsrr }', 'deploy: { replicas: 2, endpoint_mode: dnsrr, labels: { team: billing } }'));
    const app = planStack(cluster, relabelled, running(stored)).services.find((s) => s.name === 'go-auth_app')!;
    assert.deepEqual(app.changes.map((c) => c.what), ['labels']);
    assert.equal(needsRollout(app.changes, false), false);
    assert.equal(needsRollout([{ what: 'replicas' }, { what: 'update config' }, { what: 'rollback config' }, { what: 'labels' }], false), false);
    assert.equal(needsRollout([{ what: 'labels' }], true), true, 'a forced update rolls');
    assert.equal(needsRollout([{ what: 'labels' }, { what: 'image' }], false), true);
    assert.equal(needsRollout([{ what: 'an aspect not known yet' }], false), true, 'unknown aspects roll, to be safe');
  });
});

describe('release records', () => {
  it('numbers releases after the highest kept and keeps the newest 20', () => {
    assert.equal(nextReleaseNumber([]), 1);
    assert.equal(nextReleaseNumber([3, 7, 5]), 8);
    assert.deepEqual(releasesToPrune(Array.from({ length: 22 }, (_, i) => i + 1)), [2, 1]);
  });

  it('describes a rollback release with what it went back to', () => {
    const r = { format: 1, stack: 's', cluster: 'c', number: 5, version: '1.0', who: 'ann', when: '2026-12-01T02:10:00.000Z', trigger: 'cli', rollbackOf: 1, files: [], services: [], networks: [], secrets: [], configs: [] } as ReleaseRecord;
    assert.equal(describeRelease(r), '#5  1.0  2026-12-01 02:10  ann  cli  (rollback to #1)');
  });
});
