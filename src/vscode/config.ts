import * as vscode from 'vscode';
import { pickWorkspaceFolder, registerCommand } from './common/commands';

const TEMPLATE = `# Slipway configuration — schema: schemas/slipway.schema.json in the Slipway extension
version: 1
build:
  image: my-builder:latest        # the builder container; the workspace is mounted at workdir
  workdir: /src
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
