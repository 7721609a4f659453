#!/usr/bin/env node
// Stands in for a VS Code executable so @vscode/test-electron's runTests() can drive code-server:
//   code-server-shim.mjs <workspace> [--user-data-dir=D] [--extensions-dir=D] --extensionDevelopmentPath=P
//                        --extensionTestsPath=T [electron flags, ignored]
// It starts code-server on a free port with fresh state dirs, opens the workbench in headless Chromium with the
// extension-test payload, relays the extension host's output, and exits with the test run's exit code.
// Environment: SLIPWAY_HOST_TIMEOUT (s, default 600) → exit 124 when the tests have not finished by then;
// SLIPWAY_HOST_VERBOSE=1 shows code-server's and the workbench's own log lines; SLIPWAY_HOST_UNTRUSTED=1 keeps
// workspace trust on and opens the folder in Restricted Mode (never trusted); everything else (e.g.
// SLIPWAY_TEST_COUNTS, SLIPWAY_SCREENSHOT_DIR) reaches the extension host unchanged.
// A test line `@@SCREENSHOT <file.png>@@` makes the shim save a screenshot of the workbench to that file.
// A test line `@@UI <json>@@` ({action, …, ack}) drives the workbench like a user — types, presses keys, clicks a
// button, reads what a dialog or input box shows — and writes the answer to the `ack` file (see ui-driver.mjs).
// Exit codes: the tests' (0 pass, 1 fail), 124 timeout, 3 the host could not start, 130/143 interrupted.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { format } from 'node:util';
import { installUiDiagnostics, performUiAction } from './ui-driver.mjs';
import {
  assertHostInstalled, closeChromium, freePort, hostEnv, launchChromium, startCodeServer, stopCodeServer,
} from './host.mjs';

const started = Date.now();
const verbose = process.env.SLIPWAY_HOST_VERBOSE === '1';
const timeoutSec = Number(process.env.SLIPWAY_HOST_TIMEOUT || 600);
const untrusted = process.env.SLIPWAY_HOST_UNTRUSTED === '1';

// Workbench and server chatter that says nothing about the tests (matched against a message's first line).
const NOISE = [
  /Resolving connection token/, /Resolved connection token/, /Creating a socket/, /Ignoring fetching additional builtin/,
  /\[Service Worker\]/, /ChatSessionStore:/, /Updating additional builtin extensions cache/, /Started initializing default profile/,
  /Completed initializing default profile/, /Creation of workbench contribution/, /Started scanning/, /Completed scanning/, /^\s*$/,
  // An output channel still loading while the window shuts down after the run (VS Code 1.100 race, harmless).
  /Cannot read properties of undefined \(reading 'add'\)/,
];

function parseArgs(argv) {
  const opts = { workspace: undefined, extensionDevelopmentPath: undefined, extensionTestsPath: undefined };
  for (const a of argv) {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    if (m && ['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir'].includes(m[1])) opts[m[1]] = resolve(m[2]);
    else if (!a.startsWith('-') && opts.workspace === undefined) opts.workspace = resolve(a);
  }
  if (!opts.extensionDevelopmentPath || !opts.extensionTestsPath) {
    throw new Error('usage: code-server-shim.mjs <workspace> --extensionDevelopmentPath=DIR --extensionTestsPath=FILE');
  }
  return opts;
}

const root = mkdtempSync(join(tmpdir(), 'slipway-vsc-run-'));
let codeServer;
let browser;
let finishing = false;

async function finish(code, why) {
  if (finishing) return;
  finishing = true;
  if (why) console.error(`slipway host: ${why}`);
  await closeChromium(browser);
  await stopCodeServer(codeServer?.child);
  rmSync(root, { recursive: true, force: true });
  if (verbose) console.error(`slipway host: exit ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(code);
}

process.on('SIGINT', () => void finish(130, 'interrupted (SIGINT)'));
process.on('SIGTERM', () => void finish(143, 'terminated (SIGTERM)'));
// test-electron cannot forward a SIGTERM it receives; when our parent dies we clean up instead of lingering.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && void finish(130, 'parent process ended'), 1000).unref();

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  assertHostInstalled();
  const userDataDir = opts['user-data-dir'] ?? join(root, 'user-data');
  const extensionsDir = opts['extensions-dir'] ?? join(root, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'git.autofetch': false,
    ...(untrusted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false } : {}),
  }, null, 2));

  const serverLog = [];
  const port = await freePort();
  try {
    codeServer = await startCodeServer({
      port, userDataDir, extensionsDir, env: hostEnv(root), workspaceTrust: untrusted,
      output: (l) => (verbose ? console.error(`[code-server] ${l}`) : serverLog.push(l)),
    });
  } catch (e) {
    for (const l of serverLog.slice(-30)) console.error(`[code-server] ${l}`);
    return finish(3, `could not start code-server: ${e.message}`);
  }

  browser = await launchChromium(root);
  const page = browser.pages()[0] ?? (await browser.newPage());
  let exitCode;
  const exited = new Promise((res) => (exitCode = res));
  let screenshots = Promise.resolve();

  // Both hooks must exist before the workbench loads: it looks for them once, at start-up.
  await page.exposeFunction('codeAutomationLog', (level, message) => {
    const text = Array.isArray(message) ? format(...message) : String(message);
    if (!verbose && NOISE.some((re) => re.test(text.split('\n', 1)[0]))) return;
    for (const line of text.split('\n')) {
      const ui = /@@UI (\{.*\})@@/.exec(line);
      if (ui) {
        // In order, after any screenshot asked for before it.
        screenshots = screenshots.then(() => performUiAction(page, JSON.parse(ui[1])));
        continue;
      }
      const shot = /@@SCREENSHOT (.+?)@@/.exec(line);
      if (shot) {
        screenshots = screenshots.then(() => saveScreenshot(page, shot[1]));
        continue;
      }
      console.log(level === 'error' && verbose ? `[${level}] ${line}` : line);
    }
  });
  await page.exposeFunction('codeAutomationExit', (code) => exitCode(code));
  await installUiDiagnostics(page);
  if (verbose) page.on('console', (m) => console.error(`[chromium] ${m.text()}`));

  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(opts.extensionDevelopmentPath)],
    ['extensionTestsPath', remote(opts.extensionTestsPath)],
  ];
  const query = new URLSearchParams();
  if (opts.workspace) query.set('folder', opts.workspace);
  query.set('payload', JSON.stringify(payload));

  // The clock starts before the page loads: a workbench that never boots must time out too.
  const timer = new Promise((res) => setTimeout(res, timeoutSec * 1000, 'timeout').unref());
  await page.goto(`${codeServer.url}/?${query}`);
  const result = await Promise.race([exited, timer]);
  if (result === 'timeout') {
    for (const l of serverLog.slice(-30)) console.error(`[code-server] ${l}`);
    return finish(124, `TIMEOUT: the tests did not report an exit code within ${timeoutSec} s; stopping code-server and Chromium`);
  }
  await screenshots;
  return finish(Number(result) || 0);
}

async function saveScreenshot(page, file) {
  const target = resolve(file);
  mkdirSync(dirname(target), { recursive: true });
  try {
    // Written aside, then renamed: a test waiting for the file never sees half a PNG.
    await page.screenshot({ path: `${target}.part.png` });
    renameSync(`${target}.part.png`, target);
    console.log(`  (screenshot saved: ${target})`);
  } catch (e) {
    console.error(`slipway host: screenshot ${target} failed: ${e.message}`);
  }
}

main().catch((e) => finish(3, e.stack || String(e)));
