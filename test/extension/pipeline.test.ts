import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as vscode from 'vscode';
import type { PipelineRunView, PipelineViewState } from '../../src/core/pipeline';
import { takeScreenshot } from './support/screenshot';
import { workbench } from './support/workbench';

interface ViewProbe {
  state: PipelineViewState;
  rendered?: { stages: string[]; buttons: string[] };
}

const probe = () => vscode.commands.executeCommand<ViewProbe>('slipway.pipeline.viewState');

/** Polls the view until `ok` holds for what the webview reported it rendered. */
async function rendered(ok: (r: NonNullable<ViewProbe['rendered']>) => boolean, what: string, timeoutMs = 20_000): Promise<NonNullable<ViewProbe['rendered']>> {
  const deadline = Date.now() + timeoutMs;
  let last: ViewProbe | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last?.rendered && ok(last.rendered)) return last.rendered;
    await sleep(200);
  }
  assert.fail(`the Pipeline view did not render ${what}; last rendered: ${JSON.stringify(last?.rendered)}`);
}

const IMAGE = `slipway-ext-pipeline-${process.pid}`;
const CONFIG = `version: 1
build:
  image: slipway-rig/node:20
  steps:
    - { name: deps, run: node scripts/deps.js }
    - { name: fmt, run: node scripts/fmt.js }
    - { name: test, run: node --test test/unit/ }
    - { name: compile, run: node scripts/compile.js }
package:
  image: ${IMAGE}
integration:
  compose: docker-compose.test.yml
  test: tests
  app: app
clusters:
  production: { host: unix:///nowhere/slipway-test.sock, role: production }
deploy:
  service: go-auth
  registry: localhost:5000
pipeline:
  mode: delivery
  stages: [checkout, unit-tests, build, deploy-staging, functional-tests, deploy-production]
`;

