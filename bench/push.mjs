#!/usr/bin/env node
// Push-to-deploy latency on the rig: from `docker push` returning to the stack converged on prod-like (the agent's
// push release recorded, which it writes only after every changed service converged), median of 5 pushes, side by
// side with what a user would otherwise run right after the push: `slipway deploy develop --cluster prod-like` by
// hand (the same deploy, without waiting for anyone — the floor of any manual or CI-triggered deploy).
//   1. builds the test app at 1.0, pushes it under a fresh repository, deploys the stack (deploy.onPush: develop)
//   2. installs the agent on prod-like (the rig's token; poll every 300 s, so what is measured is the webhook)
//   3. 5 × (build a new image, push develop, wait for the push release) — build time not counted
//   4. removes the agent; 5 × (build, push, slipway deploy develop) timed from push returned to deploy exit
//   5. removes the stack, its releases, the images and the registry manifests
// Usage: npm run build && node bench/push.mjs [--runs 5]
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { arg, median } from './common.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);
const RUNS = Number(arg('--runs', '5'));
const envFile = (path) => Object.fromEntries(readFileSync(path, 'utf8').split('\n').map((l) => /^([A-Z_]+)=(.*)$/.exec(l.trim())).filter(Boolean).map((m) => [m[1], m[2].replace(/^"|"$/g, '')]));
const rig = envFile('/run/slipway-rig/env');
const hook = envFile(join(rig.SLIPWAY_RIG_STATE_DIR, 'agent-webhook.env'));
const HOST = rig.SLIPWAY_RIG_PRODLIKE_HOST;
const REGISTRY = rig.SLIPWAY_RIG_REGISTRY;
const RUN = Date.now().toString(36);
const PATH_IN_REGISTRY = `slipway-bench-${RUN}-push`;
const REPOSITORY = `${REGISTRY}/${PATH_IN_REGISTRY}`;
const STACK = `benchpush${RUN}`;
const APP = join(repo, 'test', 'fixtures', 'swarm-app');
const CLI = join(repo, 'dist', 'cli.js');
const ws = mkdtempSync(join(tmpdir(), 'slipway-bench-push-'));
const docker = async (...args) => (await run('docker', ['-H', HOST, ...args], { maxBuffer: 64 << 20 })).stdout.trim();
const slipway = async (...args) => (await run(process.execPath, [CLI, '-C', ws, ...args], { env: { ...process.env, SLIPWAY_CLUSTERS: '' }, maxBuffer: 64 << 20 })).stdout;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pushed = new Set();

async function buildAndPush(tag, label) {
  await docker('build', '-q', '-t', `${REPOSITORY}:${tag}`, '--build-arg', `APP_VERSION=${label}`, APP);
  const started = performance.now();
  const out = await docker('push', `${REPOSITORY}:${tag}`);
  const returned = performance.now();
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(out)?.[1];
  if (!digest) throw new Error(`no digest in: ${out}`);
  pushed.add(digest);
  return { digest, pushMs: returned - started, returned };
}

/** The push release of `digest`, once the agent has settled it (after convergence; it is recorded as under way at the start). */
async function waitForRelease(digest, timeoutMs = 120_000) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const ids = (await docker('config', 'ls', '-q', '--filter', `label=io.slipway.stack=${STACK}`)).split('\n').filter(Boolean);
    if (ids.length > 0) {
      // A record being settled is removed and written again: one listed a moment ago may be gone; look again.
      const text = await docker('config', 'inspect', ...ids, '--format', '{{json .Spec.Data}}').catch(() => undefined);
      const data = text === undefined ? [] : JSON.parse(`[${text.split('\n').join(',')}]`);
      const record = data.map((b64) => JSON.parse(Buffer.from(b64, 'base64').toString('utf8'))).find((r) => r.services.some((s) => s.image.endsWith(digest)) && !r.outcome?.unknown);
      if (record) return { at: performance.now(), record };
    }
    await sleep(100);
  }
  throw new Error(`no release of ${digest} within ${timeoutMs} ms`);
}

