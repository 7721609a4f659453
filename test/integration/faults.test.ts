// Faults injected for real against the rig: no fault ever ends green. These tests kill processes (an engine of the
// rig, the CLI) and restore what they broke (scripts/rig/up.sh restarts what is down), leaving the rig healthy.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceHash } from '../../src/core/build/labels';
import { createPipelineWorkspace, FIXTURE, freePort } from '../support/pipelineWorkspace';
import { dockerCli, dockerOk, exec, rig, uniqueName, waitFor } from '../support/rig';
import { setUpSwarmFixture } from './swarmFixture';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const PRODUCTION_PID = '/run/slipway-rig/production.pid';

/** Starts the CLI; resolves with its exit code and output once it ends. */
function startCli(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, ended, output: () => stdout };
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Restarts whatever of the rig is down (idempotent); returns how long it took. */
async function restoreRig(): Promise<number> {
  const started = Date.now();
  const r = await exec('bash', [join(ROOT, 'scripts', 'rig', 'up.sh')], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, `scripts/rig/up.sh failed:\n${r.stdout}\n${r.stderr}`);
  return Date.now() - started;
}

describe('faults: no fault ever ends green (rig)', function () {
  this.timeout(240_000);
  const r = rig();
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('the engine SIGKILLed mid-build: the build fails with exit 1 naming the engine; the next build reaps what was left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-fault-build-'));
    dirs.push(dir);
    const busybox = r.baseImages.find((i) => i.includes('busybox')) ?? r.baseImages[0]!;
    writeFileSync(join(dir, 'slipway.yml'), `version: 1\nbuild:\n  image: ${busybox}\n  steps:\n    - name: slow\n      run: echo started; sleep 20; echo finished\n    - name: after\n      run: echo after\n`);
    const env = { ...process.env, DOCKER_HOST: r.production.host };
    const run = startCli(['build'], env, dir);
    await until('the build step to start', () => run.output().includes('started'), 60_000);
    const pid = Number(readFileSync(PRODUCTION_PID, 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    let restartMs = 0;
    try {
      const ended = await run.ended;
      assert.equal(ended.code, 1, `exit code (stdout:\n${ended.stdout}\nstderr:\n${ended.stderr})`);
      assert.match(ended.stderr, new RegExp(`^slipway: Lost the Docker engine at ${r.production.host.replace(/[/.]/g, '\\$&')} during the build`, 'm'));
      assert.match(ended.stdout, /^--- build: slow FAILED/m);
      assert.match(ended.stdout, /^==> FAILED in /m);
      assert.doesNotMatch(ended.stdout, /finished|PASSED/);
    } finally {
      restartMs = await restoreRig();
    }
    console.log(`      (scripts/rig/up.sh brought the engine back in ${(restartMs / 1000).toFixed(1)} s)`);
    const version = await dockerCli(r.production.host, ['version', '--format', '{{.Server.Version}}']);
    assert.equal(version.code, 0, 'the engine answers again');

    // The killed build's container (its CLI is gone) is reaped by the next run's janitor on that engine.
    writeFileSync(join(dir, 'slipway.yml'), `version: 1\nbuild:\n  image: ${busybox}\n  steps:\n    - name: quick\n      run: echo quick\n`);
    const next = await exec(process.execPath, [CLI, 'build'], { cwd: dir, env, timeoutMs: 60_000 });
    assert.equal(next.code, 0, next.stderr);
    // The janitor runs beside the new run (not before it): give it a moment.
    const mine = ['ps', '-aq', '--filter', `label=io.slipway.workspace=${workspaceHash(dir)}`];
    const deadline = Date.now() + 15_000;
    let left = (await dockerCli(r.production.host, mine)).stdout.trim();
    while (left !== '' && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 250));
      left = (await dockerCli(r.production.host, mine)).stdout.trim();
    }
    assert.equal(left, '', 'the killed build left no container behind');
  });

  it('a worker engine SIGKILLed mid-build on a shipped workspace (build.engine): exit 1 naming it, nothing copied back, the workspace as it was', async () => {
    const worker = r.prodLike.nodes.find((n) => n.role === 'worker' && n.name.endsWith('3')) ?? r.prodLike.nodes[r.prodLike.nodes.length - 1]!;
    const dir = mkdtempSync(join(tmpdir(), 'slipway-fault-shipped-'));
    dirs.push(dir);
    const busybox = r.baseImages.find((i) => i.includes('busybox')) ?? r.baseImages[0]!;
    writeFileSync(join(dir, 'source.txt'), 'original\n');
    writeFileSync(
      join(dir, 'slipway.yml'),
      `version: 1\nbuild:\n  image: ${busybox}\n  engine: { cluster: worker }\n  steps:\n    - name: slow\n      run: echo changed > source.txt; echo new > made.txt; echo started; sleep 20; echo finished\nclusters:\n  worker: { host: "${worker.host}", role: test }\n`,
    );
    const run = startCli(['build'], process.env, dir);
    await until('the build step to start', () => run.output().includes('started'), 60_000);
    const pid = Number(readFileSync(`/run/slipway-rig/${worker.name}.pid`, 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    try {
      const ended = await run.ended;
      assert.equal(ended.code, 1, `exit code (stdout:\n${ended.stdout}\nstderr:\n${ended.stderr})`);
      assert.match(ended.stderr, new RegExp(`^slipway: Lost the Docker engine at ${worker.host.replace(/[/.]/g, '\\$&')} during the build`, 'm'));
      assert.match(ended.stdout, /^--- build: ship workspace passed/m);
      assert.match(ended.stdout, /^--- build: copy artifacts back (skipped|FAILED)/m);
      assert.doesNotMatch(ended.stdout, /finished|PASSED/);
      assert.equal(readFileSync(join(dir, 'source.txt'), 'utf8'), 'original\n', 'the workspace changed although nothing came back');
      assert.throws(() => readFileSync(join(dir, 'made.txt')), 'a file of the dead build arrived');
    } finally {
      const restartMs = await restoreRig();
      console.log(`      (scripts/rig/up.sh brought ${worker.name} back in ${(restartMs / 1000).toFixed(1)} s)`);
    }
    const version = await dockerCli(worker.host, ['version', '--format', '{{.Server.Version}}']);
    assert.equal(version.code, 0, `${worker.name} answers again`);
  });

  it('the engine SIGKILLed while the integration tests run: exit 1 naming the engine, no PASSED; the next run\'s janitor leaves nothing labelled with the workspace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-fault-itest-'));
    dirs.push(dir);
    cpSync(FIXTURE, dir, { recursive: true, filter: (src) => !/\/(dist|node_modules)(\/|$)/.test(src) });
    // The fixture's tests, made to take their time: the engine is killed while the test service runs.
    const tests = join(dir, 'tests', 'integration.js');
    writeFileSync(tests, readFileSync(tests, 'utf8').replace("'use strict';", "'use strict';\nconsole.log('integration tests under way');\nAtomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);"));
    const image = `${uniqueName('goauth')}:develop`;
    const env = { ...process.env, DOCKER_HOST: r.production.host };
    const mine = async (): Promise<string[]> => {
      const label = `label=io.slipway.workspace=${workspaceHash(dir)}`;
      const lists = await Promise.all([['ps', '-aq', '--filter', label], ['network', 'ls', '-q', '--filter', label], ['volume', 'ls', '-q', '--filter', label]].map((a) => dockerOk(r.production.host, a)));
      return lists.flatMap((l) => l.split('\n')).filter((l) => l.trim() !== '');
    };
    try {
      await dockerOk(r.production.host, ['build', '-q', '-t', image, dir], { timeoutMs: 120_000 });
      const run = startCli(['test', 'integration', '--parallel', '1', '--image', image], env, dir);
      await until('the test service to run', () => run.output().includes('integration tests under way'), 90_000);
      assert.ok((await mine()).length >= 3, 'the test environment carries the workspace label');
      process.kill(Number(readFileSync(PRODUCTION_PID, 'utf8').trim()), 'SIGKILL');
      try {
        const ended = await run.ended;
        assert.equal(ended.code, 1, `exit code (stdout:\n${ended.stdout}\nstderr:\n${ended.stderr})`);
        assert.match(ended.stdout + ended.stderr, new RegExp(`cannot remove \\S+: the Docker engine at ${r.production.host.replace(/[/.]/g, '\\$&')} is gone; the next run on it removes what is left`));
        assert.doesNotMatch(ended.stdout + ended.stderr, /Traceback/, 'no compose down against a dead engine');
        assert.match(ended.stdout, /^--- integration FAILED .*: Lost the Docker engine at /m);
        assert.match(ended.stderr, new RegExp(`^slipway: Integration tests failed: Lost the Docker engine at ${r.production.host.replace(/[/.]/g, '\\$&')}`, 'm'));
        assert.doesNotMatch(ended.stdout + ended.stderr, /PASSED/);
      } finally {
        await restoreRig();
      }
      assert.ok((await mine()).length > 0, 'the dead engine kept the environment (the janitor has work to do)');
      // The next run on that engine (a build: its janitor runs beside it) reaps what the killed one left.
      writeFileSync(join(dir, 'slipway.yml'), readFileSync(join(dir, 'slipway.yml'), 'utf8').replace(/steps:\n(    .*\n)+/, 'steps:\n    - name: quick\n      run: echo quick\n'));
      const next = await exec(process.execPath, [CLI, 'build'], { cwd: dir, env, timeoutMs: 60_000 });
      assert.equal(next.code, 0, next.stderr + next.stdout);
      const deadline = Date.now() + 15_000;
      let left = await mine();
      while (left.length > 0 && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 250));
        left = await mine();
      }
      assert.deepEqual(left, [], 'the killed run left nothing labelled with the workspace');
    } finally {
      await dockerCli(r.production.host, ['rmi', '-f', image]);
    }
  });

  it('the production manager\'s engine SIGKILLed while a stack deploy follows convergence: exit 1 naming it, the outcome unknown, nothing claims success; afterwards releases and stacks tell the truth; a CLI killed mid-deploy leaves its release unknown too', async () => {
    const fx = await setUpSwarmFixture(['1.0', '1.1']);
    const ws = mkdtempSync(join(tmpdir(), 'slipway-fault-stack-'));
    dirs.push(ws);
    const stack = uniqueName('flt').replace(/[^a-z0-9-]/g, '').slice(0, 30);
    const host = fx.hostOf('production');
    writeFileSync(join(ws, 'slipway.yml'), `version: 1\npackage: { image: ${fx.repository.slice(fx.rig.registry.length + 1)} }\nclusters:\n  production: { host: ${host}, role: production }\ndeploy:\n  stack: ${stack}\n  files: [stack.yml]\n  app: app\n  registry: ${fx.rig.registry}\n`);
    // The go-auth fixture's stack (app + Redis on the manager, an overlay network), on a port of its own.
    writeFileSync(join(ws, 'stack.yml'), readFileSync(join(FIXTURE, 'stack.yml'), 'utf8').replace('${GO_AUTH_PORT:-18100}', String(await freePort())));
    const cli = (...args: string[]) => exec(process.execPath, [CLI, '-C', ws, ...args], { env: { ...process.env, SLIPWAY_CLUSTERS: '' }, timeoutMs: 240_000 });
    try {
      const first = await cli('deploy', '1.0', '--cluster', 'production', '--yes');
      assert.equal(first.code, 0, first.stderr + first.stdout);
      const run = startCli(['-C', ws, 'deploy', '1.1', '--cluster', 'production', '--yes'], { ...process.env, SLIPWAY_CLUSTERS: '' }, ws);
      await until('the deploy to follow the rollout', () => new RegExp(`^  ${stack}_app: `, 'm').test(run.output()), 60_000);
      process.kill(Number(readFileSync(PRODUCTION_PID, 'utf8').trim()), 'SIGKILL');
      try {
        const ended = await run.ended;
        assert.equal(ended.code, 1, `exit code (stdout:\n${ended.stdout}\nstderr:\n${ended.stderr})`);
        assert.match(ended.stderr, new RegExp(`^slipway: Lost the Docker engine of cluster "production" \\(${host.replace(/[/.]/g, '\\$&')}\\) during the deploy of ${stack} 1\\.1 \\(E[A-Z]+\\): its outcome is unknown, and release #2 says so$`, 'm'));
        assert.doesNotMatch(ended.stdout + ended.stderr, /converged: 1\.1|1\.1, release #2/);
      } finally {
        await restoreRig();
      }
      await waitFor(async () => (await dockerCli(host, ['node', 'ls'])).code === 0, { timeoutMs: 60_000, intervalMs: 500, what: 'production to answer' });
      // The engine is back: the history says release #2 (1.1) has an unknown outcome, not that it converged …
      const releases = await cli('releases', '--cluster', 'production', '--json');
      assert.equal(releases.code, 0, releases.stderr);
      const records = JSON.parse(releases.stdout) as { number: number; version: string; outcome?: { converged: boolean; unknown?: boolean } }[];
      assert.deepEqual(records.map((x) => [x.number, x.version, x.outcome?.converged, x.outcome?.unknown]), [[1, '1.0', true, undefined], [2, '1.1', false, true]]);
      const text = await cli('releases', '--cluster', 'production');
      assert.match(text.stdout, /^#2 {2}1\.1 .* cli .*OUTCOME UNKNOWN \(the deploy did not say how it ended/m);
      // … and the stacks list names what runs, release #2 with its unknown outcome, as the engine has it.
      const spec = await dockerOk(host, ['service', 'inspect', `${stack}_app`, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}']);
      assert.equal(spec, `${fx.repository}:1.1@${fx.digests['1.1']}`, 'the update was sent before the engine died');
      const stacks = await cli('swarm', 'stacks', '--cluster', 'production');
      assert.equal(stacks.code, 0, stacks.stderr);
      assert.match(stacks.stdout, new RegExp(`^  ${stack} +1\\.1 +#2 \\(outcome unknown\\) +\\d+/\\d+ +(converged|converging) +2 services$`, 'm'));
      // A deploy of the same version now settles it.
      const again = await cli('deploy', '1.1', '--cluster', 'production', '--yes', '--force');
      assert.equal(again.code, 0, again.stderr + again.stdout);
      assert.match(again.stdout, /converged: 1\.1, release #3/);

      // The CLI itself SIGKILLed while it follows a deploy: its release keeps saying the outcome is unknown.
      const killedRun = startCli(['-C', ws, 'deploy', '1.0', '--cluster', 'production', '--yes'], { ...process.env, SLIPWAY_CLUSTERS: '' }, ws);
      await until('the deploy to follow the rollout', () => new RegExp(`^  ${stack}_app: `, 'm').test(killedRun.output()), 60_000);
      killedRun.child.kill('SIGKILL');
      assert.equal((await killedRun.ended).signal, 'SIGKILL');
      const afterKill = await cli('releases', '--cluster', 'production');
      assert.match(afterKill.stdout, /^#3 {2}1\.1 .* cli(?! .*OUTCOME)/m);
      assert.match(afterKill.stdout, /^#4 {2}1\.0 .* cli .*OUTCOME UNKNOWN/m);
    } finally {
      await dockerCli(host, ['stack', 'rm', stack]);
      await waitFor(async () => (await dockerCli(host, ['network', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`])).stdout.trim() === '', { timeoutMs: 60_000, what: `networks of ${stack} gone` }).catch(() => undefined);
      const configs = (await dockerCli(host, ['config', 'ls', '-q', '--filter', `label=io.slipway.stack=${stack}`])).stdout.split('\n').filter((l) => l);
      if (configs.length > 0) await dockerCli(host, ['config', 'rm', ...configs]);
      await dockerCli(host, ['volume', 'rm', `${stack}_redis-data`]);
      await fx.cleanup();
    }
  });

  it('the CLI SIGKILLed mid-pipeline at the readiness tests: the next run reaps what it left; the history says interrupted, with the stages reached', async () => {
    const ws = await createPipelineWorkspace();
    try {
      await ws.configure({ mode: 'deployment', stages: ['checkout', 'build', 'deploy-prod-like', 'readiness-tests'] });
      // A readiness test that takes its time, so the CLI is killed while it runs.
      await ws.commitFile('docker-compose.deploy.yml', 'version: "3.8"\nservices:\n  smoke:\n    image: ${SLIPWAY_IMAGE}\n    command: ["sh", "-c", "echo checking; sleep 120"]\n', 'slow readiness test');
      const run = startCli(['-C', ws.dir, '--json', 'pipeline'], process.env, ws.dir);
      const runId = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const started = /"type":"runStarted","runId":"([^"]+)"/.exec(run.output());
          if (started && run.output().includes('"text":"checking"')) {
            clearInterval(timer);
            resolve(started[1]!);
          }
        }, 100);
        void run.ended.then((e) => {
          clearInterval(timer);
          reject(new Error(`the pipeline ended before the readiness test ran (exit ${e.code}):\n${e.stdout}\n${e.stderr}`));
        });
      });
      const labelled = async (): Promise<string[]> => {
        const filter = `label=io.slipway.run=${runId}`;
        const containers = (await dockerCli(r.prodLike.host, ['ps', '-aq', '--filter', filter])).stdout.split('\n');
        const networks = (await dockerCli(r.prodLike.host, ['network', 'ls', '-q', '--filter', filter])).stdout.split('\n');
        return [...containers, ...networks].filter((l) => l.trim() !== '');
      };
      const before = await labelled();
      assert.ok(before.length >= 2, `the readiness test's container and network carry the run's labels (found ${before.length})`);
      const owner = (await dockerCli(r.prodLike.host, ['network', 'ls', '--filter', `label=io.slipway.run=${runId}`, '--format', '{{.Label "io.slipway.owner"}} {{.Label "io.slipway.kind"}} {{.Label "io.slipway.workspace"}}'])).stdout.trim();
      assert.match(owner, new RegExp(`:${run.child.pid} readiness [0-9a-f]{8}$`), 'all four labels on the network');
      // The log is written as the run goes, in batches that reach the disk within 200 ms: let the last one land.
      await new Promise((res) => setTimeout(res, 400));
      run.child.kill('SIGKILL');
      const killed = await run.ended;
      assert.equal(killed.signal, 'SIGKILL');

      const runs = await exec(process.execPath, [CLI, '-C', ws.dir, '--json', 'pipeline', 'runs'], { timeoutMs: 30_000 });
      assert.equal(runs.code, 0, runs.stderr);
      const record = (JSON.parse(runs.stdout) as { branches: { runs: { runId: string; status: string; failedStage?: string; stages: { id: string; state: string }[] }[] }[] }).branches
        .flatMap((b) => b.runs)
        .find((x) => x.runId === runId);
      assert.ok(record, `run ${runId} is in the history`);
      assert.equal(record.status, 'interrupted');
      assert.equal(record.failedStage, 'readiness-tests');
      assert.deepEqual(record.stages.filter((x) => x.state === 'passed').map((x) => x.id), ['checkout', 'build', 'deploy-prod-like']);
      const human = await exec(process.execPath, [CLI, '-C', ws.dir, 'pipeline', 'runs'], { timeoutMs: 30_000 });
      assert.match(human.stdout, new RegExp(`${runId} .* interrupted .* at readiness-tests: the process running it \\(.*:${run.child.pid}\\) died during readiness-tests`));

      // Its log survived the kill: what it printed up to its death, the readiness test's output included, and why it stopped.
      const log = await exec(process.execPath, [CLI, '-C', ws.dir, 'pipeline', 'log', runId], { timeoutMs: 30_000 });
      assert.equal(log.code, 0, log.stderr);
      assert.match(log.stdout, new RegExp(`^Pipeline ${runId} on develop @ .* \\(4 stages\\)$`, 'm'));
      assert.match(log.stdout, /^PASS deploy-prod-like \(/m);
      assert.match(log.stdout, /^==> \[4\/4\] readiness-tests: [^\n]*\n(?:.*\n)*? {4}checking$/m);
      assert.match(log.stdout.trimEnd().split('\n').pop()!, new RegExp(`^Pipeline interrupted: the process running it \\(.*:${run.child.pid}\\) died during readiness-tests$`));
      const stage = await exec(process.execPath, [CLI, '-C', ws.dir, 'pipeline', 'log', runId, '--stage', 'readiness-tests'], { timeoutMs: 30_000 });
      assert.match(stage.stdout, /^ {4}checking$/m);

      // The next run (here only its checkout) starts with the janitor on every engine it uses.
      const next = await exec(process.execPath, [CLI, '-C', ws.dir, 'pipeline', '--to', 'checkout'], { timeoutMs: 60_000 });
      assert.equal(next.code, 0, next.stderr);
      assert.deepEqual(await labelled(), [], 'the killed run left nothing behind after the next run');
    } finally {
      await ws.dispose();
    }
  });
});
