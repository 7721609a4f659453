/** Maps the core tree model to VS Code tree items; nothing else. */
import * as vscode from 'vscode';
import type { TreeNodeModel } from '../../core/swarm/tree';
import type { ClustersModel } from './clustersModel';

function icon(spec: string): vscode.ThemeIcon {
  const [id, color] = spec.split(':');
  return new vscode.ThemeIcon(id!, color ? new vscode.ThemeColor(color) : undefined);
}

const COLLAPSE = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

export class ClustersTreeProvider implements vscode.TreeDataProvider<TreeNodeModel>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNodeModel | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly model: ClustersModel,
    private readonly onFirstLook: () => void,
  ) {
    this.subscription = model.onDidChange(() => this.changed.fire(undefined));
  }

  getTreeItem(node: TreeNodeModel): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, COLLAPSE[node.collapsible]);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.contextValue;
    item.iconPath = icon(node.icon);
    return item;
  }

  getChildren(node?: TreeNodeModel): TreeNodeModel[] {
    this.onFirstLook();
    return [...(node ? node.children : this.model.roots)];
  }

  getParent(node: TreeNodeModel): TreeNodeModel | undefined {
    const walk = (list: readonly TreeNodeModel[], parent: TreeNodeModel | undefined): TreeNodeModel | undefined => {
      for (const n of list) {
        if (n.id === node.id) return parent;
        const hit = walk(n.children, n);
        if (hit) return hit;
      }
      return undefined;
    };
    return walk(this.model.roots, undefined);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
