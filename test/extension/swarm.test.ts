import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import * as vscode from 'vscode';
import type { TreeNodeModel } from '../../src/core/swarm/tree';
import type { RolloutResult } from '../../src/vscode/swarm/commands';
import { serviceImage, setUpSwarmFixture, type SwarmFixture } from '../integration/swarmFixture';
import { takeScreenshot } from './support/screenshot';
import { findNode } from './support/tree';
import { workbench } from './support/workbench';

/** The fixture workspace's slipway.yml names the two rig clusters (prod-like, production). */
describe('Swarm Clusters view in a real extension host', function () {
  this.timeout(240_000);
  let fx: SwarmFixture;
  let name: string;

  before(async function () {
    this.timeout(300_000);
    fx = await setUpSwarmFixture(['1.0', '1.1']);
    name = await fx.createService('prod-like', '1.0');
    await vscode.extensions.getExtension('slipway.slipway')!.activate();
    await vscode.commands.executeCommand('workbench.view.extension.slipway');
    await vscode.commands.executeCommand('slipway.clusters.focus');
  });
  after(async function () {
    this.timeout(120_000);
    await fx?.cleanup();
  });

  it('lists both clusters of slipway.yml and the fixture service with its version', async () => {
    const roots = await vscode.commands.executeCommand<TreeNodeModel[]>('slipway.swarm.refresh');
    assert.ok(roots, 'slipway.swarm.refresh returned nothing');
    assert.deepEqual(roots.map((r) => [r.label, r.kind]), [['prod-like', 'cluster'], ['production', 'cluster']]);
    const svc = findNode(roots, (n) => n.kind === 'service' && n.cluster === 'prod-like' && n.label === name);
    assert.ok(svc, `no ${name} under prod-like`);
    assert.match(svc.description!, /^1\.0 · 1\/1 · replicated/);
    assert.match(svc.contextValue, /\bservice\b/);
    // The picture for the README: prod-like's services expanded with the keyboard, as a user would.
    if (process.env.SLIPWAY_SCREENSHOT_DIR) {
      for (const c of ['workbench.action.closeAllEditors', 'workbench.action.closePanel', 'notifications.clearAll', 'workbench.view.extension.slipway', 'workbench.actions.treeView.slipway.gitflow.collapseAll', 'slipway.clusters.focus']) {
        await vscode.commands.executeCommand(c);
      }
      for (const key of ['Home', 'ArrowRight', 'ArrowDown', 'ArrowDown', 'ArrowRight']) await workbench.press(key);
      await sleep(800);
      await takeScreenshot('swarm-clusters');
    }
  });

  it('Deploy Version with arguments rolls the service to 1.1 and the tree shows it', async () => {
    const result = await vscode.commands.executeCommand<RolloutResult>('slipway.swarm.deployVersion', { cluster: 'prod-like', service: name, version: '1.1' });
    assert.ok(result, 'the command failed (see the notification / log)');
    assert.equal(result.outcome, 'completed', result.message);
    assert.equal(await serviceImage(fx.hostOf('prod-like'), name), `${fx.repository}:1.1@${fx.digests['1.1']}`);
    const roots = await vscode.commands.executeCommand<TreeNodeModel[]>('slipway.swarm.refresh');
    const svc = findNode(roots!, (n) => n.kind === 'service' && n.cluster === 'prod-like' && n.label === name)!;
    assert.match(svc.description!, /^1\.1 · /);
  });

  it('Deploy Version from a tree item (plus the version the picker would give) deploys that version', async () => {
    const roots = await vscode.commands.executeCommand<TreeNodeModel[]>('slipway.swarm.treeModel');
    const item = findNode(roots!, (n) => n.kind === 'service' && n.cluster === 'prod-like' && n.label === name)!;
    const result = await vscode.commands.executeCommand<RolloutResult>('slipway.swarm.deployVersion', { ...item, version: '1.0' });
    assert.equal(result?.outcome, 'completed', result?.message);
    assert.equal(await serviceImage(fx.hostOf('prod-like'), name), `${fx.repository}:1.0@${fx.digests['1.0']}`);
  });

  it('shows an unreachable cluster from the settings as an error item while the others keep working', async () => {
    const config = vscode.workspace.getConfiguration('slipway');
    await config.update('clusters', [{ name: 'gone', role: 'test', host: 'unix:///run/slipway-no-such-engine.sock' }], vscode.ConfigurationTarget.Global);
    try {
      let roots: TreeNodeModel[] | undefined;
      for (let i = 0; i < 50; i++) {
        roots = await vscode.commands.executeCommand<TreeNodeModel[]>('slipway.swarm.refresh');
        if (roots?.some((r) => r.label === 'gone' && r.kind === 'clusterError')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(roots!.map((r) => [r.label, r.kind]), [['prod-like', 'cluster'], ['production', 'cluster'], ['gone', 'clusterError']]);
      const gone = roots!.find((r) => r.label === 'gone')!;
      assert.equal(gone.contextValue, 'clusterError');
      assert.match(gone.children[0]!.label, /not reachable \(ENOENT\)/);
      assert.ok(findNode(roots!, (n) => n.kind === 'service' && n.label === name), 'prod-like still lists the fixture service');
    } finally {
      await config.update('clusters', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
