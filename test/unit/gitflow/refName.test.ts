import * as assert from 'node:assert/strict';
import { branchNameProblem, refNameProblem } from '../../../src/core/gitflow/refName';

describe('git ref-name rules', () => {
  for (const ok of ['feature/login', 'release/1.0.0', 'a', 'feature/-dash', 'v1.2', 'hotfix/1.0.1+build', 'ünï/cödé', 'x@y', 'a.b/c.d', '@']) {
    it(`accepts ${JSON.stringify(ok)}`, () => assert.equal(refNameProblem(ok), undefined));
  }
  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['a..b', /"\.\."/],
    ['a b', /spaces/],
    ['a~1', /"~"/],
    ['a^', /"\^"/],
    ['a:b', /":"/],
    ['a?', /"\?"/],
    ['a*', /"\*"/],
    ['a[b', /"\["/],
    ['a\\b', /"\\"/],
    ['a\tb', /control/],
    ['a\x7fb', /control/],
    ['/a', /start or end with "\/"/],
    ['a/', /start or end with "\/"/],
    ['a//b', /consecutive slashes/],
    ['a.', /end with "\."/],
    ['feature/.hidden', /start with "\."/],
    ['x.lock', /\.lock/],
    ['feature/x.lock/y', /\.lock/],
    ['a@{1}', /"@\{"/],
    ['-x', /start with "-"/],
  ];
  for (const [name, reason] of bad) {
    it(`refuses ${JSON.stringify(name)} and says why`, () => assert.match(refNameProblem(name) ?? 'accepted', reason));
  }
  it('refuses HEAD as a branch name but not as a part of one', () => {
    assert.match(branchNameProblem('HEAD') ?? '', /reserved/);
    assert.equal(branchNameProblem('feature/HEAD'), undefined);
  });
});
