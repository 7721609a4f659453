import * as vscode from 'vscode';
import type { FlowRepoModel } from './repoModel';

const TYPE_LABEL = { feature: 'feature', bugfix: 'bugfix', release: 'release', hotfix: 'hotfix', support: 'support' } as const;

/** The git-flow action at hand in the active repository (finish the current branch, continue a stopped one, start one). */
export class FlowStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('slipway.gitflow.status', vscode.StatusBarAlignment.Left, 90);
  private visible = false;

  constructor(private readonly activeRepo: () => FlowRepoModel | undefined) {
    this.item.name = 'Slipway Git Flow';
  }

  update(): void {
    const repo = this.activeRepo();
    const o = repo?.overview;
    if (!repo || !o?.initialized) {
      this.item.hide();
      this.visible = false;
      return;
    }
    const current = o.branches.find((b) => b.current);
    // The built-in git item already shows the branch: this one shows the git-flow action at hand.
    const folder = { folder: repo.root };
    if (o.finishInProgress) {
      const what = o.finishInProgress.operation === 'update' ? 'update' : 'finish';
      this.item.text = `$(warning) Continue ${what} of ${o.finishInProgress.name}`;
      this.item.tooltip = `Git Flow: the ${what} of ${o.finishInProgress.branch} stopped on conflicts. Resolve them, then click to continue or abort.`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.item.command = { title: 'Git Flow Actions', command: 'slipway.flow.quickAction', arguments: [folder] };
    } else if (current && current.type !== 'support') {
      this.item.text = `$(git-merge) Finish ${TYPE_LABEL[current.type]} ${current.name}`;
      this.item.tooltip = `Git Flow: finish ${current.branch} (the plan is shown first)${current.behind ? `; ${current.behind} new commit${current.behind === 1 ? '' : 's'} on its base` : ''}`;
      this.item.backgroundColor = undefined;
      this.item.command = { title: 'Finish', command: 'slipway.flow.finish', arguments: [{ kind: 'branch', repo, branch: current }] };
    } else {
      this.item.text = '$(add) Git Flow: Start…';
      this.item.tooltip = 'Git Flow: start a feature, bugfix, release or hotfix';
      this.item.backgroundColor = undefined;
      this.item.command = { title: 'Git Flow Actions', command: 'slipway.flow.quickAction', arguments: [folder] };
    }
    this.item.show();
    this.visible = true;
  }

  /** What the item shows now (undefined when hidden): for tests and scripts, which cannot read the status bar. */
  snapshot(): { readonly text: string; readonly command: string | undefined } | undefined {
    if (!this.visible) return undefined;
    const command = this.item.command;
    return { text: this.item.text, command: typeof command === 'string' ? command : command?.command };
  }

  dispose(): void {
    this.item.dispose();
  }
}
