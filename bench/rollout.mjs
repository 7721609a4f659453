#!/usr/bin/env node
// Rolling-update benchmark on the rig's three-node prod-like cluster: 4 replicas constrained to the two workers
// (node.labels.env == prod-like), parallelism 1, delay 1 s, monitor 1 s. The same update (image :1 → :2 from the rig
// registry) is rolled once by `docker service update --detach=false` (what a user would otherwise run) and once by
// `slipway deploy SERVICE 2 --cluster prod-like`, each on its own service, one after the other. Prints the time to
// converged (the command's exit) as a ratio, and what each command showed while it ran.
// Usage: npm run build && node bench/rollout.mjs        (needs scripts/rig/up.sh; runs under the rig lock in CI)
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);
const env = Object.fromEntries(readFileSync('/run/slipway-rig/env', 'utf8').split('\n').flatMap((l) => {
  const m = /^([A-Z_]+)="?(.*?)"?$/.exec(l);
  return m ? [[m[1], m[2]]] : [];
}));
const HOST = env.SLIPWAY_RIG_PRODLIKE_HOST;
const docker = (...args) => run('docker', ['-H', HOST, ...args], { maxBuffer: 64 << 20 });
const RUN = Date.now().toString(36);
const REPO = `localhost:5000/slipway-bench-rollout-${RUN}`;
const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-rollout-'));

/** Runs a command to its end; returns wall time and every output line with its time. */
function timed(cmd, args, extraEnv = {}) {
  return new Promise((resolveRun) => {
    const started = Date.now();
    const lines = [];
    const child = spawn(cmd, args, { env: { ...process.env, ...extraEnv }, cwd: dir });
    const take = (chunk) => {
      for (const l of String(chunk).split(/\r|\n/)) if (l.trim()) lines.push({ t: Date.now() - started, l: l.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').trimEnd() });
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code) => resolveRun({ code, ms: Date.now() - started, lines }));
  });
}

const services = [];
try {
  for (const v of ['1', '2']) {
    writeFileSync(join(dir, 'Dockerfile'), `FROM slipway-rig/busybox:1\nLABEL io.slipway.bench=${RUN} version=${v}\nCMD ["sleep","100000"]\n`);
    await docker('build', '-q', '-t', `${REPO}:${v}`, dir);
    await docker('push', '-q', `${REPO}:${v}`);
  }
  const create = async (name) => {
    services.push(name);
    await docker('service', 'create', '-d', '-q', '--name', name, '--no-resolve-image', '--replicas', '4', '--constraint', 'node.labels.env==prod-like',
      '--update-parallelism', '1', '--update-delay', '1s', '--update-monitor', '1s', '--label', `io.slipway.bench=${RUN}`, `${REPO}:1`);
    for (;;) {
      const { stdout } = await docker('service', 'ls', '--filter', `name=${name}`, '--format', '{{.Replicas}}');
      if (stdout.trim() === '4/4') break;
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  const viaDocker = `slipway-bench-rollout-${RUN}-docker`;
  const viaSlipway = `slipway-bench-rollout-${RUN}-slipway`;
  await create(viaDocker);
  await create(viaSlipway);

  const d = await timed('docker', ['-H', HOST, 'service', 'update', '--detach=false', '--no-resolve-image', '--image', `${REPO}:2`, viaDocker]);
  const clusters = JSON.stringify([{ name: 'prod-like', role: 'prod-like', host: HOST }]);
  const s = await timed(process.execPath, [join(repo, 'dist', 'cli.js'), 'deploy', viaSlipway, '2', '--cluster', 'prod-like'], { SLIPWAY_CLUSTERS: clusters });

  const nodesOf = async (name) => (await docker('service', 'ps', name, '--filter', 'desired-state=running', '--format', '{{.Node}}')).stdout.trim().split('\n').sort().join(' ');
  console.log(`Rolling update of 4 replicas across two workers (parallelism 1, delay 1 s, monitor 1 s), ${new Date().toISOString()}`);
  console.log(`| command | exit | time to converged | output lines | tasks end on |`);
  console.log(`|---|---|---|---|---|`);
  console.log(`| docker service update --detach=false | ${d.code} | ${(d.ms / 1000).toFixed(1)} s | ${d.lines.length} | ${await nodesOf(viaDocker)} |`);
  console.log(`| slipway deploy | ${s.code} | ${(s.ms / 1000).toFixed(1)} s | ${s.lines.length} | ${await nodesOf(viaSlipway)} |`);
  console.log(`ratio slipway / docker: ${(s.ms / d.ms).toFixed(2)}`);
  const sample = (r) => [...new Map(r.lines.map((x) => [x.l, x])).values()].sort((a, b) => a.t - b.t).slice(-12).map((x) => `  +${(x.t / 1000).toFixed(1)}s ${x.l}`).join('\n');
  console.log(`\nwhat docker showed (last distinct lines):\n${sample(d)}`);
  console.log(`\nwhat slipway showed (last distinct lines):\n${sample(s)}`);
  if (d.code !== 0 || s.code !== 0) process.exitCode = 1;
} finally {
  for (const name of services) await docker('service', 'rm', name).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
