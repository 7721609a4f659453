import * as assert from 'node:assert/strict';
import { AVH_DEFAULTS } from '../../../src/core/gitflow/config';
import { planFinish, type FinishFacts } from '../../../src/core/gitflow/finishPlan';
import { stepArgs } from '../../../src/core/gitflow/steps';

const feature: FinishFacts = {
  config: AVH_DEFAULTS,
  type: 'feature',
  name: 'x',
  branch: 'feature/x',
  base: 'develop',
  canFastForward: true,
  remoteHasBranch: false,
  hasBranchConfig: true,
};
const commands = (facts: FinishFacts, options = {}) => planFinish(facts, options).steps.map((s) => stepArgs(s).join(' '));

describe('finish plans (AVH order and merge modes)', () => {
  it('a feature one commit ahead fast-forwards, then is deleted with -d; its config goes last, after the branch (as AVH)', () => {
    assert.deepEqual(commands(feature), [
      'checkout -q develop',
      'merge -q --no-edit --ff feature/x',
      'branch -d feature/x',
      'config --local --remove-section gitflow.branch.feature/x',
    ]);
  });

  it('a feature that cannot fast-forward, or with --no-ff, gets a merge commit', () => {
    assert.equal(commands({ ...feature, canFastForward: false })[1], 'merge -q --no-edit --no-ff feature/x');
    assert.equal(commands(feature, { noFastForward: true })[1], 'merge -q --no-edit --no-ff feature/x');
  });

  it('a feature without commits of its own skips the merge (AVH\'s would be "Already up to date")', () => {
    assert.deepEqual(commands({ ...feature, canFastForward: false, nothingToMerge: true }), [
      'checkout -q develop',
      'branch -d feature/x',
      'config --local --remove-section gitflow.branch.feature/x',
    ]);
  });

  it('-S squashes and then force-deletes (the commits are not ancestors of develop)', () => {
    const c = commands(feature, { squash: true });
    assert.equal(c[1], 'merge -q --squash feature/x');
    assert.equal(c[2], 'branch -D feature/x');
  });

  it('-k keeps branch and config; -p pushes develop; a published branch is deleted on the remote first', () => {
    assert.deepEqual(commands(feature, { keep: true }), ['checkout -q develop', 'merge -q --no-edit --ff feature/x']);
    const c = commands({ ...feature, remoteHasBranch: true }, { push: true });
    assert.deepEqual(c.slice(2, 5), ['push -q origin develop', 'push -q origin --delete feature/x', 'branch -d feature/x']);
  });

  it('a release merges into master, tags, back-merges the tag into develop, pushes all with -p', () => {
    const release: FinishFacts = { ...feature, type: 'release', name: '1.0', branch: 'release/1.0', canFastForward: false };
    const config = { ...AVH_DEFAULTS, versionTagPrefix: 'v' };
    assert.deepEqual(commands({ ...release, config }, { message: 'Release 1.0', push: true }), [
      'checkout -q master',
      'merge -q --no-edit --no-ff release/1.0',
      'tag -a -m Release 1.0 v1.0 master',
      'checkout -q develop',
      'merge -q --no-edit --no-ff v1.0',
      'push -q origin develop master refs/tags/v1.0',
      'branch -d release/1.0',
      'config --local --remove-section gitflow.branch.release/1.0',
    ]);
  });

  it('a release with -n back-merges master, with -b merges the branch itself', () => {
    const release: FinishFacts = { ...feature, type: 'release', name: '1.0', branch: 'release/1.0', hasBranchConfig: false };
    assert.equal(commands(release, { noTag: true })[3], 'merge -q --no-edit --no-ff master');
    assert.equal(commands(release, { noBackMerge: true })[4], 'merge -q --no-edit --no-ff release/1.0');
    assert.equal(commands(release, {})[2], 'tag -a -m 1.0 1.0 master');
  });

  it('a hotfix based on a support branch merges and tags there, without a back-merge into develop', () => {
    const hotfix: FinishFacts = { ...feature, type: 'hotfix', name: '1.0.1', branch: 'hotfix/1.0.1', base: 'support/1.x', hasBranchConfig: false };
    assert.deepEqual(commands(hotfix, { message: 'm' }), [
      'checkout -q support/1.x',
      'merge -q --no-edit --no-ff hotfix/1.0.1',
      'tag -a -m m 1.0.1 support/1.x',
      'branch -d hotfix/1.0.1',
    ]);
  });

  it('lists the branches an abort must restore', () => {
    assert.deepEqual(planFinish(feature, {}).touchedBranches, ['develop', 'feature/x']);
    const hotfix: FinishFacts = { ...feature, type: 'hotfix', name: '1', branch: 'hotfix/1', base: 'master' };
    assert.deepEqual(planFinish(hotfix, {}).touchedBranches, ['master', 'develop', 'hotfix/1']);
  });
});
