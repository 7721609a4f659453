import * as vscode from 'vscode';
import type { GitFlowEngine } from '../../core/gitflow/engine';
import { registerFlowCommands } from './commands';
import { FlowRepoModel } from './repoModel';
import { FlowStatusBar } from './statusBar';
import { GitFlowTreeProvider } from './tree';

export interface GitFlowServices {
  /** The engine for a repository directory (core over the git adapter). */
  readonly engineFor: (root: string) => GitFlowEngine;
  /** The repository's git directory, watched for branch and config changes. */
  readonly gitDirFor: (root: string) => string | undefined;
  /** Appends lines to the Slipway output channel. */
  readonly log: (lines: readonly string[]) => void;
}

/** What the extension exposes of Git Flow (tests read the view through it). */
export interface GitFlowApi {
  readonly view: GitFlowTreeProvider;
  readonly repos: () => readonly FlowRepoModel[];
  readonly refresh: () => Promise<void>;
  /** The messages git-flow actions ended with, newest last (the last 20). */
  readonly messages: () => readonly string[];
  /** What the status bar item shows (undefined when hidden). */
  readonly statusBar: () => { readonly text: string; readonly command: string | undefined } | undefined;
}

const REFRESH_DELAY_MS = 250;

/** The *Git Flow* view, its commands, the status bar item, and refresh on git state changes. */
export function activateGitFlow(context: vscode.ExtensionContext, services: GitFlowServices): GitFlowApi {
  let models: FlowRepoModel[] = [];
  const messages: string[] = [];
  let watchers: vscode.Disposable[] = [];
  const timers = new Map<FlowRepoModel, NodeJS.Timeout>();

  const tree = new GitFlowTreeProvider(() => models);
  const status = new FlowStatusBar(() => activeRepo());
  context.subscriptions.push(tree, status, vscode.window.registerTreeDataProvider('slipway.gitflow', tree));

  const activeRepo = (): FlowRepoModel | undefined => {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
    return models.find((m) => m.root === folder?.uri.fsPath) ?? models.find((m) => m.overview?.initialized) ?? models[0];
  };

  const updateUi = (): void => {
    const initialized = models.some((m) => m.overview?.initialized);
    void vscode.commands.executeCommand('setContext', 'slipway.gitflow.initialized', initialized);
    void vscode.commands.executeCommand('setContext', 'slipway.gitflow.finishInProgress', models.some((m) => m.overview?.finishInProgress));
    tree.fire();
    status.update();
  };

  const refresh = async (repo?: FlowRepoModel): Promise<void> => {
    await Promise.all((repo ? [repo] : models).map((m) => m.refresh()));
  };

  /** Git touches several files per operation; one refresh after they settle. */
  const scheduleRefresh = (repo: FlowRepoModel): void => {
    clearTimeout(timers.get(repo));
    timers.set(repo, setTimeout(() => void repo.refresh(), REFRESH_DELAY_MS));
  };

  const rebuild = (): void => {
    for (const w of watchers) w.dispose();
    watchers = [];
    models = (vscode.workspace.workspaceFolders ?? []).map((f) => new FlowRepoModel(f.uri.fsPath, f.name, services.engineFor(f.uri.fsPath)));
    for (const m of models) {
      watchers.push(m.onDidChange(updateUi));
      const gitDir = services.gitDirFor(m.root);
      if (!gitDir) continue;
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(gitDir), '{HEAD,config,packed-refs,refs/**,slipway/*.json}'));
      const onChange = () => scheduleRefresh(m);
      watchers.push(watcher, watcher.onDidChange(onChange), watcher.onDidCreate(onChange), watcher.onDidDelete(onChange));
    }
    void refresh();
  };

  registerFlowCommands(context, {
    repos: () => models,
    repoFor: (root) => models.find((m) => m.root === root) ?? models.find((m) => root.startsWith(m.root + '/')),
    refresh,
    report: (text, detail) => {
      messages.push(text);
      if (messages.length > 20) messages.shift();
      services.log(detail);
    },
  });
  context.subscriptions.push(
    vscode.workspace.onDidChangeWorkspaceFolders(rebuild),
    vscode.window.onDidChangeActiveTextEditor(() => status.update()),
    { dispose: () => watchers.forEach((w) => w.dispose()) },
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  rebuild();
  return { view: tree, repos: () => models, refresh: () => refresh(), messages: () => [...messages], statusBar: () => status.snapshot() };
}
