import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

describe('repository hygiene', () => {
  it('does not track node_modules (a committed symlink, checked out in the main worktree, points at itself and wipes the real one)', () => {
    const r = spawnSync('git', ['ls-files', '--', 'node_modules'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '', 'node_modules is tracked: run `git rm --cached node_modules`');
  });

  it('starts git only through the one git client (src/adapters/git), never by name elsewhere', () => {
    const src = join(ROOT, 'src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.replace(/\\/g, '/').startsWith('adapters/git/'));
    const offenders = files.filter((f) => /\b(execFile|execFileSync|spawn|spawnSync|exec)\(\s*['"`]git['"`]/.test(readFileSync(join(src, f), 'utf8')));
    assert.deepEqual(offenders, [], 'run git with gitClient.run (src/adapters/git/client.ts)');
  });
});
