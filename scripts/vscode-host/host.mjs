// The offline VS Code host: code-server (VS Code server + Node extension host) driven by the Debian Chromium through
// playwright-core. Shared by the extension-test shim, `npm start` and the workbench check.
// Why each flag and variable is there: ../shared/notes/vscode-host.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const HOST_DIR = process.env.SLIPWAY_HOST_DIR || join(homedir(), '.cache', 'slipway', 'vscode-host');
export const CODE_SERVER_ENTRY = join(HOST_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.SLIPWAY_CHROMIUM || '/usr/bin/chromium';

/** Throws with the fix when install.sh has not completed (its marker is written last). */
export function assertHostInstalled() {
  if (!existsSync(join(HOST_DIR, '.slipway-host-installed')) || !existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(`the VS Code host is not installed in ${HOST_DIR}; run: bash scripts/vscode-host/install.sh`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}; run: bash scripts/install-packages.sh`);
}

export function chromiumApi() {
  return createRequire(join(HOST_DIR, 'package.json'))('playwright-core').chromium;
}

/** A TCP port that was free a moment ago (the OS picks it). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Environment that keeps code-server's and git's files inside `stateDir` instead of ~ and /tmp. */
export function hostEnv(stateDir, extra = {}) {
  const env = { ...process.env, ...extra, EXTENSIONS_GALLERY: '{}' };
  for (const [k, sub] of [['XDG_CONFIG_HOME', 'xdg-config'], ['XDG_DATA_HOME', 'xdg-data'], ['XDG_CACHE_HOME', 'xdg-cache'], ['XDG_STATE_HOME', 'xdg-state'], ['TMPDIR', 'tmp']]) {
    env[k] = join(stateDir, sub);
    mkdirSync(env[k], { recursive: true });
  }
  // Inherited from a surrounding VS Code terminal these would make code-server talk to that window instead.
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') && k !== 'VSCODE_CWD') delete env[k];
  return env;
}

/** `workspaceTrust`: keep VS Code's workspace trust on (a fresh profile then opens the folder untrusted). */
export function codeServerArgs({ port, userDataDir, extensionsDir, workspaceTrust = false }) {
  return [
    CODE_SERVER_ENTRY,
    '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', ...(workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
}

/**
 * Starts code-server in its own process group (so stopCodeServer takes down the extension host and pty host too)
 * and resolves once /healthz answers. `output` receives its stdout/stderr lines.
 */
export async function startCodeServer({ port, userDataDir, extensionsDir, env, output = () => {}, readyTimeoutMs = 30_000, workspaceTrust = false }) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const child = spawn(process.execPath, codeServerArgs({ port, userDataDir, extensionsDir, workspaceTrust }), {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exited = null;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.setEncoding('utf8').on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) output(l);
    });
  }
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`code-server exited before it was ready (${exited.code ?? exited.signal})`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { child, url };
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  await stopCodeServer(child);
  throw new Error(`code-server did not answer ${url}/healthz within ${readyTimeoutMs / 1000} s`);
}

/** SIGTERM to the whole process group, SIGKILL after 3 s. Safe to call twice. */
export async function stopCodeServer(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return killGroup(child?.pid, 'SIGKILL');
  const gone = new Promise((resolve) => child.once('exit', resolve));
  killGroup(child.pid, 'SIGTERM');
  const timer = new Promise((resolve) => setTimeout(resolve, 3000, 'timeout').unref());
  if ((await Promise.race([gone, timer])) === 'timeout') killGroup(child.pid, 'SIGKILL');
  // Group members (extension host, pty host) may outlive the leader by a moment.
  killGroup(child.pid, 'SIGKILL');
}

function killGroup(pid, signal) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Headless Chromium with its profile and caches inside `stateDir`. */
export async function launchChromium(stateDir, { viewport = { width: 1280, height: 800 } } = {}) {
  const profile = join(stateDir, 'chromium-profile');
  const env = hostEnv(stateDir, { HOME: stateDir });
  return chromiumApi().launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    env,
    // We clean up ourselves (and must, to also stop code-server).
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Closes the browser, giving up after 5 s (a wedged renderer must not hang cleanup). */
export async function closeChromium(context) {
  if (!context) return;
  // (playwright also kills the browser when this process exits)
  await Promise.race([context.close().catch(() => {}), sleep(5000)]);
}