describe('Pipeline view in a real VS Code extension host', function () {
  this.timeout(240_000);
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: folder(), encoding: 'utf8' }).trim();
  let original: string;
  let stashed = false;

  before(() => {
    original = git('rev-parse', 'HEAD');
    // Earlier suites may leave files in the workspace; checkout refuses a dirty tree, so set them aside.
    if (git('status', '--porcelain') !== '') {
      git('-c', 'user.email=test@example.com', '-c', 'user.name=Test', 'stash', 'push', '-q', '-u', '-m', 'pipeline-test');
      stashed = true;
    }
    // The fixture's real build, package, staging and functional tests on the local engine, then the production deploy,
    // which waits for approval and, with no production cluster configured here, fails fast once approved: the test is
    // about the view and the approval, not about deploying (the integration suite deploys).
    writeFileSync(join(folder(), 'slipway.yml'), CONFIG);
    git('add', 'slipway.yml');
    git('-c', 'user.email=test@example.com', '-c', 'user.name=Test', 'commit', '-qm', 'pipeline test config', '--allow-empty');
  });

  after(() => {
    execFileSync('docker', ['rmi', '-f', `${IMAGE}:develop`, `localhost:5000/${IMAGE}:develop`], { stdio: 'ignore' });
    git('reset', '-q', '--hard', original);
    if (stashed) git('stash', 'pop', '-q');
  });

  it('contributes the Pipeline view as a webview and the slipway-log language', async () => {
    const ext = vscode.extensions.getExtension('slipway.slipway')!;
    const views = (ext.packageJSON.contributes.views.slipway as { id: string; type?: string }[]).find((v) => v.id === 'slipway.pipeline');
    assert.equal(views?.type, 'webview');
    assert.ok((await vscode.languages.getLanguages()).includes('slipway-log'));
  });

  it('renders the stages, pauses before production, and Deploy to Production resumes the run', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.slipway');
    await vscode.commands.executeCommand('slipway.pipeline.focus');

    const paused = await vscode.commands.executeCommand<PipelineRunView>('slipway.pipeline.run', { mode: 'delivery' });
    assert.equal(paused.status, 'paused', `run ended ${paused.status}: ${paused.reason ?? ''}`);
    const before = await rendered((r) => r.buttons.includes('Deploy to Production'), 'the paused run with its Deploy to Production button');
    assert.deepEqual(before.stages, ['checkout:passed', 'unit-tests:passed', 'build:passed', 'deploy-staging:passed', 'functional-tests:passed', 'deploy-production:paused-for-approval']);
    assert.match(paused.artifacts.image ?? '', new RegExp(`^localhost:5000/${IMAGE}@sha256:[0-9a-f]{64}$`), 'the build stage pushed the image by digest');
    assert.ok(before.buttons.includes('Re-run from here'));
    // The approval notification offers Later: it leaves the run paused (the view keeps its button).
    const toast = await workbench.text('toast');
    assert.match(toast, /waits for approval/);
    await workbench.click('toast', 'Later', 'waits for approval');
    assert.equal((await probe()).state.run!.status, 'paused', 'Later must not approve');
    // The picture for the README: the Pipeline view alone in the sidebar, no panel or notifications over it.
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('slipway.gitflow.removeView');
    await vscode.commands.executeCommand('slipway.clusters.removeView');
    await sleep(500);
    await takeScreenshot('pipeline');
    await vscode.commands.executeCommand('slipway.gitflow.focus');
    await vscode.commands.executeCommand('slipway.clusters.focus');
    await vscode.commands.executeCommand('slipway.pipeline.focus');

    // Deploy to Production asks for "production" typed in the workbench's input box: a wrong word keeps the box,
    // Escape cancels (still paused), the word approves.
    const refused = vscode.commands.executeCommand<PipelineRunView | undefined>('slipway.pipeline.approve');
    await workbench.waitVisible('input');
    assert.match(await workbench.text('inputTitle'), /on the production cluster "production"/);
    await workbench.type('yes');
    await workbench.press('Enter');
    assert.equal(await workbench.isVisible('input'), true, 'a wrong word must not approve');
    await workbench.press('Escape');
    assert.equal(await refused, undefined);
    assert.equal((await probe()).state.run!.status, 'paused');
    const approving = vscode.commands.executeCommand<PipelineRunView>('slipway.pipeline.approve');
    await workbench.waitVisible('input');
    await workbench.type('production');
    await workbench.press('Enter');
    const resumed = await approving;
    const deploy = resumed.stages.find((s) => s.id === 'deploy-production')!;
    assert.notEqual(deploy.state, 'paused-for-approval');
    assert.equal(resumed.stages.find((s) => s.id === 'checkout')!.state, 'skipped', 'the resumed run starts at deploy-production');
    assert.equal(resumed.artifacts.image, paused.artifacts.image, 'the resumed run deploys what the paused run pushed');
    // The production cluster of this workspace is an engine that does not exist: the deploy itself fails, which
    // proves it ran (the preflight only checks the configuration, it connects to nothing).
    assert.equal(deploy.state, 'failed');
    assert.match(resumed.reason ?? '', /Cluster "production": The Docker engine at unix:\/\/\/nowhere\/slipway-test\.sock is not reachable/);
    const after = await rendered((r) => r.stages.includes('deploy-production:failed') && r.buttons.includes('Run Pipeline'), 'the resumed run');
    assert.ok(!after.buttons.includes('Deploy to Production'), 'no approval offered after the deploy ran');

    const state = (await probe()).state;
    assert.deepEqual(state.history[0]!.runs.slice(0, 2).map((r) => r.status), ['failed', 'paused'], 'both runs are in the history, newest first');
  });

  it('Re-run from here starts a new run at that stage, the earlier stages skipped', async () => {
    const before = (await probe()).state.run!.runId;
    const rerun = await vscode.commands.executeCommand<PipelineRunView>('slipway.pipeline.rerunFrom', 'deploy-production');
    assert.notEqual(rerun.runId, before);
    assert.deepEqual(
      rerun.stages.map((s) => s.state),
      ['skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'failed'],
    );
  });

  it('opens a stage log as a slipway-log document', async () => {
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('slipway.pipeline.openLog', 'deploy-production');
    assert.equal(doc.languageId, 'slipway-log');
    assert.match(doc.getText(), /^==> \[6\/6\] deploy-production: Deploy to production$/m);
    assert.match(doc.getText(), /^FAIL deploy-production .*nowhere\/slipway-test\.sock is not reachable/m);
  });
});
