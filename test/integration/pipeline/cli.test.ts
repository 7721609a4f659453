import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '..', '..', '..', '..', 'dist', 'cli.js');

function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

/** A committed repository whose pipeline has only stages that need no Docker (checkout, and the approval pause). */
function repo(stages: string[], mode = 'delivery'): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-pipeline-cli-'));
  git(dir, 'init', '-q', '-b', 'develop');
  git(dir, 'config', 'user.email', 'dev@example.com');
  git(dir, 'config', 'user.name', 'Dev');
  // A production cluster and a plain service, so the preflight lets deploy-production through (it never connects).
  writeFileSync(
    join(dir, 'slipway.yml'),
    `version: 1\nclusters:\n  production: { host: unix:///nowhere/docker.sock, role: production }\ndeploy:\n  service: demo\npipeline:\n  mode: ${mode}\n  stages: [${stages.join(', ')}]\n`,
  );
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'init');
  return dir;
}

const slipway = (dir: string, ...args: string[]) => spawnSync(process.execPath, [CLI, '-C', dir, ...args], { encoding: 'utf8' });

describe('slipway pipeline (CLI, stages without Docker)', () => {
  const dirs: string[] = [];
  const make = (stages: string[], mode?: string) => {
    const d = repo(stages, mode);
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('runs checkout, prints stage header and PASS, records the run in .git/slipway/runs.jsonl', () => {
    const dir = make(['checkout']);
    const r = slipway(dir, 'pipeline');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^==> \[1\/1\] checkout: Checkout$/m);
    assert.match(r.stdout, /^PASS checkout \(\d+(ms|\.\ds)\): develop @ [0-9a-f]{7}, version develop$/m);
    assert.match(r.stdout, /^Pipeline passed in /m);
    const lines = readFileSync(join(dir, '.git', 'slipway', 'runs.jsonl'), 'utf8').trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as { runId: string; status: string });
    assert.equal(new Set(records.map((r) => r.runId)).size, 1, 'one run');
    assert.equal(records[0]!.status, 'running', 'recorded when it started');
    assert.equal(records.at(-1)!.status, 'passed', 'and again when it ended');
  });

  it('versions like `slipway package`: a v<digit> tag on HEAD without its v, any other v tag (vnext) gives develop', () => {
    const dir = make(['checkout']);
    git(dir, 'tag', 'vnext');
    const untagged = slipway(dir, 'pipeline');
    assert.equal(untagged.status, 0, untagged.stderr);
    assert.match(untagged.stdout, /version develop$/m, 'vnext is not a version tag');
    git(dir, 'tag', 'v1.4.0');
    const tagged = slipway(dir, 'pipeline');
    assert.equal(tagged.status, 0, tagged.stderr);
    assert.match(tagged.stdout, /version 1\.4\.0$/m);
  });

  it('preflight: a run whose stages lack configuration is refused with every problem at once (exit 1), nothing run or recorded', () => {
    const dir = make(['checkout']);
    writeFileSync(
      join(dir, 'slipway.yml'),
      'version: 1\npackage: { image: demo }\nclusters:\n  production: { host: unix:///nowhere/docker.sock, role: production }\ndeploy:\n  service: demo\n  readiness: { compose: tests.yml, test: smoke }\npipeline:\n  mode: deployment\n',
    );
    git(dir, 'commit', '-qam', 'incomplete pipeline config');
    const r = slipway(dir, 'pipeline');
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '', 'no stage ran');
    assert.match(r.stderr, /^slipway: The pipeline cannot start: slipway\.yml lacks what its stages need \(5 problems\):$/m);
    for (const problem of [
      'unit-tests needs build: { image, steps }',
      'deploy-staging needs integration: { compose: FILE, test: SERVICE }',
      'deploy-prod-like needs a cluster with role prod-like under clusters:',
      'production-tests needs deploy.production: { compose: FILE, test: SERVICE }',
      'deploy.readiness.compose names tests.yml, which cannot be read (missing?)',
    ]) {
      assert.ok(r.stderr.includes(`  - ${problem}\n`), `${problem}\n${r.stderr}`);
    }
    assert.match(r.stderr, /^hint: edit slipway\.yml$/m);
    assert.equal(existsSync(join(dir, '.git', 'slipway', 'runs.jsonl')), false, 'a refused run is not recorded');
  });

  it('a dirty tree fails checkout with exit 1 naming the stage and the file', () => {
    const dir = make(['checkout']);
    writeFileSync(join(dir, 'notes.txt'), 'wip');
    const r = slipway(dir, 'pipeline');
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^FAIL checkout/m);
    assert.match(r.stderr, /slipway: pipeline failed at checkout: The working tree has uncommitted changes \(\?\? notes.txt\)/);
  });

  it('delivery mode stops before deploy-production with exit 3 and says how to approve', () => {
    const dir = make(['checkout', 'deploy-production']);
    const r = slipway(dir, 'pipeline');
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stdout, /^WAIT deploy-production: waiting for approval/m);
    assert.match(r.stderr, /^slipway: waiting for approval before deploy-production\nhint: run `slipway pipeline --from deploy-production` to deploy to production$/m);
  });

  it('--json streams events and ends with the run, stages without logs', () => {
    const dir = make(['checkout', 'deploy-production']);
    const r = slipway(dir, '--json', 'pipeline', '--to', 'checkout');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event?: { type: string }; run?: { status: string; stages: { id: string; state: string; log?: unknown }[] } });
    assert.equal(lines[0]!.event!.type, 'runStarted');
    const run = lines.at(-1)!.run!;
    assert.equal(run.status, 'passed');
    assert.deepEqual(run.stages.map((s) => [s.id, s.state]), [['checkout', 'passed'], ['deploy-production', 'skipped']]);
    assert.ok(run.stages.every((s) => s.log === undefined));
  });

  it('bad --from/--to and --mode are usage errors (exit 2) and nothing is recorded', () => {
    const dir = make(['checkout']);
    const r1 = slipway(dir, 'pipeline', '--from', 'deploy');
    assert.equal(r1.status, 2);
    assert.match(r1.stderr, /--from "deploy" is not a stage/);
    const r2 = slipway(dir, 'pipeline', '--to', 'build');
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /--to "build" is not in this pipeline/);
    const r3 = slipway(dir, 'pipeline', '--mode', 'yolo');
    assert.equal(r3.status, 2);
    assert.ok(!existsSync(join(dir, '.git', 'slipway', 'runs.jsonl')));
  });

  it('an unknown stage in slipway.yml is a config error (exit 1) with the stage list', () => {
    const dir = make(['checkout', 'lint']);
    const r = slipway(dir, 'pipeline');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /slipway.yml:\d+:\d+: pipeline.stages.1 must be one of: checkout, unit-tests/);
  });

  it('pipeline log prints the newest run\'s log, or one stage of it', () => {
    const dir = make(['checkout', 'deploy-production']);
    assert.equal(slipway(dir, 'pipeline').status, 3);
    const r = slipway(dir, 'pipeline', 'log');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Pipeline \S+ on develop @ develop \(delivery\), paused$/m);
    assert.match(r.stdout, /^==> \[1\/2\] checkout: Checkout\n {4}HEAD [0-9a-f]{40} on develop, version develop\nPASS checkout/m);
    assert.match(r.stdout, /^WAIT deploy-production: waiting for approval/m);
    const stage = slipway(dir, 'pipeline', 'log', '--stage', 'deploy-production');
    assert.equal(stage.status, 0, stage.stderr);
    assert.doesNotMatch(stage.stdout, /checkout/);
    const missing = slipway(dir, 'pipeline', 'log', 'nosuchrun');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /No log kept for run nosuchrun/);
  });

  it('pipeline runs lists recent runs per branch, newest first', () => {
    const dir = make(['checkout', 'deploy-production']);
    assert.equal(slipway(dir, 'pipeline', '--to', 'checkout').status, 0);
    assert.equal(slipway(dir, 'pipeline').status, 3);
    git(dir, 'checkout', '-qb', 'feature/x');
    assert.equal(slipway(dir, 'pipeline', '--to', 'checkout').status, 0);
    const r = slipway(dir, 'pipeline', 'runs');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^feature\/x\n {2}\S+ .* passed .*\ndevelop\n {2}\S+ .* paused .* before deploy-production\n {2}\S+ .* passed /m);
    const j = JSON.parse(slipway(dir, '--json', 'pipeline', 'runs', '--branch', 'develop').stdout) as { branches: { branch: string; runs: unknown[] }[] };
    assert.deepEqual(j.branches.map((b) => [b.branch, b.runs.length]), [['develop', 2]]);
  });
});
