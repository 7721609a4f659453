import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { BuildCommandResult } from '../../src/vscode/build/index';

// Runs in the real extension host; the workspace is a temp git copy of test/fixtures/go-auth and the Docker rig is up.
describe('Slipway: Build and Test in the extension host', function () {
  this.timeout(300_000);

  it('contributes the build commands and the slipway task type', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const id of ['slipway.build', 'slipway.package', 'slipway.integrationTests', 'slipway.buildAndTest']) {
      assert.ok(commands.has(id), `command ${id} is not registered`);
    }
    const tasks = await vscode.tasks.fetchTasks({ type: 'slipway' });
    assert.deepEqual(tasks.map((t) => t.name).sort(), ['Build', 'Build and Test', 'Package', 'Run Integration Tests']);
  });

  it('builds, packages and passes the integration tests, and the Testing view shows the results', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!;
    const ended: vscode.TaskProcessEndEvent[] = [];
    const sub = vscode.tasks.onDidEndTaskProcess((e) => ended.push(e));
    let result: BuildCommandResult | undefined;
    try {
      result = await vscode.commands.executeCommand<BuildCommandResult>('slipway.buildAndTest');
    } finally {
      sub.dispose();
    }
    assert.ok(result, 'the command returned no result (an error notification was shown instead)');
    assert.equal(result.error, undefined, result.error?.message);
    assert.equal(result.verdict, 'passed', JSON.stringify(result.integration?.environments ?? result, null, 2));
    assert.equal(result.exitCode, 0);
    assert.deepEqual(result.build!.steps.map((s) => s.result), ['passed', 'passed', 'passed', 'passed']);
    assert.equal(result.package!.image, 'go-auth:develop');
    assert.ok(existsSync(join(folder.uri.fsPath, 'dist', 'server.js')), 'the build left no artifacts in the workspace');

    // What went to the Testing API: one item per build step and one per integration environment, all passed.
    const integration = result.tests.filter((t) => t.id.includes(':integration/'));
    assert.ok(integration.length >= 1, JSON.stringify(result.tests));
    assert.ok(
      integration.every((t) => t.state === 'passed'),
      JSON.stringify(integration),
    );
    assert.deepEqual(
      result.tests.filter((t) => t.id.includes(':build/')).map((t) => `${t.label}:${t.state}`),
      ['deps:passed', 'fmt:passed', 'test:passed', 'compile:passed'],
    );
    for (const env of result.integration!.environments) assert.match(env.output, /409/);
  });

  it('Slipway: Build returns the failing step’s exit code and marks the step failed', async () => {
    const file = join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'slipway.yml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace(/steps:[\s\S]*?\npackage:/, 'steps:\n    - { name: broken, run: "exit 3" }\npackage:'));
    try {
      const result = await vscode.commands.executeCommand<BuildCommandResult>('slipway.build');
      assert.ok(result);
      assert.equal(result.action, 'build');
      assert.equal(result.verdict, 'failed');
      assert.equal(result.exitCode, 3);
      assert.deepEqual(result.tests.map((t) => `${t.label}:${t.state}`), ['broken:failed']);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('Slipway: Build on the engine build.engine names ships the workspace and the artifacts come back', async () => {
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const file = join(root, 'slipway.yml');
    const original = readFileSync(file, 'utf8');
    // A named engine is never bind-mounted: the workspace goes as an archive, what the build writes comes back.
    writeFileSync(file, original.replace('  workdir: /src\n', '  workdir: /src\n  engine: { cluster: prod-like, ignore: [.git, node_modules] }\n').replace(/steps:[\s\S]*?\npackage:/, 'steps:\n    - { name: stamp, run: "mkdir -p out && cat package.json > out/shipped.json" }\npackage:'));
    rmSync(join(root, 'out'), { recursive: true, force: true });
    try {
      const result = await vscode.commands.executeCommand<BuildCommandResult>('slipway.build');
      assert.ok(result, 'the command returned no result (an error notification was shown instead)');
      assert.equal(result.verdict, 'passed', result.error?.message);
      assert.deepEqual(result.tests.map((t) => `${t.label}:${t.state}`), ['stamp:passed']);
      assert.equal(readFileSync(join(root, 'out', 'shipped.json'), 'utf8'), readFileSync(join(root, 'package.json'), 'utf8'));
    } finally {
      writeFileSync(file, original);
      rmSync(join(root, 'out'), { recursive: true, force: true });
    }
  });

  it('Slipway: Package builds the service image, tagged with the version', async () => {
    const result = await vscode.commands.executeCommand<BuildCommandResult>('slipway.package');
    assert.ok(result, 'the command returned no result (an error notification was shown instead)');
    assert.equal(result.verdict, 'passed', result.error?.message);
    assert.equal(result.package!.image, 'go-auth:develop');
    assert.match(execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', 'go-auth:develop'], { encoding: 'utf8' }), /^sha256:/);
  });

  it('Slipway: Run Integration Tests passes and tears its environment down', async () => {
    const result = await vscode.commands.executeCommand<BuildCommandResult>('slipway.integrationTests');
    assert.ok(result, 'the command returned no result (an error notification was shown instead)');
    assert.equal(result.verdict, 'passed', JSON.stringify(result.integration?.environments ?? result.error));
    const envs = result.integration!.environments;
    assert.ok(envs.length >= 1);
    for (const env of envs) assert.match(env.output, /409/);
    const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${envs[0]!.projectName}`], { encoding: 'utf8' }).trim();
    assert.equal(left, '', 'containers of the test environment are left');
  });
});
