/**
 * The go-auth fixture as a newcomer runs it, with no service created by hand: `slipway pipeline` builds, tests and
 * creates the stack on prod-like (readiness tests against its published port), pauses before production (delivery
 * mode, exit 3), and `slipway pipeline --from deploy-production` creates it on production and passes its tests.
 */
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newRunId } from '../../../src/core/run/runId';
import { pipelineCli, type PipelineCliRun } from '../../support/pipelineCli';
import { FIXTURE, freePort } from '../../support/pipelineWorkspace';
import { dockerCli, dockerOk, exec, rig, waitFor } from '../../support/rig';

const CLI = join(__dirname, '..', '..', '..', '..', 'dist', 'cli.js');

function pipeline(dir: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<PipelineCliRun> {
  return pipelineCli(dir, args, env);
}

describe('the go-auth fixture\'s pipeline deploys its stack (nothing created by hand)', function () {
  this.timeout(600_000);
  const r = rig();
  const id = newRunId();
  const name = `goauth-${id}`;
  let dir = '';

  after(async function () {
    this.timeout(120_000);
    for (const host of [r.prodLike.host, r.production.host]) {
      await dockerCli(host, ['stack', 'rm', name]);
      const configs = (await dockerCli(host, ['config', 'ls', '-q', '--filter', `label=io.slipway.stack=${name}`])).stdout.split('\n').filter((l) => l);
      if (configs.length > 0) await dockerCli(host, ['config', 'rm', ...configs]);
      await waitFor(async () => (await dockerCli(host, ['network', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${name}`])).stdout.trim() === '', { timeoutMs: 60_000, what: 'stack networks gone' }).catch(() => undefined);
      await dockerCli(host, ['volume', 'rm', `${name}_redis-data`]);
      await dockerCli(host, ['rmi', '-f', `${r.registry}/${name}:develop`, `${name}:develop`]);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pipeline pauses before production after creating the stack on prod-like; --from deploy-production finishes it', async () => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'slipway-stack-pipeline-')));
    cpSync(FIXTURE, dir, { recursive: true, filter: (src) => !/\/(dist|node_modules)(\/|$)/.test(src) });
    const config = readFileSync(join(dir, 'slipway.yml'), 'utf8')
      .replace(/^  image: go-auth .*$/m, `  image: ${name}`)
      .replace(/^  stack: go-auth .*$/m, `  stack: ${name}`)
      .replace(/host: unix:\/\/\/var\/run\/docker\.sock/, `host: ${r.prodLike.host}`)
      .replace(/host: unix:\/\/\/run\/slipway-rig\/production\.sock/, `host: ${r.production.host}`)
      .replace(/localhost:5000/g, r.registry);
    assert.match(config, new RegExp(`stack: ${name}`));
    writeFileSync(join(dir, 'slipway.yml'), config);
    const git = (...args: string[]) => exec('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=T', ...args], { cwd: dir });
    await git('init', '-q', '-b', 'develop');
    await git('add', '-A');
    await git('commit', '-qm', 'go-auth');
    const port = await freePort();
    const env = { ...process.env, GO_AUTH_PORT: String(port), SLIPWAY_CLUSTERS: '' };

    const first = await pipeline(dir, env);
    assert.equal(first.code, 3, `${first.stderr}\n${first.run.failedStage}: ${first.run.reason}`);
    const states = Object.fromEntries(first.run.stages.map((s) => [s.id, s.state]));
    assert.deepEqual(states, {
      checkout: 'passed', 'unit-tests': 'passed', build: 'passed', 'deploy-staging': 'passed', 'functional-tests': 'passed',
      'deploy-prod-like': 'passed', 'readiness-tests': 'passed', 'deploy-production': 'paused-for-approval', 'production-tests': 'waiting',
    });
    const app = await dockerOk(r.prodLike.host, ['service', 'inspect', `${name}_app`, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}']);
    assert.match(app, new RegExp(`^${r.registry}/${name}:develop@sha256:[0-9a-f]{64}$`));

    const second = await pipeline(dir, env, '--from', 'deploy-production');
    assert.equal(second.code, 0, `${second.stderr}\n${second.run.failedStage}: ${second.run.reason}`);
    const after = Object.fromEntries(second.run.stages.map((s) => [s.id, s.state]));
    assert.equal(after['deploy-production'], 'passed');
    assert.equal(after['production-tests'], 'passed');
    assert.equal(await dockerOk(r.production.host, ['service', 'inspect', `${name}_app`, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}']), app, 'production runs the digest tested on prod-like');
    const ls = await dockerOk(r.production.host, ['stack', 'ls', '--format', '{{.Name}} {{.Services}}']);
    assert.match(ls, new RegExp(`^${name} 2$`, 'm'));
    const releases = await exec(process.execPath, [CLI, '-C', dir, '--json', 'releases', '--cluster', 'production'], { env });
    const rel = JSON.parse(releases.stdout) as { number: number; trigger: string; version: string }[];
    assert.deepEqual(rel.map((x) => [x.number, x.version, x.trigger]), [[1, 'develop', `pipeline ${second.run.runId}`]]);
  });
});
