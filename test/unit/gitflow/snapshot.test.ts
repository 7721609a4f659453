import * as assert from 'node:assert/strict';
import { isClean, parseForEachRef, parseStatus } from '../../../src/core/gitflow/snapshot';

describe('repository snapshot parsing', () => {
  it('reads branches with parents and upstream, remote branches, peeled tags and the current branch from one for-each-ref', () => {
    const out = [
      ['', 'refs/heads/develop', 'd1', '', 'm1', ''],
      ['*', 'refs/heads/feature/x', 'f1', '', 'd1', 'refs/remotes/origin/feature/x'],
      ['', 'refs/heads/merge', 'mm', '', 'p1 p2', ''],
      ['', 'refs/remotes/origin/HEAD', 'd1', '', 'm1', ''],
      ['', 'refs/remotes/origin/develop', 'd0', '', '', ''],
      ['', 'refs/tags/1.0', 'tagobj', 'c1', '', ''],
      ['', 'refs/tags/light', 'c2', '', 'c1', ''],
    ]
      .map((f) => f.join('\0'))
      .join('\n');
    const snap = parseForEachRef(out + '\n', new Map());
    assert.equal(snap.currentBranch, 'feature/x');
    assert.deepEqual(snap.branches.get('feature/x'), { name: 'feature/x', sha: 'f1', parents: ['d1'], upstream: 'refs/remotes/origin/feature/x' });
    assert.deepEqual(snap.branches.get('merge')!.parents, ['p1', 'p2']);
    assert.deepEqual([...snap.remoteBranches], [['origin/develop', 'd0']]);
    assert.deepEqual([...snap.tags], [['1.0', 'c1'], ['light', 'c2']]);
  });

  it('has no current branch when HEAD is detached', () => {
    assert.equal(parseForEachRef(['', 'refs/heads/master', 'a', '', '', ''].join('\0'), new Map()).currentBranch, undefined);
  });

  it('counts staged, unstaged and conflicted paths from status -z, skipping rename sources', () => {
    const st = parseStatus(['M  staged.txt', ' M unstaged.txt', 'UU both.txt', 'AA added.txt', 'R  new.txt', 'old.txt', ''].join('\0'));
    assert.deepEqual(st, { staged: 2, unstaged: 1, conflicted: ['both.txt', 'added.txt'] });
    assert.equal(isClean(st), false);
    assert.equal(isClean(parseStatus('')), true);
  });
});
