#!/usr/bin/env node
// Benchmark: `feature start X` + two commits + `feature finish X` with git-flow AVH vs Slipway, on fresh copies of the
// same repo. The two commits are the same git commands for every tool (they make the finish a real merge).
//   1. end to end, side by side under hyperfine: `git flow …` vs `slipway flow …` (dist/cli.js run as a command, as
//      the installed `slipway` runs)
//   2. interleaved rounds (AVH; the CLI as `slipway` and as `node dist/cli.js`; the engine in-process as the editor
//      calls it: in a process the size of an extension host, git spawned through the helper process), medians
// Prints the ratios (goals: CLI ≥ 2×, in-process ≥ 8× faster than AVH).
// When NODE_EXTRA_CA_CERTS is set (it is on these machines), Node 20 parses that CA bundle at every start-up, before
// any of Slipway's code runs. `slipway` (the launcher, see esbuild.mjs) moves it aside for `flow` commands; `node
// dist/cli.js` cannot, and is measured too, with the variable as the environment has it and without it.
// Needs: npm run build && npm run compile-tests; hyperfine and git-flow (Debian packages).
// Usage: node bench/flow.mjs [--runs N]
import { execFileSync, fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 30;
const cli = join(repoRoot, 'dist', 'cli.js');
const env = { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@slipway.invalid', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@slipway.invalid' };

for (const tool of ['hyperfine', 'git-flow']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`bench: ${tool} is missing (apt-get install ${tool})`);
    process.exit(1);
  }
}

