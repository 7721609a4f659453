// The .vsix as the extension-host tests and the activation benchmark use it: packaged from the built dist/ with
// @vscode/vsce (as `npm run vsix` does, without rebuilding) and installed with the editor's own --install-extension.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `vsce package` of the built dist/, as `npm run vsix` makes it (without rebuilding: the caller built it). */
export function packageVsix(repo, dir) {
  const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  const vsix = join(dir, `slipway-${version}.vsix`);
  execFileSync(process.execPath, [join(repo, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix], { cwd: repo, stdio: 'pipe' });
  return vsix;
}

/** Installs the .vsix as a user would: the editor's own `--install-extension`. */
export async function installVsix(vsix, { real, userDataDir, extensionsDir, stateDir }) {
  if (real) {
    execFileSync(real, ['--install-extension', vsix, `--user-data-dir=${userDataDir}`, `--extensions-dir=${extensionsDir}`], { stdio: 'pipe' });
  } else {
    const { CODE_SERVER_ENTRY, assertHostInstalled, hostEnv } = await import('./host.mjs');
    assertHostInstalled();
    execFileSync(process.execPath, [CODE_SERVER_ENTRY, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix], { env: hostEnv(stateDir), stdio: 'pipe' });
  }
  const installed = readdirSync(extensionsDir).filter((d) => d.startsWith('slipway.slipway-'));
  if (installed.length !== 1) throw new Error(`installing ${vsix} left ${installed.length} Slipway extensions in ${extensionsDir}`);
}

/** The extension-development path a test run requires: an extension with no code and no contributions. */
export function testRunnerStub(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'slipway-test-runner', publisher: 'slipway-tests', version: '0.0.0', engines: { vscode: '^1.90.0' },
  }));
  return dir;
}

