import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SlipwayError } from '../../src/core/errors';
import type { GitCommandRecord } from '../../src/core/gitflow/port';
import { GitClient, HelperProcessTransport, directTransport } from '../../src/adapters/git';
import { TempRepo } from '../support/gitflowRepo';

describe('the git client, over both transports (direct spawn as the CLI runs it, helper process as the editor does)', function () {
  this.timeout(30_000);
  let helper: HelperProcessTransport;
  let direct: GitClient;
  let viaHelper: GitClient;
  let repo: TempRepo;
  beforeEach(() => {
    helper = new HelperProcessTransport();
    direct = new GitClient();
    viaHelper = new GitClient();
    viaHelper.useTransport(helper);
    repo = TempRepo.create();
  });
  afterEach(() => {
    helper.dispose();
    repo.remove();
  });

  it('answers exactly the same through both, failures included', async () => {
    for (const args of [['rev-parse', 'HEAD'], ['rev-parse', '--verify', 'no-such-ref'], ['log', '-1', '--format=%s%n%an']]) {
      const a = await direct.run(args, { cwd: repo.dir });
      assert.deepEqual(await viaHelper.run(args, { cwd: repo.dir }), a, args.join(' '));
      if (args[1] === 'HEAD') assert.match(a.stdout, /^[0-9a-f]{40}\n$/);
    }
    assert.equal((await direct.run(['rev-parse', '--verify', 'no-such-ref'], { cwd: repo.dir })).code, 128);
  });

  it('keeps parallel requests apart', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `feature/parallel-${i}`);
    const answers = await Promise.all(names.map((n) => viaHelper.run(['check-ref-format', '--branch', n], { cwd: repo.dir })));
    assert.deepEqual(answers.map((a) => a.stdout.trim()), names);
  });

  it('reports a missing program as not found, and starts a new helper after dispose', async () => {
    const opts = { cwd: repo.dir, env: process.env };
    for (const transport of [directTransport, helper]) {
      await assert.rejects(transport.exec('/nonexistent/git', ['--version'], opts), (e) => SlipwayError.is(e, 'notFound'));
    }
    helper.dispose();
    assert.match((await viaHelper.run(['--version'], { cwd: repo.dir })).stdout, /^git version/);
  });

  it('cancels and times out a command on both transports', async () => {
    // A shell alias that sleeps stands for a git command that hangs (a fetch from a dead remote).
    const slow = ['-c', 'alias.slow=!sleep 5', 'slow'];
    for (const client of [direct, viaHelper]) {
      const controller = new AbortController();
      const t0 = Date.now();
      const cancelled = client.run(slow, { cwd: repo.dir, signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      await assert.rejects(cancelled, (e) => SlipwayError.is(e, 'cancelled'));
      await assert.rejects(client.run(slow, { cwd: repo.dir, timeoutMs: 150 }), (e) => SlipwayError.is(e, 'timeout'));
      assert.ok(Date.now() - t0 < 3000, 'the slow command was not stopped');
    }
  });

  it('tells its listeners every command with exit code and duration, and stops when unsubscribed', async () => {
    const seen: GitCommandRecord[] = [];
    const stop = viaHelper.onCommand((r) => seen.push(r));
    await viaHelper.run(['rev-parse', 'HEAD'], { cwd: repo.dir });
    await viaHelper.run(['rev-parse', '--verify', 'no-such-ref'], { cwd: repo.dir });
    stop();
    await viaHelper.run(['status'], { cwd: repo.dir });
    assert.deepEqual(seen.map((r) => [r.args.join(' '), r.code, r.cwd]), [['rev-parse HEAD', 0, repo.dir], ['rev-parse --verify no-such-ref', 128, repo.dir]]);
    assert.ok(seen.every((r) => r.ms > 0));
  });

  it('does not keep the calling process alive once idle', () => {
    const script = `
      const { GitClient, HelperProcessTransport } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'adapters', 'git', 'index.js'))});
      const client = new GitClient();
      client.useTransport(new HelperProcessTransport());
      client.run(['--version'], { cwd: process.cwd() }).then((r) => console.log(r.stdout.trim()));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.signal, null, 'the process did not exit by itself');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^git version/);
  });
});
