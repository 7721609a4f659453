/**
 * Composition root: builds the adapters and core services and hands them to the editor features.
 * Nothing else lives here.
 */
import * as vscode from 'vscode';
import { runDoctorChecks } from './adapters/doctor';
import { activateConfigCommands } from './vscode/config';
import { activateDoctor } from './vscode/doctor';
import { runPipelineFor } from './adapters/pipeline/service';
import { runHistoryFor } from './adapters/runHistory';
import { activatePipeline } from './vscode/pipeline';
import { registerCommand } from './vscode/common/commands';

export interface SlipwayApi {
  readonly version: string;
}

export function activate(context: vscode.ExtensionContext): SlipwayApi {
  const output = vscode.window.createOutputChannel('Slipway');
  context.subscriptions.push(output);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0');

  activateDoctor(context, output, { runChecks: (cwd) => runDoctorChecks(cwd) });
  activateConfigCommands(context);
  activatePipeline(context, {
    runPipeline: (request) => runPipelineFor(request),
    recentRuns: async (dir) => (await runHistoryFor(dir)).recent({ limit: 200 }),
  });
  registerCommand(context, 'slipway.showVersion', () => {
    void vscode.window.showInformationMessage(`Slipway ${version}`);
    return version;
  });

  return { version };
}

export function deactivate(): void {
  // Features register their disposables on the context; nothing global to tear down.
}
