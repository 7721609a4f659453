import * as vscode from 'vscode';
import { confirmClusterChange } from '../common/confirmChange';
import { SlipwayError } from '../../core/errors';
import {
  APPROVAL_STAGE,
  applyEvent,
  newRunView,
  pipelineViewState,
  resolveMode,
  type PipelineEvent,
  type PipelineMode,
  type PipelineRunRecord,
  type PipelineRunView,
  type PipelineViewState,
} from '../../core/pipeline';
import type { PipelineServices, RunPipelineCommandOptions } from './types';
import type { PendingOnCluster } from '../../app/agent/pending';
import { describePending } from '../../core/agent/pending';

/**
 * The editor's side of pipeline runs: starts runs in a workspace folder, keeps the live run's view model (fed by the
 * same events the CLI prints), the recent history, and tells the webview when anything changed.
 */
export class PipelineController implements vscode.Disposable {
  private current: PipelineRunView | undefined;
  private history: PipelineRunRecord[] = [];
  private pending: PendingOnCluster[] = [];
  private running: AbortController | undefined;
  private error: string | undefined;
  private folder: vscode.WorkspaceFolder | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly services: PipelineServices) {}

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** The mode a run from the editor uses: the setting when set, else slipway.yml (resolved by the run). */
  private modeOverride(): PipelineMode | undefined {
    const v = vscode.workspace.getConfiguration('slipway').get<string>('pipeline.mode', '');
    return v === 'delivery' || v === 'deployment' ? v : undefined;
  }

  state(): PipelineViewState {
    const mode = this.current?.mode ?? this.modeOverride() ?? resolveMode(undefined);
    return pipelineViewState({ mode, busy: this.busy, current: this.current, history: this.history, error: this.error });
  }

  /** Pending promotions as the view shows them (Approve / Dismiss each). */
  pendingView(): { cluster: string; stack: string; id: string; production: boolean; text: string }[] {
    return this.pending.map((p) => ({ cluster: p.cluster, stack: p.promotion.stack, id: p.promotion.id, production: p.production, text: describePending(p.promotion) }));
  }

  async refreshHistory(folder = this.folder ?? vscode.workspace.workspaceFolders?.[0]): Promise<void> {
    if (!folder) return;
    this.folder = folder;
    try {
      this.history = await this.services.recentRuns(folder.uri.fsPath);
    } catch {
      this.history = []; // not a git repository yet: nothing to show, nothing to fail
    }
    // A cluster that cannot be read has nothing to approve: the view just shows none.
    this.pending = await this.services.pendingPromotions(folder.uri.fsPath).catch(() => []);
    // Shows the view's *Deploy to Production* title action, also for a run paused before a reload.
    await vscode.commands.executeCommand('setContext', 'slipway.pipeline.awaitingApproval', this.state().awaitingApproval);
    this.changed.fire();
  }

  async run(folder: vscode.WorkspaceFolder, options: RunPipelineCommandOptions = {}): Promise<PipelineRunView> {
    if (!vscode.workspace.isTrusted) {
      throw new SlipwayError('usage', 'The pipeline does not run in an untrusted workspace', { hint: 'Trust the workspace first (Workspaces: Manage Workspace Trust)' });
    }
    if (this.running) throw new SlipwayError('usage', 'A pipeline run is already in progress', { hint: 'Wait for it, or cancel it from the Pipeline view' });
    this.folder = folder;
    this.error = undefined;
    const controller = new AbortController();
    this.running = controller;
    const mode = options.mode ?? this.modeOverride();
    let throttle: NodeJS.Timeout | undefined;
    const fireSoon = (): void => {
      // Logs can arrive by the hundred per second: redraw at most ten times a second.
      throttle ??= setTimeout(() => {
        throttle = undefined;
        this.changed.fire();
      }, 100);
    };
    this.changed.fire();
    try {
      const view = await vscode.window.withProgress(
        { location: { viewId: 'slipway.pipeline' }, title: 'Pipeline', cancellable: false },
        () =>
          this.services.runPipeline({
            workspaceDir: folder.uri.fsPath,
            from: options.from,
            to: options.to,
            mode,
            yes: options.yes,
            signal: controller.signal,
            onStart: (info) => {
              this.current = newRunView({ runId: info.runId, mode: info.mode, branch: info.branch, commit: info.commit, version: info.version, startedAt: Date.now() }, info.stages);
              this.changed.fire();
            },
            onEvent: (event: PipelineEvent) => {
              if (this.current) applyEvent(this.current, event);
              if (event.type === 'log') fireSoon();
              else this.changed.fire();
            },
          }),
      );
      this.current = view;
      return view;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      throw e;
    } finally {
      if (throttle) clearTimeout(throttle);
      this.running = undefined;
      await this.refreshHistory(folder);
    }
  }

  /** Resumes the paused run of this branch at deploy-production: the *Deploy to Production* button. */
  async approve(folder: vscode.WorkspaceFolder, options: { yes?: boolean } = {}): Promise<PipelineRunView> {
    await this.refreshHistory(folder);
    const paused = this.state().run;
    if (!paused || paused.status !== 'paused') {
      throw new SlipwayError('usage', 'No pipeline run is waiting for approval', { hint: 'Run the pipeline; in delivery mode it stops before production' });
    }
    if (!options.yes) {
      // Never one Enter away: the approver types "production" (the stage's target) in the workbench's input box.
      await confirmClusterChange({
        cluster: 'production',
        production: true,
        action: `Deploy ${paused.version} (${paused.branch})`,
        summary: 'Every earlier stage passed; this resumes the run at deploy-production, then runs the production tests',
      });
    }
    return this.run(folder, { from: APPROVAL_STAGE, mode: paused.mode });
  }

  cancel(): void {
    this.running?.abort();
  }

  /** The run whose stage logs can be opened (the live one, else none: the history keeps no logs). */
  liveRun(): PipelineRunView | undefined {
    return this.current;
  }

  /** The saved log of the run the view shows from the history (after a reload), if it is still kept. */
  async historyLog(): Promise<{ runId: string; text: string } | undefined> {
    const run = this.state().run;
    if (!run || !this.folder) return undefined;
    const text = await this.services.runLog(this.folder.uri.fsPath, run.runId);
    return text === undefined ? undefined : { runId: run.runId, text };
  }

  dispose(): void {
    this.running?.abort();
    this.changed.dispose();
  }
}
