#!/usr/bin/env node
// Swarm refresh benchmark, side by side with the docker CLI a user would otherwise run.
//   1. Creates 200 services on the prod-like cluster (20 with one busybox task, 180 scaled to 0, so the machine
//      is not flooded with containers), labelled io.slipway.bench=<run>.
//   2. Refresh cost: Slipway's cluster refresh (listNodes + listServices + listTasks) vs `docker service ls` +
//      `docker service ps` per service (what one does by hand) and `docker service ps <all>` in one go. Engine API
//      requests are counted by a counting proxy socket in front of the engine, for both.
//   3. Latency from `docker service update` to Slipway's watcher (event stream, debounced) showing the new state.
//   4. Removes the 200 services.
// Usage: npm run compile-tests && node bench/swarm.mjs [--services 200] [--host unix:///var/run/docker.sock]
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { countingProxy } from './countingProxy.mjs';
import { arg, median } from './common.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(repo, 'package.json'));
const { SwarmCluster } = require('./out/src/adapters/docker/swarm.js');
const { ClusterWatcher } = require('./out/src/adapters/docker/clusterWatcher.js');
const run = promisify(execFile);

const COUNT = Number(arg('--services', '200'));
const HOST = arg('--host', process.env.SLIPWAY_RIG_PRODLIKE_HOST || 'unix:///var/run/docker.sock');
const ENGINE_SOCKET = HOST.replace(/^unix:\/\//, '');
const RUN = Date.now().toString(36);
const PREFIX = `slipway-bench-${RUN}`;
const IMAGE_A = 'slipway-rig/busybox:1';

// --- a counting proxy: every HTTP request line that passes towards the engine is one API call --------------------
const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-'));
const proxy = await countingProxy(ENGINE_SOCKET, dir);
const PROXY_HOST = proxy.host;
const counted = async (fn) => {
  const before = proxy.requests();
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0, calls: proxy.requests() - before };
};
const docker = (...args) => run('docker', ['-H', PROXY_HOST, ...args], { maxBuffer: 64 * 1024 * 1024 });

const cluster = { name: 'prod-like', role: 'prod-like', host: PROXY_HOST, source: 'env' };
const client = SwarmCluster.connect(cluster);
const names = Array.from({ length: COUNT }, (_, i) => `${PREFIX}-${String(i).padStart(3, '0')}`);

async function inBatches(items, size, fn) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

async function cleanup() {
  const ids = (await client.docker.listServices({ filters: { label: [`io.slipway.bench=${RUN}`] } })).map((s) => s.ID);
  await inBatches(ids, 20, (id) => client.docker.getService(id).remove().catch(() => undefined));
  return ids.length;
}

const results = {};
try {
  // 1. services
  const tCreate = performance.now();
  await inBatches(names, 20, (name, ) =>
    client.docker.createService({
      Name: name,
      Labels: { 'io.slipway.bench': RUN },
      TaskTemplate: { ContainerSpec: { Image: IMAGE_A, Command: ['sleep', '3600'] } },
      Mode: { Replicated: { Replicas: names.indexOf(name) < 20 ? 1 : 0 } },
      EndpointSpec: { Mode: 'dnsrr' },
    }),
  );
  console.log(`created ${COUNT} services in ${((performance.now() - tCreate) / 1000).toFixed(1)} s; waiting for 20 tasks to run…`);
  for (let i = 0; i < 120; i++) {
    const snap = await client.snapshot();
    const mine = snap.services.filter((s) => s.name.startsWith(PREFIX));
    if (mine.length === COUNT && mine.every((s) => s.runningTasks === s.desiredTasks)) break;
    await new Promise((r) => setTimeout(r, 1000));
  }

  // 2. refresh cost
  const slipwayRuns = [];
  for (let i = 0; i < 10; i++) slipwayRuns.push(await counted(() => client.snapshot()));
  const snap = slipwayRuns.at(-1).value;
  results.slipwayRefresh = {
    services: snap.services.length,
    tasks: snap.tasks.length,
    apiCallsPerRefresh: slipwayRuns.map((r) => r.calls),
    medianMs: Math.round(median(slipwayRuns.map((r) => r.ms))),
  };
  const ls = await counted(() => docker('service', 'ls', '--format', '{{json .}}'));
  const perService = await counted(async () => {
    for (const name of names) await docker('service', 'ps', '--no-trunc', '--format', '{{json .}}', name);
  });
  const allAtOnce = await counted(() => docker('service', 'ps', '--no-trunc', '--format', '{{json .}}', ...names));
  results.dockerCli = {
    serviceLs: { ms: Math.round(ls.ms), apiCalls: ls.calls },
    servicePsEachService: { invocations: COUNT, ms: Math.round(perService.ms), apiCalls: perService.calls },
    servicePsAllNamesOnce: { ms: Math.round(allAtOnce.ms), apiCalls: allAtOnce.calls },
  };

  // 3. latency: update → watcher shows it (event-driven, debounce 150 ms as in the editor)
  const latencies = [];
  const target = names[COUNT - 1];
  let wanted;
  let seen;
  const watcher = new ClusterWatcher(SwarmCluster.connect({ ...cluster, host: HOST }), {
    onState: (s) => {
      if (s.kind !== 'ok' || !wanted || seen) return;
      const svc = s.snapshot.services.find((x) => x.name === target);
      if (svc?.imageText === wanted) seen = performance.now();
    },
  });
  watcher.start();
  await new Promise((r) => setTimeout(r, 1500));
  for (let i = 0; i < 5; i++) {
    wanted = i % 2 === 0 ? 'slipway-rig/node:20' : IMAGE_A;
    seen = undefined;
    const sent = performance.now();
    await run('docker', ['-H', HOST, 'service', 'update', '-d', '-q', '--no-resolve-image', '--image', wanted, target]);
    const cliDone = performance.now();
    for (let w = 0; w < 100 && seen === undefined; w++) await new Promise((r) => setTimeout(r, 10));
    latencies.push({ fromCommandMs: seen ? Math.round(seen - sent) : null, afterCliReturnedMs: seen ? Math.round(seen - cliDone) : null });
    await new Promise((r) => setTimeout(r, 500));
  }
  watcher.dispose();
  results.updateToModelLatency = latencies;
} finally {
  results.removedServices = await cleanup();
  proxy.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(results, null, 2));
