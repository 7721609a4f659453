import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SlipwayError } from '../../src/core/errors';
import { GitProcessRunner } from '../../src/adapters/gitRunner';
import { execFile } from '../../src/adapters/process';
import { TempRepo } from '../support/gitflowRepo';

describe('git through the helper process (as the editor runs it)', function () {
  this.timeout(30_000);
  let runner: GitProcessRunner;
  let repo: TempRepo;
  beforeEach(() => {
    runner = new GitProcessRunner();
    repo = TempRepo.create();
  });
  afterEach(() => {
    runner.dispose();
    repo.remove();
  });

  it('answers exactly as a direct spawn does, failures included', async () => {
    const opts = { cwd: repo.dir, env: process.env };
    for (const args of [['rev-parse', 'HEAD'], ['rev-parse', '--verify', 'no-such-ref'], ['log', '-1', '--format=%s%n%an']]) {
      assert.deepEqual(await runner.run('git', args, opts), await execFile('git', args, opts), args.join(' '));
    }
  });

  it('keeps parallel requests apart', async () => {
    const opts = { cwd: repo.dir, env: process.env };
    const names = Array.from({ length: 12 }, (_, i) => `feature/parallel-${i}`);
    const answers = await Promise.all(names.map((n) => runner.run('git', ['check-ref-format', '--branch', n], opts)));
    assert.deepEqual(answers.map((a) => a.stdout.trim()), names);
  });

  it('reports a missing program as not found, and starts a new helper after dispose', async () => {
    await assert.rejects(runner.run('/nonexistent/git', ['--version'], { cwd: repo.dir, env: process.env }), (e) => SlipwayError.is(e, 'notFound'));
    runner.dispose();
    const r = await runner.run('git', ['--version'], { cwd: repo.dir, env: process.env });
    assert.match(r.stdout, /^git version/);
  });

  it('does not keep the calling process alive once idle', () => {
    const script = `
      const { GitProcessRunner } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'adapters', 'gitRunner.js'))});
      new GitProcessRunner().run('git', ['--version'], { cwd: process.cwd(), env: process.env }).then((r) => console.log(r.stdout.trim()));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.signal, null, 'the process did not exit by itself');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^git version/);
  });
});
