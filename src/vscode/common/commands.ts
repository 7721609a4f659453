import * as vscode from 'vscode';
import { SlipwayError, isCancellation, toSlipwayError } from '../../core/errors';
import { remedyButton, type RemedyButton } from './remedies';

/** Extra buttons offered with an error, by kind (one table, not a growing switch). */
const ERROR_ACTIONS: Partial<Record<SlipwayError['kind'], readonly RemedyButton[]>> = {
  unreachable: [{ title: 'Run Doctor', command: 'slipway.doctor', args: [] }],
  config: [{ title: 'Open slipway.yml', command: 'slipway.openConfig', args: [] }],
};

/**
 * Shows any error as one consistent notification: what happened, what to do, and a button per remedy (then the
 * kind's usual actions). `retry`, when given, is offered for a `retry` remedy.
 */
export async function showError(error: unknown, retry?: () => unknown): Promise<void> {
  if (isCancellation(error)) return;
  const err = toSlipwayError(error);
  const fromRemedies = err.remedies.flatMap((r) => {
    if (r.action === 'retry') return retry ? [{ title: 'Retry', command: '', args: [] }] : [];
    const button = remedyButton(r);
    return button ? [button] : [];
  });
  const buttons = [...fromRemedies, ...(ERROR_ACTIONS[err.kind] ?? [])].filter(
    (b, i, all) => all.findIndex((o) => o.title === b.title) === i,
  );
  const picked = await vscode.window.showErrorMessage(`Slipway: ${err.userMessage}`, ...buttons.map((b) => b.title));
  const button = buttons.find((b) => b.title === picked);
  if (!button) return;
  if (button.command === '') await retry?.();
  else await vscode.commands.executeCommand(button.command, ...button.args);
}

/** Commands run in this session (ids), so the extension-host tests can prove each contributed command ran. */
const commandsRun = new Set<string>();

/** Registers a command whose thrown errors become notifications instead of silent rejections. */
export function registerCommand(
  context: vscode.ExtensionContext,
  id: string,
  handler: (...args: any[]) => unknown, // eslint-disable-line @typescript-eslint/no-explicit-any
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      commandsRun.add(id);
      try {
        return await handler(...args);
      } catch (e) {
        void showError(e);
        return undefined;
      }
    }),
  );
}

/** The workspace folder a command acts on: the given one, the only one, the active editor's, or a pick. */
export async function pickWorkspaceFolder(hint?: vscode.Uri): Promise<vscode.WorkspaceFolder> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (hint) {
    const f = vscode.workspace.getWorkspaceFolder(hint);
    if (f) return f;
  }
  if (folders.length === 1) return folders[0]!;
  const active = vscode.window.activeTextEditor?.document.uri;
  const fromEditor = active ? vscode.workspace.getWorkspaceFolder(active) : undefined;
  if (fromEditor) return fromEditor;
  if (folders.length === 0) {
    throw new SlipwayError('usage', 'No folder is open', { hint: 'Open a service repository folder first' });
  }
  const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which repository?' });
  if (!picked) throw new SlipwayError('cancelled', 'No folder was picked');
  return picked;
}

/** Not in package.json: which commands ran in this session, for the test that every contributed command ran once. */
export function registerCommandsRunQuery(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('slipway.test.commandsRun', () => [...commandsRun].sort()));
}
