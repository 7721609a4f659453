/**
 * What a new user hits first: the CLI given bad input, in places the authors did not set up. Every case must end
 * with a `slipway:` message on stderr (no stack trace, no "undefined"), the documented exit code, valid JSON on
 * stdout with --json, and nothing changed in the repository.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, GIT_ENV, TempRepo, type RunResult } from '../support/gitflowRepo';
import { setUpSwarmFixture, type SwarmFixture } from './swarmFixture';

const STATE_FILE = join('.git', 'slipway', 'flow-finish.json');
/** Nothing listens on port 1: connections are refused at once. */
const DEAD_CLUSTERS = JSON.stringify([
  { name: 'dead', role: 'test', host: 'tcp://127.0.0.1:1' },
  { name: 'gone', role: 'prod-like', host: 'unix:///nonexistent/slipway-qa.sock' },
]);

function slipwayIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): RunResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...GIT_ENV, ...env } });
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** The output rules every error obeys. */
function assertCleanError(r: RunResult, status: number, what: string): void {
  assert.equal(r.status, status, `${what}: exit ${r.status}, stderr: ${r.stderr}`);
  assert.match(r.stderr, /^slipway: \S/m, `${what}: stderr must start with "slipway:"`);
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+\)?\n/, `${what}: stack trace on stderr`);
  assert.doesNotMatch(r.stderr + r.stdout, /\bundefined\b|\[object Object\]|\bENOTDIR\b|spawn \S+ ENOENT/, `${what}: internal words leak`);
}

