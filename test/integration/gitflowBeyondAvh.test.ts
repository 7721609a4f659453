import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { GitFlowEngine } from '../../src/core/gitflow/engine';
import { gitPort } from '../../src/adapters/git';
import { removeLocalConfigSection } from '../../src/adapters/git/flowPort';
import { CLI, GIT_ENV, TempRepo } from '../support/gitflowRepo';

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

  describe('release/hotfix start bumps the version', () => {
    const today = new Date().toISOString().slice(0, 10);
    const withNpmProject = () => {
      const r = initialised();
      r.write('package.json', '{\n  "name": "svc",\n  "version": "1.1.0",\n  "private": true\n}\n');
      r.write('package-lock.json', JSON.stringify({ name: 'svc', version: '1.1.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'svc', version: '1.1.0' } } }, null, 2) + '\n');
      r.write('CHANGELOG.md', '# Changelog\n\n## [Unreleased]\n\n### Added\n- Version bumps\n\n## [1.1.0] - 2026-01-01\n- Before\n');
      r.git('add', '-A');
      r.git('commit', '-q', '-m', 'npm project');
      return r;
    };

    it('sets package.json (and its lock file) and cuts CHANGELOG.md in one commit on the new branch; develop is untouched', () => {
      const r = withNpmProject();
      const develop = r.sha('develop');
      const res = r.slipway('flow', 'release', 'start', '1.2.0');
      assert.equal(res.status, 0, res.stderr);
      assert.match(res.stdout, /The version is 1\.2\.0 in package\.json, package-lock\.json/);
      assert.equal(r.sha('develop'), develop);
      assert.equal(r.git('rev-parse', 'release/1.2.0~1').trim(), develop, 'exactly one commit on the release branch');
      assert.equal(r.git('log', '-1', '--format=%s', 'release/1.2.0').trim(), 'Bump version to 1.2.0');
      assert.deepEqual(r.git('diff', '--name-only', 'develop', 'release/1.2.0').trim().split('\n'), ['CHANGELOG.md', 'package-lock.json', 'package.json']);
      assert.equal(JSON.parse(r.git('show', 'release/1.2.0:package.json')).version, '1.2.0');
      const lock = JSON.parse(r.git('show', 'release/1.2.0:package-lock.json'));
      assert.deepEqual([lock.version, lock.packages[''].version], ['1.2.0', '1.2.0']);
      assert.equal(
        r.git('show', 'release/1.2.0:CHANGELOG.md'),
        `# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - ${today}\n\n### Added\n- Version bumps\n\n## [1.1.0] - 2026-01-01\n- Before\n`,
      );
      assert.equal(r.git('status', '--porcelain'), '');
      const finish = r.slipway('flow', 'release', 'finish', '-m', 'r');
      assert.equal(finish.status, 0, finish.stderr);
      assert.equal(JSON.parse(r.git('show', 'master:package.json')).version, '1.2.0');
      assert.equal(JSON.parse(r.git('show', 'develop:package.json')).version, '1.2.0');
    });

    it('bumps the files listed in gitflow.slipway.versionfiles; an empty Unreleased lists the commits since the last version tag', () => {
      const r = initialised();
      r.git('config', 'gitflow.slipway.versionfiles', 'VERSION pyproject.toml charts/app/Chart.yaml');
      r.write('VERSION', '1.0.0\n');
      r.write('pyproject.toml', '[project]\nname = "svc"\nversion = "1.0.0"\n');
      mkdirSync(join(r.dir, 'charts', 'app'), { recursive: true });
      r.write('charts/app/Chart.yaml', 'apiVersion: v2\nname: app\nversion: 1.0.0\nappVersion: "1.0.0"\n');
      r.write('CHANGELOG.md', '# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n- First\n');
      r.git('add', '-A');
      r.git('commit', '-q', '-m', 'Version 1.0.0');
      r.git('checkout', '-q', 'master');
      r.git('merge', '-q', '--ff-only', 'develop');
      r.git('tag', '1.0.0');
      r.commit('login.txt', 'fixed\n', 'Fix the login');
      r.commit('docs.txt', 'doc\n', 'Explain the fix');
      const res = r.slipway('flow', 'hotfix', 'start', '1.0.1');
      assert.equal(res.status, 0, res.stderr);
      assert.equal(r.git('show', 'hotfix/1.0.1:VERSION'), '1.0.1\n');
      assert.match(r.git('show', 'hotfix/1.0.1:pyproject.toml'), /^version = "1\.0\.1"$/m);
      assert.equal(r.git('show', 'hotfix/1.0.1:charts/app/Chart.yaml'), 'apiVersion: v2\nname: app\nversion: 1.0.1\nappVersion: "1.0.0"\n');
      assert.equal(
        r.git('show', 'hotfix/1.0.1:CHANGELOG.md'),
        `# Changelog\n\n## [Unreleased]\n\n## [1.0.1] - ${today}\n\n### Changed\n- Fix the login\n- Explain the fix\n\n## [1.0.0] - 2026-01-01\n- First\n`,
      );
    });

    it('--no-bump skips both; a name that is not a version number is left out with a warning', () => {
      const r = withNpmProject();
      const develop = r.sha('develop');
      assert.equal(r.slipway('flow', 'release', 'start', '1.2.0', '--no-bump').status, 0);
      assert.equal(r.sha('release/1.2.0'), develop);
      r.git('checkout', '-q', 'develop');
      r.git('branch', '-q', '-D', 'release/1.2.0');
      const named = r.slipway('flow', 'release', 'start', 'spring');
      assert.equal(named.status, 0, named.stderr);
      assert.match(named.stderr, /'spring' is not a version number/);
      assert.equal(r.sha('release/spring'), develop);
    });

    it('a version file Slipway cannot read stops the start before anything changes', () => {
      const r = initialised();
      r.write('package.json', '{ "name": "broken", ');
      r.git('add', '-A');
      r.git('commit', '-q', '-m', 'broken');
      const before = r.fullState();
      const res = r.slipway('flow', 'release', 'start', '2.0.0');
      assert.equal(res.status, 1);
      assert.match(res.stderr, /package\.json is not valid JSON/);
      assert.equal(r.fullState(), before);
    });
  });

  describe('update', () => {
    /** feature/long with commits of its own; develop moved on since. `clash` makes both change README.md. */
    const diverged = (clash = false) => {
      const r = initialised();
      r.slipway('flow', 'feature', 'start', 'long');
      r.commit('feature.txt', 'feature\n', 'Feature work');
      if (clash) r.commit('README.md', 'feature readme\n', 'Feature readme');
      r.git('checkout', '-q', 'develop');
      r.commit('develop.txt', 'develop\n', 'Develop work');
      if (clash) r.commit('README.md', 'develop readme\n', 'Develop readme');
      return r;
    };

    it('merges the base into the branch (checking it out), leaving the base alone', () => {
      const r = diverged();
      const develop = r.sha('develop');
      const res = r.slipway('flow', 'feature', 'update', 'long');
      assert.equal(res.status, 0, res.stderr);
      assert.equal(r.currentBranch(), 'feature/long');
      assert.equal(r.sha('develop'), develop);
      assert.equal(r.parents('feature/long'), 2);
      assert.equal(r.git('merge-base', '--is-ancestor', 'develop', 'feature/long'), '');
      assert.match(res.stdout, /'develop' was merged into 'feature\/long'/);
      const again = r.slipway('flow', 'feature', 'update');
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stdout, /already has every commit of 'develop'/);
    });

    it('fast-forwards a branch without commits of its own, and --rebase replays the commits on the base', () => {
      const r = initialised();
      r.slipway('flow', 'feature', 'start', 'empty');
      r.git('checkout', '-q', 'develop');
      r.commit('d.txt', 'd\n');
      assert.equal(r.slipway('flow', 'feature', 'update', 'empty').status, 0);
      assert.equal(r.sha('feature/empty'), r.sha('develop'));

      const d = diverged();
      const res = d.slipway('flow', 'feature', 'update', 'long', '--rebase');
      assert.equal(res.status, 0, res.stderr);
      assert.equal(d.git('rev-parse', 'feature/long~1').trim(), d.sha('develop'));
      assert.equal(d.parents('feature/long'), 1);
      assert.equal(d.git('log', '-1', '--format=%s', 'feature/long').trim(), 'Feature work');
    });

    for (const rebase of [false, true]) {
      const how = rebase ? 'a rebase' : 'a merge';
      it(`${how} that conflicts exits 3; --abort puts everything back; resolved, --continue completes it`, () => {
        const r = diverged(true);
        r.git('checkout', '-q', 'feature/long');
        const before = r.fullState();
        const flags = rebase ? ['--rebase'] : [];
        const stopped = r.slipway('flow', 'feature', 'update', ...flags);
        assert.equal(stopped.status, 3, stopped.stderr);
        assert.match(stopped.stderr, /conflicts in 1 file: README\.md/);
        assert.equal(existsSync(join(r.dir, STATE_FILE)), true);
        const busy = r.slipway('flow', 'feature', 'finish', 'long');
        assert.equal(busy.status, 1);
        assert.match(busy.stderr, /The update of 'feature\/long' is still in progress/);
        const abort = r.slipway('flow', 'feature', 'update', '--abort');
        assert.equal(abort.status, 0, abort.stderr);
        assert.equal(r.fullState(), before);
        assert.equal(existsSync(join(r.dir, STATE_FILE)), false);

        assert.equal(r.slipway('flow', 'feature', 'update', ...flags).status, 3);
        r.write('README.md', 'both\n');
        r.git('add', 'README.md');
        const done = r.slipway('flow', rebase ? 'finish' : 'feature', ...(rebase ? ['--continue'] : ['update', '--continue']));
        assert.equal(done.status, 0, done.stderr);
        assert.equal(r.currentBranch(), 'feature/long');
        assert.equal(r.git('show', 'feature/long:README.md'), 'both\n');
        assert.equal(r.git('merge-base', '--is-ancestor', 'develop', 'feature/long'), '');
        assert.equal(r.parents('feature/long'), rebase ? 1 : 2);
        assert.equal(existsSync(join(r.dir, STATE_FILE)), false);
        assert.equal(existsSync(join(r.dir, '.git', 'rebase-merge')), false);
      });
    }
  });

  describe('config section removal without a git process', () => {
    const SAMPLES: Record<string, string> = {
      'AVH config with the branch in the middle':
        '[core]\n\trepositoryformatversion = 0\n[gitflow "branch"]\n\tmaster = master\n\tdevelop = develop\n[gitflow "branch.feature/x"]\n\tbase = develop\n[gitflow "prefix"]\n\tfeature = feature/\n',
      'the section twice, with comments and blank lines':
        '[gitflow "branch.feature/x"]\n\tbase = develop\n# a comment\n\n[user]\n\tname = A\n  [gitflow "branch.feature/x"]  # again\n\tother = 1\n[gitflow "branch.feature/xy"]\n\tbase = develop\n',
      'the section last, without a final newline': '[core]\n\tbare = false\n[gitflow "branch.feature/x"]\n\tbase = develop',
      'no such section': '[core]\n\tbare = false\n[gitflow "branch.feature/X"]\n\tbase = develop\n',
    };
    for (const [what, text] of Object.entries(SAMPLES)) {
      it(`leaves the file exactly as git config --remove-section does: ${what}`, () => {
        const byGit = initialised();
        const bySlipway = initialised();
        writeFileSync(join(byGit.dir, '.git', 'config'), text);
        writeFileSync(join(bySlipway.dir, '.git', 'config'), text);
        byGit.tryGit('config', '--local', '--remove-section', 'gitflow.branch.feature/x');
        assert.equal(removeLocalConfigSection(join(bySlipway.dir, '.git'), 'gitflow', 'branch.feature/x'), true);
        assert.equal(readFileSync(join(bySlipway.dir, '.git', 'config'), 'utf8'), readFileSync(join(byGit.dir, '.git', 'config'), 'utf8'));
        assert.equal(existsSync(join(bySlipway.dir, '.git', 'config.lock')), false);
      });
    }

    it('leaves the file to git while git holds its lock, or when a header is one it does not parse', () => {
      const r = initialised();
      const config = join(r.dir, '.git', 'config');
      writeFileSync(`${config}.lock`, '');
      const before = readFileSync(config, 'utf8');
      assert.equal(removeLocalConfigSection(join(r.dir, '.git'), 'gitflow', 'branch.feature/x'), false);
      assert.equal(existsSync(`${config}.lock`), true, 'someone else\'s lock was removed');
      assert.equal(readFileSync(config, 'utf8'), before);
      rmSync(`${config}.lock`);
      writeFileSync(config, '[core] bare = false\n[gitflow "branch.feature/x"]\n\tbase = develop\n');
      assert.equal(removeLocalConfigSection(join(r.dir, '.git'), 'gitflow', 'branch.feature/x'), false);
    });
  });

  describe('the `slipway` launcher (dist/cli.js run as a command)', () => {
    /** A post-checkout hook records its own NODE_EXTRA_CA_CERTS and the one the node process above git started with. */
    const withHook = () => {
      const r = initialised();
      const hook = join(r.dir, '.git', 'hooks', 'post-checkout');
      writeFileSync(
        hook,
        '#!/bin/sh\nnode_pid=$(awk \'{print $4}\' /proc/$PPID/stat)\n' +
          'printf "hook=%s\\nnode-start=%s\\n" "$NODE_EXTRA_CA_CERTS" "$(tr \'\\0\' \'\\n\' < /proc/$node_pid/environ | grep -c \'^NODE_EXTRA_CA_CERTS=\')" > .git/hook-env.txt\n',
      );
      chmodSync(hook, 0o755);
      return r;
    };
    const run = (r: TempRepo, argv: string[]) => {
      const res = spawnSync(argv[0]!, [...argv.slice(1), '-C', r.dir, 'flow', 'feature', 'start', `x${Date.now()}`], {
        encoding: 'utf8',
        env: { ...GIT_ENV, NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' },
      });
      assert.equal(res.status, 0, res.stderr);
      return readFileSync(join(r.dir, '.git', 'hook-env.txt'), 'utf8');
    };

    it('starts node for flow commands without NODE_EXTRA_CA_CERTS, and gives it back to git and its hooks', function () {
      if (!existsSync('/proc/self/environ')) this.skip();
      const r = withHook();
      assert.equal(run(r, [CLI]), 'hook=/etc/ssl/certs/ca-certificates.crt\nnode-start=0\n');
      // `node dist/cli.js` is node started by hand: the variable is there from the start (and still reaches the hook).
      r.git('checkout', '-q', 'develop');
      assert.equal(run(r, [process.execPath, CLI]), 'hook=/etc/ssl/certs/ca-certificates.crt\nnode-start=1\n');
    });
  });

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

    it('a release finish without -p says what -p would push; pushing it (the editor\'s follow-up) sends exactly that', async () => {
      const remote = bare();
      const r = initialised();
      r.git('remote', 'add', 'origin', remote.dir);
      r.git('push', '-q', 'origin', 'master', 'develop');
      const engine = new GitFlowEngine(gitPort(r.dir, { env: GIT_ENV }));
      await engine.start('release', '4.0');
      r.commit('r.txt', 'r\n');
      const outcome = await engine.finish('release', '4.0', { message: 'four' });
      assert.deepEqual(outcome.pushable, ['master', 'develop', 'refs/tags/4.0']);
      assert.equal(outcome.mergedInto, 'master');
      assert.match(await engine.showCommit(outcome.mergedInto!), /^commit [0-9a-f]{40}\nMerge: /);
      assert.notEqual(remote.sha('master'), r.sha('master'));
      await engine.push(outcome.pushable!);
      assert.equal(remote.sha('master'), r.sha('master'));
      assert.equal(remote.sha('develop'), r.sha('develop'));
      assert.deepEqual(remote.tags(), ['4.0']);
      const overview = await engine.overview();
      assert.equal(overview.remote, 'origin');
    });

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
