import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { workbench } from '../support/workbench';

/**
 * A workspace that was never trusted (workspace trust on, Restricted Mode): Slipway loads and shows its views, but
 * runs nothing — no build container, no deploy, no pipeline — and says why.
 */
describe('In an untrusted workspace Slipway refuses to run anything', function () {
  this.timeout(60_000);
  let folder: string;

  before(async () => {
    folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    await vscode.extensions.getExtension('slipway.slipway')!.activate();
  });

  it('opens the folder untrusted, and Slipway is active', () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the host trusted the folder; this test needs Restricted Mode');
    assert.equal(vscode.extensions.getExtension('slipway.slipway')!.isActive, true);
  });

  it('Build refuses, saying it needs a trusted workspace, and builds nothing', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    const result = await vscode.commands.executeCommand('slipway.build');
    assert.equal(result, undefined);
    assert.equal(existsSync(join(folder, 'dist')), false, 'a build ran in an untrusted workspace');
    assert.match(await workbench.text('toast'), /trusted/i);
  });

  it('Deploy Version and Run Pipeline refuse too', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.equal(await vscode.commands.executeCommand('slipway.swarm.deployVersion', { cluster: 'prod-like', service: 'anything', version: '1.0' }), undefined);
    assert.match(await workbench.text('toast'), /trusted/i);
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.equal(await vscode.commands.executeCommand('slipway.pipeline.run'), undefined);
    assert.match(await workbench.text('toast'), /trusted/i);
  });
});
