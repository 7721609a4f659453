// Drives the real workbench the way a user does, for extension tests that must answer a dialog or an input box
// (production confirmations): Playwright's keyboard and mouse on the page the shim opened. A test asks with a
// `@@UI {"action":…,"ack":FILE}@@` line (test/extension/support/workbench.ts); the answer is written to FILE as
// {"ok":true,"value":…} or {"ok":false,"error":…}. Selectors are VS Code 1.100's workbench classes.
// Keys for a prompt go to that prompt's input box (keyboardInPrompt). A failed action's error says what the prompt
// shows, where the keyboard is and the last focus moves with their callers, and saves a screenshot, the DOM and that
// state under $SLIPWAY_UI_FAILURE_DIR (default <tmpdir>/slipway-ui-failures/<time>-<action>/).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/**
 * The input box of the prompt now shown, visible and enabled, once it holds the keyboard for good. A tree view that
 * had the keyboard takes it back when a refresh of it ends just after a prompt opened: VS Code's TreeView refocuses
 * itself after every refresh while it believes it has the focus, and learns that it lost it only one timer tick
 * later. The keys then land in the tree while the prompt waits (with ignoreFocusOut) or closes (without). A person
 * clicks back into the box; so does this, and says so on the test output.
 */
async function keyboardInPrompt(page, timeout) {
  const deadline = Date.now() + timeout;
  const box = page.locator(`${SELECTORS.inputBox}:visible`).first();
  await box.waitFor({ state: 'visible', timeout });
  const holdsKeyboard = () => box.evaluate((el) => el === el.ownerDocument.activeElement && !el.disabled);
  for (let clicks = 0; ; clicks++) {
    if (await holdsKeyboard()) {
      // Let the page run what a focus change queued (the tree's "focus lost" tick, a refresh ending), then look again.
      await page.evaluate(() => new Promise((done) => setTimeout(() => requestAnimationFrame(() => setTimeout(done, 20)), 0)));
      if (await holdsKeyboard()) return box;
    }
    if (Date.now() > deadline) throw new Error(`the prompt's input box did not keep the keyboard (${clicks} clicks into it)`);
    if (!(await holdsKeyboard())) {
      const { where, by } = await page.evaluate(() => ({
        where: globalThis.__slipwayDescribe?.(document.activeElement) ?? document.activeElement?.tagName,
        by: (globalThis.__slipwayFocusMoves ?? []).findLast((m) => m.focus)?.by ?? '?',
      }));
      console.log(`  (ui driver: the prompt's input box had lost the keyboard to ${where}, focused by ${by}; clicked back into it)`);
      await box.click({ timeout: Math.max(1000, deadline - Date.now()) });
    }
  }
}

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
    case 'type': {
      const box = await keyboardInPrompt(page, timeout);
      await page.keyboard.type(a.text, { delay: 10 });
      // The keys must have reached the box: lost keys leave a prompt waiting for ever and the test timing out elsewhere.
      const now = await box.inputValue();
      if (!now.includes(a.text)) throw new Error(`typed ${JSON.stringify(a.text)} but the prompt's box holds ${JSON.stringify(now)}`);
      return true;
    }
    case 'press':
      // With a prompt open, the key is for the prompt (Enter, Escape, Control+A); otherwise for whatever has the focus.
      if (await page.locator(SELECTORS.input).first().isVisible()) await keyboardInPrompt(page, timeout);
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

/**
 * Runs in the workbench page before it loads (page.addInitScript): remembers the last focus moves and who made them,
 * so a failed action can say where the keyboard went (a prompt that lost its focus looks like one that never came).
 */
function recordFocusMoves() {
  const moves = [];
  globalThis.__slipwayFocusMoves = moves;
  const describe = (el) => {
    if (!el || el === document.body) return 'body';
    const part = el.closest?.('[id^="workbench.parts."], .quick-input-widget, .monaco-dialog-box, .notifications-toasts, .pane-body');
    const where = part ? (part.id || part.className.split(' ')[0]) : '?';
    return `${el.tagName.toLowerCase()}.${String(el.className).split(' ').slice(0, 2).join('.')} in ${where}`;
  };
  globalThis.__slipwayDescribe = describe;
  const origFocus = HTMLElement.prototype.focus;
  HTMLElement.prototype.focus = function (...args) {
    // The first frames of the caller, e.g. a tree view taking the focus back after its refresh.
    const by = (new Error().stack ?? '').split('\n').slice(2, 8).map((l) => l.trim().replace(/^at /, '').replace(/\(?https?:[^)]*\/(out\/[^)]*)\)?/, '$1')).join(' < ');
    moves.push({ at: Date.now(), focus: describe(this), by });
    if (moves.length > 40) moves.shift();
    return origFocus.apply(this, args);
  };
  document.addEventListener('focusin', (e) => {
    moves.push({ at: Date.now(), focusin: describe(e.target) });
    if (moves.length > 40) moves.shift();
  }, true);
}

export async function installUiDiagnostics(page) {
  await page.addInitScript(recordFocusMoves);
}

/** What the workbench shows and where the keyboard is, for the error of a failed action (plus a screenshot and the DOM). */
async function describeFailure(page, a) {
  const toasts = await page.locator(SELECTORS.toast).allInnerTexts().catch(() => []);
  const state = await page.evaluate(() => {
    const widget = document.querySelector('.quick-input-widget');
    const box = widget?.querySelector('input.input');
    const now = Date.now();
    return {
      keyboard: globalThis.__slipwayDescribe?.(document.activeElement) ?? String(document.activeElement?.tagName),
      prompt: widget && widget.style.display !== 'none'
        ? `shown (title "${widget.querySelector('.quick-input-title')?.textContent ?? ''}", box ${box && box.offsetParent ? `"${box.value}"` : 'hidden'})`
        : 'none',
      moves: (globalThis.__slipwayFocusMoves ?? []).slice(-6).map((m) => `${now - m.at} ms ago ${m.focus ? `focus() ${m.focus} by ${m.by}` : `focusin ${m.focusin}`}`),
    };
  }).catch((e) => ({ keyboard: '?', prompt: '?', moves: [`(page state unavailable: ${e.message})`] }));
  let saved = '';
  try {
    const dir = join(process.env.SLIPWAY_UI_FAILURE_DIR || join(tmpdir(), 'slipway-ui-failures'), `${new Date().toISOString().replace(/[:.]/g, '-')}-${a.action}`);
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'workbench.png') });
    writeFileSync(join(dir, 'workbench.html'), await page.content());
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ action: a, ...state, toasts }, null, 2));
    saved = `; saved ${dir}`;
  } catch {
    // diagnostics must never hide the failure itself
  }
  const shown = toasts.length ? `; notifications: ${toasts.map((t) => t.replace(/\s+/g, ' ').trim()).join(' | ')}` : '';
  return `; prompt: ${state.prompt}; keyboard in: ${state.keyboard}; last focus moves: ${state.moves.join(' / ')}${shown}${saved}`;
}

export async function performUiAction(page, a) {
  let answer;
  try {
    answer = { ok: true, value: await act(page, a) };
  } catch (e) {
    // Say what the workbench shows instead: an error notification usually explains a dialog that never came, the
    // focus moves a prompt that lost the keyboard.
    answer = { ok: false, error: String(e?.message ?? e).split('\n')[0] + (await describeFailure(page, a)) };
  }
  if (a.ack) {
    writeFileSync(`${a.ack}.part`, JSON.stringify(answer));
    renameSync(`${a.ack}.part`, a.ack);
  }
}
