import * as vscode from 'vscode';
import { lastRunOf, type BuildAndTestResult } from '../../app/build';
import type { BuildResult } from '../../core/build/buildRun';
import type { IntegrationResult } from '../../core/build/integrationRun';
import type { PackageResult } from '../../core/build/packageRun';
import { SlipwayError, isCancellation, toSlipwayError } from '../../core/errors';
import type { RunEvents } from '../../core/run/events';
import { formatRunEvent } from '../../core/run/format';
import { pickWorkspaceFolder, registerCommand, showError } from '../common/commands';
import { RunPseudoterminal } from './pseudoterminal';
import { BuildTestReporter, type ReportedTest } from './testing';

/** What the editor needs to run builds and tests; src/extension.ts wires the real adapters in. */
export interface BuildServices {
  build(o: RunOptions): Promise<BuildResult>;
  package(o: RunOptions & { version?: string }): Promise<PackageResult>;
  integration(o: RunOptions & { parallel?: number; image?: string; version?: string }): Promise<IntegrationResult>;
  /** Build, package, then the integration tests with the packaged image; stops at the first that did not pass. */
  buildAndTest(o: RunOptions & { parallel?: number; onBuild?: (r: BuildResult) => void; onIntegration?: (r: IntegrationResult) => void }): Promise<BuildAndTestResult>;
  /** Removes what runs of dead processes (e.g. a crashed extension host) left on the engine. */
  reap(): Promise<unknown>;
}

interface RunOptions {
  readonly workspaceDir: string;
  readonly events: RunEvents;
  readonly signal: AbortSignal;
}

export type BuildAction = 'build' | 'package' | 'integrationTests' | 'buildAndTest';

const ACTIONS: Record<BuildAction, { command: string; label: string }> = {
  build: { command: 'slipway.build', label: 'Build' },
  package: { command: 'slipway.package', label: 'Package' },
  integrationTests: { command: 'slipway.integrationTests', label: 'Run Integration Tests' },
  buildAndTest: { command: 'slipway.buildAndTest', label: 'Build and Test' },
};

export const TASK_TYPE = 'slipway';

interface SlipwayTaskDefinition extends vscode.TaskDefinition {
  readonly action: BuildAction;
}

/** What the commands return (and the Testing view shows), so callers and tests can assert the outcome. */
export interface BuildCommandResult {
  readonly action: BuildAction;
  readonly exitCode: number;
  readonly verdict: 'passed' | 'failed' | 'cancelled';
  readonly tests: readonly ReportedTest[];
  readonly build?: BuildResult;
  readonly package?: PackageResult;
  readonly integration?: IntegrationResult;
  readonly error?: { readonly kind: string; readonly message: string };
}

function requireTrust(): void {
  if (!vscode.workspace.isTrusted) {
    throw new SlipwayError('usage', 'Slipway runs no builds or containers in an untrusted workspace', {
      hint: 'Trust this folder (Workspaces: Manage Workspace Trust) to build and test it',
    });
  }
}

