import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AvailabilityChange } from '../../src/app/nodeAvailability';
import type { TreeNodeModel } from '../../src/core/swarm/tree';
import type { RolloutResult } from '../../src/vscode/swarm/commands';
import { findNode } from './support/tree';
import { serviceImage, setUpSwarmFixture, type SwarmFixture } from '../integration/swarmFixture';
import { dockerCli, dockerOk, uniqueName, waitFor } from '../support/rig';
import { workbench } from './support/workbench';

/**
 * The production guard as a user meets it in the real workbench: the input box that wants the cluster's name typed,
 * the modal that says what a rollback goes back to, answered wrong, cancelled and right with the real keyboard and
 * mouse (the host driver), and each time checked on the real cluster.
 */
describe('Production changes are never one Enter away (real workbench dialogs)', function () {
  this.timeout(240_000);
  let fx: SwarmFixture;
  let prod: string;
  let staging: string;

  before(async function () {
    this.timeout(300_000);
    fx = await setUpSwarmFixture(['1.0', '1.1']);
    prod = await fx.createService('production', '1.0');
    staging = await fx.createService('prod-like', '1.0');
    await vscode.extensions.getExtension('slipway.slipway')!.activate();
    await vscode.commands.executeCommand('slipway.swarm.refresh');
  });
  after(async function () {
    this.timeout(120_000);
    await fx?.cleanup();
  });

  it('Deploy Version to production: a wrong name keeps the box open, Escape cancels, the typed name deploys', async () => {
    const deploying = vscode.commands.executeCommand<RolloutResult | undefined>('slipway.swarm.deployVersion', { cluster: 'production', service: prod, version: '1.1' });
    await workbench.waitVisible('input');
    const title = await workbench.text('inputTitle');
    assert.match(title, new RegExp(`Deploy ${prod} on the production cluster "production"`));
    assert.match(await workbench.text('inputPrompt'), /1\.0 .*→ 1\.1/);
    // Enter on an empty box, then on a wrong name: the box stays, nothing changes.
    await workbench.press('Enter');
    await workbench.type('prod');
    await workbench.press('Enter');
    assert.equal(await workbench.isVisible('input'), true, 'a wrong name must not close the box');
    assert.match(await workbench.text('inputPrompt'), /Type production to confirm/);
    await workbench.press('Escape');
    assert.equal(await deploying, undefined, 'a cancelled deploy returns nothing');
    assert.equal(await serviceImage(fx.hostOf('production'), prod), `${fx.repository}:1.0`, 'production changed without confirmation');

    const confirmed = vscode.commands.executeCommand<RolloutResult | undefined>('slipway.swarm.deployVersion', { cluster: 'production', service: prod, version: '1.1' });
    await workbench.waitVisible('input');
    await workbench.type('production');
    await workbench.press('Enter');
    const result = await confirmed;
    assert.equal(result?.outcome, 'completed', result?.message);
    assert.equal(await serviceImage(fx.hostOf('production'), prod), `${fx.repository}:1.1@${fx.digests['1.1']}`);
  });

  it('Roll Back says what it goes back to and asks; Escape changes nothing; the typed name rolls back', async () => {
    await vscode.commands.executeCommand('slipway.swarm.refresh');
    const rolling = vscode.commands.executeCommand<RolloutResult | undefined>('slipway.swarm.rollback', { cluster: 'production', service: prod });
    await workbench.waitVisible('input');
    assert.match(await workbench.text('inputTitle'), new RegExp(`Roll back ${prod} on the production cluster`));
    assert.match(await workbench.text('inputPrompt'), /1\.1 → 1\.0/);
    await workbench.press('Escape');
    assert.equal(await rolling, undefined);
    assert.equal(await serviceImage(fx.hostOf('production'), prod), `${fx.repository}:1.1@${fx.digests['1.1']}`);

    const confirmed = vscode.commands.executeCommand<RolloutResult | undefined>('slipway.swarm.rollback', { cluster: 'production', service: prod });
    await workbench.waitVisible('input');
    await workbench.type('production');
    await workbench.press('Enter');
    const result = await confirmed;
    assert.ok(result && ['rolledBack', 'completed'].includes(result.outcome), result?.message);
    assert.equal(await serviceImage(fx.hostOf('production'), prod), `${fx.repository}:1.0`);
  });

  it('Roll Back on prod-like names the versions; Enter alone cancels (Cancel is the default), picking it rolls back', async () => {
    const deployed = await vscode.commands.executeCommand<RolloutResult>('slipway.swarm.deployVersion', { cluster: 'prod-like', service: staging, version: '1.1' });
    assert.equal(deployed?.outcome, 'completed', deployed?.message);
    await vscode.commands.executeCommand('slipway.swarm.refresh');
    const cancelled = vscode.commands.executeCommand<RolloutResult | undefined>('slipway.swarm.rollback', { cluster: 'prod-like', service: staging });
    await workbench.waitVisible('input');
    const title = await workbench.text('inputTitle');
    assert.match(title, new RegExp(`Roll back ${staging} on "prod-like"\\?`));
    assert.match(title, /1\.1 → 1\.0/);
    await workbench.press('Enter');
    assert.equal(await cancelled, undefined);
    assert.equal(await serviceImage(fx.hostOf('prod-like'), staging), `${fx.repository}:1.1@${fx.digests['1.1']}`);

    const confirmed = vscode.commands.executeCommand<RolloutResult | undefined>('slipway.swarm.rollback', { cluster: 'prod-like', service: staging });
    await workbench.waitVisible('input');
    await workbench.type(`Roll back ${staging}`);
    await workbench.press('Enter');
    const result = await confirmed;
    assert.ok(result && ['rolledBack', 'completed'].includes(result.outcome), result?.message);
    assert.equal(await serviceImage(fx.hostOf('prod-like'), staging), `${fx.repository}:1.0`);
  });

  it('Promote to Production wants the production cluster typed, then runs exactly the digest of prod-like', async () => {
    await vscode.commands.executeCommand<RolloutResult>('slipway.swarm.deployVersion', { cluster: 'prod-like', service: staging, version: '1.1' });
    // Promotion maps a service to the same name on the target: a production twin of the prod-like service.
    const twin = await fx.createService('production', '1.0', [], staging);
    await vscode.commands.executeCommand('slipway.swarm.refresh');
    const promoting = vscode.commands.executeCommand<RolloutResult | undefined>('slipway.swarm.promote', { cluster: 'prod-like', service: staging, to: 'production' });
    await workbench.waitVisible('input');
    assert.match(await workbench.text('inputTitle'), /Promote .* from prod-like on the production cluster "production"/);
    await workbench.type('production');
    await workbench.press('Enter');
    const result = await promoting;
    assert.equal(result?.outcome, 'completed', result?.message);
    assert.equal(await serviceImage(fx.hostOf('production'), twin), `${fx.repository}:1.1@${fx.digests['1.1']}`);
  });

  it('Drain on a production worker wants the cluster typed (a wrong name and Escape change nothing); Activate too', async () => {
    const tree = async () => (await vscode.commands.executeCommand<TreeNodeModel[]>('slipway.swarm.refresh'))!;
    const worker = findNode(await tree(), (n) => n.kind === 'node' && n.cluster === 'production' && /^worker\b/.test(n.description ?? '') && /\bnodeActive\b/.test(n.contextValue))!;
    assert.ok(worker?.nodeId, 'no active worker under production');
    const availability = () => dockerOk(fx.hostOf('production'), ['node', 'inspect', worker.nodeId!, '--format', '{{.Spec.Availability}}']);
    try {
      const refused = vscode.commands.executeCommand<AvailabilityChange | undefined>('slipway.swarm.drainNode', worker);
      await workbench.waitVisible('input');
      assert.match(await workbench.text('inputTitle'), new RegExp(`Drain node ${worker.label} on the production cluster "production"`));
      assert.match(await workbench.text('inputPrompt'), new RegExp(`${worker.label}: active → drain`));
      await workbench.type('prod');
      await workbench.press('Enter');
      assert.equal(await workbench.isVisible('input'), true, 'a wrong name must not close the box');
      assert.match(await workbench.text('inputPrompt'), /Type production to confirm/);
      assert.equal(await availability(), 'active', 'a wrong name drained the node');
      await workbench.press('Escape');
      assert.equal(await refused, undefined, 'a cancelled drain returns nothing');
      assert.equal(await availability(), 'active', 'Escape drained the node');

      const draining = vscode.commands.executeCommand<AvailabilityChange | undefined>('slipway.swarm.drainNode', worker);
      await workbench.waitVisible('input');
      await workbench.type('production');
      await workbench.press('Enter');
      const drained = await draining;
      assert.equal(drained?.to, 'drain', 'the typed name did not drain the node');
      assert.equal(await availability(), 'drain');
      const item = await waitFor(async () => findNode(await tree(), (n) => n.nodeId === worker.nodeId && /\bnodeDrained\b/.test(n.contextValue)), { timeoutMs: 15_000, what: 'the drained production node item' });

      const activating = vscode.commands.executeCommand<AvailabilityChange | undefined>('slipway.swarm.activateNode', item);
      await workbench.waitVisible('input');
      assert.match(await workbench.text('inputTitle'), new RegExp(`Activate node ${worker.label} on the production cluster "production"`));
      await workbench.type('production');
      await workbench.press('Enter');
      assert.equal((await activating)?.to, 'active');
      assert.equal(await availability(), 'active');
    } finally {
      await dockerCli(fx.hostOf('production'), ['node', 'update', '--availability', 'active', worker.nodeId!]);
    }
  });

  it('Open Logs follows live, ordered by time, each line with its task', async () => {
    const name = uniqueName('ticker');
    const host = fx.hostOf('prod-like');
    await dockerOk(host, ['service', 'create', '-d', '-q', '--name', name, '--replicas', '2', '--label', 'io.slipway.test=swarm', 'slipway-rig/busybox:1', 'sh', '-c', 'i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.3; done']);
    try {
      await waitFor(async () => /^2\/2$/.test(await dockerOk(host, ['service', 'ls', '--filter', `name=${name}`, '--format', '{{.Replicas}}'])), { timeoutMs: 60_000, what: `${name} to run` });
      await vscode.commands.executeCommand('slipway.swarm.refresh');
      const channel = await vscode.commands.executeCommand<string>('slipway.swarm.openLogs', { cluster: 'prod-like', service: name });
      assert.match(channel ?? '', new RegExp(`Slipway Logs: ${name} \\(prod-like\\)`));
      const first = await waitFor(async () => {
        const lines = await vscode.commands.executeCommand<string[]>('slipway.swarm.logTail', `prod-like/${name}`);
        return lines.length >= 10 && lines;
      }, { timeoutMs: 20_000, what: 'log lines' });
      for (const l of first) assert.match(l, new RegExp(`^${name}\\.[12] \\| \\d\\d:\\d\\d:\\d\\d\\.\\d{3} tick \\d+$`));
      assert.ok(first.some((l) => l.startsWith(`${name}.1 `)) && first.some((l) => l.startsWith(`${name}.2 `)), 'both tasks appear');
      // Live: more lines come while we wait, and the whole stream stays in time order.
      const later = await waitFor(async () => {
        const lines = await vscode.commands.executeCommand<string[]>('slipway.swarm.logTail', `prod-like/${name}`);
        return lines.length >= first.length + 6 && lines;
      }, { timeoutMs: 20_000, what: 'new log lines (following)' });
      const times = later.map((l) => /\| (\S+) /.exec(l)![1]!);
      assert.deepEqual(times, [...times].sort(), 'lines out of time order');
    } finally {
      await dockerCli(host, ['service', 'rm', name]);
    }
  });
});
