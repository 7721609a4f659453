import * as assert from 'node:assert/strict';
import { applyStackDeploy, type PreparedStackDeploy } from '../../../src/app/stack/deploy';
import { convertStack } from '../../../src/core/stack/convert';
import { loadStack } from '../../../src/core/stack/load';
import { planStack } from '../../../src/core/stack/plan';
import type { StackClusterPort } from '../../../src/core/stack/ports';
import type { ReleaseRecord } from '../../../src/core/stack/release';
import { SlipwayError } from '../../../src/core/errors';
import { serviceFromApi, taskFromApi, type RawTask } from '../../../src/core/swarm/engineData';
import type { ClusterTarget, SwarmService, SwarmTask } from '../../../src/core/swarm/model';

const cluster: ClusterTarget = { name: 'prod-like', role: 'prod-like', host: 'unix:///x.sock' };
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const stackText = (digest: string) => `version: "3.8"
services:
  app: { image: "localhost:5000/demo:1.0@${digest}", deploy: { replicas: 1 } }
  worker: { image: "localhost:5000/demo:1.0@${digest}", deploy: { replicas: 1 } }
  cache: { image: "slipway-rig/redis:7" }
`;
const desired = (digest: string) => convertStack('demo', loadStack([{ path: 'stack.yml', dir: '/ws', text: stackText(digest) }], {}));

/** A cluster whose services run `image` once `readyAfter` polls of the stack went by; counts how it is read. */
function fakeCluster(readyAfter: number) {
  const calls = { stackState: 0, serviceState: 0 };
  const now = desired(D1);
  const target = desired(D2);
  const state = (name: string, image: string, ready: boolean): { service: SwarmService; tasks: SwarmTask[] } => {
    const raw: RawTask = { ID: `t-${name}`, ServiceID: name, NodeID: 'n1', DesiredState: 'running', UpdatedAt: '2026-12-01T04:00:01Z', Spec: { ContainerSpec: { Image: image } }, Status: { State: 'running' } };
    return { service: serviceFromApi({ ID: name, UpdatedAt: '2026-12-01T04:00:01Z', Spec: { Name: name, Mode: { Replicated: { Replicas: 1 } }, TaskTemplate: { ContainerSpec: { Image: image } } }, UpdateStatus: { State: ready ? 'completed' : 'updating', StartedAt: '2026-12-01T04:00:01Z', ...(ready ? { CompletedAt: '2026-12-01T04:00:09Z' } : {}) } }, [raw], new Set(['n1'])), tasks: [taskFromApi(raw, name, 'node-1')] };
  };
  const port: StackClusterPort = {
    cluster,
    running: async () => ({ services: now.services.map((s) => ({ id: s.spec.Name, name: s.spec.Name, spec: s.spec as unknown as Record<string, unknown> })), networks: new Map([['id-default', 'demo_default']]), secrets: [], configs: [], owned: { networks: ['demo_default'] }, releases: [] }),
    list: async () => [],
    createNetwork: async () => undefined,
    createSecret: async () => undefined,
    createConfig: async () => undefined,
    createService: async () => '',
    updateService: async () => '2026-12-01T04:00:00Z',
    removeService: async () => undefined,
    removeObject: async () => undefined,
    remove: async () => [],
    serviceState: async () => {
      calls.serviceState++;
      throw new Error('followed one service at a time');
    },
    stackState: async (stack) => {
      assert.equal(stack, 'demo');
      calls.stackState++;
      const ready = calls.stackState > readyAfter;
      return new Map(target.services.map((s) => [s.spec.Name, state(s.spec.Name, ready || s.key === 'cache' ? s.spec.TaskTemplate.ContainerSpec.Image : `localhost:5000/demo:1.0@${D1}`, ready)] as const));
    },
    nodeAddress: async () => '127.0.0.1',
    releases: async () => [] as ReleaseRecord[],
    writeRelease: async () => true,
    removeRelease: async () => undefined,
  };
  return { port, calls, target };
}

