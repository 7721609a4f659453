#!/usr/bin/env node
// Runs the test suites one after another, prints each suite's counts, and ends with the one line CI reads:
// "N passed, M failed" (all suites summed). A suite that crashes before reporting counts as one failure.
// A suite also fails when it ran fewer tests than its floor (a deleted or silently skipped file must show), and mocha
// refuses `.only` (--forbid-only), so a focused test left behind cannot turn the suite into one test.
// Usage: node scripts/run-suites.mjs [unit|integration|extension ...]   (default: all)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mocha = ['node_modules/mocha/bin/mocha.js', '--forbid-only', '--reporter', 'test/support/countingReporter.js'];
const SUITES = {
  unit: [...mocha, '--timeout', '10000', 'out/test/unit/**/*.test.js'],
  integration: [...mocha, '--timeout', '180000', '--slow', '5000', 'out/test/integration/**/*.test.js'],
  // The extension tests also regenerate the README's pictures (media/screenshots/*.png).
  extension: ['scripts/vscode-host/run-extension-tests.mjs', '--screenshots', 'media/screenshots'],
};

// The fewest tests each suite may run (passed + failed; skipped ones do not count). Raise a floor when you add tests.
const FLOORS = { unit: 340, integration: 225, extension: 72 };

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(SUITES);
const dir = mkdtempSync(join(tmpdir(), 'slipway-counts-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
for (const name of names) {
  const args = SUITES[name];
  if (!args) {
    console.error(`unknown suite ${name}; known: ${Object.keys(SUITES).join(', ')}`);
    process.exit(2);
  }
  const countsFile = join(dir, `${name}.json`);
  const started = Date.now();
  console.log(`\n=== suite ${name} ===`);
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, SLIPWAY_TEST_COUNTS: countsFile } });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  let counts;
  if (existsSync(countsFile)) counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  else counts = { passed: 0, failed: 1, skipped: 0, crashed: true };
  if (r.status !== 0 && counts.failed === 0) counts = { ...counts, failed: 1, crashed: true };
  const ran = counts.passed + counts.failed;
  const floor = FLOORS[name];
  if (ran < floor) {
    console.error(`\nsuite ${name}: ran ${ran} tests, fewer than its floor of ${floor} (a test file was lost or skipped); counted as 1 failure`);
    counts = { ...counts, failed: counts.failed + 1, belowFloor: floor };
  }
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  lines.push(`  ${name.padEnd(12)} ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped  (${secs} s${counts.crashed ? `, exit ${r.status ?? r.signal}` : ''}${counts.belowFloor ? `, below the floor of ${counts.belowFloor}` : ''})`);
}
rmSync(dir, { recursive: true, force: true });
console.log('\n=== summary ===');
for (const l of lines) console.log(l);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 ? 1 : 0);
