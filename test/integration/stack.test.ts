/**
 * Stack deploys against the rig's real clusters: create on an empty cluster, "already runs", update, the plan of a
 * stack `docker stack deploy` made from the same files, a rollout Swarm rolls back (health check never passes),
 * whole-stack rollback to release 1 after three releases, promotion to production behind --yes, and bad stack files.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerCli, dockerOk, uniqueName, waitFor } from '../support/rig';
import { setUpSwarmFixture, stackSlipwayYml, type SwarmFixture } from './swarmFixture';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

interface DeployJson {
  plan: { create: string[]; update: string[]; remove: string[]; unchanged: string[]; services: { name: string; changes: { what: string; from: string; to: string }[] }[] };
  outcome?: string;
  release?: number;
  message?: string;
}

function stackFile(port: number, replicas = 1): string {
  return `version: "3.8"
services:
  app:
    image: \${SLIPWAY_IMAGE}
    environment:
      PORT: "3000"
      CACHE_HOST: cache
    ports:
      - { target: 3000, published: ${port}, mode: host }
    networks: [back]
    deploy:
      replicas: ${replicas}
      endpoint_mode: dnsrr
      update_config: { parallelism: 1, delay: 0s, monitor: 2s, failure_action: rollback, order: stop-first }
      rollback_config: { parallelism: 1, monitor: 1s }
      restart_policy: { condition: any, delay: 1s }
      labels: { team: auth }
  cache:
    image: slipway-rig/redis:7
    command: ["/usr/bin/redis-server", "--bind", "0.0.0.0", "--protected-mode", "no"]
    networks: [back]
    deploy:
      endpoint_mode: dnsrr
      placement: { constraints: [node.role == manager] }
networks:
  back: { driver: overlay, attachable: true }
`;
}

describe('stack deploys (slipway deploy/releases/rollback/promote) on the rig', function () {
  this.timeout(300_000);
  let fx: SwarmFixture;
  let ws: string;
  let stack: string;
  const stacks: { host: string; name: string }[] = [];

  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, '-C', ws, ...args], { encoding: 'utf8', env: { ...process.env, SLIPWAY_CLUSTERS: '' }, timeout: 280_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const json = <T>(r: { stdout: string; stderr: string }): T => {
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      throw new Error(`not JSON: ${r.stdout}\n${r.stderr}`);
    }
  };
  const writeWorkspace = (name: string, stackYml: string, extraClusterKeys = ''): void => {
    writeFileSync(join(ws, 'slipway.yml'), stackSlipwayYml(fx, name, extraClusterKeys));
    writeFileSync(join(ws, 'stack.yml'), stackYml);
  };
  const image = (host: string, service: string) => dockerOk(host, ['service', 'inspect', service, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}']);

  before(async function () {
    this.timeout(300_000);
    fx = await setUpSwarmFixture(['1.0', '1.1', 'bad']);
    ws = mkdtempSync(join(tmpdir(), 'slipway-stack-'));
    stack = uniqueName('stk').replace(/[^a-z0-9-]/g, '').slice(0, 30);
    stacks.push({ host: fx.hostOf('prod-like'), name: stack }, { host: fx.hostOf('production'), name: stack });
    writeWorkspace(stack, stackFile(18300 + Math.floor(Math.random() * 500)));
  });

  after(async function () {
    this.timeout(120_000);
    for (const s of stacks) {
      await dockerCli(s.host, ['stack', 'rm', s.name]);
      // docker stack rm removes the stack's secrets and configs once its services are gone; give it that moment.
      await waitFor(async () => (await dockerCli(s.host, ['config', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${s.name}`])).stdout.trim() === '', { timeoutMs: 30_000, what: `configs of ${s.name} gone` }).catch(() => undefined);
      const configs = (await dockerCli(s.host, ['config', 'ls', '-q', '--filter', `label=io.slipway.stack=${s.name}`])).stdout.split('\n').filter((l) => l);
      if (configs.length > 0) await dockerCli(s.host, ['config', 'rm', ...configs]);
    }
    for (const s of stacks) {
      await waitFor(async () => (await dockerCli(s.host, ['network', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${s.name}`])).stdout.trim() === '', { timeoutMs: 60_000, what: `networks of ${s.name} gone` }).catch(() => undefined);
    }
    await fx?.cleanup();
    rmSync(ws, { recursive: true, force: true });
  });

  it('creates the stack on an empty cluster: networks first, pinned images, converged, release 1, docker stack ls sees it', () => {
    const r = cli('deploy', '1.0', '--cluster', 'prod-like', '--json');
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const out = json<DeployJson>(r);
    assert.deepEqual(out.plan.create.sort(), [`${stack}_app`, `${stack}_cache`]);
    assert.equal(out.outcome, 'converged');
    assert.equal(out.release, 1);
    return (async () => {
      assert.equal(await image(fx.hostOf('prod-like'), `${stack}_app`), `${fx.repository}:1.0@${fx.digests['1.0']}`);
      const ls = await dockerOk(fx.hostOf('prod-like'), ['stack', 'ls', '--format', '{{.Name}} {{.Services}}']);
      assert.match(ls, new RegExp(`^${stack} 2$`, 'm'));
      const ps = await dockerOk(fx.hostOf('prod-like'), ['stack', 'ps', stack, '--filter', 'desired-state=running', '--format', '{{.Name}} {{.CurrentState}}']);
      assert.match(ps, new RegExp(`${stack}_app\\.1 Running`));
    })();
  });

  it('says a deploy of what already runs changes nothing and restarts no task', async () => {
    const before = await dockerOk(fx.hostOf('prod-like'), ['service', 'ps', '-q', `${stack}_app`]);
    const r = cli('deploy', '1.0', '--cluster', 'prod-like');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Plan: 0 to create, 0 to update, 0 to remove\./);
    assert.match(r.stdout, /already runs .*1\.0.*nothing to do/);
    assert.equal(await dockerOk(fx.hostOf('prod-like'), ['service', 'ps', '-q', `${stack}_app`]), before);
  });

  it('plans an update without changing anything (--plan), then applies it service by service', async () => {
    const plan = cli('deploy', '1.1', '--cluster', 'prod-like', '--plan');
    assert.equal(plan.status, 0, plan.stderr);
    assert.match(plan.stdout, new RegExp(`~ ${stack}_app  update\\n\\s+image: .*:1\\.0 \\(${fx.digests['1.0']!.slice(7, 19)}\\) → .*:1\\.1 \\(${fx.digests['1.1']!.slice(7, 19)}\\)`));
    assert.match(plan.stdout, new RegExp(`= ${stack}_cache  unchanged`));
    assert.match(plan.stdout.trimEnd().split('\n').pop()!, /^Plan: 0 to create, 1 to update, 0 to remove\.$/);
    assert.equal(await image(fx.hostOf('prod-like'), `${stack}_app`), `${fx.repository}:1.0@${fx.digests['1.0']}`);
    const r = cli('deploy', '1.1', '--cluster', 'prod-like', '--json');
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const out = json<DeployJson>(r);
    assert.deepEqual(out.plan.update, [`${stack}_app`]);
    assert.equal(out.outcome, 'converged');
    assert.equal(out.release, 2);
    assert.equal(await image(fx.hostOf('prod-like'), `${stack}_app`), `${fx.repository}:1.1@${fx.digests['1.1']}`);
  });

  it('reports a rollout whose health check never passes as failed, naming the service, the task and the reason', async () => {
    const r = cli('deploy', 'bad', '--cluster', 'prod-like');
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, new RegExp(`slipway: ${stack}_app: Swarm rolled ${stack}_app back .*task ${stack}_app\\.1`));
    assert.equal(await image(fx.hostOf('prod-like'), `${stack}_app`), `${fx.repository}:1.1@${fx.digests['1.1']}`);
  });

  it('rolls the whole stack back to release 1 after three releases, as a new release saying so', async () => {
    // Release 4: changed files (2 replicas of the app) with 1.1.
    writeFileSync(join(ws, 'stack.yml'), stackFile(0, 2).replace(/\n\s+ports:\n.*\n/, '\n'));
    const changed = cli('deploy', '1.1', '--cluster', 'prod-like', '--json');
    assert.equal(changed.status, 0, changed.stderr + changed.stdout);
    const out = json<DeployJson>(changed);
    const changes = out.plan.services.find((s) => s.name === `${stack}_app`)!.changes.map((c) => c.what);
    assert.deepEqual(changes.sort(), ['ports', 'replicas']);
    const releases = json<{ number: number; version: string; rollbackOf?: number; outcome?: { converged: boolean } }[]>(cli('releases', '--cluster', 'prod-like', '--json'));
    assert.deepEqual(releases.map((x) => [x.number, x.version, x.outcome?.converged]), [[1, '1.0', true], [2, '1.1', true], [3, 'bad', false], [4, '1.1', true]]);
    const back = cli('rollback', '--cluster', 'prod-like', '--to', '1', '--json');
    assert.equal(back.status, 0, back.stderr + back.stdout);
    assert.equal(json<DeployJson>(back).release, 5);
    assert.equal(await image(fx.hostOf('prod-like'), `${stack}_app`), `${fx.repository}:1.0@${fx.digests['1.0']}`);
    assert.equal(await dockerOk(fx.hostOf('prod-like'), ['service', 'inspect', `${stack}_app`, '--format', '{{.Spec.Mode.Replicated.Replicas}}']), '1');
    const after = json<{ number: number; rollbackOf?: number }[]>(cli('releases', '--cluster', 'prod-like', '--json'));
    assert.deepEqual(after[after.length - 1], { ...after[after.length - 1], number: 5, rollbackOf: 1 });
    const text = cli('releases', '--cluster', 'prod-like');
    assert.match(text.stdout, /#5 {2}1\.0 .* cli .*\(rollback to #1\)/);
  });

  it('refuses production without --yes, then promotes the same digests with production’s own files', async () => {
    writeFileSync(join(ws, 'stack.production.yml'), 'version: "3.8"\nservices:\n  app:\n    deploy:\n      replicas: 2\n');
    writeWorkspace(stack, stackFile(0, 1).replace(/\n\s+ports:\n.*\n/, '\n'), ', stackFiles: [stack.yml, stack.production.yml]');
    const refused = cli('promote', '--from', 'prod-like', '--to', 'production');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /Refusing to deploy stack .* on production cluster "production" without confirmation/);
    assert.match(refused.stderr, /hint: Re-run with --yes/);
    assert.equal((await dockerCli(fx.hostOf('production'), ['service', 'inspect', `${stack}_app`])).code !== 0, true, 'nothing was created');
    const r = cli('promote', '--from', 'prod-like', '--to', 'production', '--yes', '--json');
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.equal(json<DeployJson>(r).outcome, 'converged');
    assert.equal(await image(fx.hostOf('production'), `${stack}_app`), `${fx.repository}:1.0@${fx.digests['1.0']}`);
    assert.equal(await dockerOk(fx.hostOf('production'), ['service', 'inspect', `${stack}_app`, '--format', '{{.Spec.Mode.Replicated.Replicas}}']), '2');
    const rel = json<{ promotedFrom?: { cluster: string; release: number } }[]>(cli('releases', '--cluster', 'production', '--json'));
    assert.deepEqual(rel[0]!.promotedFrom, { cluster: 'prod-like', release: 5 });
  });

  it('plans a stack that docker stack deploy made from the same files and image as no change', async () => {
    const other = `${stack}-dsd`;
    stacks.push({ host: fx.hostOf('prod-like'), name: other });
    const port = 18900 + Math.floor(Math.random() * 90);
    writeWorkspace(other, stackFile(port, 1));
    await dockerOk(fx.hostOf('prod-like'), ['stack', 'deploy', '-c', join(ws, 'stack.yml'), other], { env: { ...process.env, SLIPWAY_IMAGE: `${fx.repository}:1.0` } });
    const r = cli('deploy', '1.0', '--cluster', 'prod-like', '--plan', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = json<DeployJson>(r);
    assert.deepEqual({ create: out.plan.create, update: out.plan.update, remove: out.plan.remove }, { create: [], update: [], remove: [] }, JSON.stringify(out.plan.services, null, 1));
  });

  it('creates the stack\'s configs and secrets from their files, mounts them, and plans the result as unchanged', async () => {
    const name = `${stack}-obj`;
    stacks.push({ host: fx.hostOf('prod-like'), name });
    writeFileSync(join(ws, 'app.conf'), 'greeting = hello\n');
    writeFileSync(join(ws, 'token.txt'), 's3cret\n');
    writeWorkspace(
      name,
      stackFile(0).replace(/\n\s+ports:\n.*\n/, '\n').replace('    networks: [back]\n    deploy:\n      replicas', '    networks: [back]\n    configs: [{ source: appconf, target: /etc/app.conf }]\n    secrets: [token]\n    deploy:\n      replicas') +
        'configs:\n  appconf: { file: ./app.conf }\nsecrets:\n  token: { file: ./token.txt }\n',
    );
    const r = cli('deploy', '1.0', '--cluster', 'prod-like', '--json');
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.equal(json<DeployJson>(r).outcome, 'converged');
    const host = fx.hostOf('prod-like');
    assert.equal(await dockerOk(host, ['config', 'inspect', `${name}_appconf`, '--format', '{{index .Spec.Labels "com.docker.stack.namespace"}}']), name);
    assert.equal(await dockerOk(host, ['secret', 'inspect', `${name}_token`, '--format', '{{index .Spec.Labels "com.docker.stack.namespace"}}']), name);
    const mounts = await dockerOk(host, ['service', 'inspect', `${name}_app`, '--format', '{{range .Spec.TaskTemplate.ContainerSpec.Configs}}{{.File.Name}} {{end}}{{range .Spec.TaskTemplate.ContainerSpec.Secrets}}{{.File.Name}}{{end}}']);
    assert.equal(mounts, '/etc/app.conf token');
    const again = json<DeployJson>(cli('deploy', '1.0', '--cluster', 'prod-like', '--plan', '--json'));
    assert.deepEqual({ create: again.plan.create, update: again.plan.update, remove: again.plan.remove }, { create: [], update: [], remove: [] }, JSON.stringify(again.plan.services));
  });

  it('rejects bad stack files with file:line:col naming the key, before touching the cluster', () => {
    writeWorkspace(`${stack}-bad`, stackFile(0).replace('      endpoint_mode: dnsrr\n      update_config', '      endpoint_mode: dnsrr\n      replicaz: 2\n      update_config'));
    const r = cli('deploy', '1.0', '--cluster', 'prod-like', '--plan');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^slipway: stack\.yml:14:7: services\.app\.deploy has an unsupported key "replicaz"/m);
  });
});
