import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SlipwayApi } from '../../src/extension';
import type { FlowNode } from '../../src/vscode/gitflow/tree';
import { workbench } from './support/workbench';

/**
 * The git-flow commands gitflow.test.ts does not run, each reached as a user reaches it: a tree item of the Git Flow
 * view (Publish, Checkout, Finish), the palette with its quick pick and input box typed into (Start…, Actions…), or
 * its arguments (the rest). Runs after gitflow.test.ts on the same repository: git-flow initialised, on develop,
 * feature/logout present. Every effect is checked with git.
 */
describe('Git Flow: every command in the extension host', function () {
  this.timeout(120_000);
  let api: SlipwayApi;
  let root: string;
  let remote: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  const commit = (file: string, text: string, message: string) => {
    writeFileSync(join(root, file), text);
    git('add', file);
    git('commit', '-q', '-m', message);
  };
  /** The tree item of a branch, as the view gives it to an inline action. */
  async function branchNode(group: string, label: string): Promise<FlowNode> {
    await api.gitFlow!.refresh();
    const groups = await api.gitFlow!.view.getChildren();
    const g = groups.find((n) => String(api.gitFlow!.view.getTreeItem(n).label) === group);
    assert.ok(g, `no group ${group}`);
    const b = (await api.gitFlow!.view.getChildren(g)).find((n) => String(api.gitFlow!.view.getTreeItem(n).label) === label);
    assert.ok(b, `no ${label} under ${group}`);
    return b;
  }

  before(async () => {
    api = await vscode.extensions.getExtension<SlipwayApi>('slipway.slipway')!.activate();
    root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    remote = mkdtempSync(join(tmpdir(), 'slipway-remote-'));
    execFileSync('git', ['init', '-q', '--bare', remote]);
    git('remote', 'add', 'origin', remote);
    git('push', '-q', 'origin', 'master', 'develop');
    git('checkout', '-q', 'develop');
  });
  after(() => rmSync(remote, { recursive: true, force: true }));

  it('Checkout (inline on a branch) switches to it', async () => {
    const node = await branchNode('Features', 'logout');
    assert.match(api.gitFlow!.view.getTreeItem(node).contextValue ?? '', /\.other\./);
    await vscode.commands.executeCommand('slipway.flow.checkout', node);
    assert.equal(git('symbolic-ref', '--short', 'HEAD'), 'feature/logout');
  });

  it('Publish (inline on a local branch) pushes it to origin with upstream', async () => {
    const node = await branchNode('Features', 'logout');
    await vscode.commands.executeCommand('slipway.flow.publish', node);
    assert.notEqual(execFileSync('git', ['ls-remote', remote, 'refs/heads/feature/logout'], { encoding: 'utf8' }).trim(), '');
    assert.equal(git('rev-parse', '--abbrev-ref', 'feature/logout@{upstream}'), 'origin/feature/logout');
  });

  it('Track Remote Feature creates the local branch of a feature that only the remote has', async () => {
    git('push', '-q', 'origin', 'develop:refs/heads/feature/remote-only');
    await vscode.commands.executeCommand('slipway.flow.track', 'remote-only', { folder: root, type: 'feature' });
    assert.equal(git('symbolic-ref', '--short', 'HEAD'), 'feature/remote-only');
    assert.equal(git('rev-parse', '--abbrev-ref', 'feature/remote-only@{upstream}'), 'origin/feature/remote-only');
    git('checkout', '-q', 'develop');
  });

  it('Start… from the palette: pick the type, type the name (Bugfix); Finish (the current branch) merges it', async () => {
    const starting = vscode.commands.executeCommand('slipway.flow.start');
    await workbench.waitVisible('input');
    await workbench.type('Start Bugfix');
    await workbench.press('Enter');
    await workbench.waitVisible('input');
    assert.match(await workbench.text('inputTitle'), /Start Bugfix/);
    await workbench.type('typo');
    await workbench.press('Enter');
    await starting;
    assert.equal(git('symbolic-ref', '--short', 'HEAD'), 'bugfix/typo');
    commit('typo.txt', 'fixed\n', 'Fix typo');
    const tip = git('rev-parse', 'HEAD');
    // By name: from its tree item, Finish first shows its plan in a modal, which the test host refuses to open.
    await vscode.commands.executeCommand('slipway.flow.finish', 'typo', { folder: root });
    assert.equal(git('rev-parse', 'develop'), tip);
    assert.equal(git('branch', '--list', 'bugfix/typo'), '');
  });

  it('Start Bugfix / Finish Bugfix by name', async () => {
    await vscode.commands.executeCommand('slipway.flow.bugfix.start', 'crash', undefined, { folder: root });
    commit('crash.txt', 'fixed\n', 'Fix crash');
    const tip = git('rev-parse', 'HEAD');
    await vscode.commands.executeCommand('slipway.flow.bugfix.finish', 'crash', { folder: root });
    assert.equal(git('rev-parse', 'develop'), tip);
  });

  it('Start Release / Finish Release merges into master and develop and tags it', async () => {
    await vscode.commands.executeCommand('slipway.flow.release.start', '1.0.0', undefined, { folder: root });
    assert.equal(git('symbolic-ref', '--short', 'HEAD'), 'release/1.0.0');
    commit('VERSION', '1.0.0\n', 'Version 1.0.0');
    await vscode.commands.executeCommand('slipway.flow.release.finish', '1.0.0', { folder: root, message: 'Release 1.0.0' });
    assert.equal(git('tag', '--list', '1.0.0'), '1.0.0');
    assert.equal(git('cat-file', '-p', '1.0.0').split('\n').slice(-1)[0], 'Release 1.0.0');
    execFileSync('git', ['merge-base', '--is-ancestor', '1.0.0', 'develop'], { cwd: root }); // throws unless back-merged
    assert.equal(git('rev-parse', 'master^{commit}'), git('rev-parse', '1.0.0^{commit}'));
  });

  it('Start Hotfix / Finish Hotfix tags master and back-merges into develop', async () => {
    await vscode.commands.executeCommand('slipway.flow.hotfix.start', '1.0.1', undefined, { folder: root });
    commit('VERSION', '1.0.1\n', 'Version 1.0.1');
    await vscode.commands.executeCommand('slipway.flow.hotfix.finish', '1.0.1', { folder: root, message: 'Hotfix 1.0.1' });
    assert.equal(git('rev-parse', 'master^{commit}'), git('rev-parse', '1.0.1^{commit}'));
    execFileSync('git', ['merge-base', '--is-ancestor', '1.0.1', 'develop'], { cwd: root }); // throws unless back-merged
  });

  it('Start Support from a release tag', async () => {
    await vscode.commands.executeCommand('slipway.flow.support.start', '1.x', '1.0.0', { folder: root });
    assert.equal(git('rev-parse', 'support/1.x'), git('rev-parse', '1.0.0^{commit}'));
    git('checkout', '-q', 'develop');
  });

  it('a conflicting finish stops; resolving and Continue Finish completes it', async () => {
    await vscode.commands.executeCommand('slipway.flow.feature.start', 'merge-me', undefined, { folder: root });
    commit('README.md', 'feature side\n', 'Feature edits README');
    git('checkout', '-q', 'develop');
    commit('README.md', 'develop side\n', 'Develop edits README');
    git('checkout', '-q', 'feature/merge-me');
    const stopped = await vscode.commands.executeCommand<{ conflict: string[] }>('slipway.flow.feature.finish', 'merge-me', { folder: root });
    assert.deepEqual(stopped?.conflict, ['README.md']);
    writeFileSync(join(root, 'README.md'), 'both sides\n');
    git('add', 'README.md');
    await vscode.commands.executeCommand('slipway.flow.finish.continue', { folder: root });
    assert.equal(git('symbolic-ref', '--short', 'HEAD'), 'develop');
    assert.equal(git('show', 'develop:README.md'), 'both sides');
    assert.equal(git('branch', '--list', 'feature/merge-me'), '');
  });

  it('Update from Base (on its tree item) brings develop\'s new commits into a feature', async () => {
    await vscode.commands.executeCommand('slipway.flow.feature.start', 'behind', undefined, { folder: root });
    commit('behind.txt', 'work\n', 'Feature work');
    git('checkout', '-q', 'develop');
    commit('develop-news.txt', 'news\n', 'News on develop');
    const news = git('rev-parse', 'develop');
    await vscode.commands.executeCommand('slipway.flow.update', await branchNode('Features', 'behind'));
    execFileSync('git', ['merge-base', '--is-ancestor', news, 'feature/behind'], { cwd: root }); // throws unless updated
  });

  it('Preview Finish (on its tree item) shows what the finish would do and changes nothing', async () => {
    const refs = () => git('for-each-ref', '--format=%(refname) %(objectname)') + git('symbolic-ref', 'HEAD');
    const before = refs();
    const preview = await vscode.commands.executeCommand<{ text: string }>('slipway.flow.finish.preview', await branchNode('Features', 'behind'));
    assert.ok(preview?.text, 'no preview returned');
    assert.match(vscode.window.activeTextEditor?.document.getText() ?? '', /^Finishing feature\/behind would:/);
    assert.equal(refs(), before, 'a preview changed the repository');
    // The plan is an untitled document: closed without a save prompt (the test host refuses dialogs).
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    git('checkout', '-q', 'develop');
  });

  it('Actions… (status bar quick pick): Start Feature, typed name', async () => {
    const acting = vscode.commands.executeCommand('slipway.flow.quickAction', { folder: root });
    await workbench.waitVisible('input');
    await workbench.type('Start Feature');
    await workbench.press('Enter');
    await workbench.waitVisible('input');
    await workbench.type('from-actions');
    await workbench.press('Enter');
    await acting;
    await waitUntil(() => git('symbolic-ref', '--short', 'HEAD') === 'feature/from-actions', 'feature/from-actions to be checked out');
    git('checkout', '-q', 'develop');
  });

  it('Refresh Git Flow re-reads the repository', async () => {
    git('branch', 'hotfix/9.9.9', 'master');
    await vscode.commands.executeCommand('slipway.flow.refresh');
    const node = await branchNode('Hotfixes', '9.9.9');
    assert.ok(node);
    git('branch', '-D', 'hotfix/9.9.9');
  });
});

async function waitUntil(ok: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
