#!/usr/bin/env node
// Opens a running code-server's workbench in headless Chromium the way a person would, clicks the Slipway icon in
// the activity bar, and checks that the Git Flow, Swarm Clusters and Pipeline views show. Used by
// `scripts/start.sh --check` and to take the README screenshot.
// Usage: node scripts/vscode-host/check-workbench.mjs URL [--screenshot FILE.png] [--timeout SECONDS]
// Exit: 0 all views shown, 1 something missing (a screenshot is still saved when asked), 3 could not open.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { assertHostInstalled, closeChromium, launchChromium } from './host.mjs';

const VIEWS = ['Git Flow', 'Swarm Clusters', 'Pipeline'];
const url = process.argv[2];
const option = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const screenshot = option('--screenshot');
const timeoutMs = Number(option('--timeout') ?? 60) * 1000;
if (!url || !/^https?:\/\//.test(url)) {
  console.error('usage: check-workbench.mjs URL [--screenshot FILE.png] [--timeout SECONDS]');
  process.exit(2);
}

const root = mkdtempSync(join(tmpdir(), 'slipway-check-'));
let browser;
let code = 0;
try {
  assertHostInstalled();
  browser = await launchChromium(root);
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(timeoutMs);
  await page.goto(url);
  await page.locator('.monaco-workbench .part.activitybar').waitFor();
  const icon = page.locator('.part.activitybar .action-item[aria-label^="Slipway"], .part.activitybar a[aria-label^="Slipway"]').first();
  await icon.waitFor();
  console.log('workbench loaded; Slipway icon in the activity bar');
  const selected = await icon.evaluate((el) => (el.closest('.action-item') ?? el).classList.contains('checked'));
  if (!selected) await icon.click();
  const sidebar = page.locator('.part.sidebar');
  await sidebar.locator('.composite.title', { hasText: /slipway/i }).waitFor();
  const missing = [];
  for (const name of VIEWS) {
    try {
      await sidebar.locator('.pane-header h3.title', { hasText: new RegExp(`^${name}$`, 'i') }).waitFor({ timeout: 10_000 });
      console.log(`view shown: ${name}`);
    } catch {
      missing.push(name);
    }
  }
  // Move the pointer off the icon (no tooltip in the picture) and let the welcome views finish rendering.
  await page.mouse.move(800, 700);
  await page.waitForTimeout(1500);
  if (screenshot) {
    mkdirSync(dirname(resolve(screenshot)), { recursive: true });
    await page.screenshot({ path: resolve(screenshot) });
    console.log(`screenshot: ${resolve(screenshot)}`);
  }
  if (missing.length) {
    console.error(`slipway: views not shown: ${missing.join(', ')}`);
    code = 1;
  }
} catch (e) {
  console.error(`slipway: could not check the workbench at ${url}: ${e.message}`);
  code = 3;
} finally {
  await closeChromium(browser);
  rmSync(root, { recursive: true, force: true });
}
process.exit(code);
