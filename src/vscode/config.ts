import * as vscode from 'vscode';
import { SlipwayError } from '../core/errors';
import { parseSlipwayConfig } from '../core/config/parse';
import { pickWorkspaceFolder, registerCommand } from './common/commands';

const TEMPLATE = `# Slipway configuration — schema: schemas/slipway.schema.json in the Slipway extension
version: 1
build:
  image: my-builder:latest        # the builder container; the workspace is mounted at workdir
  workdir: /src
  # engine: { cluster: prod-like }  # or { context: NAME }: build, package and test on that engine (workspace shipped)
  steps:
    - { name: test, run: make test }
package:
  image: my-service               # tagged my-service:<version>; version = v* tag on HEAD, else develop
integration:
  compose: docker-compose.test.yml
  test: tests                     # the compose service whose exit code is the verdict
`;

/** *Slipway: Open slipway.yml* — opens the workspace's config, offering to create one from a template. */
export function activateConfigCommands(context: vscode.ExtensionContext): void {
  // Called from the palette, from an explorer item (a Uri), or from an error's "Open slipway.yml" button with the
  // file and line the error names.
  registerCommand(context, 'slipway.openConfig', async (target?: vscode.Uri | { file?: string; line?: number }) => {
    const at = target && !(target instanceof vscode.Uri) ? target : undefined;
    if (at?.file && /^(\/|[A-Za-z]:[\\/])/.test(at.file)) {
      const line = Math.max(0, (at.line ?? 1) - 1);
      await vscode.window.showTextDocument(vscode.Uri.file(at.file), { selection: new vscode.Range(line, 0, line, 0) });
      return vscode.Uri.file(at.file);
    }
    const folder = await pickWorkspaceFolder(target instanceof vscode.Uri ? target : undefined);
    const uri = vscode.Uri.joinPath(folder.uri, 'slipway.yml');
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      const create = await vscode.window.showInformationMessage(`${folder.name} has no slipway.yml. Create one?`, 'Create slipway.yml');
      if (create !== 'Create slipway.yml') return undefined;
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(TEMPLATE));
    }
    await vscode.window.showTextDocument(uri);
    return uri;
  });
}

/**
 * slipway.yml problems in the Problems view, at their line and column, as the file is opened and edited (the same
 * parser and messages as the CLI). One problem at a time: the parser stops at the first.
 */
export function activateConfigDiagnostics(context: vscode.ExtensionContext): vscode.DiagnosticCollection {
  const diagnostics = vscode.languages.createDiagnosticCollection('slipway');
  context.subscriptions.push(diagnostics);
  const isConfig = (doc: vscode.TextDocument): boolean => doc.uri.scheme === 'file' && /(^|[\\/])slipway\.yml$/.test(doc.uri.fsPath);
  const check = (doc: vscode.TextDocument): void => {
    if (!isConfig(doc)) return;
    try {
      parseSlipwayConfig(doc.getText(), { file: 'slipway.yml' });
      diagnostics.delete(doc.uri);
    } catch (e) {
      if (!SlipwayError.is(e, 'config')) return;
      const line = Math.max(0, Number(e.details?.line ?? 1) - 1);
      const col = Math.max(0, Number(e.details?.column ?? 1) - 1);
      const end = doc.lineAt(Math.min(line, doc.lineCount - 1)).range.end;
      const message = e.message.replace(/^slipway\.yml:\d+:\d+: /, '');
      const d = new vscode.Diagnostic(new vscode.Range(line, col, line, Math.max(col + 1, end.character)), message, vscode.DiagnosticSeverity.Error);
      d.source = 'Slipway';
      diagnostics.set(doc.uri, [d]);
    }
  };
  vscode.workspace.textDocuments.forEach(check);
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => check(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => isConfig(doc) && diagnostics.delete(doc.uri)),
  );
  // A workspace whose slipway.yml is broken says so before anyone opens it.
  void vscode.workspace.findFiles('slipway.yml', '**/node_modules/**', 10).then(async (uris) => {
    for (const uri of uris) check(await vscode.workspace.openTextDocument(uri));
  });
  return diagnostics;
}
