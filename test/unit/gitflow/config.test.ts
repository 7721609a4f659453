import * as assert from 'node:assert/strict';
import { AVH_DEFAULTS, classifyBranch, hasBranchSection, isInitialized, parseConfigEntries, readGitFlowConfig, recordedBase } from '../../../src/core/gitflow/config';

/** What `git config -z --get-regexp ^gitflow\.` prints after `git flow init -d` and `git flow feature start Login`. */
const AVH_OUTPUT = [
  'gitflow.branch.master\nmaster',
  'gitflow.branch.develop\ndevelop',
  'gitflow.prefix.feature\nfeature/',
  'gitflow.prefix.bugfix\nbugfix/',
  'gitflow.prefix.release\nrelease/',
  'gitflow.prefix.hotfix\nhotfix/',
  'gitflow.prefix.support\nsupport/',
  'gitflow.prefix.versiontag\n',
  'gitflow.path.hooks\n/repo/.git/hooks',
  'gitflow.branch.feature/Login.base\ndevelop',
  '',
].join('\0');

describe('git-flow config (AVH keys)', () => {
  const entries = parseConfigEntries(AVH_OUTPUT);

  it('parses -z output, keeping empty values and the case of branch subsections', () => {
    assert.equal(entries.get('gitflow.prefix.versiontag'), '');
    assert.equal(entries.get('gitflow.branch.feature/Login.base'), 'develop');
  });

  it('reads an AVH-initialised repository as AVH defaults', () => {
    assert.deepEqual(readGitFlowConfig(entries), AVH_DEFAULTS);
  });

  it('is not initialised without the version-tag key, or with master equal to develop', () => {
    const noTag = new Map(entries);
    noTag.delete('gitflow.prefix.versiontag');
    assert.equal(isInitialized(noTag), false);
    const same = new Map(entries).set('gitflow.branch.develop', 'master');
    assert.equal(isInitialized(same), false);
    assert.equal(readGitFlowConfig(new Map()), undefined);
  });

  it('honours gitflow.origin and custom prefixes', () => {
    const custom = new Map(entries).set('gitflow.origin', 'upstream').set('gitflow.prefix.feature', 'feat/');
    const config = readGitFlowConfig(custom)!;
    assert.equal(config.origin, 'upstream');
    assert.equal(config.prefixes.feature, 'feat/');
  });

  it('knows each branch base and section', () => {
    assert.equal(recordedBase(entries, 'feature/Login'), 'develop');
    assert.equal(recordedBase(entries, 'feature/other'), undefined);
    assert.equal(hasBranchSection(entries, 'feature/Login'), true);
    assert.equal(hasBranchSection(entries, 'feature/Log'), false);
  });

  it('classifies branches by prefix, longest prefix first', () => {
    const config = { ...AVH_DEFAULTS, prefixes: { ...AVH_DEFAULTS.prefixes, bugfix: 'feature/fix/' } };
    assert.deepEqual(classifyBranch(config, 'feature/fix/x'), { type: 'bugfix', name: 'x' });
    assert.deepEqual(classifyBranch(config, 'feature/x'), { type: 'feature', name: 'x' });
    assert.equal(classifyBranch(config, 'develop'), undefined);
    assert.equal(classifyBranch(config, 'feature/'), undefined);
  });
});