export function activateBuild(context: vscode.ExtensionContext, services: BuildServices): void {
  const reporter = new BuildTestReporter((folder, kind) => runAction(kind === 'build' ? 'build' : 'integrationTests', folder));
  context.subscriptions.push(reporter);

  const parallelSetting = (folder: vscode.WorkspaceFolder): number | undefined => {
    const v = vscode.workspace.getConfiguration('slipway', folder.uri).get<number | null>('integration.parallel', null);
    return typeof v === 'number' && v > 0 ? v : undefined;
  };

  /** The work of one action as a task body: events in, a result with an exit code out. */
  const workFor =
    (action: BuildAction, folder: vscode.WorkspaceFolder) =>
    async (events: RunEvents, signal: AbortSignal): Promise<BuildCommandResult> => {
      requireTrust();
      const workspaceDir = folder.uri.fsPath;
      let log = '';
      const off = events.on((e) => {
        const text = formatRunEvent(e);
        if (text) log += text;
      });
      const tests: ReportedTest[] = [];
      const parallel = parallelSetting(folder);
      const runBuild = async (): Promise<BuildResult> => {
        log = '';
        const r = await services.build({ workspaceDir, events, signal });
        tests.push(...reporter.reportBuild(folder, r, log));
        return r;
      };
      const runIntegration = async (): Promise<IntegrationResult> => {
        const r = await services.integration({ workspaceDir, events, signal, ...(parallel !== undefined ? { parallel } : {}) });
        tests.push(...reporter.reportIntegration(folder, r));
        return r;
      };
      try {
        switch (action) {
          case 'build': {
            const build = await runBuild();
            return { action, exitCode: build.exitCode, verdict: build.verdict, tests, build };
          }
          case 'package': {
            const pkg = await services.package({ workspaceDir, events, signal });
            return { action, exitCode: pkg.exitCode, verdict: pkg.verdict, tests, package: pkg };
          }
          case 'integrationTests': {
            const integration = await runIntegration();
            return { action, exitCode: integration.exitCode, verdict: integration.verdict, tests, integration };
          }
          case 'buildAndTest': {
            log = '';
            const r = await services.buildAndTest({
              workspaceDir,
              events,
              signal,
              ...(parallel !== undefined ? { parallel } : {}),
              onBuild: (build) => tests.push(...reporter.reportBuild(folder, build, log)),
              onIntegration: (integration) => tests.push(...reporter.reportIntegration(folder, integration)),
            });
            const last = lastRunOf(r);
            return { action, exitCode: last.exitCode, verdict: last.verdict, tests, build: r.build, ...(r.package ? { package: r.package } : {}), ...(r.integration ? { integration: r.integration } : {}) };
          }
        }
      } finally {
        off();
      }
    };

  const makeTask = (action: BuildAction, folder: vscode.WorkspaceFolder, onDone?: (r: BuildCommandResult | undefined, e?: unknown) => void): vscode.Task => {
    const definition: SlipwayTaskDefinition = { type: TASK_TYPE, action };
    const task = new vscode.Task(
      definition,
      folder,
      ACTIONS[action].label,
      'slipway',
      new vscode.CustomExecution(async () => new RunPseudoterminal(workFor(action, folder), onDone ?? (() => undefined), { prefixLogs: (parallelSetting(folder) ?? 1) > 1 })),
    );
    task.group = action === 'integrationTests' || action === 'buildAndTest' ? vscode.TaskGroup.Test : vscode.TaskGroup.Build;
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
    return task;
  };

  /** Runs an action as a Task and resolves with its result when the run ends. */
  async function runAction(action: BuildAction, folder: vscode.WorkspaceFolder): Promise<BuildCommandResult> {
    requireTrust();
    const done = new Promise<{ result: BuildCommandResult | undefined; error?: unknown }>((resolve) => {
      void vscode.tasks.executeTask(makeTask(action, folder, (result, error) => resolve({ result, error }))).then(undefined, (error: unknown) => resolve({ result: undefined, error }));
    });
    const { result, error } = await done;
    if (result) {
      if (result.verdict === 'failed') {
        void vscode.window.showErrorMessage(`Slipway: ${ACTIONS[action].label} failed (exit code ${result.exitCode}). See the task output and the Testing view.`);
      }
      return result;
    }
    if (!isCancellation(error)) void showError(error);
    const err = toSlipwayError(error);
    return {
      action,
      exitCode: isCancellation(error) ? 130 : 1,
      verdict: isCancellation(error) ? 'cancelled' : 'failed',
      tests: [],
      error: { kind: err.kind, message: err.userMessage },
    };
  }

  for (const action of Object.keys(ACTIONS) as BuildAction[]) {
    registerCommand(context, ACTIONS[action].command, async (uri?: vscode.Uri) => runAction(action, await pickWorkspaceFolder(uri instanceof vscode.Uri ? uri : undefined)));
  }

  context.subscriptions.push(
    vscode.tasks.registerTaskProvider(TASK_TYPE, {
      provideTasks: () => (vscode.workspace.workspaceFolders ?? []).flatMap((f) => (Object.keys(ACTIONS) as BuildAction[]).map((a) => makeTask(a, f))),
      resolveTask: (task) => {
        const def = task.definition as Partial<SlipwayTaskDefinition>;
        const folder = typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
        if (!def.action || !(def.action in ACTIONS) || !folder) return undefined;
        return makeTask(def.action, folder);
      },
    }),
  );

  // Reap what a crashed extension host or killed CLI left behind (only resources of dead processes).
  if (vscode.workspace.isTrusted) void services.reap().catch(() => undefined);
}
