#!/usr/bin/env node
// Renders media/icon.png (the marketplace icon, 128×128; package.json "icon" must be a PNG) from media/slipway.svg
// with the headless Chromium of the VS Code host (scripts/vscode-host/install.sh). Run after changing the SVG.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, closeChromium } from '../vscode-host/host.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const svg = readFileSync(join(repo, 'media', 'slipway.svg'), 'utf8').replace('stroke="currentColor"', 'stroke="#ffffff"');
const html = `<html><body style="margin:0;background:transparent">
<div style="width:128px;height:128px;border-radius:24px;background:linear-gradient(135deg,#0b5cab,#1f8ad9);display:flex;align-items:center;justify-content:center">
<div style="width:96px;height:96px">${svg.replace(/width="24" height="24"/, 'width="96" height="96"')}</div></div></body></html>`;
const state = mkdtempSync(join(tmpdir(), 'slipway-icon-'));
const browser = await launchChromium(state, { viewport: { width: 128, height: 128 } });
try {
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.setContent(html);
  await page.screenshot({ path: join(repo, 'media', 'icon.png'), omitBackground: true, clip: { x: 0, y: 0, width: 128, height: 128 } });
} finally {
  await closeChromium(browser);
  rmSync(state, { recursive: true, force: true });
}
console.log('media/icon.png written');
