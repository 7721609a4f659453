import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TempRepo } from '../support/gitflowRepo';

const STATE_FILE = join('.git', 'slipway', 'flow-finish.json');

interface Preview {
  dryRun: boolean;
  branch: string;
  tag?: string;
  steps: { kind: string; description: string; command: string[] }[];
  conflicts: { source: string; target: string; files: string[] }[];
  unpredicted: { source: string; target: string }[];
}

describe('slipway flow beyond AVH (real repositories)', function () {
  this.timeout(60_000);
  const repos: TempRepo[] = [];
  const initialised = () => {
    const r = TempRepo.create();
    repos.push(r);
    const init = r.slipway('flow', 'init', '-d');
    assert.equal(init.status, 0, init.stderr);
    return r;
  };
  const bare = () => {
    const r = TempRepo.create({ bare: true });
    repos.push(r);
    return r;
  };
  afterEach(() => {
    while (repos.length > 0) repos.pop()!.remove();
  });
  const preview = (r: TempRepo, ...args: string[]): Preview => {
    const res = r.slipway('--json', 'flow', ...args, '--dry-run');
    assert.equal(res.status, 0, res.stderr);
    return JSON.parse(res.stdout) as Preview;
  };

  describe('-p against a real bare remote', () => {
    for (const type of ['release', 'hotfix'] as const) {
      it(`${type} finish -p pushes master, develop and the tag, and deletes the published branch there (as AVH)`, () => {
        const remote = bare();
        const r = initialised();
        r.git('remote', 'add', 'origin', remote.dir);
        r.git('push', '-q', 'origin', 'master', 'develop');
        assert.equal(r.slipway('flow', type, 'start', '2.0').status, 0);
        r.commit(`${type}.txt`, 'x\n');
        assert.equal(r.slipway('flow', type, 'publish').status, 0);
        assert.equal(remote.hasBranch(`${type}/2.0`), true);
        const res = r.slipway('flow', type, 'finish', '-p', '-m', 'v2');
        assert.equal(res.status, 0, res.stderr);
        assert.equal(remote.sha('master'), r.sha('master'));
        assert.equal(remote.sha('develop'), r.sha('develop'));
        assert.deepEqual(remote.tags(), ['2.0']);
        assert.equal(remote.sha('2.0^{commit}'), r.sha('master'));
        assert.equal(remote.hasBranch(`${type}/2.0`), false);
        // A second clone tracks what was pushed.
        const other = TempRepo.clone(remote);
        repos.push(other);
        assert.equal(other.git('log', '-1', '--format=%s', 'origin/develop').trim(), r.git('log', '-1', '--format=%s', 'develop').trim());
      });
    }

    it('publish and track move a feature between two clones of one bare remote', () => {
      const remote = bare();
      const a = initialised();
      a.git('remote', 'add', 'origin', remote.dir);
      a.git('push', '-q', 'origin', 'master', 'develop');
      a.slipway('flow', 'feature', 'start', 'shared');
      a.commit('shared.txt', 'from a\n');
      assert.equal(a.slipway('flow', 'feature', 'publish', 'shared').status, 0);
      const b = TempRepo.clone(remote);
      repos.push(b);
      assert.equal(b.slipway('flow', 'init', '-d').status, 0);
      const tracked = b.slipway('flow', 'feature', 'track', 'shared');
      assert.equal(tracked.status, 0, tracked.stderr);
      assert.equal(b.currentBranch(), 'feature/shared');
      assert.equal(b.sha('feature/shared'), a.sha('feature/shared'));
      assert.equal(b.git('rev-parse', '--abbrev-ref', 'feature/shared@{upstream}').trim(), 'origin/feature/shared');
    });
  });

  describe('finish --dry-run', () => {
    it('predicts the conflict of a feature finish, changes nothing, and the real finish stops on exactly those files', () => {
      const r = initialised();
      r.slipway('flow', 'feature', 'start', 'clash');
      r.commit('README.md', 'feature version\n');
      r.commit('other.txt', 'feature other\n');
      r.git('checkout', '-q', 'develop');
      r.commit('README.md', 'develop version\n');
      r.commit('other.txt', 'develop other\n');
      r.git('checkout', '-q', 'feature/clash');
      const before = r.fullState();
      const p = preview(r, 'feature', 'finish', 'clash');
      assert.equal(p.dryRun, true);
      assert.deepEqual(p.conflicts, [{ source: 'feature/clash', target: 'develop', files: ['README.md', 'other.txt'] }]);
      assert.deepEqual(
        p.steps.map((s) => s.kind),
        ['checkout', 'merge', 'deleteBranch', 'removeBranchConfig'],
      );
      assert.deepEqual(p.steps[1]!.command, ['merge', '-q', '--no-edit', '--no-ff', 'feature/clash']);
      assert.equal(r.fullState(), before, 'the dry run changed the repository');
      assert.equal(existsSync(join(r.dir, STATE_FILE)), false);
      const human = r.slipway('flow', 'feature', 'finish', 'clash', '--dry-run');
      assert.equal(human.status, 0, human.stderr);
      assert.match(human.stdout, /Conflicts merging 'feature\/clash' into 'develop': README\.md, other\.txt/);
      const real = r.slipway('flow', 'feature', 'finish', 'clash');
      assert.equal(real.status, 3, real.stderr);
      assert.match(real.stderr, /conflicts in 2 files: README\.md, other\.txt/);
    });

    it('chains the merges of a release: the back-merge conflict is predicted after the merge into master and the tag', () => {
      const r = initialised();
      r.git('remote', 'add', 'origin', bare().dir);
      r.slipway('flow', 'release', 'start', '3.0');
      r.commit('README.md', 'release text\n');
      r.git('checkout', '-q', 'develop');
      r.commit('README.md', 'develop text\n');
      r.git('checkout', '-q', 'release/3.0');
      const before = r.fullState();
      const p = preview(r, 'release', 'finish', '-m', 'r3', '-p');
      assert.equal(p.tag, '3.0');
      assert.deepEqual(
        p.steps.map((s) => s.description),
        ['check out master', 'merge release/3.0 into master (no-ff)', 'tag 3.0', 'check out develop', 'merge 3.0 into develop (no-ff)', 'push develop, master, refs/tags/3.0 to origin', 'delete release/3.0', 'forget the base of release/3.0'],
      );
      assert.deepEqual(p.conflicts, [{ source: '3.0', target: 'develop', files: ['README.md'] }]);
      assert.equal(r.fullState(), before);
    });

    it('predicts no conflicts for a clean release, and the real finish then goes through', () => {
      const r = initialised();
      r.slipway('flow', 'release', 'start', '1.0');
      r.commit('release.txt', 'r\n');
      r.git('checkout', '-q', 'develop');
      r.commit('develop.txt', 'd\n');
      r.git('checkout', '-q', 'release/1.0');
      const p = preview(r, 'release', 'finish', '-m', 'one');
      assert.deepEqual(p.conflicts, []);
      assert.deepEqual(p.unpredicted, []);
      const real = r.slipway('flow', 'release', 'finish', '-m', 'one');
      assert.equal(real.status, 0, real.stderr);
    });

    it('refuses what the finish would refuse (a dirty tree), exit 1', () => {
      const r = initialised();
      r.slipway('flow', 'feature', 'start', 'x');
      r.write('README.md', 'dirty\n');
      const res = r.slipway('flow', 'feature', 'finish', 'x', '--dry-run');
      assert.equal(res.status, 1);
      assert.match(res.stderr, /working tree has unstaged changes/);
    });
  });
});
