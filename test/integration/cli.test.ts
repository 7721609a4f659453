import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
