import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { DoctorReport } from '../../src/core/doctor';
import type { SlipwayApi } from '../../src/extension';
import { takeScreenshot } from './support/screenshot';

const EXTENSION_ID = 'slipway.slipway';
const VIEWS = [
  { id: 'slipway.gitflow', name: 'Git Flow' },
  { id: 'slipway.clusters', name: 'Swarm Clusters' },
  { id: 'slipway.pipeline', name: 'Pipeline' },
];
const packageJson = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };

describe('Slipway in a real VS Code extension host', () => {
  let extension: vscode.Extension<SlipwayApi>;

  before(() => {
    const found = vscode.extensions.getExtension<SlipwayApi>(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is not loaded in the extension host`);
    extension = found;
  });

  it('opens the fixture workspace as a git repository', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    assert.equal(basename(folders[0]!.uri.fsPath), 'go-auth');
    assert.ok(existsSync(join(folders[0]!.uri.fsPath, '.git')), 'the workspace is not a git repository');
  });

  it('activates and reports the package version through its API', async () => {
    const api = await extension.activate();
    assert.equal(extension.isActive, true);
    assert.equal(api.version, packageJson.version);
  });

  it('registers the Slipway container with the Git Flow, Swarm Clusters and Pipeline views', async () => {
    const contributes = extension.packageJSON.contributes as {
      viewsContainers: { activitybar: { id: string; title: string }[] };
      views: Record<string, { id: string; name: string }[]>;
    };
    assert.deepEqual(contributes.viewsContainers.activitybar.map((c) => [c.id, c.title]), [['slipway', 'Slipway']]);
    assert.deepEqual(contributes.views.slipway!.map((v) => ({ id: v.id, name: v.name })), VIEWS);
    // The workbench creates these commands only for containers and views it actually registered.
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const id of ['workbench.view.extension.slipway', ...VIEWS.map((v) => `${v.id}.focus`)]) {
      assert.ok(commands.has(id), `the workbench has no command ${id}`);
    }
  });

  it('opens the Slipway container and focuses each of its views', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.slipway');
    for (const view of VIEWS) await vscode.commands.executeCommand(`${view.id}.focus`);
    await takeScreenshot('slipway-views');
  });

  it('Slipway: Show Version returns the package version', async () => {
    assert.equal(await vscode.commands.executeCommand('slipway.showVersion'), packageJson.version);
  });

  it('Slipway: Doctor checks git and git-flow in the workspace and returns its report', async () => {
    const report = await vscode.commands.executeCommand<DoctorReport>('slipway.doctor');
    assert.ok(report, 'slipway.doctor returned nothing');
    const byName = new Map(report.checks.map((c) => [c.name, c]));
    assert.equal(byName.get('git')?.ok, true, JSON.stringify(byName.get('git')));
    const flow = byName.get('git-flow config');
    assert.ok(flow, 'no git-flow check in the report');
    assert.equal(flow.ok, false);
    assert.match(flow.detail, /not initialised in .*go-auth/);
    assert.ok(byName.has('Docker engine') && byName.has('compose CLI'), `checks: ${[...byName.keys()].join(', ')}`);
  });
});
