/**
 * The Swarm Clusters view: `activateSwarm` wires the model (watchers per cluster), the tree and the commands.
 * Clusters come from slipway.yml `clusters:` of the first workspace folder that has one, and the `slipway.clusters`
 * setting (the setting wins for a name in both). Watching starts when the view is first shown or a command runs.
 */
import * as vscode from 'vscode';
import { toSlipwayError } from '../../core/errors';
import { mergeClusters } from '../../core/swarm/clusters';
import type { ClusterTarget } from '../../core/swarm/model';
import { showError } from '../common/commands';
import { ClustersModel } from './clustersModel';
import { registerSwarmCommands } from './commands';
import { registerStackCommands } from './stackCommands';
import type { SwarmServices } from './services';
import { ClustersTreeProvider } from './treeProvider';

export type { SwarmServices };

/** What other parts of the editor may ask of the Swarm view. */
export interface SwarmView {
  /** Pending promotions changed (approved, dismissed, listed): show the stacks' markers as they are now. */
  readonly pendingChanged: () => Promise<void>;
}

export function activateSwarm(context: vscode.ExtensionContext, services: SwarmServices): SwarmView {
  const model = new ClustersModel(services);
  let started = false;
  let loading: Promise<void> | undefined;

  async function loadClusters(): Promise<void> {
    const lists: ClusterTarget[][] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      try {
        const found = await services.clustersFromWorkspace(folder.uri.fsPath);
        if (found.length > 0) {
          lists.push(found);
          break;
        }
      } catch (e) {
        void showError(e);
      }
    }
    try {
      lists.push(services.clustersFromSettings(vscode.workspace.getConfiguration('slipway').get('clusters')));
    } catch (e) {
      void vscode.window.showErrorMessage(`Slipway: ${toSlipwayError(e).userMessage}`);
    }
    model.setClusters(mergeClusters(...lists));
  }

  const ensureStarted = (): Promise<void> => {
    if (!started) {
      started = true;
      loading = loadClusters();
    }
    return loading ?? Promise.resolve();
  };
  const provider = new ClustersTreeProvider(model, () => void ensureStarted());
  const view = vscode.window.createTreeView('slipway.clusters', { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(model, provider, view);
  context.subscriptions.push(
    view.onDidChangeVisibility((e) => {
      if (e.visible) void ensureStarted();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (started && e.affectsConfiguration('slipway.clusters')) loading = loadClusters();
    }),
  );
  const watcher = vscode.workspace.createFileSystemWatcher('**/slipway.yml');
  const reload = (): void => {
    if (started) loading = loadClusters();
  };
  context.subscriptions.push(watcher, watcher.onDidChange(reload), watcher.onDidCreate(reload), watcher.onDidDelete(reload));

  registerSwarmCommands(context, model, services, ensureStarted);
  registerStackCommands(context, model, services, ensureStarted);
  return { pendingChanged: () => (started ? model.reloadPending() : Promise.resolve()) };
}
