#!/usr/bin/env node
// Benchmarks of the containerized build and the integration environments, side by side with what a user would
// otherwise type. Needs the Docker rig (scripts/rig/up.sh) and a built CLI (npm run build).
//   1. `slipway build` vs a plain `docker run --rm` of the same builder image, bind mount, user and steps
//      (goal: overhead ≤ 10 % or ≤ 150 ms), on the go-auth fixture and on a trivial one-step build.
//   2. `slipway test integration --parallel 1` vs `--parallel 4` wall time (goal: 4 environments ≤ 1.6× one).
//   --baseline DIST_CLI  also times another build of the CLI (e.g. main's dist/cli.js) in the same run, side by side
// Each CLI runs as a user runs `slipway` (the npm bin link): dist/cli.js executed, so its launcher line applies.
// Usage: node bench/build.mjs [--runs N] [--skip-integration] [--skip-build] [--baseline PATH] [--json]
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
const baseline = arg('--baseline', undefined);
const uid = `${process.getuid()}:${process.getgid()}`;

function workspace(slipwayYml) {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-'));
  cpSync(fixture, dir, { recursive: true });
  if (slipwayYml) writeFileSync(join(dir, 'slipway.yml'), slipwayYml);
  const git = (...a) => execFileSync('git', ['-c', 'user.email=b@slipway', '-c', 'user.name=bench', ...a], { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'bench');
  return dir;
}

function timed(file, args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return ms;
}

const fmt = seconds;

/** The same steps as one `sh -c`, the way a user would run them by hand. */
function plainDockerRun(dir, image, steps) {
  return ['run', '--rm', '-v', `${dir}:/src`, '-w', '/src', '-e', 'SOURCE_PATH=/src', '-e', 'HOME=/tmp', '-u', uid, image, 'sh', '-c', steps.join(' && ')];
}

function benchBuild(label, dir, steps) {
  const image = 'slipway-rig/node:20';
  // Warm-up once each (page cache, first container start).
  timed('docker', plainDockerRun(dir, image, steps));
  timed(cli, ['-C', dir, 'build']);
  if (baseline) timed(baseline, ['-C', dir, 'build']);
  const plain = [];
  const ours = [];
  const base = [];
  // Interleaved, so load from other processes on the machine hits all three alike.
  for (let i = 0; i < runs; i++) {
    plain.push(timed('docker', plainDockerRun(dir, image, steps)));
    ours.push(timed(cli, ['-C', dir, 'build']));
    if (baseline) base.push(timed(baseline, ['-C', dir, 'build']));
  }
  const p = median(plain);
  const o = median(ours);
  const b = baseline ? median(base) : undefined;
  const overhead = o - p;
  const ratio = o / p;
  const ok = ratio <= 1.1 || overhead <= 150;
  console.log(
    `build (${label}): docker run ${fmt(p)}  slipway build ${fmt(o)}  overhead ${overhead.toFixed(0)} ms  ratio ${ratio.toFixed(3)}  ` +
      `[goal ≤1.10 or ≤150 ms: ${ok ? 'met' : 'NOT met'}]  (median of ${runs})`,
  );
  if (b !== undefined) {
    console.log(`  baseline ${baseline}: ${fmt(b)}  overhead ${(b - p).toFixed(0)} ms  ratio ${(b / p).toFixed(3)}  → this build saves ${(b - o).toFixed(0)} ms`);
  }
  return { label, dockerRunMs: p, slipwayMs: o, overheadMs: overhead, ratio, ok, ...(b !== undefined ? { baselineMs: b, baselineOverheadMs: b - p, baselineRatio: b / p } : {}) };
}

const results = {};
if (!process.argv.includes('--skip-build')) {
  const fixtureSteps = ['node scripts/deps.js', 'node scripts/fmt.js', 'node --test test/unit/', 'node scripts/compile.js'];
  const dir = workspace();
  results.fixtureBuild = benchBuild('go-auth fixture, 4 steps', dir, fixtureSteps);
  rmSync(dir, { recursive: true, force: true });
  const trivial = workspace(
    readFileSync(join(fixture, 'slipway.yml'), 'utf8').replace(/steps:[\s\S]*?\npackage:/, 'steps:\n    - { name: hello, run: "echo hello" }\npackage:'),
  );
  results.trivialBuild = benchBuild('one echo step', trivial, ['echo hello']);
  rmSync(trivial, { recursive: true, force: true });
}

if (!process.argv.includes('--skip-integration')) {
  const dir = workspace();
  timed(process.execPath, [cli, '-C', dir, 'package']);
  const wall = (n) => timed(process.execPath, [cli, '-C', dir, 'test', 'integration', '--parallel', String(n)]);
  wall(1); // warm-up
  const iruns = Number(arg('--integration-runs', '2'));
  const one = [];
  const four = [];
  for (let i = 0; i < iruns; i++) {
    one.push(wall(1));
    four.push(wall(4));
  }
  const o = median(one);
  const f = median(four);
  const ratio = f / o;
  console.log(`integration: 1 environment ${fmt(o)}  4 environments ${fmt(f)}  ratio ${ratio.toFixed(2)}  [goal ≤1.6: ${ratio <= 1.6 ? 'met' : 'NOT met'}]  (median of ${iruns})`);
  results.integration = { oneMs: o, fourMs: f, ratio, ok: ratio <= 1.6 };
  rmSync(dir, { recursive: true, force: true });
}
if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
