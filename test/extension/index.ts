/**
 * Test entry loaded by the VS Code extension host (the `extensionTestsPath` of @vscode/test-electron's contract):
 * runs every `*.test.js` beside this file under mocha, writes the counts to $SLIPWAY_TEST_COUNTS for the suite
 * runner, and rejects when a test failed so the host exits non-zero.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/**
 * The test files, in name order; `$SLIPWAY_TEST_FILES` (a regular expression) keeps only the matching ones. The
 * files under untrusted/ run only in the untrusted host ($SLIPWAY_HOST_UNTRUSTED), and only they run there. The
 * check that every contributed command ran comes last.
 */
function testFiles(dir: string): string[] {
  const only = process.env.SLIPWAY_TEST_FILES ? new RegExp(process.env.SLIPWAY_TEST_FILES) : undefined;
  const untrusted = process.env.SLIPWAY_HOST_UNTRUSTED === '1';
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js') && /^untrusted[\\/]/.test(f) === untrusted && (!only || only.test(f)))
    .sort();
  const last = files.filter((f) => f.startsWith('everyCommand.'));
  return [...files.filter((f) => !last.includes(f)), ...last].map((f) => join(dir, f));
}

/** Adds to the counts already in the file: the trusted and the untrusted host write one after the other. */
function writeCounts(counts: { passed: number; failed: number; skipped: number }): void {
  const file = process.env.SLIPWAY_TEST_COUNTS;
  if (!file) return;
  const before = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as typeof counts) : { passed: 0, failed: 0, skipped: 0 };
  writeFileSync(file, JSON.stringify({ passed: before.passed + counts.passed, failed: before.failed + counts.failed, skipped: before.skipped + counts.skipped }));
}

export function run(): Promise<void> {
  // No colours: the output travels through the workbench's log relay, not a terminal.
  // SLIPWAY_TEST_GREP runs only the tests whose title matches (a helper working on one feature runs its own tests).
  const grep = process.env.SLIPWAY_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, slow: 5_000, color: false, forbidOnly: true, ...(grep ? { grep } : {}) });
  for (const f of testFiles(__dirname)) mocha.addFile(f);
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const s = runner.stats;
        writeCounts({ passed: s?.passes ?? 0, failed: s?.failures ?? failures, skipped: s?.pending ?? 0 });
        if (failures > 0) reject(new Error(`${failures} extension test(s) failed`));
        else resolve();
      });
    } catch (e) {
      // A test file that throws while loading: count it, so the suite runner does not report "0 failed".
      writeCounts({ passed: 0, failed: 1, skipped: 0 });
      reject(e);
    }
  });
}
