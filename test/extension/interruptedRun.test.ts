import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as vscode from 'vscode';
import type { PipelineViewState } from '../../src/core/pipeline';
import { ROOT } from '../integration/swarmFixture';

const probe = () => vscode.commands.executeCommand<{ state: PipelineViewState }>('slipway.pipeline.viewState');

const CONFIG = `version: 1
build:
  image: slipway-rig/node:20
  steps:
    - { name: slow, run: "echo slow step started; sleep 60; echo slow step finished" }
package:
  image: slipway-ext-interrupted-${process.pid}
pipeline:
  mode: delivery
  stages: [checkout, build]
`;

/**
 * A pipeline run whose process is SIGKILLed mid-stage (here the CLI's, in the same repository): the Pipeline view
 * shows it from the history as interrupted, and its log holds what it printed up to its death (the log is written
 * as the run goes, not only at its end).
 */
describe('An interrupted pipeline run in the Pipeline view', function () {
  this.timeout(180_000);
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: folder(), encoding: 'utf8' }).trim();
  let original: string;
  let stashed = false;
  let runId: string | undefined;

  before(() => {
    original = git('rev-parse', 'HEAD');
    if (git('status', '--porcelain') !== '') {
      git('-c', 'user.email=test@example.com', '-c', 'user.name=Test', 'stash', 'push', '-q', '-u', '-m', 'interrupted-run-test');
      stashed = true;
    }
    writeFileSync(join(folder(), 'slipway.yml'), CONFIG);
    git('add', 'slipway.yml');
    git('-c', 'user.email=test@example.com', '-c', 'user.name=Test', 'commit', '-qm', 'interrupted run test config');
  });

  after(() => {
    // The killed run's builder (its process is gone): removed here rather than left to the next run's janitor.
    if (runId) {
      const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=io.slipway.run=${runId}`], { encoding: 'utf8' }).split('\n').filter((l) => l);
      if (ids.length > 0) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
    }
    git('reset', '-q', '--hard', original);
    if (stashed) git('stash', 'pop', '-q');
  });

  it('shows a run killed mid-stage as interrupted, and its log holds what the stage printed up to the kill', async () => {
    const cli = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), '--json', 'pipeline'], { cwd: folder(), env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    cli.stdout.on('data', (c: Buffer) => (out += c.toString()));
    cli.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const ended = new Promise<NodeJS.Signals | null>((resolve) => cli.on('close', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 90_000;
    while (!out.includes('slow step started')) {
      assert.ok(Date.now() < deadline, `the slow step did not start:\n${out}`);
      assert.equal(cli.exitCode, null, `the pipeline ended before its slow step:\n${out}`);
      await sleep(100);
    }
    runId = /"type":"runStarted","runId":"([^"]+)"/.exec(out)![1]!;
    await sleep(400); // the log reaches the disk in batches within 200 ms
    cli.kill('SIGKILL');
    assert.equal(await ended, 'SIGKILL');

    // The view reads the history when it becomes visible.
    await vscode.commands.executeCommand('workbench.view.extension.slipway');
    let state = (await probe()).state;
    for (let i = 0; i < 50 && state.run?.runId !== runId; i++) {
      await vscode.commands.executeCommand('workbench.view.explorer');
      await vscode.commands.executeCommand('slipway.pipeline.focus');
      await sleep(200);
      state = (await probe()).state;
    }
    assert.equal(state.run?.runId, runId, 'the view shows the killed run');
    assert.equal(state.run?.status, 'interrupted');
    assert.equal(state.run?.fromHistory, true);
    assert.equal(state.run?.failedStage, 'build');

    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('slipway.pipeline.openLog', 'build');
    assert.equal(doc.languageId, 'slipway-log');
    const text = doc.getText();
    assert.match(text, /^==> \[2\/2\] build: Build$/m);
    assert.match(text, /^ {4}slow step started$/m);
    assert.doesNotMatch(text, /slow step finished/);
    assert.match(text, new RegExp(`^Pipeline interrupted: the process running it \\(.*:${cli.pid}\\) died during build$`, 'm'));
  });
});