const work = mkdtempSync(join(tmpdir(), 'slipway-bench-'));
try {
  // The template: a small repository initialised by AVH (so both tools start from AVH's own config).
  const template = join(work, 'template');
  const git = (...args) => execFileSync('git', args, { cwd: template, env, stdio: 'pipe' });
  execFileSync('git', ['init', '-q', '-b', 'master', template]);
  for (let i = 0; i < 20; i++) {
    execFileSync('sh', ['-c', `echo ${i} > file${i}.txt`], { cwd: template });
    git('add', '-A');
    git('commit', '-q', '-m', `commit ${i}`);
  }
  git('flow', 'init', '-d');
  const repo = join(work, 'repo');
  const fresh = `rm -rf ${repo} && cp -a ${template} ${repo}`;
  const commits = `cd ${repo} && echo a > a.txt && git add a.txt && git commit -q -m 'Add a' && echo b > b.txt && git add b.txt && git commit -q -m 'Add b'`;

  const json = join(work, 'hyperfine.json');
  const extraCa = Boolean(process.env.NODE_EXTRA_CA_CERTS);
  const hf = spawnSync(
    'hyperfine',
    [
      '--shell=bash',
      '--warmup', '3',
      '--runs', String(runs),
      '--prepare', fresh,
      '--export-json', json,
      '-n', 'git-flow AVH', `cd ${repo} && git flow feature start X >/dev/null && (${commits}) && git flow feature finish X >/dev/null`,
      '-n', 'slipway CLI', `${cli} -C ${repo} flow feature start X >/dev/null && (${commits}) && ${cli} -C ${repo} flow feature finish X >/dev/null`,
      ...(extraCa
        ? ['-n', 'node dist/cli.js (NODE_EXTRA_CA_CERTS set)', `node ${cli} -C ${repo} flow feature start X >/dev/null && (${commits}) && node ${cli} -C ${repo} flow feature finish X >/dev/null`]
        : []),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], env },
  );
  if (hf.status !== 0) process.exit(hf.status ?? 1);
  const results = JSON.parse(readFileSync(json, 'utf8')).results;
  // Medians: other work on a shared machine shows up as outliers, which move means more than medians.
  const avhMs = results[0].median * 1000;
  const cliMs = results[1].median * 1000;
  const nodeCaMs = extraCa ? results[2].median * 1000 : undefined;

  // Interleaved: each round prepares fresh copies the way hyperfine does (cp -a, not timed) and times AVH, the CLI
  // (with and without NODE_EXTRA_CA_CERTS) and the in-process engine back to back, so load from other work on a
  // shared machine hits all of them alike (hyperfine runs one command's batch after the other).
  // The engine runs in worker processes: one the size of a VS Code extension host (200 MB) spawning git through the
  // helper process as the extension does, and a bare one spawning git itself (as the CLI does).
  const worker = (ballastMb, mode) => {
    const child = fork(join(repoRoot, 'bench', 'flowEngineWorker.cjs'), [String(ballastMb), mode], { stdio: 'inherit' });
    const round = (message) =>
      new Promise((resolve, reject) => {
        child.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve(m.ms)));
        child.send(message);
      });
    return { round, close: () => child.disconnect() };
  };
  const editorWorker = worker(200, 'helper');
  const bareWorker = worker(0, 'direct');
  const prepare = () => execFileSync('bash', ['-c', fresh]);
  const noCaEnv = { ...env };
  delete noCaEnv.NODE_EXTRA_CA_CERTS;
  const timed = (command, environment) => {
    const t0 = process.hrtime.bigint();
    execFileSync('bash', ['-c', command], { env: environment, stdio: 'ignore' });
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  // One round of a tool on a fresh copy: start, the two commits, finish; the flow commands and the commits timed apart.
  const shellRound = (flow, environment) => {
    prepare();
    const start = timed(flow('start X'), environment);
    const commitsMs = timed(commits, environment);
    return { flowMs: start + timed(flow('finish X'), environment), commitsMs };
  };
  const avh = (args) => `cd ${repo} && git flow feature ${args}`;
  const slipway = (args) => `${cli} -C ${repo} flow feature ${args}`;
  const byNode = (args) => `node ${cli} -C ${repo} flow feature ${args}`;
  // The engine: start in the worker, the same two commits from this (small) process, finish in the worker.
  const engineRound = async (w, withCommits = true) => {
    prepare();
    const start = await w.round({ repo, env, phase: 'start' });
    const commitsMs = withCommits ? timed(commits, env) : 0;
    return { flowMs: start + (await w.round({ repo, env, phase: 'finish' })), commitsMs };
  };
  // The earlier scenario (no commits on the feature, so no merge), kept for comparison with earlier figures.
  const avhNoCommits = () => {
    prepare();
    return { flowMs: timed(`${avh('start X')} && ${avh('finish X')}`, env), commitsMs: 0 };
  };
  const loop = { avh: [], cli: [], node: [], nodeNoCa: [], engine: [], engineBare: [], avhEmpty: [], engineEmpty: [] };
  for (let i = 0; i < runs + 3; i++) {
    const round = {
      avh: shellRound(avh, env),
      cli: shellRound(slipway, env),
      node: shellRound(byNode, env),
      nodeNoCa: extraCa ? shellRound(byNode, noCaEnv) : { flowMs: 0, commitsMs: 0 },
      engine: await engineRound(editorWorker),
      engineBare: await engineRound(bareWorker),
      avhEmpty: avhNoCommits(),
      engineEmpty: await engineRound(editorWorker, false),
    };
    if (i >= 3) for (const k of Object.keys(loop)) loop[k].push(round[k]); // the first rounds warm up caches and the JIT
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const branches = execFileSync('git', ['for-each-ref', '--format=%(refname:short)', 'refs/heads'], { cwd: repo, encoding: 'utf8' }).trim().split('\n');
  if (branches.includes('feature/X')) throw new Error('the in-process finish left feature/X behind');
  // Per tool: the median of its flow commands alone, and of flow commands + commits (each round's sum).
  const m = Object.fromEntries(Object.entries(loop).map(([k, v]) => [k, median(v.map((r) => r.flowMs + r.commitsMs))]));
  const f = Object.fromEntries(Object.entries(loop).map(([k, v]) => [k, median(v.map((r) => r.flowMs))]));
  editorWorker.close();
  bareWorker.close();

  const row = (label, ms, base, goal) => `    ${label.padEnd(24)}${ms.toFixed(1).padStart(7)} ms${base ? `   → ${(base / ms).toFixed(2)}× faster than AVH${goal ? ` (goal ≥ ${goal}×)` : ''}` : ''}`;
  console.log(`\nfeature start X + 2 commits + finish X, medians of ${runs} runs (${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  console.log('  hyperfine (one command after the other):');
  console.log(row('git-flow AVH', avhMs));
  console.log(row('slipway CLI', cliMs, avhMs, 2));
  if (nodeCaMs !== undefined) console.log(row('node dist/cli.js', nodeCaMs, avhMs));
  console.log('  interleaved rounds (same load for all), start + 2 commits + finish:');
  console.log(row('git-flow AVH', m.avh));
  console.log(row('slipway CLI', m.cli, m.avh, 2));
  console.log(row('node dist/cli.js', m.node, m.avh));
  if (extraCa) console.log(row('  …, no CA env', m.nodeNoCa, m.avh));
  console.log(row('engine, editor-sized', m.engine, m.avh));
  console.log(row('engine, bare process', m.engineBare, m.avh));
  console.log('  the same rounds, the git-flow commands alone (start + finish, the commits not counted):');
  console.log(row('git-flow AVH', f.avh));
  console.log(row('slipway CLI', f.cli, f.avh));
  console.log(row('engine, editor-sized', f.engine, f.avh, 8));
  console.log(row('engine, bare process', f.engineBare, f.avh));
  console.log('  a feature without commits (no merge; the scenario of earlier figures), start + finish:');
  console.log(row('git-flow AVH', f.avhEmpty));
  console.log(row('engine, editor-sized', f.engineEmpty, f.avhEmpty, 8));
  if (extraCa) {
    console.log(`  (NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS}: Node 20 parses it at every start-up, before any Slipway code;`);
    console.log('   `slipway` moves it aside for flow commands, `node dist/cli.js` cannot)');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
