/**
 * Stack deploys whose changes Swarm rolls no tasks for, and what the files drop: a change of only deploy.labels
 * converges at once (no rollout to wait for) and is recorded as a release; a network the files no longer name is
 * planned as a removal and removed after the services left it, as `docker stack deploy --prune` does; a config they
 * no longer name stays while a kept release uses it (a rollback to that release needs it).
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
  plan: { create: string[]; update: string[]; remove: string[]; services: { name: string; changes: { what: string }[] }[]; removeObjects: { networks: string[]; secrets: string[]; configs: string[] }; keepObjects: { kind: string; name: string; releases: number[] }[] };
  outcome?: string;
  release?: number;
}

function stackFile(team: string, networks: readonly string[], config = false): string {
  return `version: "3.8"
services:
  app:
    image: \${SLIPWAY_IMAGE}
    networks: [${networks.join(', ')}]${config ? '\n    configs: [{ source: appconf, target: /etc/app.conf }]' : ''}
    deploy:
      replicas: 1
      endpoint_mode: dnsrr
      update_config: { parallelism: 1, delay: 0s, monitor: 2s, failure_action: rollback }
      labels: { team: ${team} }
networks:
${networks.map((n) => `  ${n}: { driver: overlay }`).join('\n')}
${config ? 'configs:\n  appconf: { file: ./app.conf }\n' : ''}`;
}

describe('stack deploys without a rollout, and what the files drop (on the rig)', function () {
  this.timeout(300_000);
  let fx: SwarmFixture;
  let ws: string;
  let stack: string;

  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, '-C', ws, ...args], { encoding: 'utf8', env: { ...process.env, SLIPWAY_CLUSTERS: '' }, timeout: 280_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const deploy = (): { out: DeployJson; ms: number } => {
    const t0 = Date.now();
    const r = cli('deploy', '1.0', '--cluster', 'prod-like', '--json');
    assert.equal(r.status, 0, r.stderr + r.stdout);
    return { out: JSON.parse(r.stdout) as DeployJson, ms: Date.now() - t0 };
  };
  const writeStack = (text: string): void => writeFileSync(join(ws, 'stack.yml'), text);
  const host = () => fx.hostOf('prod-like');

  before(async function () {
    fx = await setUpSwarmFixture(['1.0']);
    ws = mkdtempSync(join(tmpdir(), 'slipway-stackchg-'));
    stack = uniqueName('chg').replace(/[^a-z0-9-]/g, '').slice(0, 30);
    writeFileSync(join(ws, 'slipway.yml'), stackSlipwayYml(fx, stack));
    writeFileSync(join(ws, 'app.conf'), 'greeting = hello\n');
    writeStack(stackFile('auth', ['back']));
    const first = deploy();
    assert.equal(first.out.outcome, 'converged');
  });

  after(async function () {
    this.timeout(120_000);
    if (host && fx) {
      await dockerCli(host(), ['stack', 'rm', stack]);
      await waitFor(async () => (await dockerCli(host(), ['network', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`])).stdout.trim() === '', { timeoutMs: 60_000, what: `networks of ${stack} gone` }).catch(() => undefined);
      const configs = (await dockerCli(host(), ['config', 'ls', '-q', '--filter', `label=io.slipway.stack=${stack}`])).stdout.split('\n').filter((l) => l);
      if (configs.length > 0) await dockerCli(host(), ['config', 'rm', ...configs]);
    }
    await fx?.cleanup();
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  it('converges a change of only deploy.labels at once, restarting no task, and records a release', async () => {
    const tasksBefore = await dockerOk(host(), ['service', 'ps', '-q', `${stack}_app`]);
    writeStack(stackFile('billing', ['back']));
    const { out, ms } = deploy();
    assert.deepEqual(out.plan.update, [`${stack}_app`]);
    assert.deepEqual(out.plan.services.find((s) => s.name === `${stack}_app`)!.changes.map((c) => c.what), ['labels']);
    assert.equal(out.outcome, 'converged');
    assert.equal(out.release, 2);
    assert.ok(ms < 20_000, `a labels-only deploy took ${ms} ms`);
    assert.equal(await dockerOk(host(), ['service', 'inspect', `${stack}_app`, '--format', '{{index .Spec.Labels "team"}}']), 'billing');
    assert.equal(await dockerOk(host(), ['service', 'ps', '-q', `${stack}_app`]), tasksBefore, 'no task was replaced');
  });

  it('removes a network the files dropped once the service left it, and keeps a dropped config a kept release uses', async () => {
    writeStack(stackFile('billing', ['back', 'front'], true));
    assert.equal(deploy().out.outcome, 'converged');
    const networks = () => dockerOk(host(), ['network', 'ls', '--filter', `label=com.docker.stack.namespace=${stack}`, '--format', '{{.Name}}']).then((t) => t.split('\n').filter((l) => l).sort());
    assert.deepEqual(await networks(), [`${stack}_back`, `${stack}_front`]);
    writeStack(stackFile('billing', ['back']));
    const plan = cli('deploy', '1.0', '--cluster', 'prod-like', '--plan');
    assert.equal(plan.status, 0, plan.stderr);
    assert.match(plan.stdout, new RegExp(`- network ${stack}_front  remove \\(no longer in the files\\)`));
    assert.match(plan.stdout, new RegExp(`= config ${stack}_appconf  kept for a rollback: release #3 uses it`));
    assert.deepEqual(await networks(), [`${stack}_back`, `${stack}_front`], '--plan changed nothing');
    const { out } = deploy();
    assert.deepEqual(out.plan.removeObjects, { networks: [`${stack}_front`], secrets: [], configs: [] });
    assert.deepEqual(out.plan.keepObjects, [{ kind: 'config', name: `${stack}_appconf`, releases: [3] }]);
    assert.equal(out.outcome, 'converged');
    assert.deepEqual(await networks(), [`${stack}_back`]);
    assert.equal(await dockerOk(host(), ['config', 'inspect', `${stack}_appconf`, '--format', '{{.Spec.Name}}']), `${stack}_appconf`, 'the config stays for a rollback to release 3');
    const again = JSON.parse(cli('deploy', '1.0', '--cluster', 'prod-like', '--plan', '--json').stdout) as DeployJson;
    assert.deepEqual(again.plan.removeObjects, { networks: [], secrets: [], configs: [] });
  });
});
