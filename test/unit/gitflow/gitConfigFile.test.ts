import * as assert from 'node:assert/strict';
import { readGitConfigText, removeConfigSection } from '../../../src/core/gitflow/gitConfigFile';

describe('reading gitflow entries from git config files', () => {
  it('reads what AVH writes, with the keys git config --get-regexp prints', () => {
    const text = [
      '[core]',
      '\trepositoryformatversion = 0',
      '[gitflow "branch"]',
      '\tmaster = master',
      '\tdevelop = develop',
      '[gitflow "prefix"]',
      '\tfeature = feature/',
      '\tversiontag = ',
      '[gitflow "branch.feature/Login"]',
      '\tbase = develop',
    ].join('\n');
    const read = readGitConfigText(text);
    assert.equal(read.unsupported, false);
    assert.deepEqual(
      [...read.entries],
      [
        ['gitflow.branch.master', 'master'],
        ['gitflow.branch.develop', 'develop'],
        ['gitflow.prefix.feature', 'feature/'],
        ['gitflow.prefix.versiontag', ''],
        ['gitflow.branch.feature/Login.base', 'develop'],
      ],
    );
  });

  it('handles quotes, escapes, comments, case and the last value winning', () => {
    const text = ['[GitFlow "prefix"]', '  Feature = "feat # not a comment" ; a comment', '  release = a\\"b', '  hotfix = x', '  hotfix = y', '  support'].join('\n');
    const e = readGitConfigText(text).entries;
    assert.equal(e.get('gitflow.prefix.feature'), 'feat # not a comment');
    assert.equal(e.get('gitflow.prefix.release'), 'a"b');
    assert.equal(e.get('gitflow.prefix.hotfix'), 'y');
    assert.equal(e.get('gitflow.prefix.support'), 'true');
  });

  it('leaves includes and worktree config to git', () => {
    assert.equal(readGitConfigText('[include]\n\tpath = other.cfg\n').unsupported, true);
    assert.equal(readGitConfigText('[includeIf "gitdir:~/w/"]\n\tpath = w.cfg\n').unsupported, true);
    assert.equal(readGitConfigText('[extensions]\n\tworktreeConfig = true\n').unsupported, true);
    assert.equal(readGitConfigText('[gitflow "prefix"]\n\tfeature = "unterminated\n').unsupported, true);
  });
});

describe('removeConfigSection (the text git config --remove-section leaves)', () => {
  it('drops every header of the section and its lines, keeps everything else byte for byte', () => {
    const text = '[core]\r\n\tbare = false\r\n[gitflow "branch.feature/x"]\r\n\tbase = develop\r\n[gitflow "prefix"]\r\n\tfeature = feature/\r\n';
    assert.equal(removeConfigSection(text, 'gitflow', 'branch.feature/x'), '[core]\r\n\tbare = false\r\n[gitflow "prefix"]\r\n\tfeature = feature/\r\n');
    assert.equal(removeConfigSection(text, 'GitFlow', 'branch.feature/X'), text, 'subsections are case-sensitive');
  });

  it('leaves to git what it cannot edit exactly as git would', () => {
    assert.equal(removeConfigSection('[core] bare = false\n', 'gitflow', 'branch.x'), undefined);
    assert.equal(removeConfigSection('[core]\n', 'gitflow', 'branch."x'), undefined);
  });
});
