import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Answers the workbench's own dialogs and input boxes as a user would, through the host driver's real keyboard and
 * mouse (scripts/vscode-host/ui-driver.mjs): the production confirmations are tested as a person meets them, not
 * by calling the command with a "yes" argument. Needs the code-server route ($SLIPWAY_UI_DRIVER); elsewhere it
 * throws, so such a test fails visibly instead of passing without the UI.
 */
export type UiPart = 'input' | 'inputTitle' | 'inputPrompt' | 'dialog' | 'toast' | 'problems' | 'walkthrough';
type UiAction =
  | { action: 'waitVisible' | 'waitHidden' | 'isVisible' | 'text' | 'buttons'; what: UiPart; timeoutMs?: number }
  | { action: 'type'; text: string }
  | { action: 'press'; key: string }
  | { action: 'click'; what: UiPart; button: string; containing?: string };

let dir: string | undefined;
let seq = 0;

async function ui<T>(a: UiAction, timeoutMs = 20_000): Promise<T> {
  if (process.env.SLIPWAY_UI_DRIVER !== '1') throw new Error('no UI driver in this host (only the code-server route drives the workbench)');
  dir ??= mkdtempSync(join(tmpdir(), 'slipway-ui-'));
  const ack = join(dir, `${++seq}.json`);
  console.log(`@@UI ${JSON.stringify({ ...a, ack })}@@`);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(ack)) {
    if (Date.now() > deadline) throw new Error(`the host driver did not answer ${JSON.stringify(a)} within ${timeoutMs} ms`);
    await sleep(50);
  }
  const answer = JSON.parse(readFileSync(ack, 'utf8')) as { ok: boolean; value?: T; error?: string };
  rmSync(ack, { force: true });
  if (!answer.ok) throw new Error(`workbench: ${a.action} failed: ${answer.error}`);
  return answer.value as T;
}

export const workbench = {
  waitVisible: (what: UiPart, timeoutMs?: number) => ui<boolean>({ action: 'waitVisible', what, ...(timeoutMs ? { timeoutMs } : {}) }),
  waitHidden: (what: UiPart) => ui<boolean>({ action: 'waitHidden', what }),
  isVisible: (what: UiPart) => ui<boolean>({ action: 'isVisible', what }),
  text: (what: UiPart) => ui<string>({ action: 'text', what }),
  buttons: (what: UiPart) => ui<string[]>({ action: 'buttons', what }),
  type: (text: string) => ui<boolean>({ action: 'type', text }),
  press: (key: string) => ui<boolean>({ action: 'press', key }),
  click: (what: UiPart, button: string, containing?: string) => ui<boolean>({ action: 'click', what, button, ...(containing ? { containing } : {}) }),
};
