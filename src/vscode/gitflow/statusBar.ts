import * as vscode from 'vscode';
import type { FlowRepoModel } from './repoModel';

const TYPE_LABEL = { feature: 'feature', bugfix: 'bugfix', release: 'release', hotfix: 'hotfix', support: 'support' } as const;

/** The current flow branch of the active repository, with its quick actions one click away. */
export class FlowStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('slipway.gitflow.status', vscode.StatusBarAlignment.Left, 90);

  constructor(private readonly activeRepo: () => FlowRepoModel | undefined) {
    this.item.name = 'Slipway Git Flow';
  }

  update(): void {
    const repo = this.activeRepo();
    const o = repo?.overview;
    if (!repo || !o?.initialized) {
      this.item.hide();
      return;
    }
    const current = o.branches.find((b) => b.current);
    if (o.finishInProgress) {
      this.item.text = `$(warning) Finishing ${o.finishInProgress.branch}`;
      this.item.tooltip = 'Git Flow: a finish stopped on a merge conflict. Click to continue or abort.';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else {
      this.item.text = current ? `$(git-branch) ${TYPE_LABEL[current.type]}: ${current.name}` : `$(git-branch) ${o.currentBranch ?? 'detached'}`;
      this.item.tooltip = current ? `Git Flow: ${current.branch}. Click to finish, publish or start another.` : 'Git Flow: click to start a feature, release or hotfix.';
      this.item.backgroundColor = undefined;
    }
    this.item.command = { title: 'Git Flow Actions', command: 'slipway.flow.quickAction', arguments: [{ folder: repo.root }] };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
