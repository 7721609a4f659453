// Runs inside the extension host as the test entry of bench/activation.mjs (test-electron's `run()` contract).
// Slipway is installed from its .vsix and not yet active (the workspace has no slipway.yml and no Slipway view is
// open), so the first activate() below pays what a user's first click pays: loading the bundle, then activate().
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const vscode = require('vscode');

exports.run = async () => {
  const ext = vscode.extensions.getExtension('slipway.slipway');
  if (!ext) throw new Error('slipway.slipway is not installed in this host');
  const wasActive = ext.isActive;
  const t0 = performance.now();
  const api = await ext.activate();
  const firstActivationMs = performance.now() - t0;
  // The bundle's load time alone (read, compile, evaluate; no activate()): fresh requires of the same file.
  const file = require.resolve(join(ext.extensionPath, 'dist', 'extension.js'));
  const reloadMs = [];
  for (let i = 0; i < 5; i++) {
    delete require.cache[file];
    const t = performance.now();
    require(file);
    reloadMs.push(performance.now() - t);
  }
  writeFileSync(process.env.SLIPWAY_BENCH_OUT, JSON.stringify({ wasActive, firstActivationMs, activateMs: api.activationMs, reloadMs }));
};
