import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Asks the host driver to save a screenshot of the workbench as `<$SLIPWAY_SCREENSHOT_DIR>/<name>.png` and waits
 * until it exists. Only the code-server route can take screenshots; without $SLIPWAY_SCREENSHOT_DIR this does
 * nothing and returns undefined (screenshots document the UI, they are never what a test asserts).
 */
export async function takeScreenshot(name: string, timeoutMs = 15_000): Promise<string | undefined> {
  const dir = process.env.SLIPWAY_SCREENSHOT_DIR;
  if (!dir) return undefined;
  const file = join(dir, `${name}.png`);
  rmSync(file, { force: true }); // an older picture must not pass for this one
  console.log(`@@SCREENSHOT ${file}@@`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file)) return file;
    await sleep(100);
  }
  throw new Error(`the host driver did not save ${file} within ${timeoutMs} ms`);
}
