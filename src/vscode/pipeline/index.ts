import * as vscode from 'vscode';
import { SlipwayError } from '../../core/errors';
import { STAGE_IDS, STAGE_TITLES, formatStageLog, isStageId, stageLogOf, type PipelineRunView } from '../../core/pipeline';
import { pickWorkspaceFolder, registerCommand, showError } from '../common/commands';
import { remedyButton, type RemedyButton } from '../common/remedies';
import { PipelineController } from './controller';
import type { RunPipelineCommandOptions, PipelineServices } from './types';
import { PipelineViewProvider, type ViewMessage } from './view';

export type { PipelineServices } from './types';

/** The Pipeline feature: the webview view, *Run Pipeline*, *Deploy to Production*, re-run from a stage, stage logs. */
export function activatePipeline(context: vscode.ExtensionContext, services: PipelineServices): { controller: PipelineController; view: PipelineViewProvider } {
  const controller = new PipelineController(services);
  const run = async (options: RunPipelineCommandOptions = {}): Promise<PipelineRunView> => {
    const view = await controller.run(await pickWorkspaceFolder(), options);
    announce(view);
    return view;
  };
  const approve = async (options: { yes?: boolean } = {}): Promise<PipelineRunView> => {
    const view = await controller.approve(await pickWorkspaceFolder(), options);
    announce(view);
    return view;
  };
  const openDocument = async (content: string): Promise<vscode.TextDocument> => {
    const doc = await vscode.workspace.openTextDocument({ language: 'slipway-log', content });
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc;
  };
  const openLog = async (stage?: string): Promise<vscode.TextDocument> => {
    const live = controller.liveRun();
    if (!live) {
      // After a reload the view shows the newest run from the history: open its saved log.
      const saved = await controller.historyLog();
      if (!saved) throw new SlipwayError('notFound', 'The log of this run is no longer kept', { hint: 'Only the newest runs keep their logs; run the pipeline again' });
      return openDocument((stage ? stageLogOf(saved.text, stage) : undefined) ?? saved.text);
    }
    const id =
      stage ??
      (await vscode.window.showQuickPick(
        live.stages.map((s) => ({ label: s.title, description: `${s.id} · ${s.state}`, id: s.id })),
        { placeHolder: 'Open the log of which stage?' },
      ))?.id;
    const found = live.stages.find((s) => s.id === id);
    if (!found) throw new SlipwayError('cancelled', 'No stage picked');
    return openDocument(formatStageLog(live, found));
  };
  const rerunFrom = async (stage?: string): Promise<PipelineRunView> => {
    const id =
      stage ??
      (await vscode.window.showQuickPick(
        STAGE_IDS.map((s) => ({ label: STAGE_TITLES[s], description: s, id: s })),
        { placeHolder: 'Re-run the pipeline from which stage?' },
      ))?.id;
    if (!id || !isStageId(id)) throw new SlipwayError('cancelled', 'No stage picked');
    return run({ from: id });
  };

  const provider = new PipelineViewProvider(context.extensionUri, controller, async (m: ViewMessage) => {
    try {
      if (m.type === 'run') await run();
      else if (m.type === 'cancel') controller.cancel();
      else if (m.type === 'approve') await approve();
      else if (m.type === 'rerunFrom') await rerunFrom(m.stage);
      else if (m.type === 'openLog') await openLog(m.stage);
      else if (m.type === 'approvePromotion' || m.type === 'dismissPromotion') {
        await vscode.commands.executeCommand(m.type === 'approvePromotion' ? 'slipway.agent.approvePromotion' : 'slipway.agent.dismissPromotion', { cluster: m.cluster, stack: m.stack, id: m.id });
      }
    } catch (e) {
      await showError(e);
    }
  });
  context.subscriptions.push(controller, provider, vscode.window.registerWebviewViewProvider(PipelineViewProvider.viewId, provider, { webviewOptions: { retainContextWhenHidden: true } }));

  registerCommand(context, 'slipway.pipeline.run', (options?: RunPipelineCommandOptions) => run(options ?? {}));
  registerCommand(context, 'slipway.pipeline.approve', (options?: { yes?: boolean }) => approve(options ?? {}));
  registerCommand(context, 'slipway.pipeline.rerunFrom', (stage?: string) => rerunFrom(typeof stage === 'string' ? stage : undefined));
  registerCommand(context, 'slipway.pipeline.openLog', (stage?: string) => openLog(typeof stage === 'string' ? stage : undefined));
  // For tests and diagnostics: the view model and what the webview last rendered.
  registerCommand(context, 'slipway.pipeline.viewState', () => ({ state: controller.state(), rendered: provider.lastRendered }));
  return { controller, view: provider };
}

/** One notification per finished run, saying where it stopped and what to do. */
function announce(view: PipelineRunView): void {
  if (view.status === 'passed') void vscode.window.showInformationMessage(`Slipway: pipeline passed (${view.version})`);
  else if (view.status === 'paused') {
    // "Later" leaves the run paused: the Pipeline view keeps its Deploy to Production button.
    void vscode.window.showInformationMessage(`Slipway: ${view.version} passed every stage before production and waits for approval`, 'Deploy to Production', 'Later').then((picked) => {
      if (picked === 'Deploy to Production') void vscode.commands.executeCommand('slipway.pipeline.approve');
    });
  } else if (view.status === 'failed') {
    // The run's remedies (Roll Back, Open slipway.yml, Run Pipeline…) as buttons, then the failed stage's log.
    const buttons: RemedyButton[] = [
      ...(view.remedies ?? []).flatMap((r) => remedyButton(r) ?? []),
      { title: 'Open Log', command: 'slipway.pipeline.openLog', args: [view.failedStage] },
    ];
    void vscode.window.showErrorMessage(`Slipway: pipeline failed at ${view.failedStage ?? 'a stage'}: ${view.reason ?? ''}`, ...buttons.map((b) => b.title)).then((picked) => {
      const button = buttons.find((b) => b.title === picked);
      if (button) void vscode.commands.executeCommand(button.command, ...button.args);
    });
  }
}
