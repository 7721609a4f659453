#!/usr/bin/env node
// A build on a cluster engine that cannot see the workspace (build.engine), side by side with what a user would
// otherwise type for it, in one run on the go-auth fixture:
//   by hand   docker create … && docker cp WORKSPACE/. C:/src && docker start -a C && docker cp C:/src/dist ./ && docker rm C
//   slipway   slipway build with build.engine: { context: … } (ships the workspace honouring ignore patterns, copies
//             back only what changed)
//   local     slipway build with the workspace bind-mounted on the local engine (for reference: what shipping costs)
// Needs the rig (scripts/rig/up.sh) and a built CLI (npm run build). The remote engine is the first prod-like worker.
// Usage: node bench/remoteBuild.mjs [--runs N] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, median, seconds } from './common.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'dist', 'cli.js');
const fixture = join(repo, 'test', 'fixtures', 'go-auth');
const runs = Number(arg('--runs', '5'));
const image = 'slipway-rig/node:20';
const uid = `${process.getuid()}:${process.getgid()}`;

function rigEnv() {
  const text = readFileSync('/run/slipway-rig/env', 'utf8');
  return Object.fromEntries(text.split('\n').map((l) => /^([A-Z_]+)="?(.*?)"?$/.exec(l)).filter(Boolean).map((m) => [m[1], m[2]]));
}
const workerHost = rigEnv().SLIPWAY_RIG_PRODLIKE_WORKER_HOSTS.split(' ')[0];

const temps = [];
const dockerConfig = mkdtempSync(join(tmpdir(), 'slipway-bench-config-'));
temps.push(dockerConfig);
execFileSync('docker', ['context', 'create', 'bench-worker', '--docker', `host=${workerHost}`], { env: { ...process.env, DOCKER_CONFIG: dockerConfig }, stdio: 'pipe' });

function workspace(engine) {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-'));
  temps.push(dir);
  cpSync(fixture, dir, { recursive: true });
  if (engine) {
    const yml = readFileSync(join(dir, 'slipway.yml'), 'utf8').replace('  workdir: /src\n', `  workdir: /src\n  engine: { context: bench-worker, ignore: [.git, dist, node_modules] }\n`);
    writeFileSync(join(dir, 'slipway.yml'), yml);
  }
  const git = (...a) => execFileSync('git', ['-c', 'user.email=b@slipway', '-c', 'user.name=bench', ...a], { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'bench');
  return dir;
}

function timed(steps) {
  const t = process.hrtime.bigint();
  for (const [file, args, env] of steps) {
    const r = spawnSync(file, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const steps = ['node scripts/deps.js', 'node scripts/fmt.js', 'node --test test/unit/', 'node scripts/compile.js'];

/** What a user types to build on an engine that cannot see the workspace, with the docker CLI. */
function byHand(dir, n) {
  const name = `slipway-bench-byhand-${process.pid}-${n}`;
  const docker = (...a) => ['docker', ['-H', workerHost, ...a], {}];
  return [
    docker('create', '--name', name, '-w', '/src', '-e', 'SOURCE_PATH=/src', '-e', 'HOME=/tmp', '-u', uid, image, 'sh', '-c', steps.join(' && ')),
    docker('cp', `${dir}/.`, `${name}:/src`),
    docker('start', '-a', name),
    docker('cp', `${name}:/src/dist`, dir),
    docker('rm', name),
  ];
}

const fmt = seconds;

try {
  const remote = workspace(true);
  const local = workspace(false);
  const hand = workspace(false);
  const slipwayRemote = [[cli, ['-C', remote, 'build'], { DOCKER_CONFIG: dockerConfig }]];
  const slipwayLocal = [[cli, ['-C', local, 'build'], {}]];
  // Warm-up once each.
  timed(byHand(hand, 'w'));
  timed(slipwayRemote);
  timed(slipwayLocal);
  const t = { hand: [], remote: [], local: [] };
  for (let i = 0; i < runs; i++) {
    t.hand.push(timed(byHand(hand, i)));
    t.remote.push(timed(slipwayRemote));
    t.local.push(timed(slipwayLocal));
  }
  const m = { hand: median(t.hand), remote: median(t.remote), local: median(t.local) };
  const result = {
    runs,
    medianMs: m,
    ratioToByHand: m.remote / m.hand,
    shippingCostMs: m.remote - m.local,
  };
  if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`build on a worker engine (fixture, median of ${runs}):`);
    console.log(`  by hand (docker create, cp in, start -a, cp dist out, rm)  ${fmt(m.hand)}`);
    console.log(`  slipway build, build.engine: context                        ${fmt(m.remote)}  ratio ${result.ratioToByHand.toFixed(2)}× by hand`);
    console.log(`  slipway build, local bind mount (reference)                 ${fmt(m.local)}  shipping costs ${result.shippingCostMs.toFixed(0)} ms`);
  }
} finally {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
}
