import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerCli, dockerOk, rig, uniqueName, waitFor } from '../support/rig';

// `slipway doctor` against the rig's real clusters and registry: every configured cluster is probed, a failing
// service on production makes it "not ready", an unreachable cluster and a broken slipway.yml are named.
const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

interface Report {
  ok: boolean;
  checks: { name: string; ok: boolean; optional?: boolean; detail: string; fix?: string }[];
}

function doctor(cwd: string, env: NodeJS.ProcessEnv = {}): { status: number | null; report: Report; stdout: string } {
  const r = spawnSync(process.execPath, [CLI, 'doctor', '--json'], { cwd, encoding: 'utf8', env: { ...process.env, SLIPWAY_CLUSTERS: '', ...env } });
  return { status: r.status, report: JSON.parse(r.stdout) as Report, stdout: r.stdout };
}

describe('slipway doctor on the rig (clusters, registry, slipway.yml)', function () {
  this.timeout(120_000);
  const r = rig();
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-doctor-'));
    writeFileSync(join(dir, 'docker-compose.test.yml'), 'services: {}\n');
    writeFileSync(
      join(dir, 'slipway.yml'),
      [
        'version: 1',
        'integration: { compose: docker-compose.test.yml, test: tests }',
        'clusters:',
        `  prod-like: { host: "${r.prodLike.host}", role: prod-like, registry: "${r.registry}" }`,
        `  production: { host: "${r.production.host}", role: production }`,
        `deploy: { service: demo, registry: "${r.registry}" }`,
        '',
      ].join('\n'),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('checks both clusters (reachable, swarm manager, services), the registry and slipway.yml', () => {
    const { report } = doctor(dir);
    const byName = new Map(report.checks.map((c) => [c.name, c]));
    for (const name of ['slipway.yml', 'files slipway.yml names', 'cluster prod-like', 'cluster production', `registry ${r.registry}`]) {
      assert.equal(byName.get(name)?.ok, true, `${name}: ${JSON.stringify(byName.get(name))}`);
    }
    assert.match(byName.get('cluster production')!.detail, /swarm active, manager/);
    assert.ok(byName.has('cluster production services'), [...byName.keys()].join(', '));
  });

  it('is not ready while a service on production is failing, and names it', async () => {
    const service = uniqueName('doctor-failing');
    // A service whose only task exits 1: Swarm keeps restarting it, 0/1 running.
    await dockerOk(r.production.host, ['service', 'create', '--detach', '--name', service, '--restart-delay', '1s', 'slipway-rig/busybox:1', 'sh', '-c', 'exit 1']);
    try {
      await waitFor(async () => (await dockerCli(r.production.host, ['service', 'ps', service, '--format', '{{.CurrentState}}'])).stdout.includes('Failed'), { timeoutMs: 60_000 });
      const { status, report, stdout } = doctor(dir);
      assert.equal(status, 1, stdout);
      assert.equal(report.ok, false);
      const services = report.checks.find((c) => c.name === 'cluster production services');
      assert.ok(services, stdout);
      assert.equal(services.ok, false);
      assert.match(services.detail, new RegExp(`${service} 0/1 running`));
      assert.ok(services.fix);
      const human = spawnSync(process.execPath, [CLI, 'doctor'], { cwd: dir, encoding: 'utf8', env: { ...process.env, SLIPWAY_CLUSTERS: '' } });
      assert.doesNotMatch(human.stdout, /Slipway is ready/);
      assert.match(human.stdout, /FAIL\s+cluster production services/);
    } finally {
      await dockerCli(r.production.host, ['service', 'rm', service]);
    }
  });

  it('names an unreachable cluster and the registry that does not answer', () => {
    const clusters = JSON.stringify([{ name: 'gone', role: 'production', host: 'unix:///run/slipway-doctor-test-nothing.sock', registry: '127.0.0.1:9' }]);
    const { status, report } = doctor(dir, { SLIPWAY_CLUSTERS: clusters });
    assert.equal(status, 1);
    const gone = report.checks.find((c) => c.name === 'cluster gone');
    assert.equal(gone?.ok, false);
    assert.match(gone!.detail, /slipway-doctor-test-nothing\.sock/);
    const registry = report.checks.find((c) => c.name === 'registry 127.0.0.1:9');
    assert.equal(registry?.ok, false);
    assert.equal(report.checks.find((c) => c.name === 'cluster prod-like')?.ok, true, 'the other clusters are still checked');
  });

  it('checks the build engine build.engine names: answering with the builder image, or which image is missing', () => {
    const withEngine = (image: string): void =>
      writeFileSync(
        join(dir, 'slipway.yml'),
        [
          'version: 1',
          `build: { image: "${image}", steps: [make], engine: { cluster: production } }`,
          'clusters:',
          `  production: { host: "${r.production.host}", role: production }`,
          '',
        ].join('\n'),
      );
    withEngine('slipway-rig/node:20');
    const ready = doctor(dir).report.checks.find((c) => c.name === 'build engine (cluster production)');
    assert.equal(ready?.ok, true, JSON.stringify(ready));
    assert.match(ready!.detail, /has slipway-rig\/node:20; the workspace is shipped there/);
    withEngine('slipway-test/no-such-builder:1');
    const missing = doctor(dir);
    assert.equal(missing.status, 1);
    const check = missing.report.checks.find((c) => c.name === 'build engine (cluster production)');
    assert.equal(check?.ok, false);
    assert.match(check!.detail, /the builder image slipway-test\/no-such-builder:1 is not there/);
    assert.match(check!.fix ?? '', /production\.sock/);
  });

  it('reports a malformed slipway.yml at its line and a file it names that is missing', () => {
    writeFileSync(join(dir, 'slipway.yml'), 'version: 1\nbuild:\n  image: node:20\n  stepz: []\n');
    const broken = doctor(dir);
    assert.equal(broken.status, 1);
    const check = broken.report.checks.find((c) => c.name === 'slipway.yml');
    assert.equal(check?.ok, false);
    assert.match(check!.detail, /slipway\.yml:\d+:\d+/);
    writeFileSync(join(dir, 'slipway.yml'), 'version: 1\nintegration: { compose: missing.yml, test: tests }\n');
    const missing = doctor(dir).report.checks.find((c) => c.name === 'files slipway.yml names');
    assert.equal(missing?.ok, false);
    assert.match(missing!.detail, /integration\.compose: missing\.yml does not exist/);
  });
});
