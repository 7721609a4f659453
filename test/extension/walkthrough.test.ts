import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as vscode from 'vscode';
import { takeScreenshot } from './support/screenshot';
import { workbench } from './support/workbench';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { image: string; altText: string };
  completionEvents?: string[];
}

/** The first-run walkthrough: each step with its button (a command link) and a picture, shown by the workbench. */
describe('Walkthrough: Get started with Slipway', () => {
  const ext = () => vscode.extensions.getExtension('slipway.slipway')!;
  const walkthrough = () => (ext().packageJSON.contributes.walkthroughs as { id: string; steps: Step[] }[])[0]!;

  it('has the steps from git flow to the pipeline, each with a command button and a picture in the .vsix', async () => {
    const steps = walkthrough().steps;
    assert.deepEqual(steps.map((s) => s.id), ['doctor', 'flowInit', 'build', 'integrationTests', 'deploy', 'pipeline']);
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const step of steps) {
      const link = /\]\(command:([\w.]+)\)/.exec(step.description);
      assert.ok(link, `${step.id} has no button`);
      assert.ok(commands.has(link[1]!), `${step.id}'s button runs ${link[1]}, which is not registered`);
      assert.ok(existsSync(join(ext().extensionPath, step.media.image)), `${step.media.image} is not in the installed extension`);
      assert.ok(step.media.altText.length > 0);
    }
  });

  it('opens in the workbench with its steps', async () => {
    // A clean window for the README's picture: no editors, panel, notifications or sidebar around the page.
    for (const c of ['workbench.action.closeAllEditors', 'workbench.action.closePanel', 'notifications.clearAll', 'workbench.action.closeSidebar']) {
      await vscode.commands.executeCommand(c);
    }
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `slipway.slipway#${walkthrough().id}`, false);
    const text = await workbench.text('walkthrough');
    for (const title of ['Get started with Slipway', 'Initialise git flow', 'Build in a container', 'Run the integration tests', 'Deploy to prod-like', 'Run the pipeline']) {
      assert.ok(text.includes(title), `the walkthrough page does not show "${title}": ${text.slice(0, 300)}`);
    }
    await sleep(500);
    await takeScreenshot('walkthrough');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.commands.executeCommand('workbench.view.extension.slipway');
  });
});