describe('following a stack deploy', () => {
  it('reads the whole stack once per poll, however many services changed, until each converged', async () => {
    const { port, calls, target } = fakeCluster(3);
    const plan = planStack(cluster, target, await port.running('demo'));
    assert.deepEqual(plan.services.filter((s) => s.action === 'update').map((s) => s.name), ['demo_app', 'demo_worker']);
    const prepared: PreparedStackDeploy = { plan, version: '1.0', source: { stack: 'demo', files: ['stack.yml'] }, warnings: [] };
    const files = { read: async () => [], content: async () => ({ bytes: new Uint8Array(), sha256: '' }) };
    const result = await applyStackDeploy({ cluster: port, files }, prepared, { trigger: 'cli', who: 'ann', pollMs: 1 });
    assert.equal(result.outcome, 'converged', result.message);
    assert.deepEqual(result.services.map((s) => [s.service, s.outcome]), [['demo_app', 'converged'], ['demo_worker', 'converged']]);
    assert.equal(calls.stackState, 4, 'three polls in progress, the fourth converged both');
    assert.equal(calls.serviceState, 0);
  });

  it('fails, naming the service, when a followed service disappears from the stack', async () => {
    const { port, target } = fakeCluster(100);
    const gone: StackClusterPort = { ...port, stackState: async () => new Map() };
    const plan = planStack(cluster, target, await port.running('demo'));
    const prepared: PreparedStackDeploy = { plan, version: '1.0', source: { stack: 'demo', files: ['stack.yml'] }, warnings: [] };
    const result = await applyStackDeploy({ cluster: gone, files: { read: async () => [], content: async () => ({ bytes: new Uint8Array(), sha256: '' }) } }, prepared, { trigger: 'cli', who: 'ann', pollMs: 1 });
    assert.equal(result.outcome, 'failed');
    assert.match(result.message, /demo_app is no longer on cluster "prod-like"/);
  });

  /** The fake cluster, keeping the release records it is given (a Swarm config per number: write refuses a taken one). */
  function withReleases(port: StackClusterPort) {
    const records = new Map<number, ReleaseRecord>();
    const log: string[] = [];
    const kept: StackClusterPort = {
      ...port,
      releases: async () => [...records.values()],
      writeRelease: async (r) => {
        if (records.has(r.number)) return false;
        records.set(r.number, r);
        log.push(`write #${r.number} ${r.outcome?.unknown ? 'unknown' : r.outcome?.converged ? 'converged' : 'failed'}`);
        return true;
      },
      removeRelease: async (_stack, n) => {
        records.delete(n);
        log.push(`remove #${n}`);
      },
    };
    return { kept, records, log };
  }

  it('records the release as under way before sending anything, then settles it as converged (same number, same time)', async () => {
    const { port, target } = fakeCluster(1);
    const { kept, records, log } = withReleases(port);
    const sent: string[] = [];
    const watched: StackClusterPort = { ...kept, updateService: async (spec) => (sent.push(`update ${spec.Name} (${log.length} records written)`), '2026-12-01T04:00:00Z') };
    const plan = planStack(cluster, target, await port.running('demo'));
    const prepared: PreparedStackDeploy = { plan, version: '1.0', source: { stack: 'demo', files: ['stack.yml'] }, warnings: [] };
    let tick = 0;
    const result = await applyStackDeploy({ cluster: watched, files: { read: async () => [], content: async () => ({ bytes: new Uint8Array(), sha256: '' }) } }, prepared, { trigger: 'cli', who: 'ann', pollMs: 1, now: () => new Date(Date.UTC(2026, 11, 1, 5, 0, tick++)) });
    assert.equal(result.outcome, 'converged');
    assert.equal(result.release, 1);
    assert.deepEqual(sent, ['update demo_app (1 records written)', 'update demo_worker (1 records written)']);
    assert.deepEqual(log, ['write #1 unknown', 'remove #1', 'write #1 converged']);
    assert.equal(records.get(1)!.when, '2026-12-01T05:00:00.000Z', 'the record keeps the time the deploy started');
  });

  it('an engine lost while following: fails as unreachable naming the cluster and its engine, the outcome unknown, and the record says so', async () => {
    const { port, target } = fakeCluster(100);
    const { kept, records } = withReleases(port);
    let polls = 0;
    const lost: StackClusterPort = {
      ...kept,
      stackState: async (stack) => {
        if (++polls > 2) throw new SlipwayError('unreachable', 'Cluster "prod-like": The Docker engine at unix:///x.sock is not reachable (ECONNREFUSED)', { cause: Object.assign(new Error('connect ECONNREFUSED /x.sock'), { code: 'ECONNREFUSED' }) });
        return port.stackState(stack);
      },
    };
    const plan = planStack(cluster, target, await port.running('demo'));
    const prepared: PreparedStackDeploy = { plan, version: '1.0', source: { stack: 'demo', files: ['stack.yml'] }, warnings: [] };
    await assert.rejects(
      applyStackDeploy({ cluster: lost, files: { read: async () => [], content: async () => ({ bytes: new Uint8Array(), sha256: '' }) } }, prepared, { trigger: 'cli', who: 'ann', pollMs: 1 }),
      (e: unknown) => {
        assert.ok(SlipwayError.is(e, 'unreachable'));
        assert.equal(e.message, 'Lost the Docker engine of cluster "prod-like" (unix:///x.sock) during the deploy of demo 1.0 (ECONNREFUSED): its outcome is unknown, and release #1 says so');
        assert.deepEqual(e.remedies.map((r) => r.action), ['releases', 'rollback', 'doctor']);
        return true;
      },
    );
    assert.deepEqual(records.get(1)!.outcome, { converged: false, unknown: true, message: 'the deploy did not say how it ended: it is still under way, or its process or the engine was lost before it ended' });
  });

  it('an error from the engine while sending: the error as it was, and the release settled as failed with it', async () => {
    const { port, target } = fakeCluster(1);
    const { kept, records } = withReleases(port);
    const refusing: StackClusterPort = { ...kept, updateService: async () => { throw new SlipwayError('docker', 'rpc error: update out of sequence'); } };
    const plan = planStack(cluster, target, await port.running('demo'));
    const prepared: PreparedStackDeploy = { plan, version: '1.0', source: { stack: 'demo', files: ['stack.yml'] }, warnings: [] };
    await assert.rejects(applyStackDeploy({ cluster: refusing, files: { read: async () => [], content: async () => ({ bytes: new Uint8Array(), sha256: '' }) } }, prepared, { trigger: 'cli', who: 'ann', pollMs: 1 }), /update out of sequence/);
    assert.deepEqual(records.get(1)!.outcome, { converged: false, message: 'rpc error: update out of sequence' });
  });

  it('an engine lost after the deploy converged, before its release was settled: fails saying it converged but was not recorded', async () => {
    const { port, target } = fakeCluster(0);
    const { kept } = withReleases(port);
    let writes = 0;
    const lostAtTheEnd: StackClusterPort = {
      ...kept,
      writeRelease: async (r) => {
        if (++writes > 1) throw new SlipwayError('unreachable', 'Cluster "prod-like": the engine at unix:///x.sock did not answer within 3 s');
        return kept.writeRelease(r);
      },
    };
    const plan = planStack(cluster, target, await port.running('demo'));
    const prepared: PreparedStackDeploy = { plan, version: '1.0', source: { stack: 'demo', files: ['stack.yml'] }, warnings: [] };
    await assert.rejects(
      applyStackDeploy({ cluster: lostAtTheEnd, files: { read: async () => [], content: async () => ({ bytes: new Uint8Array(), sha256: '' }) } }, prepared, { trigger: 'cli', who: 'ann', pollMs: 1 }),
      /^SlipwayError: Lost the Docker engine of cluster "prod-like" \(unix:\/\/\/x\.sock\) during the deploy of demo 1\.0 \(Cluster "prod-like": the engine at unix:\/\/\/x\.sock did not answer within 3 s\): it converged, but the engine was lost before release #1 could record that$/,
    );
  });
});
