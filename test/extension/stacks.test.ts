import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TreeNodeModel } from '../../src/core/swarm/tree';
import type { VersionsMatrix } from '../../src/core/stack/versionsMatrix';
import type { StackCommandResult } from '../../src/vscode/swarm/stackCommands';
import { setUpSwarmFixture, type SwarmFixture } from '../integration/swarmFixture';
import { dockerCli, uniqueName, waitFor } from '../support/rig';
import { findNode } from './support/tree';
import { workbench } from './support/workbench';

/**
 * Stacks in the editor, through the real workbench: Deploy Version… from the tree item (the version picked, the
 * plan shown in an editor before the confirmation), production confirmations answered wrong / cancelled / right,
 * Releases… (roll back to one), Promote Release…, the Versions matrix and Remove Stack — each checked on the engine.
 */
describe('Stacks: deploy, releases, promote, versions and remove from the Swarm Clusters view', function () {
  this.timeout(240_000);
  let fx: SwarmFixture;
  let stack: string;
  let folder: string;
  let originalConfig: string;
  const image = (cluster: string, service: string) => dockerCli(fx.hostOf(cluster), ['service', 'inspect', service, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}']);
  const tree = async () => (await vscode.commands.executeCommand<TreeNodeModel[]>('slipway.swarm.refresh'))!;
  const planShown = (text: RegExp) => vscode.window.visibleTextEditors.some((e) => text.test(e.document.getText()));

  before(async function () {
    this.timeout(300_000);
    fx = await setUpSwarmFixture(['1.0', '1.1']);
    stack = uniqueName('ext').replace(/[^a-z0-9-]/g, '').slice(0, 30);
    folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    originalConfig = readFileSync(join(folder, 'slipway.yml'), 'utf8');
    const config = originalConfig
      .replace(/^  image: go-auth .*$/m, `  image: ${fx.repository.slice(fx.rig.registry.length + 1)}`)
      .replace(/^  stack: go-auth .*$/m, `  stack: ${stack}`)
      .replace(/^  files: \[stack\.yml\]$/m, '  files: [stack.ext.yml]');
    assert.match(config, new RegExp(`stack: ${stack}`));
    writeFileSync(
      join(folder, 'stack.ext.yml'),
      `version: "3.8"
services:
  app:
    image: \${SLIPWAY_IMAGE}
    networks: [back]
    deploy:
      endpoint_mode: dnsrr
      update_config: { parallelism: 1, delay: 0s, monitor: 2s, failure_action: rollback }
  cache:
    image: slipway-rig/redis:7
    networks: [back]
    deploy: { endpoint_mode: dnsrr }
networks:
  back: { driver: overlay }
`,
    );
    writeFileSync(join(folder, 'slipway.yml'), config);
    await vscode.extensions.getExtension('slipway.slipway')!.activate();
    await waitFor(async () => findNode(await tree(), (n) => n.kind === 'cluster' && n.cluster === 'production') !== undefined, { timeoutMs: 30_000, what: 'the clusters of slipway.yml in the view' });
  });

  after(async function () {
    this.timeout(120_000);
    writeFileSync(join(folder, 'slipway.yml'), originalConfig);
    // Leave the workspace as clean as it was: later tests run the pipeline, whose checkout refuses untracked files.
    rmSync(join(folder, 'stack.ext.yml'), { force: true });
    for (const cluster of ['prod-like', 'production']) {
      await dockerCli(fx.hostOf(cluster), ['stack', 'rm', stack]);
      const configs = (await dockerCli(fx.hostOf(cluster), ['config', 'ls', '-q', '--filter', `label=io.slipway.stack=${stack}`])).stdout.split('\n').filter((l) => l);
      if (configs.length > 0) await dockerCli(fx.hostOf(cluster), ['config', 'rm', ...configs]);
    }
    await fx?.cleanup();
  });

  it('Deploy Stack Version… on the cluster item: picks the version, shows the plan, asks (Cancel is the default), creates the stack', async () => {
    const clusterItem = findNode(await tree(), (n) => n.kind === 'cluster' && n.cluster === 'prod-like')!;
    const deploying = vscode.commands.executeCommand<StackCommandResult | undefined>('slipway.stack.deploy', clusterItem);
    await workbench.waitVisible('input');
    assert.match(await workbench.text('inputTitle'), new RegExp(`Deploy ${stack} on prod-like`));
    await workbench.type('1.0');
    await workbench.press('Enter');
    // The confirmation: the plan is already in an editor beside the view.
    await workbench.waitVisible('input');
    assert.ok(planShown(/Plan: 2 to create, 0 to update, 0 to remove\./), 'the plan was not shown before the question');
    assert.match(await workbench.text('inputTitle'), new RegExp(`Deploy stack ${stack} on "prod-like"\\? 1\\.0: Plan: 2 to create`));
    await workbench.type(`Deploy stack ${stack} on prod-like`);
    await workbench.press('Enter');
    const result = await deploying;
    assert.equal(result?.outcome, 'converged', result?.message);
    assert.equal(result?.release, 1);
    assert.equal((await image('prod-like', `${stack}_app`)).stdout.trim(), `${fx.repository}:1.0@${fx.digests['1.0']}`);
  });

  it('Deploy Stack Version… on the stack item shows the image change old → new, then updates it', async () => {
    const stackItem = await waitFor(async () => findNode(await tree(), (n) => n.kind === 'stack' && n.cluster === 'prod-like' && n.label === stack), { timeoutMs: 30_000, what: 'the stack in the tree' });
    assert.match(stackItem.description ?? '', /^1\.0 · release #1 · converged · 2\/2$/);
    const deploying = vscode.commands.executeCommand<StackCommandResult | undefined>('slipway.stack.deploy', { ...stackItem, version: '1.1' });
    await workbench.waitVisible('input');
    assert.ok(planShown(new RegExp(`~ ${stack}_app  update\\n\\s+image: .*:1\\.0 \\(${fx.digests['1.0']!.slice(7, 19)}\\) → .*:1\\.1`)), 'the plan did not show the image change');
    await workbench.type(`Deploy stack ${stack} on prod-like`);
    await workbench.press('Enter');
    const result = await deploying;
    assert.equal(result?.outcome, 'converged', result?.message);
    assert.equal((await image('prod-like', `${stack}_app`)).stdout.trim(), `${fx.repository}:1.1@${fx.digests['1.1']}`);
  });

  it('production: a wrong name keeps the box open, Escape creates nothing, the typed name deploys', async () => {
    const refused = vscode.commands.executeCommand<StackCommandResult | undefined>('slipway.stack.deploy', { cluster: 'production', version: '1.0' });
    await workbench.waitVisible('input');
    assert.match(await workbench.text('inputTitle'), new RegExp(`Deploy stack ${stack} on the production cluster "production"`));
    await workbench.press('Enter');
    await workbench.type('prod');
    await workbench.press('Enter');
    assert.equal(await workbench.isVisible('input'), true, 'a wrong name must not close the box');
    await workbench.press('Escape');
    assert.equal(await refused, undefined);
    assert.notEqual((await image('production', `${stack}_app`)).code, 0, 'production got the stack without confirmation');

    const confirmed = vscode.commands.executeCommand<StackCommandResult | undefined>('slipway.stack.deploy', { cluster: 'production', version: '1.0' });
    await workbench.waitVisible('input');
    await workbench.type('production');
    await workbench.press('Enter');
    const result = await confirmed;
    assert.equal(result?.outcome, 'converged', result?.message);
    assert.equal((await image('production', `${stack}_app`)).stdout.trim(), `${fx.repository}:1.0@${fx.digests['1.0']}`);
  });

  it('Stack Releases… rolls the whole stack back to a picked release, with its plan, as a new release', async () => {
    const rolling = vscode.commands.executeCommand<StackCommandResult | undefined>('slipway.stack.releases', { cluster: 'prod-like' });
    await workbench.waitVisible('input');
    assert.match(await workbench.text('inputTitle'), new RegExp(`Releases of ${stack} on prod-like`));
    await workbench.type('#1  1.0');
    await workbench.press('Enter');
    await workbench.waitVisible('input');
    assert.ok(planShown(/image: .*:1\.1 .* → .*:1\.0/), 'the rollback plan was not shown');
    await workbench.type(`Roll back to #1: stack ${stack} on prod-like`);
    await workbench.press('Enter');
    const result = await rolling;
    assert.equal(result?.outcome, 'converged', result?.message);
    assert.equal(result?.release, 3);
    assert.equal((await image('prod-like', `${stack}_app`)).stdout.trim(), `${fx.repository}:1.0@${fx.digests['1.0']}`);
  });

  it('Promote Stack Release… deploys release #2’s digests to production after the typed name', async () => {
    const promoting = vscode.commands.executeCommand<StackCommandResult | undefined>('slipway.stack.promote', { cluster: 'prod-like', to: 'production', release: 2 });
    await workbench.waitVisible('input');
    assert.match(await workbench.text('inputTitle'), /on the production cluster "production"/);
    await workbench.type('production');
    await workbench.press('Enter');
    const result = await promoting;
    assert.equal(result?.outcome, 'converged', result?.message);
    assert.equal((await image('production', `${stack}_app`)).stdout.trim(), `${fx.repository}:1.1@${fx.digests['1.1']}`);
  });

  it('Show Versions lists each stack service per cluster with tag and short digest, marking the one behind', async () => {
    const matrix = (await vscode.commands.executeCommand<VersionsMatrix>('slipway.stack.versions'))!;
    const app = matrix.rows.find((r) => r.stack === stack && r.service === 'app')!;
    assert.deepEqual(
      app.cells.map((c) => [c.cluster, c.tag, c.digest, c.state]),
      [
        ['prod-like', '1.0', fx.digests['1.0']!.slice(7, 19), 'behind'],
        ['production', '1.1', fx.digests['1.1']!.slice(7, 19), 'newest'],
      ],
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Remove Stack… wants the stack’s name typed, then removes it like docker stack rm', async () => {
    const removing = vscode.commands.executeCommand<StackCommandResult | undefined>('slipway.stack.remove', { cluster: 'production' });
    await workbench.waitVisible('input');
    await workbench.type('nope');
    await workbench.press('Enter');
    assert.equal(await workbench.isVisible('input'), true);
    await workbench.press('Control+A');
    await workbench.type(stack);
    await workbench.press('Enter');
    const result = await removing;
    assert.equal(result?.outcome, 'removed', result?.message);
    assert.notEqual((await image('production', `${stack}_app`)).code, 0, 'the stack is still there');
  });
});
