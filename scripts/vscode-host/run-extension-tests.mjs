#!/usr/bin/env node
// The "extension" suite: runs out/test/extension/**/*.test.js inside a real VS Code extension host.
// One entry for both routes, through @vscode/test-electron's runTests():
//   - a VS Code build when one is at hand: $SLIPWAY_VSCODE_EXECUTABLE, or a download cached in .vscode-test/;
//   - otherwise code-server + Debian Chromium (scripts/vscode-host/install.sh), through code-server-shim.mjs, which
//     takes VS Code's command line. No VS Code download can be reached from these machines.
// Slipway reaches the host the way a user's copy does: the built dist/ is packaged as a .vsix with @vscode/vsce and
// installed with `--install-extension` into the run's fresh extensions directory. The development path the host
// needs for a test run is a stub extension that contributes nothing, so every command the tests run is the .vsix's.
// The extension host's workspace is a temp git copy of test/fixtures/go-auth/, removed afterwards.
// Usage: node scripts/vscode-host/run-extension-tests.mjs [--timeout SECONDS] [--verbose] [--screenshots DIR] [--files RE]
//   --files RE         only the test files whose name matches RE (e.g. 'activation|production'), to iterate quickly
//   --screenshots DIR  tests that call takeScreenshot() save PNGs there (code-server route only)
// Exit code: 0 when every test passed; the host's code otherwise (1 failures, 124 timeout, 3 host did not start).
// $SLIPWAY_TEST_COUNTS (set by scripts/run-suites.mjs) receives {passed, failed, skipped} from inside the host.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installVsix, packageVsix, testRunnerStub } from './vsix.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(repo, 'package.json'));
const { runTests } = require('@vscode/test-electron');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const timeout = option('--timeout', process.env.SLIPWAY_HOST_TIMEOUT || '600');
const screenshots = option('--screenshots', process.env.SLIPWAY_SCREENSHOT_DIR);
const verbose = process.argv.includes('--verbose');
const files = option('--files', undefined);

/** A real VS Code: the one named by the environment, else the newest cached by test-electron, else none. */
function vscodeExecutable() {
  if (process.env.SLIPWAY_VSCODE_EXECUTABLE) return process.env.SLIPWAY_VSCODE_EXECUTABLE;
  const cache = join(repo, '.vscode-test');
  if (!existsSync(cache)) return undefined;
  const builds = readdirSync(cache).filter((d) => /^vscode-linux-(x64|arm64)-/.test(d) && existsSync(join(cache, d, 'code'))).sort();
  return builds.length ? join(cache, builds.at(-1), 'code') : undefined;
}

/** A fresh git repository holding the fixture service, as a user's checkout would look. */
function prepareWorkspace(root) {
  const ws = join(root, 'go-auth');
  mkdirSync(root, { recursive: true });
  cpSync(join(repo, 'test', 'fixtures', 'go-auth'), ws, { recursive: true });
  const git = (...args) => execFileSync('git', args, { cwd: ws, stdio: 'pipe' });
  git('init', '-q', '-b', 'master');
  git('config', 'user.name', 'Slipway Tests');
  git('config', 'user.email', 'tests@slipway.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('add', '-A');
  git('commit', '-q', '-m', 'Initial commit');
  return ws;
}

for (const f of ['dist/extension.js', 'out/test/extension/index.js']) {
  if (!existsSync(join(repo, f))) {
    console.error(`slipway: ${f} is missing; run: npm run build && npm run compile-tests`);
    process.exit(3);
  }
}

const root = mkdtempSync(join(tmpdir(), 'slipway-ext-'));
let signal;
// test-electron forwards SIGINT to the host (which cleans up and exits); a SIGTERM is turned into the same path.
process.on('SIGINT', () => (signal ??= 'SIGINT'));
process.on('SIGTERM', () => {
  signal ??= 'SIGTERM';
  process.emit('SIGINT');
});

const started = Date.now();
let code = 0;
const real = vscodeExecutable();
try {
  const executable = real ?? join(repo, 'scripts', 'vscode-host', 'code-server-shim.mjs');
  console.log(`extension host: ${real ? `VS Code at ${real}` : 'code-server + Chromium (no VS Code build here)'}`);
  if (real && screenshots) console.log('(--screenshots works on the code-server route only; ignored)');
  const workspace = prepareWorkspace(root);
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  const vsix = packageVsix(repo, root);
  await installVsix(vsix, { real, userDataDir, extensionsDir, stateDir: join(root, 'install-state') });
  console.log(`installed ${vsix.slice(root.length + 1)} into the host's extensions directory`);
  const run = (ws, userData, extra) =>
    runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: testRunnerStub(join(root, 'test-runner')),
      extensionTestsPath: join(repo, 'out', 'test', 'extension', 'index.js'),
      launchArgs: [ws, `--user-data-dir=${userData}`, `--extensions-dir=${extensionsDir}`],
      extensionTestsEnv: {
        SLIPWAY_HOST_TIMEOUT: timeout,
        ...(files ? { SLIPWAY_TEST_FILES: files } : {}),
        ...(verbose ? { SLIPWAY_HOST_VERBOSE: '1' } : {}),
        ...(screenshots && !real ? { SLIPWAY_SCREENSHOT_DIR: resolve(screenshots) } : {}),
        // The code-server route can drive the workbench's dialogs and input boxes (ui-driver.mjs).
        ...(real ? {} : { SLIPWAY_UI_DRIVER: '1' }),
        ...extra,
      },
    });
  // Both hosts run whatever the other's result; the first failure is the run's.
  let failure;
  await run(workspace, userDataDir, {}).catch((e) => (failure ??= e));
  // The same .vsix in a workspace that was never trusted (Restricted Mode): test/extension/untrusted/ only.
  if (!real && (!files || /untrusted/.test(files))) {
    console.log('untrusted workspace: a second host with workspace trust on');
    await run(prepareWorkspace(join(root, 'untrusted')), join(root, 'user-data-untrusted'), { SLIPWAY_HOST_UNTRUSTED: '1' }).catch((e) => (failure ??= e));
  }
  if (failure) throw failure;
} catch (e) {
  code = typeof e?.code === 'number' && e.code !== 0 ? e.code : 1;
  if (typeof e?.code !== 'number') console.error(`slipway: extension tests could not run: ${e?.message ?? e}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
console.log(`extension host run: ${((Date.now() - started) / 1000).toFixed(1)} s, exit ${code}`);
process.exit(signal === 'SIGTERM' ? 143 : signal === 'SIGINT' ? 130 : code);
