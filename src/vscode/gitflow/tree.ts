import * as vscode from 'vscode';
import type { FlowBranch } from '../../core/gitflow/engine';
import { FLOW_TYPES, type FlowType } from '../../core/gitflow/types';
import type { FlowRepoModel } from './repoModel';

const GROUP_LABELS: Record<FlowType, string> = {
  feature: 'Features',
  bugfix: 'Bugfixes',
  release: 'Releases',
  hotfix: 'Hotfixes',
  support: 'Support',
};

/** A repository (shown as its own level only in multi-root workspaces). */
export interface RepoNode {
  readonly kind: 'repo';
  readonly repo: FlowRepoModel;
}
/** Features, Bugfixes, … of one repository. */
export interface GroupNode {
  readonly kind: 'group';
  readonly repo: FlowRepoModel;
  readonly type: FlowType;
}
export interface BranchNode {
  readonly kind: 'branch';
  readonly repo: FlowRepoModel;
  readonly branch: FlowBranch;
}
export type FlowNode = RepoNode | GroupNode | BranchNode;

export function isFlowNode(value: unknown): value is FlowNode {
  const kind = (value as { kind?: unknown } | undefined)?.kind;
  return typeof value === 'object' && value !== null && (kind === 'repo' || kind === 'group' || kind === 'branch') && 'repo' in value;
}

/** The *Git Flow* view: repositories → groups → branches, current branch marked, inline actions by contextValue. */
export class GitFlowTreeProvider implements vscode.TreeDataProvider<FlowNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FlowNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly repos: () => readonly FlowRepoModel[]) {}

  /** Tells the view to ask again (the models already hold fresh data). */
  fire(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: FlowNode): Promise<FlowNode[]> {
    if (!node) {
      const repos = this.repos();
      if (repos.length === 1) return this.groupsOf(repos[0]!);
      // Multi-root: every repository is listed; one without git-flow shows as such (with an inline Initialize).
      await Promise.all(repos.map((r) => r.get()));
      return repos.filter((r) => r.overview !== undefined).map((repo) => ({ kind: 'repo', repo }));
    }
    if (node.kind === 'repo') return this.groupsOf(node.repo);
    if (node.kind === 'group') {
      const o = await node.repo.get();
      return (o?.branches ?? []).filter((b) => b.type === node.type).map((branch) => ({ kind: 'branch', repo: node.repo, branch }));
    }
    return [];
  }

  /** Empty when the repository is not initialised, so the welcome view (Initialize Git Flow) shows instead. */
  private async groupsOf(repo: FlowRepoModel): Promise<FlowNode[]> {
    const o = await repo.get();
    if (!o?.initialized) return [];
    return FLOW_TYPES.map((type) => ({ kind: 'group', repo, type }));
  }

  getTreeItem(node: FlowNode): vscode.TreeItem {
    switch (node.kind) {
      case 'repo': {
        const o = node.repo.overview;
        const item = new vscode.TreeItem(node.repo.label, o?.initialized ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.id = `repo:${node.repo.root}`;
        item.iconPath = new vscode.ThemeIcon('repo');
        item.description = o?.initialized ? o.currentBranch : 'git-flow not initialised';
        item.contextValue = o?.initialized ? 'gitflowRepo' : 'gitflowRepoUninitialized';
        item.tooltip = node.repo.root;
        return item;
      }
      case 'group': {
        const count = node.repo.overview?.branches.filter((b) => b.type === node.type).length ?? 0;
        const item = new vscode.TreeItem(GROUP_LABELS[node.type], count > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        // VS Code keeps an item's expansion by id: a group that gains its first branch gets a new id, so it opens.
        item.id = `group:${node.repo.root}:${node.type}:${count > 0 ? 'branches' : 'empty'}`;
        item.description = count > 0 ? String(count) : undefined;
        item.iconPath = new vscode.ThemeIcon(node.type === 'release' ? 'tag' : node.type === 'hotfix' ? 'flame' : node.type === 'support' ? 'history' : node.type === 'bugfix' ? 'bug' : 'beaker');
        item.contextValue = `gitflowGroup.${node.type}`;
        return item;
      }
      case 'branch': {
        const b = node.branch;
        const item = new vscode.TreeItem(b.name, vscode.TreeItemCollapsibleState.None);
        item.id = `branch:${node.repo.root}:${b.branch}`;
        item.iconPath = new vscode.ThemeIcon(b.current ? 'check' : 'git-branch');
        const counts = b.ahead !== undefined && b.behind !== undefined && (b.ahead > 0 || b.behind > 0) ? `↑${b.ahead} ↓${b.behind}` : undefined;
        item.description = [counts, b.current ? 'current' : undefined, b.published ? 'published' : undefined].filter(Boolean).join(' · ') || undefined;
        item.tooltip = [
          `${b.branch} (${b.sha.slice(0, 8)})${b.base ? `, based on ${b.base}` : ''}`,
          ...(b.ahead !== undefined && b.behind !== undefined ? [aheadBehindText(b.ahead, b.behind, b.base ?? 'its base')] : []),
        ].join('\n');
        // Markers the menus match on: type, current/other, published/local.
        item.contextValue = `gitflowBranch.${b.type}.${b.current ? 'current' : 'other'}.${b.published ? 'published' : 'local'}`;
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** "2 commits ahead of develop, 1 behind" (what the ↑/↓ counts mean). */
export function aheadBehindText(ahead: number, behind: number, base: string): string {
  if (ahead === 0 && behind === 0) return `Even with ${base}`;
  const n = (k: number) => `${k} commit${k === 1 ? '' : 's'}`;
  return [ahead > 0 ? `${n(ahead)} ahead of ${base}` : undefined, behind > 0 ? `${n(behind)} behind ${base} (Update brings them in)` : undefined]
    .filter(Boolean)
    .join(', ');
}
