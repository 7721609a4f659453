import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

describe('repository hygiene', () => {
  it('does not track node_modules (a committed symlink, checked out in the main worktree, points at itself and wipes the real one)', () => {
    const r = spawnSync('git', ['ls-files', '--', 'node_modules'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '', 'node_modules is tracked: run `git rm --cached node_modules`');
  });
});
