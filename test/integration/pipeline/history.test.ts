import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineRunRecord } from '../../../src/core/pipeline';
import { JsonlRunHistory, runHistoryFor } from '../../../src/adapters/runHistory';

const record = (runId: string, branch: string, startedAt: number): PipelineRunRecord => ({
  runId, branch, startedAt, mode: 'delivery', commit: 'c', version: 'develop', status: 'passed', durationMs: 5, stages: [], artifacts: {},
});

describe('run history (.git/slipway/runs.jsonl)', () => {
  let dir: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'slipway-history-')));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends runs as JSON lines and lists them newest first, per branch', async () => {
    const h = new JsonlRunHistory(join(dir, 'slipway', 'runs.jsonl'));
    assert.deepEqual(await h.recent(), []);
    await h.append(record('a', 'develop', 1));
    await h.append(record('b', 'feature/x', 2));
    await h.append(record('c', 'develop', 3));
    assert.deepEqual((await h.recent()).map((r) => r.runId), ['c', 'b', 'a']);
    assert.deepEqual((await h.recent({ branch: 'develop', limit: 1 })).map((r) => r.runId), ['c']);
  });

  it('skips a line cut short by a killed process instead of losing the history', async () => {
    const h = new JsonlRunHistory(join(dir, 'runs.jsonl'));
    await h.append(record('a', 'develop', 1));
    appendFileSync(h.file, '{"runId":"half');
    assert.deepEqual((await h.recent()).map((r) => r.runId), ['a']);
  });

  it('lives in the common git dir, shared by every worktree of the repository', async () => {
    const git = (cwd: string, ...args: string[]) => assert.equal(spawnSync('git', args, { cwd }).status, 0);
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, '-c', 'user.email=a@b', '-c', 'user.name=A', 'commit', '-q', '--allow-empty', '-m', 'init');
    git(dir, 'worktree', 'add', '-q', '-b', 'other', join(dir, 'wt'));
    const main = await runHistoryFor(dir);
    const other = await runHistoryFor(join(dir, 'wt'));
    assert.equal(main.file, join(dir, '.git', 'slipway', 'runs.jsonl'));
    assert.equal(other.file, main.file);
  });

  it('keeps run logs beside the history and prunes all but the newest', async () => {
    const h = new JsonlRunHistory(join(dir, 'slipway', 'runs.jsonl'), 2);
    for (const id of ['a', 'b', 'c']) {
      await h.saveLog(id, `log of ${id}\n`);
      await new Promise((r) => setTimeout(r, 20)); // distinct modification times
    }
    assert.equal(await h.readLog('c'), 'log of c\n');
    assert.equal(await h.readLog('b'), 'log of b\n');
    assert.equal(await h.readLog('a'), undefined, 'the oldest log is pruned');
    await assert.rejects(h.readLog('../runs'), /is not a run id/);
  });

  it('writes a run\'s log as it goes (batched), replaced by the finished log; a dead run\'s log ends saying it was interrupted', async () => {
    const h = new JsonlRunHistory(join(dir, 'slipway', 'runs.jsonl'));
    const live = await h.openLog('r1');
    live.write(['Pipeline r1 on develop @ develop (2 stages)', '==> [1/2] build: Build', '    step one']);
    assert.equal(readFileSync(join(h.logDir, 'r1.slipway-log'), 'utf8'), '', 'batched: nothing written at once');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await h.readLog('r1'), 'Pipeline r1 on develop @ develop (2 stages)\n==> [1/2] build: Build\n    step one\n', 'on disk within the flush delay');
    live.write(['PASS build (1.0s)']);
    await live.flush();
    assert.match((await h.readLog('r1'))!, /step one\nPASS build \(1\.0s\)\n$/);
    // The process that ran it is gone (a pid no process has): the record settles as interrupted, and so does the log.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    await h.append({ ...record('r1', 'develop', 1), status: 'running', owner: `${hostname()}:${dead}`, stages: [{ id: 'build', state: 'running' }] });
    assert.match((await h.readLog('r1'))!, /PASS build \(1\.0s\)\nPipeline interrupted: the process running it \(.*\) died during build\n$/);
    await live.close();
    // A run that ends replaces the live log with the finished one.
    await h.saveLog('r1', 'Pipeline r1 on develop @ develop (delivery), passed\n');
    assert.equal(await h.readLog('r1'), 'Pipeline r1 on develop @ develop (delivery), passed\n');
  });

  it('outside a git repository it says so and how to fix it', async () => {
    await assert.rejects(runHistoryFor(dir), (e: Error & { kind?: string; hint?: string }) => e.kind === 'git' && /not a git repository/.test(e.message) && /git init/.test(e.hint ?? ''));
  });
});
