import * as vscode from 'vscode';
import type { BuildResult } from '../../core/build/buildRun';
import type { IntegrationResult } from '../../core/build/integrationRun';
import { environmentMessage } from '../../core/build/integrationRun';

/** One result as it was reported to the Testing API (returned by the commands, so tests can assert it). */
export interface ReportedTest {
  readonly id: string;
  readonly label: string;
  readonly state: 'passed' | 'failed' | 'skipped' | 'errored';
  readonly message?: string;
}

const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

/**
 * Feeds build and integration results into the Testing view: a TestController "Slipway" with, per workspace
 * folder, a "Build" item (one child per step) and an "Integration tests" item (one child per environment).
 */
export class BuildTestReporter implements vscode.Disposable {
  readonly controller: vscode.TestController;

  constructor(onRunRequested: (folder: vscode.WorkspaceFolder, kind: 'build' | 'integration') => Promise<unknown>) {
    this.controller = vscode.tests.createTestController('slipway', 'Slipway');
    this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, async (request) => {
      const roots = request.include ?? [...this.allItems()].filter((i) => !i.parent);
      for (const item of roots) {
        const top = item.parent ?? item;
        const folder = vscode.workspace.workspaceFolders?.find((f) => top.id === this.rootId(f, 'build') || top.id === this.rootId(f, 'integration'));
        if (folder) await onRunRequested(folder, top.id.endsWith(':build') ? 'build' : 'integration');
      }
    }, true);
  }

  private *allItems(): Iterable<vscode.TestItem> {
    const queue: vscode.TestItem[] = [];
    this.controller.items.forEach((i) => queue.push(i));
    while (queue.length > 0) {
      const i = queue.shift()!;
      yield i;
      i.children.forEach((c) => queue.push(c));
    }
  }

  private rootId(folder: vscode.WorkspaceFolder, kind: 'build' | 'integration'): string {
    return `${folder.uri.toString()}:${kind}`;
  }

  private root(folder: vscode.WorkspaceFolder, kind: 'build' | 'integration'): vscode.TestItem {
    const id = this.rootId(folder, kind);
    let item = this.controller.items.get(id);
    if (!item) {
      const many = (vscode.workspace.workspaceFolders?.length ?? 1) > 1;
      const label = kind === 'build' ? 'Build' : 'Integration tests';
      item = this.controller.createTestItem(id, many ? `${label} (${folder.name})` : label, vscode.Uri.joinPath(folder.uri, 'slipway.yml'));
      this.controller.items.add(item);
    }
    return item;
  }

  private child(parent: vscode.TestItem, key: string, label: string): vscode.TestItem {
    const id = `${parent.id}/${key}`;
    let item = parent.children.get(id);
    if (!item) {
      item = this.controller.createTestItem(id, label, parent.uri);
      parent.children.add(item);
    }
    item.label = label;
    return item;
  }

  reportBuild(folder: vscode.WorkspaceFolder, result: BuildResult, log: string): ReportedTest[] {
    const root = this.root(folder, 'build');
    const run = this.controller.createTestRun(new vscode.TestRunRequest([root]), 'Slipway: Build', false);
    const reported: ReportedTest[] = [];
    run.appendOutput(crlf(log));
    for (const step of result.steps) {
      const item = this.child(root, step.name, step.name);
      if (step.result === 'passed') {
        run.passed(item, step.durationMs);
        reported.push({ id: item.id, label: item.label, state: 'passed' });
      } else if (step.result === 'failed' || step.result === 'cancelled') {
        const message = step.result === 'failed' ? `${step.name} exited with code ${step.exitCode ?? '?'}` : `${step.name} was cancelled`;
        run.failed(item, new vscode.TestMessage(message), step.durationMs);
        reported.push({ id: item.id, label: item.label, state: 'failed', message });
      } else {
        run.skipped(item);
        reported.push({ id: item.id, label: item.label, state: 'skipped' });
      }
    }
    run.end();
    return reported;
  }

  reportIntegration(folder: vscode.WorkspaceFolder, result: IntegrationResult): ReportedTest[] {
    const root = this.root(folder, 'integration');
    const run = this.controller.createTestRun(new vscode.TestRunRequest([root]), 'Slipway: Integration tests', false);
    const count = result.environments.length;
    const reported: ReportedTest[] = [];
    for (const env of result.environments) {
      const label = count === 1 ? env.testService : `${env.testService} (environment ${env.index})`;
      const item = this.child(root, `env-${env.index}`, label);
      run.started(item);
      if (env.output) run.appendOutput(crlf(env.output), undefined, item);
      if (env.verdict === 'passed') {
        run.passed(item, env.durationMs);
        reported.push({ id: item.id, label, state: 'passed' });
      } else if (env.verdict === 'cancelled') {
        run.skipped(item);
        reported.push({ id: item.id, label, state: 'skipped' });
      } else {
        const message = environmentMessage(env) ?? 'failed';
        const tm = new vscode.TestMessage(env.output ? `${message}\n\n${env.output.slice(-4000)}` : message);
        if (env.error) run.errored(item, tm, env.durationMs);
        else run.failed(item, tm, env.durationMs);
        reported.push({ id: item.id, label, state: env.error ? 'errored' : 'failed', message });
      }
    }
    run.end();
    return reported;
  }

  dispose(): void {
    this.controller.dispose();
  }
}