describe('slipway CLI with bad input (new-user walk-through)', function () {
  this.timeout(30_000);
  const cleanups: (() => void)[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-qa-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  const flowRepo = (): TempRepo => {
    const r = TempRepo.create();
    cleanups.push(() => r.remove());
    assert.equal(r.slipway('flow', 'init', '-d').status, 0);
    return r;
  };
  afterEach(() => {
    while (cleanups.length > 0) cleanups.pop()!();
  });

  describe('-C DIR', () => {
    it('a directory that does not exist is a usage error naming it, not a "cannot run git" error', () => {
      const missing = join(tempDir(), 'nope');
      for (const cmd of [['flow', 'feature', 'list'], ['build'], ['pipeline', 'runs']]) {
        const r = slipwayIn(tmpdir(), ['-C', missing, ...cmd]);
        assertCleanError(r, 2, cmd.join(' '));
        assert.match(r.stderr, /-C .*nope: no such directory/);
        assert.doesNotMatch(r.stderr, /Install|git: spawn/);
      }
    });

    it('a file instead of a directory is a usage error, and --json still prints one JSON error on stdout', () => {
      const file = join(tempDir(), 'slipway.yml');
      writeFileSync(file, 'version: 1\n');
      const r = slipwayIn(tmpdir(), ['-C', file, '--json', 'build']);
      assertCleanError(r, 2, '-C FILE');
      assert.match(r.stderr, /not a directory/);
      const parsed = JSON.parse(r.stdout) as { error: { kind: string } };
      assert.equal(parsed.error.kind, 'usage');
    });
  });

  describe('flow', () => {
    it('refuses a name that looks like an option (feature start -- -x) and creates nothing', () => {
      const r = flowRepo();
      const before = r.fullState();
      const res = r.slipway('flow', 'feature', 'start', '--', '-x');
      assertCleanError(res, 2, 'feature start -- -x');
      assert.match(res.stderr, /Invalid feature name '-x': it cannot start with "-"/);
      assert.equal(r.fullState(), before);
    });

    it('--continue after `git add` of a file that still has conflict markers stops (exit 3) and commits nothing', () => {
      const r = flowRepo();
      r.commit('f.txt', 'base\n');
      assert.equal(r.slipway('flow', 'feature', 'start', 'c').status, 0);
      r.commit('f.txt', 'feature 1\n');
      r.commit('f.txt', 'feature 2\n');
      r.git('checkout', '-q', 'develop');
      r.commit('f.txt', 'develop\n');
      const developTip = r.sha('develop');
      assert.equal(r.slipway('flow', 'feature', 'finish', 'c').status, 3);
      r.git('add', 'f.txt'); // "resolved" in git's eyes, markers and all

      const res = r.slipway('--json', 'flow', 'finish', '--continue');
      assertCleanError(res, 3, 'continue with markers');
      assert.match(res.stderr, /still has conflict markers: f\.txt/);
      assert.deepEqual((JSON.parse(res.stdout) as { error: { details: { files: string[] } } }).error.details.files, ['f.txt']);
      assert.equal(r.sha('develop'), developTip, 'nothing was committed');
      assert.ok(existsSync(join(r.dir, STATE_FILE)), 'the finish can still be continued or aborted');

      r.write('f.txt', 'resolved\n');
      r.git('add', 'f.txt');
      assert.equal(r.slipway('flow', 'finish', '--continue').status, 0);
      assert.equal(r.git('show', 'develop:f.txt'), 'resolved\n');
      assert.equal(r.hasBranch('feature/c'), false);
    });

    it('with an empty feature prefix, finish/delete of master or develop is refused and nothing is merged or deleted', () => {
      const r = flowRepo();
      assert.equal(r.slipway('flow', 'init', '-f', '-p', '').status, 0);
      const before = r.fullState();
      for (const args of [['finish', 'master'], ['delete', 'master'], ['finish', 'develop'], ['finish']]) {
        const res = r.slipway('flow', 'feature', ...args);
        assertCleanError(res, 1, `feature ${args.join(' ')}`);
        assert.match(res.stderr, /'(master|develop)' is the (production|development) branch, not a feature branch/);
        assert.match(res.stderr, /gitflow\.prefix\.feature is empty/);
        assert.equal(r.fullState(), before, `feature ${args.join(' ')} changed the repository`);
      }
    });

    it('publish, track and finish -p without the remote say how to add it, before anything changes', () => {
      const r = flowRepo();
      assert.equal(r.slipway('flow', 'feature', 'start', 'p').status, 0);
      r.commit('p.txt', 'p\n');
      const before = r.fullState();
      for (const args of [['publish'], ['track', 'other'], ['finish', '-p', 'p']]) {
        const res = r.slipway('flow', 'feature', ...args);
        assertCleanError(res, 1, `feature ${args.join(' ')}`);
        assert.match(res.stderr, /needs the remote 'origin', which is not configured/);
        assert.match(res.stderr, /hint: Add it with `git remote add origin URL`/);
        assert.equal(r.fullState(), before, `feature ${args.join(' ')} changed the repository`);
        assert.equal(existsSync(join(r.dir, STATE_FILE)), false, 'no finish was started');
      }
    });
  });

  describe('swarm', () => {
    it('an unreachable cluster is named once in the error, and the clusters table keeps the counts before the reason', () => {
      const dir = tempDir();
      const nodes = slipwayIn(dir, ['swarm', 'nodes', '--cluster', 'dead'], { SLIPWAY_CLUSTERS: DEAD_CLUSTERS });
      assertCleanError(nodes, 1, 'swarm nodes --cluster dead');
      assert.match(nodes.stderr, /^slipway: Cluster "dead": The Docker engine at tcp:\/\/127\.0\.0\.1:1 is not reachable/m);
      assert.doesNotMatch(nodes.stderr, /cluster dead: Cluster "dead"/);

      const clusters = slipwayIn(dir, ['swarm', 'clusters'], { SLIPWAY_CLUSTERS: DEAD_CLUSTERS });
      assert.equal(clusters.status, 0, clusters.stderr);
      const [header, dead, gone] = clusters.stdout.split('\n');
      assert.match(header!, /^NAME\s+ROLE\s+ENDPOINT\s+NODES\s+SERVICES\s+STATUS$/);
      assert.match(dead!, /^dead\s+test\s+tcp:\/\/127\.0\.0\.1:1\s+-\s+-\s+unreachable: /);
      assert.match(gone!, /^gone\s+prod-like\s+\S+\s+-\s+-\s+unreachable: /, 'every cluster is listed');
    });

    it('a SLIPWAY_CLUSTERS entry without a role or given as one object says what is wrong, without "undefined"', () => {
      const dir = tempDir();
      const noRole = slipwayIn(dir, ['--json', 'swarm', 'clusters'], { SLIPWAY_CLUSTERS: '[{"name":"x","host":"unix:///x.sock"}]' });
      assertCleanError(noRole, 1, 'no role');
      assert.match(noRole.stderr, /SLIPWAY_CLUSTERS\[0\]\.role must be one of test, prod-like, production \(it is missing\)/);
      assert.equal((JSON.parse(noRole.stdout) as { error: { kind: string } }).error.kind, 'config');

      const oneObject = slipwayIn(dir, ['swarm', 'clusters'], { SLIPWAY_CLUSTERS: '{"name":"x","role":"test","host":"unix:///x.sock"}' });
      assertCleanError(oneObject, 1, 'one object');
      assert.match(oneObject.stderr, /SLIPWAY_CLUSTERS must be a list of clusters/);
      assert.match(oneObject.stderr, /hint: Example: \[\{/);
    });
  });

  describe('test integration', () => {
    it('a compose file compose rejects fails with one slipway: line naming the cause and one hint (exit 1)', () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'slipway.yml'), 'version: 1\nintegration:\n  compose: c.yml\n  test: tests\n  app: app\n  parallel: 2\n');
      writeFileSync(join(dir, 'c.yml'), 'services:\n  app:\n    image: slipway-rig/busybox:1\n    bogus_key: 1\n  tests:\n    image: slipway-rig/busybox:1\n    depends_on: [app]\n');
      const r = slipwayIn(dir, ['test', 'integration', '--image', 'slipway-rig/busybox:1']);
      assertCleanError(r, 1, 'invalid compose file');
      assert.match(r.stderr, /^slipway: Integration tests failed in 2 of 2 environments: compose up failed .*bogus_key/m);
      assert.equal(r.stderr.match(/^hint: /gm)?.length, 1, `one hint, not one per environment: ${r.stderr}`);
    });
  });

  describe('pipeline', () => {
    it('in a fresh `git init` refuses before any stage (preflight), says there are no commits yet (one line, with a hint), and `runs` says there are none', () => {
      const dir = tempDir();
      spawnSync('git', ['init', '-q'], { cwd: dir });
      writeFileSync(join(dir, 'slipway.yml'), 'version: 1\n');
      const all = slipwayIn(dir, ['pipeline']);
      assertCleanError(all, 1, 'pipeline with an empty slipway.yml');
      assert.match(all.stderr, /^slipway: The pipeline cannot start: slipway\.yml lacks what its stages need \(\d+ problems\)/m);
      assert.doesNotMatch(all.stderr, /ambiguous argument/);
      // The checkout stage alone needs no configuration, so it gets as far as git and says what is missing there.
      const r = slipwayIn(dir, ['pipeline', '--to', 'checkout']);
      assertCleanError(r, 1, 'pipeline without commits');
      assert.match(r.stderr, /^slipway: The repository has no commits yet, so there is nothing to build\nhint: Commit your work first/m);
      assert.doesNotMatch(r.stderr, /ambiguous argument/);
      const runs = slipwayIn(dir, ['--json', 'pipeline', 'runs']);
      assert.equal(runs.status, 0, runs.stderr);
      assert.deepEqual(JSON.parse(runs.stdout), { branches: [] });
    });
  });

  it('usage errors across the command groups exit 2 with a slipway: line and keep --json stdout pure JSON', () => {
    const dir = flowRepo().dir; // a git-flow repository without slipway.yml
    const cases: string[][] = [
      ['flow', 'feature', 'start', 'a..b'],
      ['flow', 'feature', 'start', 'foo.lock'],
      ['flow', 'bogus'],
      ['pipeline', '--from', 'bogus'],
      ['pipeline', '--from', 'build', '--to', 'checkout'],
      ['test', 'integration', '--parallel', '0'],
      ['deploy', 'svc'],
      ['package', '--version', ''],
      ['swarm', 'bogus'],
    ];
    for (const args of cases) {
      const human = slipwayIn(dir, args);
      assertCleanError(human, 2, args.join(' '));
      assert.equal(human.stdout, '', `${args.join(' ')}: stdout must stay empty`);
      const json = slipwayIn(dir, ['--json', ...args]);
      assert.equal(json.status, 2);
      assert.equal((JSON.parse(json.stdout) as { error: { kind: string } }).error.kind, 'usage', args.join(' '));
    }
  });
});

