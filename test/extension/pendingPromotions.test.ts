import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PendingOnCluster } from '../../src/app/agent/pending';
import type { StackDeployResult } from '../../src/app/stack/deploy';
import { findTreeNode, type TreeNodeModel } from '../../src/core/swarm/tree';
import { ROOT, setUpSwarmFixture, type SwarmFixture } from '../integration/swarmFixture';
import { dockerCli, dockerOk, uniqueName, waitFor } from '../support/rig';
import { workbench } from './support/workbench';

interface ViewProbe {
  rendered?: { buttons: string[] };
}

/**
 * Push to deploy in the editor: a pending promotion on production (what the agent records for a push when the
 * pipeline is in delivery mode) shows in the Pipeline view with Approve and Dismiss; Approve wants the cluster's
 * name typed and then deploys exactly that digest on the real cluster; Dismiss drops it and changes nothing.
 */
describe('Pending promotions (push to deploy) in the editor', function () {
  this.timeout(240_000);
  let fx: SwarmFixture;
  let ws: string;
  let stack: string;
  const host = () => fx.hostOf('production');
  const appImage = () => dockerOk(host(), ['service', 'inspect', `${stack}_app`, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}']);

  /** What the agent writes for a push it may not deploy by itself. */
  async function recordPending(version: string, actor: string): Promise<string> {
    const digest = fx.digests[version]!;
    const id = digest.slice(7, 19);
    const record = { format: 1, id, stack, cluster: 'production', image: `${fx.repository}:develop@${digest}`, tag: 'develop', digest, actor, when: new Date().toISOString(), trigger: `push ${fx.repository}:develop by ${actor}` };
    const r = spawnSync('docker', ['-H', host(), 'config', 'create', '--label', `io.slipway.pending=${stack}`, `slipway-pending.${stack}.${id}`, '-'], { input: JSON.stringify(record), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return id;
  }

  before(async function () {
    this.timeout(300_000);
    fx = await setUpSwarmFixture(['1.0', '1.1']);
    stack = uniqueName('pp').replace(/[^a-z0-9-]/g, '').slice(0, 30);
    ws = mkdtempSync(join(tmpdir(), 'slipway-pending-'));
    writeFileSync(join(ws, 'slipway.yml'), `version: 1
package: { image: ${fx.repository.slice(fx.rig.registry.length + 1)} }
clusters:
  production: { host: ${host()}, role: production }
deploy:
  stack: ${stack}
  files: [stack.yml]
  app: app
  registry: ${fx.rig.registry}
  onPush: { tag: develop, clusters: [production] }
`);
    writeFileSync(join(ws, 'stack.yml'), 'version: "3.8"\nservices:\n  app:\n    image: ${SLIPWAY_IMAGE}\n    deploy: { update_config: { monitor: 1s, delay: 0s } }\n');
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), '-C', ws, 'deploy', '1.0', '--cluster', 'production', '--yes'], { encoding: 'utf8', env: { ...process.env, SLIPWAY_CLUSTERS: '' } });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    await vscode.extensions.getExtension('slipway.slipway')!.activate();
  });

  after(async function () {
    this.timeout(120_000);
    await dockerCli(host(), ['stack', 'rm', stack]);
    for (const label of [`io.slipway.stack=${stack}`, `io.slipway.pending=${stack}`]) {
      const ids = (await dockerCli(host(), ['config', 'ls', '-q', '--filter', `label=${label}`])).stdout.split('\n').filter((l) => l);
      if (ids.length > 0) await dockerCli(host(), ['config', 'rm', ...ids]);
    }
    await fx?.cleanup();
    rmSync(ws, { recursive: true, force: true });
  });

  it('the Pipeline view lists a pending promotion with Approve and Dismiss; Approve asks for the typed name, then deploys that digest', async () => {
    const id = await recordPending('1.1', 'alice');
    const image10 = await appImage();
    const list = await vscode.commands.executeCommand<PendingOnCluster[]>('slipway.agent.pendingPromotions');
    assert.ok(list.some((p) => p.cluster === 'production' && p.promotion.id === id && p.production), JSON.stringify(list));
    await vscode.commands.executeCommand('slipway.pipeline.focus');
    const key = `production/${stack}/${id}`;
    await waitFor(async () => (await vscode.commands.executeCommand<ViewProbe>('slipway.pipeline.viewState')).rendered?.buttons.includes(`Approve ${key}`), { timeoutMs: 30_000, intervalMs: 250, what: 'the Approve button in the Pipeline view' });
    assert.ok((await vscode.commands.executeCommand<ViewProbe>('slipway.pipeline.viewState')).rendered?.buttons.includes(`Dismiss ${key}`));

    // Escape at the typed confirmation changes nothing.
    const cancelled = vscode.commands.executeCommand('slipway.agent.approvePromotion', { cluster: 'production', stack, id });
    await workbench.waitVisible('input');
    assert.match(await workbench.text('inputTitle'), /on the production cluster "production"/);
    await workbench.press('Escape');
    await cancelled;
    assert.equal(await appImage(), image10);

    const approving = vscode.commands.executeCommand<StackDeployResult | undefined>('slipway.agent.approvePromotion', { cluster: 'production', stack, id });
    await workbench.waitVisible('input');
    await workbench.type('production');
    await workbench.press('Enter');
    const result = await approving;
    assert.equal(result?.outcome, 'converged', result?.message);
    assert.equal(await appImage(), `${fx.repository}:develop@${fx.digests['1.1']}`);
    const after = await vscode.commands.executeCommand<PendingOnCluster[]>('slipway.agent.pendingPromotions');
    assert.ok(!after.some((p) => p.promotion.stack === stack), 'the approved promotion is gone');
  });

  it('the stack item in Swarm Clusters shows the waiting push; Dismiss on that item drops it and deploys nothing', async () => {
    const id = await recordPending('1.1', 'carol');
    const tree = async () => (await vscode.commands.executeCommand<TreeNodeModel[]>('slipway.swarm.refresh'))!;
    const stackItem = (roots: readonly TreeNodeModel[]) => findTreeNode(roots, (n) => n.kind === 'stack' && n.cluster === 'production' && n.stack === stack);
    const marked = await waitFor(async () => {
      const item = stackItem(await tree());
      return item?.promotionId === id ? item : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500, what: 'the waiting push on the stack item' });
    assert.match(marked.description ?? '', /push waiting \(develop\)/);
    assert.match(marked.contextValue, /\bpendingPromotion\b/);
    assert.match(marked.tooltip ?? '', /Waiting for approval: .* pushed by carol/);
    const before = await appImage();
    await vscode.commands.executeCommand('slipway.agent.dismissPromotion', marked);
    const cleared = await waitFor(async () => {
      const item = stackItem(await tree());
      return item && item.promotionId === undefined ? item : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500, what: 'the stack item without the waiting push' });
    assert.doesNotMatch(cleared.contextValue, /pendingPromotion/);
    const list = await vscode.commands.executeCommand<PendingOnCluster[]>('slipway.agent.pendingPromotions');
    assert.ok(!list.some((p) => p.promotion.stack === stack && p.promotion.id === id));
    assert.equal(await appImage(), before);
  });

  it('Dismiss drops a pending promotion and deploys nothing', async () => {
    const id = await recordPending('1.0', 'bob');
    const before = await appImage();
    await vscode.commands.executeCommand('slipway.agent.dismissPromotion', { cluster: 'production', stack, id });
    const list = await vscode.commands.executeCommand<PendingOnCluster[]>('slipway.agent.pendingPromotions');
    assert.ok(!list.some((p) => p.promotion.stack === stack));
    assert.equal(await appImage(), before);
  });
});
