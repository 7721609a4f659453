import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const slipway = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('slipway CLI basics (built dist/cli.js)', () => {
  it('--version prints the package version', () => {
    const r = slipway('--version');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^slipway \d+\.\d+\.\d+\n$/);
  });

  it('--help lists the commands on stdout', () => {
    const r = slipway('--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: slipway/);
    assert.match(r.stdout, /slipway doctor/);
  });

  it('an unknown command exits 2 with usage on stderr', () => {
    const r = slipway('frobnicate');
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /unknown command "frobnicate"/);
    assert.match(r.stderr, /Usage: slipway/);
  });

  it('an unknown global option exits 2', () => {
    const r = slipway('--frobnicate');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Unknown option --frobnicate/);
  });

  it('doctor --json reports every check with a fix when it fails', () => {
    const r = slipway('doctor', '--json');
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: { name: string; ok: boolean; fix?: string }[] };
    assert.deepEqual(
      report.checks.map((c) => c.name).filter((n) => ['git', 'git-flow config', 'Docker engine', 'compose CLI'].includes(n)),
      ['git', 'git-flow config', 'Docker engine', 'compose CLI'],
    );
    for (const c of report.checks) if (!c.ok) assert.ok(c.fix, `${c.name} failed without a fix`);
  });

  it('doctor reports an unreachable engine with the reason and a fix', () => {
    const r = spawnSync(process.execPath, [CLI, 'doctor', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/slipway-test.sock' },
    });
    assert.equal(r.status, 1);
    const engine = (JSON.parse(r.stdout) as { checks: { name: string; ok: boolean; detail: string; fix?: string }[] }).checks.find(
      (c) => c.name === 'Docker engine',
    )!;
    assert.equal(engine.ok, false);
    assert.match(engine.detail, /not reachable/);
    assert.ok(engine.fix);
  });
});

describe('the `slipway` launcher line (dist/cli.js run by sh)', () => {
  // A `node` first in PATH that prints what the launcher handed it: the real sh runs the real launcher line.
  let bin: string;
  before(() => {
    bin = mkdtempSync(join(tmpdir(), 'slipway-launcher-'));
    writeFileSync(join(bin, 'node'), '#!/bin/sh\nprintf "ca=%s aside=%s" "$NODE_EXTRA_CA_CERTS" "$SLIPWAY_NODE_EXTRA_CA_CERTS"\n');
    chmodSync(join(bin, 'node'), 0o755);
  });
  after(() => rmSync(bin, { recursive: true, force: true }));
  const launch = (args: string[], dockerHost?: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, NODE_EXTRA_CA_CERTS: '/etc/ca.pem' };
    delete env.SLIPWAY_NODE_EXTRA_CA_CERTS;
    delete env.DOCKER_HOST;
    if (dockerHost !== undefined) env.DOCKER_HOST = dockerHost;
    const r = spawnSync(CLI, args, { encoding: 'utf8', env });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const aside = 'ca= aside=/etc/ca.pem';
  const kept = 'ca=/etc/ca.pem aside=';

  it('sets the CA bundle aside for build, package and test against a local engine socket', () => {
    assert.equal(launch(['build']), aside);
    assert.equal(launch(['-C', '/tmp', 'package', '--version', '1.0.0']), aside);
    assert.equal(launch(['test', 'integration'], 'unix:///var/run/docker.sock'), aside);
    assert.equal(launch(['build'], ''), aside);
  });

  it('keeps it when the engine is reached over TCP/TLS or ssh, and for commands that talk to registries', () => {
    assert.equal(launch(['build'], 'tcp://10.0.0.1:2376'), kept);
    assert.equal(launch(['package'], 'ssh://me@host'), kept);
    assert.equal(launch(['deploy', 'staging']), kept);
    assert.equal(launch(['pipeline', 'run']), kept);
    // `-C build` names a directory, not the command.
    assert.equal(launch(['-C', 'build', 'deploy']), kept);
  });
});
