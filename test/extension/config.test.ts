import * as assert from 'node:assert/strict';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { workbench } from './support/workbench';

/** slipway.yml in the editor: Open slipway.yml from the palette, and its problems in the Problems view at their line. */
describe('slipway.yml in the editor', function () {
  this.timeout(60_000);

  it('Open slipway.yml (palette) opens the workspace\'s file; with a file and line, at that line', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('slipway.openConfig');
    assert.equal(basename(uri!.fsPath), 'slipway.yml');
    assert.equal(basename(vscode.window.activeTextEditor!.document.uri.fsPath), 'slipway.yml');
    await vscode.commands.executeCommand('slipway.openConfig', { file: uri!.fsPath, line: 3 });
    assert.equal(vscode.window.activeTextEditor!.selection.active.line, 2);
  });

  it('a malformed slipway.yml shows in the Problems view at its line, and the fix clears it', async () => {
    const uri = (await vscode.commands.executeCommand<vscode.Uri>('slipway.openConfig'))!;
    const editor = vscode.window.activeTextEditor!;
    const doc = editor.document;
    const buildLine = doc.getText().split('\n').findIndex((l) => /^build:/.test(l));
    assert.ok(buildLine >= 0, 'the fixture has a build section');
    // A user types an unknown key under build.
    await editor.edit((e) => e.insert(new vscode.Position(buildLine + 1, 0), '  stepz: []\n'));
    const problems = await waitForDiagnostics(uri, (d) => d.length === 1);
    assert.equal(problems[0]!.range.start.line, buildLine + 1, `problem at line ${problems[0]!.range.start.line + 1}`);
    assert.match(problems[0]!.message, /stepz/);
    assert.equal(problems[0]!.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(problems[0]!.source, 'Slipway');
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const panel = await workbench.text('problems');
    assert.match(panel, /slipway\.yml/);
    assert.match(panel, /stepz/);
    assert.match(panel, new RegExp(`\\[Ln ${buildLine + 2}, Col 3\\]`));
    await vscode.commands.executeCommand('undo');
    await waitForDiagnostics(uri, (d) => d.length === 0);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

async function waitForDiagnostics(uri: vscode.Uri, ok: (d: readonly vscode.Diagnostic[]) => boolean): Promise<readonly vscode.Diagnostic[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const d = vscode.languages.getDiagnostics(uri);
    if (ok(d)) return d;
    if (Date.now() > deadline) throw new Error(`diagnostics of ${uri.fsPath}: ${JSON.stringify(d.map((x) => [x.range.start.line, x.message]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
