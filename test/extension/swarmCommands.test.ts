import * as assert from 'node:assert/strict';
import { rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { findNode } from './support/tree';
import type { TreeNodeModel } from '../../src/core/swarm/tree';
import { setUpSwarmFixture, type SwarmFixture } from '../integration/swarmFixture';
import { dockerCli, dockerOk, waitFor } from '../support/rig';
import { workbench } from './support/workbench';

/**
 * The Swarm Clusters commands swarm.test.ts and production.test.ts do not run, each on the tree item a user
 * right-clicks (and the input box or quick pick it opens, typed into through the workbench), checked on the engine.
 */
describe('Swarm Clusters: every command on its tree item', function () {
  this.timeout(180_000);
  let fx: SwarmFixture;
  let name: string;
  const tree = async () => (await vscode.commands.executeCommand<TreeNodeModel[]>('slipway.swarm.refresh'))!;
  const serviceItem = async () => findNode(await tree(), (n) => n.kind === 'service' && n.cluster === 'prod-like' && n.label === name)!;

  before(async function () {
    this.timeout(300_000);
    fx = await setUpSwarmFixture(['1.0', '1.1']);
    name = await fx.createService('prod-like', '1.0');
    await vscode.extensions.getExtension('slipway.slipway')!.activate();
    // The service runs a tag without a digest: Deploy Version pins it, so Copy Image Digest has one to copy.
    await vscode.commands.executeCommand('slipway.swarm.deployVersion', { cluster: 'prod-like', service: name, version: '1.1' });
  });
  after(async function () {
    this.timeout(120_000);
    await fx?.cleanup();
  });

  it('Scale… asks for the replicas in an input box and the service runs that many', async () => {
    const scaling = vscode.commands.executeCommand('slipway.swarm.scale', await serviceItem());
    await workbench.waitVisible('input');
    await workbench.press('Control+A');
    await workbench.type('2');
    await workbench.press('Enter');
    assert.equal(await scaling, 2);
    await waitFor(async () => (await dockerOk(fx.hostOf('prod-like'), ['service', 'ls', '--filter', `name=${name}`, '--format', '{{.Replicas}}'])) === '2/2', { timeoutMs: 60_000, what: `${name} at 2/2` });
    await vscode.commands.executeCommand('slipway.swarm.scale', { cluster: 'prod-like', service: name, replicas: 1 });
  });

  it('Copy Image Digest puts repository@digest on the clipboard', async () => {
    const copied = await vscode.commands.executeCommand<string>('slipway.swarm.copyDigest', await serviceItem());
    assert.equal(copied, `${fx.repository}@${fx.digests['1.1']}`);
    assert.equal(await vscode.env.clipboard.readText(), copied);
  });

  it('Add Node Label… (typed key=value) and Remove Node Label (picked) change the node', async () => {
    const node = findNode(await tree(), (n) => n.kind === 'node' && n.cluster === 'prod-like')!;
    assert.ok(node?.nodeId, 'no node under prod-like');
    const label = `slipway-test-${process.pid}`;
    const adding = vscode.commands.executeCommand('slipway.swarm.addNodeLabel', node);
    await workbench.waitVisible('input');
    await workbench.type(`${label}=yes`);
    await workbench.press('Enter');
    await adding;
    const labels = async () => JSON.parse(await dockerOk(fx.hostOf('prod-like'), ['node', 'inspect', node.nodeId!, '--format', '{{json .Spec.Labels}}'])) as Record<string, string>;
    assert.equal((await labels())[label], 'yes');

    const withLabel = findNode(await tree(), (n) => n.kind === 'node' && n.nodeId === node.nodeId)!;
    assert.match(withLabel.contextValue, /\bhasLabels\b/);
    const removing = vscode.commands.executeCommand('slipway.swarm.removeNodeLabel', withLabel);
    await workbench.waitVisible('input');
    await workbench.type(label);
    await workbench.press('Enter');
    await removing;
    assert.equal((await labels())[label], undefined);
  });

  it('Drain and Activate on a worker item ask first (Enter keeps the default, Cancel), then change its availability', async () => {
    const worker = findNode(await tree(), (n) => n.kind === 'node' && n.cluster === 'prod-like' && /^worker\b/.test(n.description ?? '') && /\bnodeActive\b/.test(n.contextValue))!;
    assert.ok(worker?.nodeId, 'no active worker under prod-like');
    const availability = () => dockerOk(fx.hostOf('prod-like'), ['node', 'inspect', worker.nodeId!, '--format', '{{.Spec.Availability}}']);
    try {
      const cancelled = vscode.commands.executeCommand('slipway.swarm.drainNode', worker);
      await workbench.waitVisible('input');
      await workbench.press('Enter');
      await cancelled;
      assert.equal(await availability(), 'active', 'Enter on the default item (Cancel) changes nothing');

      const draining = vscode.commands.executeCommand('slipway.swarm.drainNode', worker);
      await workbench.waitVisible('input');
      await workbench.type('Drain node');
      await workbench.press('Enter');
      await draining;
      assert.equal(await availability(), 'drain');
      const drained = await waitFor(async () => findNode(await tree(), (n) => n.nodeId === worker.nodeId && /\bnodeDrained\b/.test(n.contextValue)), { timeoutMs: 15_000, what: 'the drained node item' });

      const activating = vscode.commands.executeCommand('slipway.swarm.activateNode', drained);
      await workbench.waitVisible('input');
      await workbench.type('Activate node');
      await workbench.press('Enter');
      await activating;
      assert.equal(await availability(), 'active');
    } finally {
      await dockerCli(fx.hostOf('prod-like'), ['node', 'update', '--availability', 'active', worker.nodeId!]);
    }
  });

  it('Retry on an unreachable cluster reconnects once its engine answers', async () => {
    const sock = join(tmpdir(), `slipway-late-${process.pid}.sock`);
    const config = vscode.workspace.getConfiguration('slipway');
    await config.update('clusters', [{ name: 'late', role: 'test', host: `unix://${sock}` }], vscode.ConfigurationTarget.Workspace);
    try {
      const error = await waitFor(async () => findNode(await tree(), (n) => n.cluster === 'late' && n.kind === 'clusterError'), { timeoutMs: 15_000, what: 'late as an error item' });
      assert.equal(error.contextValue, 'clusterError');
      // The engine "comes back": the socket now leads to the prod-like engine.
      symlinkSync(fx.hostOf('prod-like').slice('unix://'.length), sock);
      await vscode.commands.executeCommand('slipway.swarm.retry', error);
      const ok = await waitFor(async () => {
        const roots = await vscode.commands.executeCommand<TreeNodeModel[]>('slipway.swarm.treeModel');
        return roots?.find((n) => n.cluster === 'late' && n.kind === 'cluster');
      }, { timeoutMs: 15_000, what: 'late to answer after Retry' });
      assert.equal(ok.kind, 'cluster');
    } finally {
      await config.update('clusters', undefined, vscode.ConfigurationTarget.Workspace);
      rmSync(sock, { force: true });
    }
  });

  it('Edit Cluster Settings opens the Settings editor at slipway.clusters', async () => {
    await vscode.commands.executeCommand('slipway.swarm.editSettings');
    await waitFor(() => vscode.window.tabGroups.activeTabGroup.activeTab?.label === 'Settings', { timeoutMs: 10_000, what: 'the Settings editor' });
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
