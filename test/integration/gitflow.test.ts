import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempRepo } from '../support/gitflowRepo';

const STATE_FILE = join('.git', 'slipway', 'flow-finish.json');

describe('slipway flow on real repositories', function () {
  this.timeout(60_000);
  const repos: TempRepo[] = [];
  const repo = (options?: Parameters<typeof TempRepo.create>[0]) => {
    const r = TempRepo.create(options);
    repos.push(r);
    return r;
  };
  const initialised = () => {
    const r = repo();
    const init = r.slipway('flow', 'init', '-d');
    assert.equal(init.status, 0, init.stderr);
    return r;
  };
  afterEach(() => {
    while (repos.length > 0) repos.pop()!.remove();
  });

  describe('init', () => {
    it('-d writes the AVH config keys, creates develop from master and checks it out', () => {
      const r = repo();
      const res = r.slipway('flow', 'init', '-d');
      assert.equal(res.status, 0, res.stderr);
      assert.equal(r.config('gitflow.branch.master'), 'master');
      assert.equal(r.config('gitflow.branch.develop'), 'develop');
      for (const t of ['feature', 'bugfix', 'release', 'hotfix', 'support']) assert.equal(r.config(`gitflow.prefix.${t}`), `${t}/`);
      assert.equal(r.config('gitflow.prefix.versiontag'), '');
      assert.equal(r.sha('develop'), r.sha('master'));
      assert.equal(r.currentBranch(), 'develop');
    });

    it('creates an initial commit in an empty repository', () => {
      const r = repo({ empty: true });
      const res = r.slipway('flow', 'init', '-d');
      assert.equal(res.status, 0, res.stderr);
      assert.deepEqual(r.branches(), ['develop', 'master']);
      assert.equal(r.git('log', '-1', '--format=%s', 'master').trim(), 'Initial commit');
      assert.equal(r.currentBranch(), 'develop');
    });

    it('takes each value from flags and leaves an initialised repo alone without -f', () => {
      const r = repo();
      const res = r.slipway('flow', 'init', '--develop', 'dev', '-p', 'feat/', '-t', 'v', '--json');
      assert.equal(res.status, 0, res.stderr);
      assert.equal(r.config('gitflow.branch.develop'), 'dev');
      assert.equal(r.config('gitflow.prefix.feature'), 'feat/');
      assert.equal(r.config('gitflow.prefix.versiontag'), 'v');
      assert.equal((JSON.parse(res.stdout) as { alreadyInitialized: boolean }).alreadyInitialized, false);
      const again = r.slipway('flow', 'init', '-d', '--json');
      assert.equal(again.status, 0);
      assert.equal((JSON.parse(again.stdout) as { alreadyInitialized: boolean }).alreadyInitialized, true);
      assert.equal(r.config('gitflow.prefix.feature'), 'feat/');
    });

    it('refuses a dirty working tree', () => {
      const r = repo();
      r.write('README.md', 'changed\n');
      const res = r.slipway('flow', 'init', '-d');
      assert.equal(res.status, 1);
      assert.match(res.stderr, /unstaged changes/);
      assert.equal(r.config('gitflow.branch.master'), undefined);
    });
  });

  it('honours gitflow settings that git resolves through an include', () => {
    const r = initialised();
    r.write('extra.cfg', '[gitflow "prefix"]\n\tfeature = feat/\n');
    r.git('config', '--local', '--unset', 'gitflow.prefix.feature');
    r.git('config', '--local', 'include.path', '../extra.cfg');
    const res = r.slipway('flow', 'feature', 'start', 'x');
    assert.equal(res.status, 0, res.stderr);
    assert.equal(r.currentBranch(), 'feat/x');
  });

  it('a command in a repo without git-flow says so and points at `slipway flow init -d`', () => {
    const r = repo();
    const res = r.slipway('flow', 'feature', 'start', 'x');
    assert.equal(res.status, 1);
    assert.match(res.stderr, /not initialised for git-flow/);
    assert.match(res.stderr, /slipway flow init -d/);
    assert.equal(r.hasBranch('feature/x'), false);
  });

  describe('feature', () => {
    it('start creates the branch from develop, records its base and checks it out', () => {
      const r = initialised();
      const res = r.slipway('flow', 'feature', 'start', 'login');
      assert.equal(res.status, 0, res.stderr);
      assert.equal(r.currentBranch(), 'feature/login');
      assert.equal(r.sha('feature/login'), r.sha('develop'));
      assert.equal(r.config('gitflow.branch.feature/login.base'), 'develop');
    });

    it('finish fast-forwards a single commit, deletes the branch and its config, and checks out develop', () => {
      const r = initialised();
      r.slipway('flow', 'feature', 'start', 'login');
      r.commit('login.txt', 'login\n');
      const tip = r.sha('HEAD');
      const res = r.slipway('flow', 'feature', 'finish', 'login');
      assert.equal(res.status, 0, res.stderr);
      assert.equal(r.sha('develop'), tip);
      assert.equal(r.hasBranch('feature/login'), false);
      assert.equal(r.config('gitflow.branch.feature/login.base'), undefined);
      assert.equal(r.currentBranch(), 'develop');
    });

    it('finish makes a merge commit when the feature has several commits', () => {
      const r = initialised();
      r.slipway('flow', 'feature', 'start', 'login');
      r.commit('a.txt', 'a\n');
      r.commit('b.txt', 'b\n');
      assert.equal(r.slipway('flow', 'feature', 'finish').status, 0);
      assert.equal(r.parents('develop'), 2);
      assert.equal(r.git('log', '-1', '--format=%s', 'develop').trim(), "Merge branch 'feature/login' into develop");
    });

    it('finish --no-ff makes a merge commit even for one commit, -k keeps the branch', () => {
      const r = initialised();
      r.slipway('flow', 'feature', 'start', 'login');
      r.commit('a.txt', 'a\n');
      const res = r.slipway('flow', 'feature', 'finish', '--no-ff', '-k', 'login');
      assert.equal(res.status, 0, res.stderr);
      assert.equal(r.parents('develop'), 2);
      assert.equal(r.hasBranch('feature/login'), true);
    });

    it('finish -S squashes the feature into one commit on develop', () => {
      const r = initialised();
      r.slipway('flow', 'feature', 'start', 'login');
      r.commit('a.txt', 'a\n');
      r.commit('b.txt', 'b\n');
      const res = r.slipway('flow', 'feature', 'finish', '-S', 'login');
      assert.equal(res.status, 0, res.stderr);
      assert.equal(r.parents('develop'), 1);
      assert.equal(r.git('rev-list', '--count', 'master..develop').trim(), '1');
      assert.equal(r.git('show', 'develop:b.txt'), 'b\n');
      assert.equal(r.hasBranch('feature/login'), false);
    });

    it('finish resolves a unique name prefix, as AVH does', () => {
      const r = initialised();
      r.slipway('flow', 'feature', 'start', 'login-form');
      r.commit('a.txt', 'a\n');
      const res = r.slipway('flow', 'feature', 'finish', 'login');
      assert.equal(res.status, 0, res.stderr);
      assert.equal(r.hasBranch('feature/login-form'), false);
    });

    it('list marks the current branch, in text and JSON', () => {
      const r = initialised();
      r.slipway('flow', 'feature', 'start', 'a');
      r.slipway('flow', 'feature', 'start', 'b');
      const text = r.slipway('flow', 'feature', 'list');
      assert.equal(text.stdout, '  a\n* b\n');
      const json = JSON.parse(r.slipway('flow', 'feature', 'list', '--json').stdout) as { branches: { name: string; current: boolean }[] };
      assert.deepEqual(json.branches.map((b) => [b.name, b.current]), [['a', false], ['b', true]]);
    });

    it('delete removes a merged branch but never an unmerged one without -f', () => {
      const r = initialised();
      r.slipway('flow', 'feature', 'start', 'merged');
      r.slipway('flow', 'feature', 'start', 'unmerged');
      r.commit('u.txt', 'u\n');
      const unmergedTip = r.sha('HEAD');
      const refused = r.slipway('flow', 'feature', 'delete', 'unmerged');
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /not merged into 'develop'/);
      assert.match(refused.stderr, /-f/);
      assert.equal(r.sha('feature/unmerged'), unmergedTip);
      assert.equal(r.currentBranch(), 'feature/unmerged');

      assert.equal(r.slipway('flow', 'feature', 'delete', 'merged').status, 0);
      assert.equal(r.hasBranch('feature/merged'), false);
      const forced = r.slipway('flow', 'feature', 'delete', 'unmerged', '-f');
      assert.equal(forced.status, 0, forced.stderr);
      assert.equal(r.hasBranch('feature/unmerged'), false);
      assert.equal(r.currentBranch(), 'develop');
    });
  });

  it('bugfix start and finish merge into develop', () => {
    const r = initialised();
    assert.equal(r.slipway('flow', 'bugfix', 'start', 'crash').status, 0);
    r.commit('fix.txt', 'fix\n');
    assert.equal(r.slipway('flow', 'bugfix', 'finish', 'crash').status, 0);
    assert.equal(r.git('show', 'develop:fix.txt'), 'fix\n');
    assert.equal(r.hasBranch('bugfix/crash'), false);
  });

  describe('release and hotfix', () => {
    it('release finish merges into master, tags with -m, back-merges the tag into develop and deletes the branch', () => {
      const r = initialised();
      assert.equal(r.slipway('flow', 'release', 'start', '1.0.0').status, 0);
      r.commit('VERSION', '1.0.0\n');
      const res = r.slipway('flow', 'release', 'finish', '-m', 'Release 1.0.0', '1.0.0');
      assert.equal(res.status, 0, res.stderr);
      assert.deepEqual(r.tags(), ['1.0.0']);
      assert.equal(r.git('cat-file', '-t', '1.0.0').trim(), 'tag');
      assert.equal(r.git('tag', '-l', '--format=%(contents:subject)', '1.0.0').trim(), 'Release 1.0.0');
      assert.equal(r.sha('1.0.0^{commit}'), r.sha('master'));
      assert.equal(r.parents('master'), 2);
      assert.equal(r.git('log', '-1', '--format=%s', 'develop').trim(), "Merge tag '1.0.0' into develop");
      assert.equal(r.git('merge-base', '--is-ancestor', 'master', 'develop').length, 0);
      assert.equal(r.hasBranch('release/1.0.0'), false);
      assert.equal(r.currentBranch(), 'develop');
    });

    it('release finish -n -b skips the tag and merges the release branch itself into develop', () => {
      const r = initialised();
      r.slipway('flow', 'release', 'start', '1.1');
      r.commit('VERSION', '1.1\n');
      const res = r.slipway('flow', 'release', 'finish', '-n', '-b', '1.1');
      assert.equal(res.status, 0, res.stderr);
      assert.deepEqual(r.tags(), []);
      assert.equal(r.git('log', '-1', '--format=%s', 'develop').trim(), "Merge branch 'release/1.1' into develop");
    });

    it('a second release cannot start while one is open', () => {
      const r = initialised();
      r.slipway('flow', 'release', 'start', '1.0');
      const res = r.slipway('flow', 'release', 'start', '1.1');
      assert.equal(res.status, 1);
      assert.match(res.stderr, /existing release branch '1.0'/);
    });

    it('hotfix starts from master and its finish tags master and back-merges into develop', () => {
      const r = initialised();
      r.slipway('flow', 'feature', 'start', 'wip');
      r.commit('wip.txt', 'wip\n');
      r.slipway('flow', 'feature', 'finish', 'wip');
      const res = r.slipway('flow', 'hotfix', 'start', '1.0.1');
      assert.equal(res.status, 0, res.stderr);
      assert.equal(r.sha('HEAD'), r.sha('master'));
      r.commit('hotfix.txt', 'fix\n');
      const fin = r.slipway('flow', 'hotfix', 'finish', '-m', 'Hotfix 1.0.1', '1.0.1');
      assert.equal(fin.status, 0, fin.stderr);
      assert.equal(r.git('show', 'master:hotfix.txt'), 'fix\n');
      assert.equal(r.git('show', 'develop:hotfix.txt'), 'fix\n');
      assert.equal(r.git('show', 'develop:wip.txt'), 'wip\n');
      assert.deepEqual(r.tags(), ['1.0.1']);
      assert.equal(r.currentBranch(), 'develop');
    });

    it('support start branches from a tag on master', () => {
      const r = initialised();
      r.git('tag', '0.9', 'master');
      const res = r.slipway('flow', 'support', 'start', '0.x', '0.9');
      assert.equal(res.status, 0, res.stderr);
      assert.equal(r.currentBranch(), 'support/0.x');
      assert.equal(r.sha('support/0.x'), r.sha('0.9'));
    });
  });

  describe('safety', () => {
    it('finish refuses a dirty working tree and changes nothing', () => {
      const r = initialised();
      r.slipway('flow', 'feature', 'start', 'login');
      r.commit('a.txt', 'a\n');
      r.write('a.txt', 'edited\n');
      const before = r.fullState();
      const res = r.slipway('flow', 'feature', 'finish', 'login');
      assert.equal(res.status, 1);
      assert.match(res.stderr, /working tree has unstaged changes/);
      assert.match(res.stderr, /stash/);
      assert.equal(r.fullState(), before);
    });

    it('release start refuses staged changes', () => {
      const r = initialised();
      r.write('new.txt', 'n\n');
      r.git('add', 'new.txt');
      const res = r.slipway('flow', 'release', 'start', '2.0');
      assert.equal(res.status, 1);
      assert.match(res.stderr, /staged changes/);
      assert.equal(r.hasBranch('release/2.0'), false);
    });

    for (const bad of ['a..b', 'with space', 'x.lock', 'ends.', 'a:b', '.hidden', 'trailing/', 'back\\slash', 'at@{x']) {
      it(`start refuses the invalid name ${JSON.stringify(bad)} before touching the repository`, () => {
        const r = initialised();
        const before = r.fullState();
        const res = r.slipway('flow', 'feature', 'start', '--', bad);
        assert.equal(res.status, 2, res.stderr);
        assert.match(res.stderr, /Invalid feature name/);
        assert.equal(r.fullState(), before);
      });
    }

    it('-F fetches first and refuses to finish when develop is behind its remote', () => {
      const remote = repo({ bare: true });
      const seed = initialised();
      seed.git('remote', 'add', 'origin', remote.dir);
      seed.git('push', '-q', 'origin', 'master', 'develop');
      const mine = TempRepo.clone(remote);
      repos.push(mine);
      mine.git('checkout', '-q', 'develop');
      assert.equal(mine.slipway('flow', 'init', '-d').status, 0);
      mine.slipway('flow', 'feature', 'start', 'x');
      mine.commit('x.txt', 'x\n');
      // Someone else moves develop on the remote.
      seed.commit('other.txt', 'other\n');
      seed.git('push', '-q', 'origin', 'develop');

      const before = mine.sha('develop');
      const res = mine.slipway('flow', 'feature', 'finish', '-F', 'x');
      assert.equal(res.status, 1);
      assert.match(res.stderr, /'develop' is behind 'origin\/develop'/);
      assert.equal(mine.sha('develop'), before);
      assert.equal(mine.hasBranch('feature/x'), true);
      assert.equal(mine.sha('origin/develop'), seed.sha('develop'));

      const start = mine.slipway('flow', 'feature', 'start', '-F', 'y');
      assert.equal(start.status, 1);
      assert.match(start.stderr, /behind/);
    });

    it('publish pushes with upstream, track checks out in another clone, finish -p pushes develop and deletes the remote branch', () => {
      const remote = repo({ bare: true });
      const a = initialised();
      a.git('remote', 'add', 'origin', remote.dir);
      a.git('push', '-q', 'origin', 'master', 'develop');
      a.slipway('flow', 'feature', 'start', 'shared');
      a.commit('s.txt', 's\n');
      const pub = a.slipway('flow', 'feature', 'publish');
      assert.equal(pub.status, 0, pub.stderr);
      assert.equal(remote.sha('feature/shared'), a.sha('feature/shared'));
      assert.equal(a.git('rev-parse', '--abbrev-ref', 'feature/shared@{upstream}').trim(), 'origin/feature/shared');

      const b = TempRepo.clone(remote);
      repos.push(b);
      b.git('checkout', '-q', 'develop');
      assert.equal(b.slipway('flow', 'init', '-d').status, 0);
      const tr = b.slipway('flow', 'feature', 'track', 'shared');
      assert.equal(tr.status, 0, tr.stderr);
      assert.equal(b.currentBranch(), 'feature/shared');
      assert.equal(b.sha('HEAD'), a.sha('feature/shared'));

      const fin = a.slipway('flow', 'feature', 'finish', '-p', 'shared');
      assert.equal(fin.status, 0, fin.stderr);
      assert.equal(remote.sha('develop'), a.sha('develop'));
      assert.equal(remote.tryGit('rev-parse', '--verify', '-q', 'refs/heads/feature/shared').status, 1);
    });

    it('delete -r removes the published branch from the remote too', () => {
      const remote = repo({ bare: true });
      const a = initialised();
      a.git('remote', 'add', 'origin', remote.dir);
      a.slipway('flow', 'feature', 'start', 'gone');
      assert.equal(a.slipway('flow', 'feature', 'publish', 'gone').status, 0);
      const del = a.slipway('flow', 'feature', 'delete', '-r', 'gone');
      assert.equal(del.status, 0, del.stderr);
      assert.equal(a.hasBranch('feature/gone'), false);
      assert.equal(remote.tryGit('rev-parse', '--verify', '-q', 'refs/heads/feature/gone').status, 1);
    });
  });

  describe('conflicts', () => {
    /** develop and feature/clash both change the same line. */
    const conflicting = () => {
      const r = initialised();
      r.slipway('flow', 'feature', 'start', 'clash');
      r.commit('README.md', 'feature version\n');
      r.commit('extra.txt', 'extra\n');
      r.git('checkout', '-q', 'develop');
      r.commit('README.md', 'develop version\n');
      r.git('checkout', '-q', 'feature/clash');
      return r;
    };

    it('a conflicting finish exits 3, keeps every commit and branch, and saves its state under .git', () => {
      const r = conflicting();
      const featureTip = r.sha('feature/clash');
      const res = r.slipway('flow', 'feature', 'finish', 'clash');
      assert.equal(res.status, 3, res.stderr);
      assert.match(res.stderr, /conflicts in 1 file: README.md/);
      assert.match(res.stderr, /--continue/);
      assert.equal(r.sha('feature/clash'), featureTip);
      const state = JSON.parse(readFileSync(join(r.dir, STATE_FILE), 'utf8')) as { branch: string; conflict: { files: string[] } };
      assert.equal(state.branch, 'feature/clash');
      assert.deepEqual(state.conflict.files, ['README.md']);
      assert.equal(r.config('gitflow.branch.feature/clash.base'), 'develop', 'a stopped finish keeps the branch\'s base (as AVH)');
      assert.equal(r.git('status', '--porcelain', '--untracked-files=no').includes('UU README.md'), true);
      const again = r.slipway('flow', 'feature', 'finish', 'clash');
      assert.equal(again.status, 1);
      assert.match(again.stderr, /still in progress/);
    });

    it('--continue refuses while conflicts remain, then completes the finish once they are resolved', () => {
      const r = conflicting();
      assert.equal(r.slipway('flow', 'feature', 'finish', 'clash').status, 3);
      const early = r.slipway('flow', 'finish', '--continue');
      assert.equal(early.status, 3);
      assert.match(early.stderr, /still unresolved/);
      assert.equal(r.config('gitflow.branch.feature/clash.base'), 'develop');
      r.write('README.md', 'resolved\n');
      r.git('add', 'README.md');
      const res = r.slipway('flow', 'finish', '--continue');
      assert.equal(res.status, 0, res.stderr);
      assert.equal(r.currentBranch(), 'develop');
      assert.equal(r.parents('develop'), 2);
      assert.equal(r.git('show', 'develop:README.md'), 'resolved\n');
      assert.equal(r.git('show', 'develop:extra.txt'), 'extra\n');
      assert.equal(r.hasBranch('feature/clash'), false);
      assert.equal(r.config('gitflow.branch.feature/clash.base'), undefined, 'the base goes with the branch');
      assert.equal(existsSync(join(r.dir, STATE_FILE)), false);
    });

    it('--abort puts branches, HEAD, working tree and config exactly back', () => {
      const r = conflicting();
      const before = r.fullState();
      assert.equal(r.slipway('flow', 'feature', 'finish', 'clash').status, 3);
      const res = r.slipway('flow', 'feature', 'finish', '--abort');
      assert.equal(res.status, 0, res.stderr);
      assert.equal(r.fullState(), before);
      assert.equal(existsSync(join(r.dir, STATE_FILE)), false);
      assert.equal(existsSync(join(r.dir, '.git', 'MERGE_HEAD')), false);
    });

    it('--abort after a release stopped on the back-merge also undoes the master merge and the tag', () => {
      const r = initialised();
      r.slipway('flow', 'release', 'start', '3.0');
      r.commit('README.md', 'release text\n');
      r.git('checkout', '-q', 'develop');
      r.commit('README.md', 'develop text\n');
      r.git('checkout', '-q', 'release/3.0');
      const before = r.fullState();
      const res = r.slipway('flow', 'release', 'finish', '-m', 'r3');
      assert.equal(res.status, 3, res.stderr);
      assert.deepEqual(r.tags(), ['3.0']);
      assert.equal(r.parents('master'), 2);
      const abort = r.slipway('flow', 'finish', '--abort');
      assert.equal(abort.status, 0, abort.stderr);
      assert.equal(r.fullState(), before);
      assert.deepEqual(r.tags(), []);
    });

    it('--continue of a release resumes after the back-merge and cleans up', () => {
      const r = initialised();
      r.slipway('flow', 'release', 'start', '3.1');
      r.commit('README.md', 'release text\n');
      r.git('checkout', '-q', 'develop');
      r.commit('README.md', 'develop text\n');
      r.git('checkout', '-q', 'release/3.1');
      assert.equal(r.slipway('flow', 'release', 'finish', '-m', 'r3.1', '--json').status, 3);
      r.write('README.md', 'merged text\n');
      r.git('add', 'README.md');
      const res = r.slipway('flow', 'finish', '--continue', '--json');
      assert.equal(res.status, 0, res.stderr);
      const outcome = JSON.parse(res.stdout) as { tag: string; currentBranch: string };
      assert.equal(outcome.tag, '3.1');
      assert.equal(outcome.currentBranch, 'develop');
      assert.equal(r.hasBranch('release/3.1'), false);
      assert.equal(r.git('merge-base', '--is-ancestor', '3.1', 'develop'), '');
    });
  });

  it('usage errors exit 2 with a message', () => {
    const r = initialised();
    const res = r.slipway('flow', 'feature', 'frobnicate');
    assert.equal(res.status, 2);
    assert.match(res.stderr, /Unknown action "frobnicate"/);
    const bare = r.slipway('flow');
    assert.equal(bare.status, 2);
    assert.equal(bare.stdout, '');
    assert.match(bare.stderr, /slipway flow init/);
    const missing = r.slipway('flow', 'feature', 'start');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /Missing NAME/);
  });
});
