/**
 * Composition root: builds the adapters and core services and hands them to the editor features.
 * Nothing else lives here.
 */
import * as vscode from 'vscode';
import { createBuildAdapters } from './adapters/build/index';
import { buildWorkspace, packageWorkspace, testWorkspace } from './adapters/build/workflows';
import { runDoctorChecks } from './adapters/doctor';
import { activateBuild } from './vscode/build/index';
import { activateConfigCommands } from './vscode/config';
import { activateDoctor } from './vscode/doctor';
import { createPipelineToolkit } from './adapters/pipeline/defaultToolkit';
import { runPipelineFor } from './adapters/pipeline/service';
import { runHistoryFor } from './adapters/runHistory';
import { activatePipeline } from './vscode/pipeline';
import { registerCommand } from './vscode/common/commands';
import { GitFlowEngine } from './core/gitflow/engine';
import { findGitDir, gitPort } from './adapters/git';
import { activateGitFlow, type GitFlowApi } from './vscode/gitflow';

export interface SlipwayApi {
  readonly version: string;
  readonly gitFlow?: GitFlowApi;
}

export function activate(context: vscode.ExtensionContext): SlipwayApi {
  const output = vscode.window.createOutputChannel('Slipway');
  context.subscriptions.push(output);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0');

  activateDoctor(context, output, { runChecks: (cwd) => runDoctorChecks(cwd) });
  activateConfigCommands(context);
  const buildAdapters = createBuildAdapters();
  activateBuild(context, {
    build: (o) => buildWorkspace(buildAdapters, o),
    package: (o) => packageWorkspace(buildAdapters, o),
    integration: (o) => testWorkspace(buildAdapters, o),
    reap: () => buildAdapters.reap(),
  });
  activatePipeline(context, {
    runPipeline: (request) => runPipelineFor({ ...request, toolkit: createPipelineToolkit(process.env, buildAdapters) }),
    recentRuns: async (dir) => (await runHistoryFor(dir)).recent({ limit: 200 }),
  });
  registerCommand(context, 'slipway.showVersion', () => {
    void vscode.window.showInformationMessage(`Slipway ${version}`);
    return version;
  });

  const gitFlow = activateGitFlow(context, { engineFor: (root) => new GitFlowEngine(gitPort(root)), gitDirFor: findGitDir });

  return { version, gitFlow };
}

export function deactivate(): void {
  // Features register their disposables on the context; nothing global to tear down.
}
