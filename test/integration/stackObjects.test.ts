/**
 * Stack configs and secrets whose content changes (on the rig): Swarm's objects are immutable, so a changed file is
 * rotated to a content-addressed object (`<name>-<8 hex of sha256>`) and the services that use it are updated; the
 * old object stays while a kept release uses it, so a rollback to the first release runs with the first content
 * again. A stack `docker stack deploy` made from the same files plans as unchanged; its secret (no content label)
 * cannot be verified and the plan says so.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerCli, dockerOk, uniqueName, waitFor } from '../support/rig';
import { setUpSwarmFixture, stackSlipwayYml, type SwarmFixture } from './swarmFixture';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

interface Rotation {
  kind: string;
  name: string;
  from: string[];
  to: string;
  create: boolean;
  services: string[];
}

interface DeployJson {
  plan: {
    create: string[];
    update: string[];
    remove: string[];
    secrets: string[];
    configs: string[];
    rotate: Rotation[];
    warnings: string[];
    removeObjects: { networks: string[]; secrets: string[]; configs: string[] };
    keepObjects: { kind: string; name: string; releases: number[] }[];
  };
  outcome?: string;
  release?: number;
}

const STACK = `version: "3.8"
services:
  app:
    image: \${SLIPWAY_IMAGE}
    networks: [back]
    configs: [{ source: appconf, target: /etc/app.conf }]
    secrets: [token]
    deploy:
      replicas: 1
      endpoint_mode: dnsrr
      placement: { constraints: [node.role == manager] }
      update_config: { parallelism: 1, delay: 0s, monitor: 1s, failure_action: rollback }
networks:
  back: { driver: overlay }
configs:
  appconf: { file: ./app.conf }
secrets:
  token: { file: ./token.txt }
`;

const h8 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

describe('stack configs and secrets whose content changes (on the rig)', function () {
  this.timeout(300_000);
  let fx: SwarmFixture;
  let ws: string;
  let stack: string;
  const stacks: string[] = [];

  const host = () => fx.hostOf('prod-like');
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, '-C', ws, ...args], { encoding: 'utf8', env: { ...process.env, SLIPWAY_CLUSTERS: '' }, timeout: 280_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const json = (r: { status: number | null; stdout: string; stderr: string }): DeployJson => {
    assert.equal(r.status, 0, r.stderr + r.stdout);
    return JSON.parse(r.stdout) as DeployJson;
  };
  const writeWorkspace = (name: string): void => {
    writeFileSync(join(ws, 'slipway.yml'), stackSlipwayYml(fx, name));
    writeFileSync(join(ws, 'stack.yml'), STACK);
  };
  const write = (file: string, text: string) => writeFileSync(join(ws, file), text);
  /** A file as the app's one running container sees it (the service runs on the manager, the engine we talk to). */
  const seen = async (name: string, path: string): Promise<string> => {
    const id = await waitFor(async () => {
      const ids = (await dockerOk(host(), ['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${name}_app`, '--filter', 'status=running'])).split('\n').filter((l) => l);
      return ids.length === 1 ? ids[0] : undefined;
    }, { timeoutMs: 30_000, what: `one running container of ${name}_app` });
    return dockerOk(host(), ['exec', id, 'cat', path]);
  };
  const objects = async (kind: 'config' | 'secret', name: string) =>
    (await dockerOk(host(), [kind, 'ls', '--filter', `label=com.docker.stack.namespace=${name}`, '--format', '{{.Name}}'])).split('\n').filter((l) => l).sort();

  before(async function () {
    fx = await setUpSwarmFixture(['1.0']);
    ws = mkdtempSync(join(tmpdir(), 'slipway-stackobj-'));
    stack = uniqueName('obj').replace(/[^a-z0-9-]/g, '').slice(0, 30);
    stacks.push(stack);
    writeWorkspace(stack);
    write('app.conf', 'greeting = A\n');
    write('token.txt', 'token-A\n');
    const first = json(cli('deploy', '1.0', '--cluster', 'prod-like', '--json'));
    assert.equal(first.outcome, 'converged');
    assert.equal(first.release, 1);
  });

  after(async function () {
    this.timeout(120_000);
    if (fx) {
      for (const s of stacks) {
        await dockerCli(host(), ['stack', 'rm', s]);
        await waitFor(async () => (await dockerCli(host(), ['config', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${s}`])).stdout.trim() === '', { timeoutMs: 30_000, what: `configs of ${s} gone` }).catch(() => undefined);
        const records = (await dockerCli(host(), ['config', 'ls', '-q', '--filter', `label=io.slipway.stack=${s}`])).stdout.split('\n').filter((l) => l);
        if (records.length > 0) await dockerCli(host(), ['config', 'rm', ...records]);
        await waitFor(async () => (await dockerCli(host(), ['network', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${s}`])).stdout.trim() === '', { timeoutMs: 60_000, what: `networks of ${s} gone` }).catch(() => undefined);
      }
    }
    await fx?.cleanup();
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  it('labels the configs and secrets it creates with the SHA-256 of their content', async () => {
    assert.equal(await dockerOk(host(), ['config', 'inspect', `${stack}_appconf`, '--format', '{{index .Spec.Labels "io.slipway.content-sha256"}}']), createHash('sha256').update('greeting = A\n').digest('hex'));
    assert.equal(await dockerOk(host(), ['secret', 'inspect', `${stack}_token`, '--format', '{{index .Spec.Labels "io.slipway.content-sha256"}}']), createHash('sha256').update('token-A\n').digest('hex'));
    assert.equal(await seen(stack, '/etc/app.conf'), 'greeting = A');
  });

  it('rotates a config whose file changed to a content-addressed one, and the service runs with the new content', async () => {
    write('app.conf', 'greeting = B\n');
    const rotated = `${stack}_appconf-${h8('greeting = B\n')}`;
    const plan = cli('deploy', '1.0', '--cluster', 'prod-like', '--plan');
    assert.equal(plan.status, 0, plan.stderr);
    assert.ok(plan.stdout.includes(`~ config ${stack}_appconf content changed → ${rotated}; services: app`), plan.stdout);
    assert.match(plan.stdout, /Plan: 0 to create, 1 to update, 0 to remove\./);
    assert.deepEqual(await objects('config', stack), [`${stack}_appconf`], '--plan created nothing');
    const out = json(cli('deploy', '1.0', '--cluster', 'prod-like', '--json'));
    assert.deepEqual(out.plan.rotate, [{ kind: 'config', name: `${stack}_appconf`, from: [`${stack}_appconf`], to: rotated, create: true, services: ['app'] }]);
    assert.deepEqual(out.plan.update, [`${stack}_app`]);
    assert.equal(out.outcome, 'converged');
    assert.equal(out.release, 2);
    assert.equal(await seen(stack, '/etc/app.conf'), 'greeting = B');
    assert.deepEqual(await objects('config', stack), [`${stack}_appconf`, rotated].sort(), 'the old config stays: release 1 uses it');
    const again = json(cli('deploy', '1.0', '--cluster', 'prod-like', '--plan', '--json'));
    assert.deepEqual([again.plan.create, again.plan.update, again.plan.remove, again.plan.rotate], [[], [], [], []]);
  });

  it('rotates a secret whose file changed (its content is known by the label Slipway put on it)', async () => {
    write('token.txt', 'token-B\n');
    const rotated = `${stack}_token-${h8('token-B\n')}`;
    const out = json(cli('deploy', '1.0', '--cluster', 'prod-like', '--json'));
    assert.deepEqual(out.plan.rotate, [{ kind: 'secret', name: `${stack}_token`, from: [`${stack}_token`], to: rotated, create: true, services: ['app'] }]);
    assert.equal(out.outcome, 'converged');
    assert.equal(out.release, 3);
    assert.equal(await seen(stack, `/run/secrets/token`), 'token-B');
    assert.equal(await dockerOk(host(), ['secret', 'inspect', rotated, '--format', '{{index .Spec.Labels "com.docker.stack.namespace"}}']), stack);
  });

  it('rolls back to the first release with its first content, and a deploy of the files again reuses the rotated objects', async () => {
    const back = json(cli('rollback', '--cluster', 'prod-like', '--to', '1', '--json'));
    assert.equal(back.outcome, 'converged');
    assert.equal(back.release, 4);
    assert.equal(await seen(stack, '/etc/app.conf'), 'greeting = A');
    assert.equal(await seen(stack, '/run/secrets/token'), 'token-A');
    assert.deepEqual(back.plan.removeObjects, { networks: [], secrets: [], configs: [] });
    const releases = JSON.parse(cli('releases', '--cluster', 'prod-like', '--json').stdout) as { number: number; objects?: { configs: { name: string; sha256: string }[] } }[];
    assert.deepEqual(releases.find((r) => r.number === 2)!.objects!.configs, [{ key: 'appconf', name: `${stack}_appconf-${h8('greeting = B\n')}`, sha256: createHash('sha256').update('greeting = B\n').digest('hex') }]);
    const forward = json(cli('deploy', '1.0', '--cluster', 'prod-like', '--json'));
    assert.deepEqual(forward.plan.configs, [], 'nothing new to create');
    assert.deepEqual(forward.plan.secrets, []);
    assert.deepEqual(forward.plan.rotate.map((r) => [r.kind, r.create]).sort(), [['config', false], ['secret', false]]);
    assert.equal(forward.outcome, 'converged');
    assert.equal(await seen(stack, '/etc/app.conf'), 'greeting = B');
  });

  it('keeps a config the files dropped while a kept release uses it, says so, and rolls back onto it', async () => {
    writeFileSync(join(ws, 'stack.yml'), STACK.replace('    configs: [{ source: appconf, target: /etc/app.conf }]\n', '').replace('configs:\n  appconf: { file: ./app.conf }\n', ''));
    const out = json(cli('deploy', '1.0', '--cluster', 'prod-like', '--json'));
    assert.equal(out.outcome, 'converged');
    assert.deepEqual(out.plan.removeObjects.configs, []);
    assert.deepEqual(out.plan.keepObjects, [{ kind: 'config', name: `${stack}_appconf-${h8('greeting = B\n')}`, releases: [2, 3, 5] }]);
    assert.deepEqual(await objects('config', stack), [`${stack}_appconf`, `${stack}_appconf-${h8('greeting = B\n')}`].sort());
    const back = json(cli('rollback', '--cluster', 'prod-like', '--to', '5', '--json'));
    assert.equal(back.outcome, 'converged');
    assert.equal(await seen(stack, '/etc/app.conf'), 'greeting = B', 'the release before the drop runs with its config again');
  });

  it('plans a stack docker stack deploy made from the same files as unchanged, warning that its secret cannot be verified', async () => {
    const other = `${stack}-dsd`;
    stacks.push(other);
    writeWorkspace(other);
    write('app.conf', 'greeting = D\n');
    write('token.txt', 'token-D\n');
    await dockerOk(host(), ['stack', 'deploy', '-c', join(ws, 'stack.yml'), other], { env: { ...process.env, SLIPWAY_IMAGE: `${fx.repository}:1.0` } });
    const same = json(cli('deploy', '1.0', '--cluster', 'prod-like', '--plan', '--json'));
    assert.deepEqual([same.plan.create, same.plan.update, same.plan.remove, same.plan.rotate], [[], [], [], []], JSON.stringify(same.plan));
    assert.equal(same.plan.warnings.length, 1, same.plan.warnings.join('\n'));
    assert.match(same.plan.warnings[0]!, new RegExp(`secret ${other}_token .*cannot tell whether token\\.txt changed`));
    const text = cli('deploy', '1.0', '--cluster', 'prod-like', '--plan');
    assert.match(text.stdout, new RegExp(`! secret ${other}_token`));
    write('app.conf', 'greeting = E\n');
    const changed = json(cli('deploy', '1.0', '--cluster', 'prod-like', '--plan', '--json'));
    assert.deepEqual(changed.plan.rotate.map((r) => [r.kind, r.to]), [['config', `${other}_appconf-${h8('greeting = E\n')}`]], 'a config docker stack deploy made is verified through its data');
    const applied = json(cli('deploy', '1.0', '--cluster', 'prod-like', '--json'));
    assert.equal(applied.outcome, 'converged');
    assert.deepEqual(applied.plan.removeObjects.configs, [`${other}_appconf`], 'no release uses the config docker stack deploy made');
    assert.equal(await seen(other, '/etc/app.conf'), 'greeting = E');
    assert.deepEqual(await objects('config', other), [`${other}_appconf-${h8('greeting = E\n')}`]);
  });
});
