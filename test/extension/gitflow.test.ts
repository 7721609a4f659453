import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FlowOutcome } from '../../src/core/gitflow/engine';
import type { SlipwayApi } from '../../src/extension';
import type { FlowNode } from '../../src/vscode/gitflow/tree';
import { takeScreenshot } from './support/screenshot';

/**
 * Git Flow in a real extension host. The workspace is a temp git copy of test/fixtures/go-auth with one commit on
 * master and git-flow not initialised; these tests initialise it and change it, in order.
 */
describe('Git Flow view and commands in the extension host', function () {
  this.timeout(60_000);
  let api: SlipwayApi;
  let root: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
  const labels = async (nodes: FlowNode[]) => nodes.map((n) => String(api.gitFlow!.view.getTreeItem(n).label));

  before(async () => {
    const extension = vscode.extensions.getExtension<SlipwayApi>('slipway.slipway');
    assert.ok(extension, 'slipway.slipway is not loaded');
    api = await extension.activate();
    assert.ok(api.gitFlow, 'the extension exposes no gitFlow API');
    root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  });

  it('shows nothing (so the welcome view offers Initialize Git Flow) while the repository has no git-flow config', async () => {
    await api.gitFlow!.refresh();
    assert.deepEqual(await api.gitFlow!.view.getChildren(), []);
  });

  it('Initialize Git Flow with arguments writes the AVH config without prompting', async () => {
    const outcome = await vscode.commands.executeCommand<FlowOutcome>('slipway.flow.init', { defaults: true, folder: root });
    assert.ok(outcome, 'slipway.flow.init returned nothing (see the notification for its error)');
    assert.equal(git('config', 'gitflow.branch.develop').trim(), 'develop');
    assert.equal(git('config', 'gitflow.prefix.feature').trim(), 'feature/');
    assert.equal(git('symbolic-ref', '--short', 'HEAD').trim(), 'develop');
  });

  it('lists the five groups and the branches of each, the current one marked', async () => {
    await vscode.commands.executeCommand('slipway.flow.feature.start', 'login', undefined, { folder: root });
    git('branch', 'feature/logout', 'develop');
    await api.gitFlow!.refresh();
    const groups = await api.gitFlow!.view.getChildren();
    assert.deepEqual(await labels(groups), ['Features', 'Bugfixes', 'Releases', 'Hotfixes', 'Support']);
    const features = await api.gitFlow!.view.getChildren(groups[0]);
    assert.deepEqual(await labels(features), ['login', 'logout']);
    const login = api.gitFlow!.view.getTreeItem(features[0]!);
    assert.match(String(login.description), /current/);
    assert.equal(login.contextValue, 'gitflowBranch.feature.current.local');
    assert.equal(api.gitFlow!.view.getTreeItem(features[1]!).contextValue, 'gitflowBranch.feature.other.local');
    await vscode.commands.executeCommand('slipway.gitflow.focus');
    await new Promise((r) => setTimeout(r, 1000)); // let the view render the refreshed groups before the picture
    await takeScreenshot('gitflow-view');
  });

  it('finishing a feature through its command merges it into develop, deletes it and updates the view', async () => {
    writeFileSync(join(root, 'login.go'), 'package main\n');
    git('add', 'login.go');
    git('commit', '-q', '-m', 'Add login');
    const tip = git('rev-parse', 'HEAD').trim();
    const outcome = await vscode.commands.executeCommand<FlowOutcome>('slipway.flow.feature.finish', 'login', { folder: root });
    assert.ok(outcome, 'slipway.flow.feature.finish returned nothing (see the notification for its error)');
    assert.equal(outcome.currentBranch, 'develop');
    assert.equal(git('rev-parse', 'develop').trim(), tip);
    assert.equal(git('symbolic-ref', '--short', 'HEAD').trim(), 'develop');
    assert.equal(git('branch', '--list', 'feature/login').trim(), '');
    const groups = await api.gitFlow!.view.getChildren();
    assert.deepEqual(await labels(await api.gitFlow!.view.getChildren(groups[0])), ['logout']);
  });

  it('refreshes by itself when git changes the branches behind its back', async () => {
    git('branch', 'feature/from-terminal', 'develop');
    const seen = async () => (await api.gitFlow!.repos()[0]!.get())?.branches.some((b) => b.branch === 'feature/from-terminal');
    const deadline = Date.now() + 10_000;
    while (!(await seen()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.equal(await seen(), true, 'the view did not pick up a branch created with git');
    git('branch', '-D', 'feature/from-terminal');
  });

  it('a conflicting finish returns the conflicted files, and Abort Finish puts the repository back', async () => {
    await vscode.commands.executeCommand('slipway.flow.feature.start', 'clash', undefined, { folder: root });
    writeFileSync(join(root, 'README.md'), 'feature text\n');
    git('commit', '-qam', 'Feature edits README');
    git('checkout', '-q', 'develop');
    writeFileSync(join(root, 'README.md'), 'develop text\n');
    git('commit', '-qam', 'Develop edits README');
    git('checkout', '-q', 'feature/clash');
    const before = git('for-each-ref', '--format=%(refname) %(objectname)') + git('symbolic-ref', 'HEAD');
    const stopped = await vscode.commands.executeCommand<{ conflict: string[] }>('slipway.flow.feature.finish', 'clash', { folder: root });
    assert.deepEqual(stopped?.conflict, ['README.md']);
    await api.gitFlow!.refresh();
    assert.equal(api.gitFlow!.repos()[0]!.overview?.finishInProgress?.branch, 'feature/clash');
    await vscode.commands.executeCommand('slipway.flow.finish.abort', { folder: root });
    assert.equal(git('for-each-ref', '--format=%(refname) %(objectname)') + git('symbolic-ref', 'HEAD'), before);
    assert.equal(git('status', '--porcelain', '--untracked-files=no'), '');
    git('checkout', '-q', 'develop');
    await vscode.commands.executeCommand('slipway.flow.delete', 'clash', { folder: root, type: 'feature', force: true });
  });

  it('Delete from the view never deletes an unmerged branch when called with a name (no -f)', async () => {
    await vscode.commands.executeCommand('slipway.flow.feature.start', 'risky', undefined, { folder: root });
    writeFileSync(join(root, 'risky.go'), 'package main\n');
    git('add', 'risky.go');
    git('commit', '-q', '-m', 'Risky work');
    const result = await vscode.commands.executeCommand('slipway.flow.delete', 'risky', { folder: root, type: 'feature' });
    assert.equal(result, undefined);
    assert.notEqual(git('branch', '--list', 'feature/risky').trim(), '');
    git('checkout', '-q', 'develop');
    await vscode.commands.executeCommand('slipway.flow.delete', 'risky', { folder: root, type: 'feature', force: true });
    assert.equal(git('branch', '--list', 'feature/risky').trim(), '');
  });

  it('every git command Slipway runs shows in the Slipway output channel, and each action ends with a message', async () => {
    await vscode.commands.executeCommand('slipway.flow.feature.start', 'visible', undefined, { folder: root });
    const lines = api.outputLines();
    assert.ok(
      lines.some((l) => /^git checkout -q -b feature\/visible develop {2}\(exit 0, \d+ ms\)$/.test(l)),
      `no log line for the checkout in:\n${lines.slice(-15).join('\n')}`,
    );
    assert.ok(lines.some((l) => /^git config --local gitflow\.branch\.feature\/visible\.base develop {2}\(exit 0/.test(l)));
    assert.ok(lines.some((l) => l.startsWith('feature start in ')), 'the action summary is in the channel too');
    assert.match(api.gitFlow!.messages().at(-1) ?? '', /^Git Flow: A new branch 'feature\/visible' was created, based on 'develop'/);
  });

  it('the status bar item offers the git-flow action at hand, not the branch name the built-in git item shows', async () => {
    await api.gitFlow!.refresh();
    assert.deepEqual(api.gitFlow!.statusBar(), { text: '$(git-merge) Finish feature visible', command: 'slipway.flow.finish' });
    git('checkout', '-q', 'develop');
    await api.gitFlow!.refresh();
    assert.deepEqual(api.gitFlow!.statusBar(), { text: '$(add) Git Flow: Start…', command: 'slipway.flow.quickAction' });
    git('checkout', '-q', 'feature/visible');
    await api.gitFlow!.refresh();
  });

  it('Preview Finish gives the plan with the predicted conflicts; the view shows ahead/behind against the base', async () => {
    writeFileSync(join(root, 'shared.txt'), 'feature\n');
    git('add', 'shared.txt');
    git('commit', '-q', '-m', 'Feature adds shared.txt');
    git('checkout', '-q', 'develop');
    writeFileSync(join(root, 'shared.txt'), 'develop\n');
    git('add', 'shared.txt');
    git('commit', '-q', '-m', 'Develop adds shared.txt');
    git('checkout', '-q', 'feature/visible');
    const before = git('for-each-ref', '--format=%(refname) %(objectname)') + git('status', '--porcelain');
    const plan = await vscode.commands.executeCommand<{ text: string; conflicts: { files: string[] }[] }>('slipway.flow.finish.preview', 'visible', { folder: root, type: 'feature' });
    assert.ok(plan, 'no plan (see the notification for its error)');
    assert.deepEqual(plan.conflicts.map((c) => c.files), [['shared.txt']]);
    assert.match(plan.text, /1\. check out develop\n2\. merge feature\/visible into develop \(no-ff\)/);
    assert.match(plan.text, /Conflicts merging 'feature\/visible' into 'develop': shared\.txt/);
    assert.equal(git('for-each-ref', '--format=%(refname) %(objectname)') + git('status', '--porcelain'), before, 'the preview changed the repository');
    await api.gitFlow!.refresh();
    const groups = await api.gitFlow!.view.getChildren();
    const features = await api.gitFlow!.view.getChildren(groups[0]);
    const visible = features.find((n) => n.kind === 'branch' && n.branch.name === 'visible')!;
    const item = api.gitFlow!.view.getTreeItem(visible);
    assert.match(String(item.description), /^↑1 ↓1 · current/);
    assert.match(String(item.tooltip), /1 commit ahead of develop, 1 commit behind develop/);
    git('checkout', '-q', 'develop');
    await vscode.commands.executeCommand('slipway.flow.delete', 'visible', { folder: root, type: 'feature', force: true });
  });

  it('Update from Base merges develop\'s new commits into a feature and says so', async () => {
    await vscode.commands.executeCommand('slipway.flow.feature.start', 'catchup', undefined, { folder: root });
    writeFileSync(join(root, 'catchup.txt'), 'feature\n');
    git('add', 'catchup.txt');
    git('commit', '-q', '-m', 'Feature work');
    git('checkout', '-q', 'develop');
    writeFileSync(join(root, 'catchup-base.txt'), 'new on develop for catchup\n');
    git('add', 'catchup-base.txt');
    git('commit', '-q', '-m', 'Develop moves on (catchup)');
    const outcome = await vscode.commands.executeCommand<FlowOutcome>('slipway.flow.update', 'catchup', { folder: root, type: 'feature' });
    assert.ok(outcome, 'slipway.flow.update returned nothing (see the notification for its error)');
    assert.equal(git('symbolic-ref', '--short', 'HEAD').trim(), 'feature/catchup');
    assert.equal(git('merge-base', '--is-ancestor', 'develop', 'feature/catchup'), '');
    assert.match(api.gitFlow!.messages().at(-1) ?? '', /^Git Flow: 'develop' was merged into 'feature\/catchup'/);
    const catchup = (await api.gitFlow!.repos()[0]!.get())?.branches.find((b) => b.name === 'catchup');
    assert.deepEqual([catchup?.ahead, catchup?.behind], [2, 0]);
    git('checkout', '-q', 'develop');
    await vscode.commands.executeCommand('slipway.flow.delete', 'catchup', { folder: root, type: 'feature', force: true });
  });
});
