/**
 * The three-node rig clusters: placement on labelled workers, and real faults — a worker's link cut mid-rollout, an
 * engine paused then resumed, the registry stopped during a deploy. Each fault test puts the rig back as it found it
 * (link up, engine continued, registries restarted by scripts/rig/up.sh) in `finally`, whatever happened.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterWatcher } from '../../src/adapters/docker/clusterWatcher';
import { SwarmCluster } from '../../src/adapters/docker/swarm';
import type { ClusterState } from '../../src/core/swarm/model';
import { readClusterState } from '../../src/adapters/docker/swarmClusters';
import { buildClusterTree, findTreeNode } from '../../src/core/swarm/tree';
import { dockerOk, exec, waitFor, type ExecResult, type RigNode } from '../support/rig';
import { ROOT, setUpSwarmFixture, slipway, type SwarmFixture } from './swarmFixture';

const CLI = join(ROOT, 'dist', 'cli.js');

/** The CLI run asynchronously (the test acts on the rig while it runs), in an empty directory. */
async function slipwayAsync(env: NodeJS.ProcessEnv, ...args: string[]): Promise<ExecResult> {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-fault-cli-'));
  try {
    return await exec(process.execPath, [CLI, ...args], { env, cwd: dir, timeoutMs: 240_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function setLink(fx: SwarmFixture, node: RigNode, state: 'up' | 'down'): Promise<ExecResult> {
  return exec('ip', ['-n', fx.rig.linksNetns, 'link', 'set', node.link, state]);
}

async function nodeReady(host: string, name: string): Promise<void> {
  await waitFor(async () => (await dockerOk(host, ['node', 'inspect', name, '--format', '{{.Status.State}}'])) === 'ready', { timeoutMs: 90_000, intervalMs: 500, what: `node ${name} ready again` });
}

describe('the three-node rig clusters', function () {
  this.timeout(300_000);
  let fx: SwarmFixture;

  before(async function () {
    this.timeout(300_000);
    fx = await setUpSwarmFixture(['1.0', '1.1']);
  });
  after(async function () {
    this.timeout(120_000);
    await fx?.cleanup();
  });

  describe('placement', () => {
    it('runs a service constrained to node.labels.env == prod-like only on the labelled workers, and the view shows where', async () => {
      const workers = fx.rig.prodLike.nodes.filter((n) => n.role === 'worker').map((n) => n.name).sort();
      const manager = fx.rig.prodLike.nodes.find((n) => n.role === 'manager')!.name;
      const name = await fx.createService('prod-like', '1.0', ['--replicas', '2', '--constraint', 'node.labels.env==prod-like', '--replicas-max-per-node', '1']);

      // what Swarm says: two running tasks, one on each labelled worker, none on the manager
      const ps = (await dockerOk(fx.hostOf('prod-like'), ['service', 'ps', name, '--filter', 'desired-state=running', '--format', '{{.Node}} {{.CurrentState}}'])).split('\n');
      assert.deepEqual(ps.map((l) => l.split(' ')[0]).sort(), workers);
      assert.ok(ps.every((l) => / Running /.test(l)), ps.join('\n'));

      // what the view shows: each task names its node; each worker node holds one task of the service, the manager none
      const state = await readClusterState(SwarmCluster.connect(fx.clusters[0]!));
      const tree = buildClusterTree([state]);
      const service = findTreeNode(tree, (n) => n.kind === 'service' && n.serviceName === name)!;
      assert.deepEqual(service.children.filter((t) => !t.label.startsWith('\\_')).map((t) => t.description!.split(' · ')[0]).sort(), workers);
      const nodes = findTreeNode(tree, (n) => n.kind === 'nodes')!.children;
      for (const w of workers) {
        const node = nodes.find((n) => n.label === w)!;
        assert.match(node.description!, /^worker · active · ready · env=prod-like · \d+ tasks?$/);
        assert.deepEqual(node.children.filter((t) => t.serviceName === name).length, 1, `${w} runs one task of ${name}`);
      }
      assert.equal(nodes.find((n) => n.label === manager)!.children.filter((t) => t.serviceName === name).length, 0);

      // the CLI's task list says the same
      const tasks = JSON.parse(slipway(fx.cliEnv(), 'swarm', 'tasks', name, '--cluster', 'prod-like', '--json').stdout) as { nodeHostname: string; desiredState: string }[];
      assert.deepEqual(tasks.filter((t) => t.desiredState === 'running').map((t) => t.nodeHostname).sort(), workers);
    });

    it('follows a rolling update of the constrained service node by node: every task line names its worker', async () => {
      const workers = fx.rig.prodLike.nodes.filter((n) => n.role === 'worker').map((n) => n.name);
      const name = await fx.createService('prod-like', '1.0', ['--replicas', '2', '--constraint', 'node.labels.env==prod-like', '--replicas-max-per-node', '1']);
      const r = slipway(fx.cliEnv(), 'deploy', name, '1.1', '--cluster', 'prod-like');
      assert.equal(r.status, 0, r.stderr + r.stdout);
      const running = [...r.stdout.matchAll(new RegExp(`${name}\\.(\\d) on (\\S+): 1\\.1 running`, 'g'))].map((m) => m[2]!);
      assert.deepEqual([...new Set(running)].sort(), [...workers].sort(), r.stdout);
      assert.match(r.stdout, /update completed: 2\/2 tasks running 1\.1/);
      const after = (await dockerOk(fx.hostOf('prod-like'), ['service', 'ps', name, '--filter', 'desired-state=running', '--format', '{{.Node}}'])).split('\n').sort();
      assert.deepEqual(after, [...workers].sort());
    });
  });

  describe('node availability', () => {
    it('drain moves the tasks off a worker and activate lets Swarm use it again; production needs --yes', async () => {
      const [w2, w3] = fx.rig.prodLike.nodes.filter((n) => n.role === 'worker');
      const name = await fx.createService('prod-like', '1.0', ['--replicas', '2', '--constraint', 'node.labels.env==prod-like']);
      const runningOn = async () => (await dockerOk(fx.hostOf('prod-like'), ['service', 'ps', name, '--filter', 'desired-state=running', '--format', '{{.Node}} {{.CurrentState}}'])).split('\n');
      try {
        const drain = slipway(fx.cliEnv(), 'swarm', 'drain', w3!.name, '--cluster', 'prod-like');
        assert.equal(drain.status, 0, drain.stderr);
        assert.match(drain.stdout, new RegExp(`prod-like: ${w3!.name}: active → drain`));
        assert.equal(await dockerOk(fx.hostOf('prod-like'), ['node', 'inspect', w3!.name, '--format', '{{.Spec.Availability}}']), 'drain');
        await waitFor(async () => (await runningOn()).every((l) => l.startsWith(`${w2!.name} Running`)) && (await runningOn()).length === 2, { timeoutMs: 60_000, intervalMs: 500, what: `${name} to run only on ${w2!.name}` });
        const tree = buildClusterTree([await readClusterState(SwarmCluster.connect(fx.clusters[0]!))]);
        const drained = findTreeNode(tree, (n) => n.kind === 'node' && n.label === w3!.name)!;
        assert.match(drained.contextValue, /\bnodeDrained\b/);
        assert.match(drained.description!, /^worker · drain · ready/);
      } finally {
        const activate = slipway(fx.cliEnv(), 'swarm', 'activate', w3!.name, '--cluster', 'prod-like');
        assert.equal(activate.status, 0, activate.stderr);
      }
      assert.equal(await dockerOk(fx.hostOf('prod-like'), ['node', 'inspect', w3!.name, '--format', '{{.Spec.Availability}}']), 'active');

      const worker = fx.rig.production.nodes.find((n) => n.role === 'worker')!;
      const refused = slipway(fx.cliEnv(), 'swarm', 'drain', worker.name, '--cluster', 'production');
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, new RegExp(`Refusing to set node ${worker.name} of production cluster "production" to drain without confirmation\nhint: Run again with --yes`));
      assert.equal(await dockerOk(fx.hostOf('production'), ['node', 'inspect', worker.name, '--format', '{{.Spec.Availability}}']), 'active');
    });
  });

  describe('faults', () => {
    it('a worker cut off mid-rollout: the deploy fails naming the stuck task and the lost node, and never says converged', async () => {
      const lost = fx.rig.prodLike.nodes.find((n) => n.role === 'worker' && n.name.endsWith('-3'))!;
      const name = await fx.createService('prod-like', '1.0', ['--replicas', '2', '--constraint', 'node.labels.env==prod-like', '--replicas-max-per-node', '1', '--update-delay', '2s']);
      try {
        const deploy = slipwayAsync(fx.cliEnv(), 'deploy', name, '1.1', '--cluster', 'prod-like');
        await new Promise((r) => setTimeout(r, 1000));
        const cut = await setLink(fx, lost, 'down');
        assert.equal(cut.code, 0, cut.stderr);
        const r = await deploy;
        assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
        assert.match(r.stderr, new RegExp(`The rollout of ${name} on prod-like is stuck: task ${name}\\.\\d cannot be placed \\(it last ran on ${lost.name}\\): no suitable node`));
        assert.doesNotMatch(r.stdout, /update completed/);
        assert.doesNotMatch(r.stdout + r.stderr, /converged/);
        // Swarm agrees: the update is still open, not completed
        assert.equal(await dockerOk(fx.hostOf('prod-like'), ['service', 'inspect', name, '--format', '{{.UpdateStatus.State}}']), 'updating');
      } finally {
        await setLink(fx, lost, 'up');
        await nodeReady(fx.hostOf('prod-like'), lost.name);
      }
    });

    it('an engine paused (SIGSTOP) is reported as not answering within the timeout while the other cluster answers, and answers again when resumed', async () => {
      const manager = fx.rig.production.nodes.find((n) => n.role === 'manager')!;
      const pid = Number(readFileSync(manager.host.replace(/^unix:\/\//, '').replace(/\.sock$/, '.pid'), 'utf8').trim());
      assert.ok(pid > 1, 'production manager dockerd pid');
      const env = { ...fx.cliEnv(), SLIPWAY_ENGINE_TIMEOUT_MS: '3000' };
      process.kill(pid, 'SIGSTOP');
      try {
        const started = Date.now();
        const r = await slipwayAsync(env, 'swarm', 'services');
        const took = Date.now() - started;
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /^prod-like \(prod-like\)$/m, 'prod-like still listed');
        assert.match(r.stderr, /Cluster "production": the engine at unix:\/\/\/run\/slipway-rig\/production\.sock did not answer within 3 s/);
        assert.ok(took < 20_000, `took ${took} ms`);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      const again = await waitFor(() => {
        const r = slipway(env, 'swarm', 'nodes', '--cluster', 'production', '--json');
        return r.status === 0 ? r : undefined;
      }, { timeoutMs: 30_000, intervalMs: 500, what: 'production to answer after SIGCONT' });
      assert.equal((JSON.parse(again.stdout) as unknown[]).length, 3);
    });

    it('the manager\'s engine killed: its cluster shows unreachable with the reason, the other keeps working, and it recovers through the event stream when the engine returns', async () => {
      const manager = fx.rig.production.nodes.find((n) => n.role === 'manager')!;
      const pidFile = manager.host.replace(/^unix:\/\//, '').replace(/\.sock$/, '.pid');
      // polls are a minute apart: whatever the watchers show within seconds came from the event streams
      const policy = { debounceMs: 50, maxDelayMs: 300, pollMs: 60_000, disconnectedPollMs: 60_000, rolloutPollMs: 60_000 };
      const latest: Record<string, ClusterState | undefined> = {};
      const watchers = fx.clusters.map((c) => new ClusterWatcher(SwarmCluster.connect(c), { policy, onState: (s) => (latest[c.name] = s) }));
      watchers.forEach((w) => w.start());
      try {
        await waitFor(() => latest['prod-like']?.kind === 'ok' && latest['production']?.kind === 'ok', { timeoutMs: 20_000, what: 'both clusters read' });
        await new Promise((r) => setTimeout(r, 500)); // the event streams connect
        process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
        try {
          const down = await waitFor(() => (latest['production']?.kind === 'error' ? latest['production'] : undefined), { timeoutMs: 15_000, intervalMs: 100, what: 'production to show as unreachable' });
          assert.equal(down.kind === 'error' && down.error.kind, 'unreachable');
          assert.match(down.kind === 'error' ? down.error.message : '', /Cluster "production": /);
          // the other cluster keeps answering
          await watchers[0]!.refresh();
          assert.equal(latest['prod-like']?.kind, 'ok');
        } finally {
          const up = await exec('bash', [join(ROOT, 'scripts', 'rig', 'up.sh')], { timeoutMs: 180_000 });
          assert.equal(up.code, 0, up.stderr);
        }
        const back = Date.now();
        await waitFor(() => latest['production']?.kind === 'ok', { timeoutMs: 30_000, intervalMs: 100, what: 'production to recover by itself' });
        console.log(`      (production shown again ${Date.now() - back} ms after up.sh restarted its manager)`);
      } finally {
        watchers.forEach((w) => w.dispose());
      }
    });

    it('the registry stopped during a deploy: the deploy fails naming the registry and the service keeps its version', async () => {
      const name = await fx.createService('prod-like', '1.0');
      const pidFiles = ['registry.pid', ...fx.rig.prodLike.nodes.concat(fx.rig.production.nodes).flatMap((n) => (n.netns ? [`registry-${n.netns.replace(/^slipway-/, '')}.pid`] : []))];
      const pids = pidFiles.map((f) => Number(readFileSync(`/run/slipway-rig/${f}`, 'utf8').trim()));
      for (const pid of pids) process.kill(pid, 'SIGTERM');
      try {
        await waitFor(async () => (await exec('curl', ['-s', '-o', '/dev/null', '--max-time', '1', 'http://127.0.0.1:5000/v2/'])).code !== 0, { timeoutMs: 10_000, what: 'the registry to stop' });
        const r = slipway(fx.cliEnv(), 'deploy', name, '1.1', '--cluster', 'prod-like');
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(r.stderr, /localhost:5000/);
        assert.match(r.stderr, /registry/i);
        assert.equal(await dockerOk(fx.hostOf('prod-like'), ['service', 'inspect', name, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}']), `${fx.repository}:1.0`);
      } finally {
        const up = await exec('bash', [join(ROOT, 'scripts', 'rig', 'up.sh')], { timeoutMs: 180_000 });
        assert.equal(up.code, 0, up.stderr);
      }
    });
  });
});
