// Drives the real workbench the way a user does, for extension tests that must answer a dialog or an input box
// (production confirmations): Playwright's keyboard and mouse on the page the shim opened. A test asks with a
// `@@UI {"action":…,"ack":FILE}@@` line (test/extension/support/workbench.ts); the answer is written to FILE as
// {"ok":true,"value":…} or {"ok":false,"error":…}. Selectors are VS Code 1.100's workbench classes.
import { renameSync, writeFileSync } from 'node:fs';

const SELECTORS = {
  // The quick input (showInputBox / showQuickPick) and its parts.
  input: '.quick-input-widget',
  inputTitle: '.quick-input-widget .quick-input-title',
  inputPrompt: '.quick-input-widget .quick-input-message',
  inputBox: '.quick-input-widget input.input',
  // A modal dialog (showWarningMessage with modal: true).
  dialog: '.monaco-dialog-box',
  // Notification toasts.
  toast: '.notifications-toasts .notification-toast',
  // The Problems panel.
  problems: '.markers-panel',
  // The Welcome page showing a walkthrough.
  walkthrough: '.gettingStartedContainer',
};

async function act(page, a) {
  const timeout = a.timeoutMs ?? 10_000;
  switch (a.action) {
    case 'waitVisible':
      await page.locator(SELECTORS[a.what]).first().waitFor({ state: 'visible', timeout });
      return true;
    case 'waitHidden':
      await page.locator(SELECTORS[a.what]).first().waitFor({ state: 'hidden', timeout });
      return true;
    case 'isVisible':
      return page.locator(SELECTORS[a.what]).first().isVisible();
    case 'text': {
      const loc = page.locator(SELECTORS[a.what]).first();
      await loc.waitFor({ state: 'visible', timeout });
      return (await loc.innerText()).trim();
    }
    case 'type':
      await page.locator(SELECTORS.inputBox).first().waitFor({ state: 'visible', timeout });
      await page.keyboard.type(a.text, { delay: 10 });
      return true;
    case 'press':
      await page.keyboard.press(a.key);
      return true;
    case 'buttons': {
      const loc = page.locator(SELECTORS[a.what]).first();
      await loc.waitFor({ state: 'visible', timeout });
      return loc.getByRole('button').allInnerTexts();
    }
    case 'click': {
      const scope = page.locator(SELECTORS[a.what]).filter({ hasText: a.containing ?? '' }).first();
      await scope.waitFor({ state: 'visible', timeout });
      // Notifications hide their buttons until hovered or focused.
      await scope.hover();
      await scope.getByRole('button', { name: a.button, exact: true }).first().click({ timeout });
      return true;
    }
    default:
      throw new Error(`unknown UI action ${a.action}`);
  }
}

export async function performUiAction(page, a) {
  let answer;
  try {
    answer = { ok: true, value: await act(page, a) };
  } catch (e) {
    // Say what the workbench shows instead: an error notification usually explains a dialog that never came.
    const toasts = await page.locator(SELECTORS.toast).allInnerTexts().catch(() => []);
    const shown = toasts.length ? `; notifications: ${toasts.map((t) => t.replace(/\s+/g, ' ').trim()).join(' | ')}` : '';
    answer = { ok: false, error: String(e?.message ?? e).split('\n')[0] + shown };
  }
  if (a.ack) {
    writeFileSync(`${a.ack}.part`, JSON.stringify(answer));
    renameSync(`${a.ack}.part`, a.ack);
  }
}
