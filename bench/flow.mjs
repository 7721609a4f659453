#!/usr/bin/env node
// Benchmark: `feature start X` + `feature finish X` with git-flow AVH vs Slipway, on fresh copies of the same repo.
//   1. end to end, side by side under hyperfine: `git flow …` vs `node dist/cli.js flow …`
//   2. interleaved rounds (AVH, CLI, and the engine in-process as the editor calls it: in a process the size of an
//      extension host, git spawned through the helper process), medians
// Prints both ratios (goals: CLI ≥ 2×, in-process ≥ 8× faster than AVH).
// When NODE_EXTRA_CA_CERTS is set (it is on these machines), Node parses that CA bundle at every start-up, before any
// of Slipway's code runs: the CLI is measured as the environment has it and, as a third command, without it.
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
      '-n', 'git-flow AVH', `cd ${repo} && git flow feature start X >/dev/null && git flow feature finish X >/dev/null`,
      '-n', 'slipway CLI', `node ${cli} -C ${repo} flow feature start X >/dev/null && node ${cli} -C ${repo} flow feature finish X >/dev/null`,
      ...(extraCa
        ? ['-n', 'slipway CLI (NODE_EXTRA_CA_CERTS unset)', `unset NODE_EXTRA_CA_CERTS; node ${cli} -C ${repo} flow feature start X >/dev/null && node ${cli} -C ${repo} flow feature finish X >/dev/null`]
        : []),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], env },
  );
  if (hf.status !== 0) process.exit(hf.status ?? 1);
  const results = JSON.parse(readFileSync(json, 'utf8')).results;
  // Medians: other work on a shared machine shows up as outliers, which move means more than medians.
  const avhMs = results[0].median * 1000;
  const cliMs = results[1].median * 1000;
  const cliNoCaMs = extraCa ? results[2].median * 1000 : undefined;

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
  const timeShell = (command, environment) => {
    prepare();
    const t0 = process.hrtime.bigint();
    execFileSync('bash', ['-c', command], { env: environment, stdio: 'ignore' });
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const avhCommand = `cd ${repo} && git flow feature start X && git flow feature finish X`;
  const cliCommand = `node ${cli} -C ${repo} flow feature start X && node ${cli} -C ${repo} flow feature finish X`;
  const loop = { avh: [], cli: [], cliNoCa: [], engine: [], engineBare: [] };
  for (let i = 0; i < runs + 3; i++) {
    const round = { avh: timeShell(avhCommand, env), cli: timeShell(cliCommand, env), cliNoCa: extraCa ? timeShell(cliCommand, noCaEnv) : 0 };
    prepare();
    round.engine = await editorWorker.round({ repo, env });
    prepare();
    round.engineBare = await bareWorker.round({ repo, env });
    if (i >= 3) for (const k of Object.keys(loop)) loop[k].push(round[k]); // the first rounds warm up caches and the JIT
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const branches = execFileSync('git', ['for-each-ref', '--format=%(refname:short)', 'refs/heads'], { cwd: repo, encoding: 'utf8' }).trim().split('\n');
  if (branches.includes('feature/X')) throw new Error('the in-process finish left feature/X behind');
  const m = Object.fromEntries(Object.entries(loop).map(([k, v]) => [k, median(v)]));
  editorWorker.close();
  bareWorker.close();

  const row = (label, ms, base, goal) => `    ${label.padEnd(24)}${ms.toFixed(1).padStart(7)} ms${base ? `   → ${(base / ms).toFixed(2)}× faster than AVH${goal ? ` (goal ≥ ${goal}×)` : ''}` : ''}`;
  console.log(`\nfeature start X + finish X, medians of ${runs} runs (${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  console.log('  hyperfine (one command after the other):');
  console.log(row('git-flow AVH', avhMs));
  console.log(row('slipway CLI', cliMs, avhMs, 2));
  if (cliNoCaMs !== undefined) console.log(row('slipway CLI, no CA env', cliNoCaMs, avhMs));
  console.log('  interleaved rounds (same load for all):');
  console.log(row('git-flow AVH', m.avh));
  console.log(row('slipway CLI', m.cli, m.avh, 2));
  if (extraCa) console.log(row('slipway CLI, no CA env', m.cliNoCa, m.avh));
  console.log(row('engine, editor-sized', m.engine, m.avh, 8));
  console.log(row('engine, bare process', m.engineBare, m.avh));
  if (extraCa) console.log(`  (NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS}: Node parses it at every start-up, before any Slipway code)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
