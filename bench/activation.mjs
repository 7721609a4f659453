#!/usr/bin/env node
// Activation benchmark in a real extension host (code-server, or a VS Code named by $SLIPWAY_VSCODE_EXECUTABLE):
// Slipway installed from its .vsix, activated on first use (the workspace has no slipway.yml), N fresh hosts.
//   first activation  what the user's first click waits for: loading dist/extension.js + activate()
//   activate()        Slipway's own start-up code (goal < 50 ms), measured inside activate()
//   bundle load       require() of dist/extension.js alone (read + compile + evaluate), median of 5 re-loads
// Compared with the goal as a ratio. Usage: npm run build && node bench/activation.mjs [--runs 3]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installVsix, packageVsix, testRunnerStub } from '../scripts/vscode-host/vsix.mjs';
import { median } from './common.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { runTests } = createRequire(join(repo, 'package.json'))('@vscode/test-electron');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 3) || 3;
const GOAL_MS = 50;

const root = mkdtempSync(join(tmpdir(), 'slipway-bench-activation-'));
try {
  const real = process.env.SLIPWAY_VSCODE_EXECUTABLE;
  const executable = real ?? join(repo, 'scripts', 'vscode-host', 'code-server-shim.mjs');
  const vsix = packageVsix(repo, root);
  const ws = join(root, 'service');
  mkdirSync(ws);
  execFileSync('git', ['init', '-q', ws]);
  const results = [];
  for (let i = 0; i < runs; i++) {
    const run = join(root, `run-${i}`);
    const extensionsDir = join(run, 'extensions');
    mkdirSync(extensionsDir, { recursive: true });
    await installVsix(vsix, { real, userDataDir: join(run, 'user-data'), extensionsDir, stateDir: join(run, 'state') });
    const out = join(run, 'result.json');
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: testRunnerStub(join(run, 'stub')),
      extensionTestsPath: join(repo, 'bench', 'activationProbe.cjs'),
      launchArgs: [ws, `--user-data-dir=${join(run, 'user-data')}`, `--extensions-dir=${extensionsDir}`],
      extensionTestsEnv: { SLIPWAY_BENCH_OUT: out, SLIPWAY_HOST_TIMEOUT: '120' },
    });
    const r = JSON.parse(readFileSync(out, 'utf8'));
    if (r.wasActive) throw new Error('Slipway was already active before the probe: the measurement would miss the load');
    results.push(r);
    console.log(`run ${i + 1}: first activation ${r.firstActivationMs.toFixed(1)} ms, activate() ${r.activateMs.toFixed(1)} ms, bundle load ${median(r.reloadMs).toFixed(1)} ms`);
  }
  const first = median(results.map((r) => r.firstActivationMs));
  const own = median(results.map((r) => r.activateMs));
  const load = median(results.flatMap((r) => r.reloadMs));
  const kb = (statSync(join(repo, 'dist', 'extension.js')).size / 1024).toFixed(0);
  console.log(`\nSlipway activation, median of ${runs} fresh hosts (dist/extension.js ${kb} KB, installed from the .vsix):`);
  console.log(`  activate() (own code)   ${own.toFixed(1)} ms   = ${(own / GOAL_MS).toFixed(2)} × the ${GOAL_MS} ms goal`);
  console.log(`  bundle load             ${load.toFixed(1)} ms`);
  console.log(`  first activation        ${first.toFixed(1)} ms   (what the first click waits for)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
