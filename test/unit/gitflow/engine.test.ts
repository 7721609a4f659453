import * as assert from 'node:assert/strict';
import { SlipwayError } from '../../../src/core/errors';
import { GitFlowEngine } from '../../../src/core/gitflow/engine';
import { parseFinishState } from '../../../src/core/gitflow/finishState';
import type { GitPort, GitResult } from '../../../src/core/gitflow/port';

const AVH_CONFIG = [
  'gitflow.branch.master\nmaster',
  'gitflow.branch.develop\ndevelop',
  'gitflow.prefix.feature\nfeature/',
  'gitflow.prefix.versiontag\n',
  'gitflow.branch.feature/x.base\ndevelop',
  '',
].join('\0');

/** A fake repository: answers reads from fixed text, records every command, fails merges when told to. */
class FakeGit implements GitPort {
  readonly calls: string[] = [];
  state: string | undefined;
  status = '';
  mergeConflicts = false;
  constructor(private readonly refs: string[][]) {}
  async git(args: readonly string[]): Promise<GitResult> {
    const cmd = args.join(' ');
    this.calls.push(cmd);
    const ok = (stdout = ''): GitResult => ({ code: 0, stdout, stderr: '' });
    if (args[0] === 'for-each-ref') return ok(this.refs.map((r) => r.join('\0')).join('\n') + '\n');
    if (args[0] === 'config' && args[2] === '--get-regexp') return ok(AVH_CONFIG);
    if (args[0] === 'status') return ok(this.status);
    if (args.includes('merge') && this.mergeConflicts) {
      this.status = 'UU README.md\0';
      return { code: 1, stdout: 'CONFLICT (content): Merge conflict in README.md', stderr: '' };
    }
    return ok();
  }
  async gitDir() {
    return '/repo/.git';
  }
  async readFinishState() {
    return this.state;
  }
  async writeFinishState(text: string | undefined) {
    this.state = text;
  }
  readonly files = new Map<string, string>();
  async readWorkFile(path: string) {
    return this.files.get(path);
  }
  async writeWorkFile(path: string, text: string) {
    this.files.set(path, text);
  }
  /** Commands other than the batched reads. */
  get writes(): string[] {
    return this.calls.filter((c) => !/^(for-each-ref|config -z --get-regexp|status)/.test(c));
  }
}

const repo = () =>
  new FakeGit([
    ['', 'refs/heads/master', 'm1', '', '', ''],
    ['', 'refs/heads/develop', 'd1', '', 'm1', ''],
    ['*', 'refs/heads/feature/x', 'f1', '', 'd1', ''],
  ]);

describe('GitFlowEngine (fake git)', () => {
  it('finishes a one-commit feature with three parallel reads and four writes, asking git nothing it already printed', async () => {
    const git = repo();
    const outcome = await new GitFlowEngine(git).finish('feature', 'x');
    assert.deepEqual(git.writes, [
      'checkout -q develop',
      '-c maintenance.auto=false merge -q --no-edit --ff feature/x',
      'branch -d feature/x',
      'config --local --remove-section gitflow.branch.feature/x',
    ]);
    assert.equal(git.calls.length, 7);
    assert.equal(outcome.currentBranch, 'develop');
    assert.equal(git.state, undefined);
  });

  it('starts a feature with two reads and two writes', async () => {
    const git = repo();
    await new GitFlowEngine(git).start('feature', 'y');
    assert.equal(git.calls.length, 4);
    assert.deepEqual(git.writes.sort(), ['checkout -q -b feature/y develop', 'config --local gitflow.branch.feature/y.base develop']);
  });

  it('refuses a dirty tree before writing anything', async () => {
    const git = repo();
    git.status = ' M README.md\0';
    await assert.rejects(new GitFlowEngine(git).finish('feature', 'x'), (e) => SlipwayError.is(e, 'dirtyTree'));
    assert.deepEqual(git.writes, []);
  });

  it('refuses an invalid name before running git at all', async () => {
    const git = repo();
    await assert.rejects(new GitFlowEngine(git).start('feature', 'bad..name'), (e) => SlipwayError.is(e, 'usage') && /"\.\."/.test(e.message));
    assert.deepEqual(git.writes, []);
  });

  it('never hands git a base that would read as an option', async () => {
    const git = repo();
    await assert.rejects(new GitFlowEngine(git).start('feature', 'y', { base: '--upload-pack=x' }), (e) => SlipwayError.is(e, 'usage'));
    assert.deepEqual(git.writes, []);
  });

  it('saves the finish state with the conflict and the original refs when a merge stops', async () => {
    const git = repo();
    git.mergeConflicts = true;
    await assert.rejects(new GitFlowEngine(git).finish('feature', 'x', { noFastForward: true }), (e) => SlipwayError.is(e, 'conflict'));
    const state = parseFinishState(git.state!);
    assert.equal(state.next, 1);
    assert.deepEqual(state.conflict, { source: 'feature/x', target: 'develop', files: ['README.md'] });
    assert.deepEqual(state.originalRefs, { develop: 'd1', 'feature/x': 'f1' });
    assert.equal(state.originalHead, 'feature/x');
    await assert.rejects(new GitFlowEngine(git).finish('feature', 'x'), (e) => SlipwayError.is(e, 'gitflow') && /in progress/.test(e.message));
  });

  it('reports a repository without git-flow config with the init remedy, and no CLI command in its words', async () => {
    const git = repo();
    git.git = async (args) => (args[0] === 'config' ? { code: 1, stdout: '', stderr: '' } : { code: 0, stdout: '', stderr: '' });
    await assert.rejects(
      new GitFlowEngine(git).list('feature'),
      (e) => SlipwayError.is(e, 'gitflow') && e.remedies.some((r) => r.action === 'flowInit') && !/slipway /.test(`${e.message} ${e.hint ?? ''}`),
    );
  });
});
