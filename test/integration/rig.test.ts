import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { dockerClient } from '../../src/adapters/docker/endpoint';
import { dockerCli, dockerOk, exec, execInNetns, rig, uniqueName, waitFor, type Rig, type RigCluster } from '../support/rig';

const REPO = join(__dirname, '..', '..', '..');

interface SwarmInfo {
  LocalNodeState: string;
  ControlAvailable: boolean;
  NodeID: string;
  NodeAddr: string;
  Cluster?: { ID: string };
}

describe('Docker rig (scripts/rig/up.sh)', function () {
  let r: Rig;
  let clusters: readonly RigCluster[];
  let registryUrl: string;
  before(() => {
    r = rig(); // throws "the Docker rig is not up: run scripts/rig/up.sh" — a failure, never a skip
    clusters = [r.prodLike, r.production];
    // the registry listens on IPv4 loopback; fetch may try ::1 first for "localhost"
    registryUrl = `http://${r.registry.replace(/^localhost(?=:)/, '127.0.0.1')}`;
  });
  const client = (host: string): Docker => dockerClient({ host });
  const swarmOf = async (host: string): Promise<SwarmInfo> => ((await client(host).info()) as { Swarm: SwarmInfo }).Swarm;

  it('all six engines answer on their sockets with API 1.41 or newer', async () => {
    const engines = [...r.prodLike.nodes, ...r.production.nodes];
    assert.equal(engines.length, 6);
    for (const c of engines) {
      const v = await client(c.host).version();
      assert.match(v.Version, /^\d+\.\d+/, `${c.host} reported no version`);
      assert.ok(Number(v.ApiVersion) >= 1.41, `${c.host} speaks API ${v.ApiVersion}`);
    }
  });

  it('each cluster\'s endpoint is the manager of an active swarm', async () => {
    for (const c of clusters) {
      const s = await swarmOf(c.host);
      assert.equal(s.LocalNodeState, 'active', `swarm on ${c.host}`);
      assert.equal(s.ControlAvailable, true, `${c.host} is not a manager`);
    }
  });

  it('each cluster has three ready nodes: an unlabelled manager and two workers labelled env=<cluster>', async () => {
    for (const c of [r.prodLike, r.production]) {
      const s = await swarmOf(c.host);
      const nodes = (await client(c.host).listNodes()) as { ID: string; Description?: { Hostname?: string }; Spec?: { Role?: string; Labels?: Record<string, string> }; Status?: { State?: string } }[];
      assert.deepEqual(
        nodes.map((n) => [n.Description?.Hostname, n.Spec?.Role, n.Status?.State, n.Spec?.Labels?.env ?? '-']).sort(),
        c.nodes.map((n) => [n.name, n.role, 'ready', n.role === 'worker' ? c.label : '-']).sort(),
        `nodes of ${c.label}`,
      );
      assert.equal(nodes.find((n) => n.ID === s.NodeID)?.Description?.Hostname, c.nodes[0]!.name, `${c.host} is the manager node`);
      for (const w of c.nodes.filter((n) => n.role === 'worker')) {
        const ws = await swarmOf(w.host);
        assert.equal(ws.LocalNodeState, 'active', `swarm on ${w.name}`);
        assert.equal(ws.ControlAvailable, false, `${w.name} is a worker`);
        assert.equal(ws.NodeAddr, w.address);
      }
    }
  });

  it('an overlay network carries traffic between two workers of a cluster', async () => {
    for (const c of [r.prodLike, r.production]) {
      const [w1, w2] = c.nodes.filter((n) => n.role === 'worker');
      const net = uniqueName('overlay');
      const peer = uniqueName('peer');
      await dockerOk(c.host, ['network', 'create', '-d', 'overlay', '--attachable', '--label', 'io.slipway.run=rig-test', net]);
      try {
        await dockerOk(w2!.host, ['run', '-d', '--rm', '--name', peer, '--network', net, '--label', 'io.slipway.run=rig-test', 'slipway-rig/busybox:1', 'sleep', '60']);
        // the peer's name reaches the other node's embedded DNS by gossip, a moment after it starts: retry
        const ping = await waitFor(async () => {
          const p = await dockerCli(w1!.host, ['run', '--rm', '--network', net, '--label', 'io.slipway.run=rig-test', 'slipway-rig/busybox:1', 'ping', '-c', '1', '-W', '5', peer], { timeoutMs: 60_000 });
          if (p.code !== 0) throw new Error(`${w1!.name} → ${peer} on ${w2!.name}: ${p.stdout}${p.stderr}`);
          return p;
        }, { timeoutMs: 30_000, intervalMs: 500, what: `${w1!.name} to ping ${peer} over ${net}` });
        assert.match(ping.stdout, /1 packets received/);
      } finally {
        await dockerCli(w2!.host, ['rm', '-f', peer]);
        await waitFor(async () => (await dockerCli(c.host, ['network', 'rm', net])).code === 0, { timeoutMs: 15_000, intervalMs: 300, what: `network ${net} removed` }).catch(() => undefined);
      }
    }
  });

  it('prod-like and production are two distinct clusters', async () => {
    const [a, b] = await Promise.all(clusters.map((c) => swarmOf(c.host)));
    assert.ok(a!.Cluster?.ID && b!.Cluster?.ID, 'both swarms report a cluster id');
    assert.notEqual(a!.Cluster!.ID, b!.Cluster!.ID);
    assert.notEqual(a!.NodeID, b!.NodeID);
  });

  it('the registry answers /v2/ on the host and inside every engine\'s network namespace', async () => {
    const host = await fetch(`${registryUrl}/v2/`);
    assert.equal(host.status, 200);
    for (const n of [...r.prodLike.nodes, ...r.production.nodes]) {
      if (n.netns === undefined) continue;
      const inNetns = await execInNetns(n.netns, ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `${registryUrl}/v2/`]);
      assert.equal(inNetns.code, 0, `${n.netns}: ${inNetns.stderr}`);
      assert.equal(inNetns.stdout, '200', n.netns);
    }
  });

  it('the production engine publishes ports only inside its network namespace', async () => {
    // proves the netns isolation other suites rely on: a host-mode port on production is not the host's port
    const name = uniqueName('netns-port');
    const port = 20000 + Math.floor(Math.random() * 20000);
    await dockerOk(r.production.host, [
      'run', '-d', '--rm', '--name', name, '--label', 'io.slipway.run=rig-test', '-p', `127.0.0.1:${port}:8080`,
      'slipway-rig/busybox:1', 'sh', '-c', `echo served-by-production > /index.html && httpd -f -p 8080 -h /`,
    ]);
    try {
      const body = await waitFor(async () => {
        const res = await execInNetns(r.production.netns, ['curl', '-sf', '--max-time', '2', `http://127.0.0.1:${port}/index.html`]);
        return res.code === 0 ? res.stdout.trim() : undefined;
      }, { timeoutMs: 15_000, what: `port ${port} inside ${r.production.netns}` });
      assert.equal(body, 'served-by-production');
      await assert.rejects(fetch(`http://127.0.0.1:${port}/index.html`), 'the host must not reach production ports');
    } finally {
      await dockerCli(r.production.host, ['rm', '-f', name]);
    }
  });

  it('the base images are present on every engine', async () => {
    assert.deepEqual([...r.baseImages].sort(), ['slipway-rig/busybox:1', 'slipway-rig/node:20', 'slipway-rig/redis:7']);
    for (const c of [...r.prodLike.nodes, ...r.production.nodes]) {
      for (const image of r.baseImages) {
        const info = await client(c.host).getImage(image).inspect();
        assert.ok(info.RepoTags.includes(image), `${image} on ${c.host}`);
      }
    }
  });

  it('re-running up.sh on a running rig changes nothing and is quick', async () => {
    const before = await Promise.all(clusters.map((c) => swarmOf(c.host)));
    const started = Date.now();
    const up = await exec('bash', [join(REPO, 'scripts', 'rig', 'up.sh')], { timeoutMs: 120_000 });
    const ms = Date.now() - started;
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.doesNotMatch(up.stdout, /starting|building|copying|swarm init/, 'a warm run only checks');
    assert.ok(ms < 10_000, `warm up.sh took ${ms} ms`);
    const after = await Promise.all(clusters.map((c) => swarmOf(c.host)));
    assert.deepEqual(after.map((s) => s.Cluster?.ID), before.map((s) => s.Cluster?.ID));
    assert.deepEqual(rig(), r, 'the env file names the same rig');
  });

  for (const [from, to] of [['prodLike', 'production'], ['production', 'prodLike']] as const) {
    it(`an image pushed from ${from} is pulled by digest on ${to}`, async () => {
      const src = r[from];
      const dst = r[to];
      const repo = `${r.registry}/${uniqueName('push')}`;
      const marker = `${from}-${process.pid}-${Date.now()}`;
      const ctx = mkdtempSync(join(tmpdir(), 'slipway-rig-test-'));
      let digestRef = '';
      try {
        // a layer no engine has yet, so the pull has to fetch blobs the other registry process stored
        writeFileSync(join(ctx, 'Dockerfile'), `FROM slipway-rig/busybox:1\nRUN echo ${marker} > /marker\n`);
        await dockerOk(src.host, ['build', '-q', '--label', 'io.slipway.run=rig-test', '-t', `${repo}:1`, ctx]);
        await dockerOk(src.host, ['push', '-q', `${repo}:1`]);
        digestRef = await dockerOk(src.host, ['image', 'inspect', '--format', '{{index .RepoDigests 0}}', `${repo}:1`]);
        assert.match(digestRef, new RegExp(`^${repo}@sha256:[0-9a-f]{64}$`));

        await dockerOk(dst.host, ['pull', '-q', digestRef]);
        const out = await dockerOk(dst.host, ['run', '--rm', digestRef, 'cat', '/marker']);
        assert.equal(out, marker);
        const [srcId, dstId] = await Promise.all([
          dockerOk(src.host, ['image', 'inspect', '--format', '{{.Id}}', `${repo}:1`]),
          dockerOk(dst.host, ['image', 'inspect', '--format', '{{.Id}}', digestRef]),
        ]);
        assert.equal(dstId, srcId);
      } finally {
        rmSync(ctx, { recursive: true, force: true });
        await dockerCli(src.host, ['image', 'rm', '-f', `${repo}:1`]);
        if (digestRef) {
          await dockerCli(dst.host, ['image', 'rm', '-f', digestRef]);
          const [name, digest] = digestRef.slice(r.registry.length + 1).split('@') as [string, string];
          await fetch(`${registryUrl}/v2/${name}/manifests/${digest}`, { method: 'DELETE' }).catch(() => undefined);
        }
      }
    });
  }
});