const results = { runs: RUNS, agent: [], byHand: [] };
try {
  writeFileSync(join(ws, 'slipway.yml'), `version: 1
package: { image: ${PATH_IN_REGISTRY} }
clusters:
  prod-like: { host: ${HOST}, role: prod-like }
deploy:
  stack: ${STACK}
  files: [stack.yml]
  app: app
  registry: ${REGISTRY}
  onPush: { tag: develop, clusters: [prod-like] }
`);
  writeFileSync(join(ws, 'stack.yml'), `version: "3.8"
services:
  app:
    image: \${SLIPWAY_IMAGE}
    deploy:
      replicas: 1
      update_config: { parallelism: 1, delay: 0s, monitor: 1s, order: stop-first }
`);
  await buildAndPush('1.0', '1.0');
  await slipway('deploy', '1.0', '--cluster', 'prod-like');
  await slipway('agent', 'install', '--cluster', 'prod-like', '--base-image', 'slipway-rig/node:20', '--token-file', hook.SLIPWAY_RIG_AGENT_TOKEN_FILE, '--port', hook.SLIPWAY_RIG_AGENT_PORT, '--poll', '300');
  for (let i = 0; ; i++) {
    if (i > 300) throw new Error('the agent did not start listening');
    const up = await fetch(`http://127.0.0.1:${hook.SLIPWAY_RIG_AGENT_PORT}/health`).then((r) => r.ok, () => false);
    if (up) break;
    await sleep(200);
  }
  for (let i = 1; i <= RUNS; i++) {
    const p = await buildAndPush('develop', `agent-${i}`);
    const { at, record } = await waitForRelease(p.digest);
    if (!record.trigger.startsWith('push ') || !record.outcome?.converged) throw new Error(`release ${record.number}: ${record.trigger} ${JSON.stringify(record.outcome)}`);
    results.agent.push({ pushMs: Math.round(p.pushMs), pushToConvergedMs: Math.round(at - p.returned), release: record.number });
    console.error(`agent  run ${i}: push ${Math.round(p.pushMs)} ms, push returned → converged ${Math.round(at - p.returned)} ms (release #${record.number})`);
  }
  await slipway('agent', 'remove', '--cluster', 'prod-like');
  for (let i = 1; i <= RUNS; i++) {
    const p = await buildAndPush('develop', `hand-${i}`);
    await slipway('deploy', 'develop', '--cluster', 'prod-like');
    const ms = performance.now() - p.returned;
    results.byHand.push({ pushMs: Math.round(p.pushMs), pushToConvergedMs: Math.round(ms) });
    console.error(`byHand run ${i}: push ${Math.round(p.pushMs)} ms, push returned → slipway deploy converged ${Math.round(ms)} ms`);
  }
  const agentMedian = median(results.agent.map((r) => r.pushToConvergedMs));
  const handMedian = median(results.byHand.map((r) => r.pushToConvergedMs));
  results.medianMs = { agent: agentMedian, byHand: handMedian };
  results.ratioAgentToByHand = Number((agentMedian / handMedian).toFixed(2));
} finally {
  await slipway('agent', 'remove', '--cluster', 'prod-like').catch(() => undefined);
  await docker('stack', 'rm', STACK).catch(() => undefined);
  const ids = (await docker('config', 'ls', '-q', '--filter', `label=io.slipway.stack=${STACK}`).catch(() => '')).split('\n').filter(Boolean);
  if (ids.length > 0) await docker('config', 'rm', ...ids).catch(() => undefined);
  for (const d of pushed) await fetch(`http://${REGISTRY}/v2/${PATH_IN_REGISTRY}/manifests/${d}`, { method: 'DELETE' }).catch(() => undefined);
  await sleep(3000);
  const images = (await docker('images', '-q', REPOSITORY).catch(() => '')).split('\n').filter(Boolean);
  if (images.length > 0) await docker('rmi', '-f', ...new Set(images)).catch(() => undefined);
  rmSync(ws, { recursive: true, force: true });
}
console.log(JSON.stringify(results, null, 2));
