#!/usr/bin/env node
// Stack deploy benchmark: time to converged for the go-auth fixture's stack (app + Redis + overlay network), Slipway
// against what a user would otherwise run, side by side on the same files, interleaved, in one run:
//   Slipway:  slipway deploy 1.0 --cluster prod-like       (plans, creates, follows every service to converged)
//   docker:   docker stack deploy -c stack.yml NAME, then `docker service ls` every 0.5 s until every service runs N/N
// Each round deploys a fresh stack with each tool (a new name, a new host port), then removes both (not timed).
// Engine API requests are counted by a proxy socket in front of the engine, for both tools.
// Usage: npm run build && node bench/stack.mjs [--rounds 3] [--host unix:///var/run/docker.sock]
// Needs the rig (scripts/rig/up.sh); pushes localhost:5000/go-auth:1.0 built from the fixture when missing.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { countingProxy } from './countingProxy.mjs';
import { arg, median } from './common.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);
const ROUNDS = Number(arg('--rounds', '3'));
const HOST = arg('--host', process.env.SLIPWAY_RIG_PRODLIKE_HOST || 'unix:///var/run/docker.sock');
const REGISTRY = process.env.SLIPWAY_RIG_REGISTRY || 'localhost:5000';
const IMAGE = `${REGISTRY}/go-auth:1.0`;
const RUN = Date.now().toString(36);
const CLI = join(repo, 'dist', 'cli.js');

// --- a counting proxy: every HTTP request line that passes towards the engine is one API call --------------------
const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-stack-'));
const proxy = await countingProxy(HOST.replace(/^unix:\/\//, ''), dir);
const PROXY_HOST = proxy.host;
const docker = (args, env = process.env) => run('docker', ['-H', PROXY_HOST, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
const direct = (args) => run('docker', ['-H', HOST, ...args]).catch((e) => ({ stdout: '', stderr: String(e) }));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- the workspace: the fixture, its slipway.yml pointing prod-like at the counting proxy ------------------------
const ws = join(dir, 'go-auth');
cpSync(join(repo, 'test', 'fixtures', 'go-auth'), ws, { recursive: true, filter: (src) => !/\/(dist|node_modules)(\/|$)/.test(src) });
const baseConfig = readFileSync(join(ws, 'slipway.yml'), 'utf8').replace(/host: unix:\/\/\/var\/run\/docker\.sock/, `host: ${PROXY_HOST}`);
const stackFile = join(ws, 'stack.yml');

async function ensureImage() {
  const head = await fetch(`http://${REGISTRY.replace(/^localhost/, '127.0.0.1')}/v2/go-auth/manifests/1.0`, { method: 'HEAD', headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } }).catch(() => undefined);
  if (head?.ok) return;
  await run('docker', ['-H', HOST, 'build', '-q', '--build-arg', 'APP_VERSION=1.0', '-t', IMAGE, ws]);
  await run('docker', ['-H', HOST, 'push', '-q', IMAGE]);
}

let port = 24000 + Math.floor(Math.random() * 4000);
async function slipwayRound(name) {
  writeFileSync(join(ws, 'slipway.yml'), baseConfig.replace(/^  stack: go-auth .*$/m, `  stack: ${name}`));
  const before = proxy.requests();
  const t0 = performance.now();
  const r = await run(process.execPath, [CLI, '-C', ws, '--json', 'deploy', '1.0', '--cluster', 'prod-like'], { env: { ...process.env, GO_AUTH_PORT: String(port++), SLIPWAY_CLUSTERS: '' } }).catch((e) => e);
  const ms = performance.now() - t0;
  const out = JSON.parse(r.stdout || '{}');
  if (out.outcome !== 'converged') throw new Error(`slipway deploy did not converge: ${r.stdout}\n${r.stderr}`);
  return { ms, calls: proxy.requests() - before };
}

async function dockerRound(name) {
  const before = proxy.requests();
  const t0 = performance.now();
  await docker(['stack', 'deploy', '-c', stackFile, name], { ...process.env, SLIPWAY_IMAGE: IMAGE, GO_AUTH_PORT: String(port++) });
  for (;;) {
    const { stdout } = await docker(['service', 'ls', '--filter', `label=com.docker.stack.namespace=${name}`, '--format', '{{.Replicas}}']);
    const rows = stdout.trim().split('\n').filter((l) => l);
    if (rows.length === 2 && rows.every((l) => /^(\d+)\/\1\b/.test(l))) break;
    if (performance.now() - t0 > 300_000) throw new Error(`docker stack ${name} did not converge in 5 min: ${stdout}`);
    await sleep(500);
  }
  return { ms: performance.now() - t0, calls: proxy.requests() - before };
}

async function removeStack(name) {
  await direct(['stack', 'rm', name]);
  const configs = (await direct(['config', 'ls', '-q', '--filter', `label=io.slipway.stack=${name}`])).stdout.trim().split('\n').filter((l) => l);
  if (configs.length > 0) await direct(['config', 'rm', ...configs]);
  for (let i = 0; i < 120; i++) {
    if ((await direct(['network', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${name}`])).stdout.trim() === '') break;
    await sleep(500);
  }
  await direct(['volume', 'rm', `${name}_redis-data`]);
}

const results = { slipway: [], docker: [] };
try {
  await ensureImage();
  for (let i = 0; i < ROUNDS; i++) {
    const names = { slipway: `bench-s-${RUN}-${i}`, docker: `bench-d-${RUN}-${i}` };
    // Alternate which tool goes first, so neither always runs on a warmer engine.
    const order = i % 2 === 0 ? ['slipway', 'docker'] : ['docker', 'slipway'];
    for (const tool of order) {
      try {
        results[tool].push(await (tool === 'slipway' ? slipwayRound(names.slipway) : dockerRound(names.docker)));
      } finally {
        await removeStack(names[tool]);
      }
    }
    console.log(`round ${i + 1}: slipway ${(results.slipway[i].ms / 1000).toFixed(1)} s (${results.slipway[i].calls} calls), docker ${(results.docker[i].ms / 1000).toFixed(1)} s (${results.docker[i].calls} calls)`);
  }
} finally {
  proxy.close();
  rmSync(dir, { recursive: true, force: true });
}

const s = median(results.slipway.map((r) => r.ms));
const d = median(results.docker.map((r) => r.ms));
const sc = median(results.slipway.map((r) => r.calls));
const dc = median(results.docker.map((r) => r.calls));
console.log(`\ngo-auth stack (2 services, 1 network, 1 volume), fresh on prod-like, median of ${ROUNDS} interleaved rounds`);
console.log('                                         time to converged   engine API calls');
console.log(`slipway deploy 1.0 (plan, create, follow)   ${(s / 1000).toFixed(1).padStart(6)} s          ${String(sc).padStart(5)}`);
console.log(`docker stack deploy + service ls polling    ${(d / 1000).toFixed(1).padStart(6)} s          ${String(dc).padStart(5)}`);
console.log(`ratio slipway / docker                      ${(s / d).toFixed(2).padStart(6)}×          ${(sc / dc).toFixed(2).padStart(5)}×`);