describe('slipway deploy interrupted (Ctrl-C while following the rollout)', function () {
  this.timeout(120_000);
  let fixture: SwarmFixture;
  before(async () => {
    fixture = await setUpSwarmFixture(['1.0', '1.1']);
  });
  after(async () => {
    await fixture?.cleanup();
  });

  it('says Swarm carries on and how to follow or undo it, instead of "The operation was cancelled" (exit 130)', async () => {
    // Two replicas 20 s apart: the rollout is surely still going when the CLI is interrupted.
    const service = await fixture.createService('prod-like', '1.0', ['--replicas', '2', '--update-delay', '20s']);
    const child = spawn(process.execPath, [CLI, 'deploy', service, '1.1', '--cluster', 'prod-like'], { env: fixture.cliEnv(), cwd: tmpdir() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (/tasks on 1\.1/.test(stdout) && child.exitCode === null) child.kill('SIGINT');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(status, 130, stderr);
    assert.match(stderr, new RegExp(`^slipway: Stopped following the deploy of ${service} on prod-like; Swarm carries on with it$`, 'm'));
    assert.match(stderr, new RegExp(`hint: Follow it with \`slipway swarm tasks ${service} --cluster prod-like\`; undo it with \`slipway rollback ${service} --cluster prod-like\``));
    assert.doesNotMatch(stderr, /The operation was cancelled/);
  });
});
