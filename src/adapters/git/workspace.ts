import { packageVersion } from '../../core/build/version';
import { SlipwayError } from '../../core/errors';
import type { WorkspaceState } from '../../app/ports';
import { gitClient } from './client';

async function git(dir: string, args: string[], signal?: AbortSignal): Promise<string> {
  const r = await gitClient.run(args, { cwd: dir, ...(signal ? { signal } : {}) });
  if (r.code !== 0) {
    throw new SlipwayError('git', `git ${args.join(' ')} failed: ${r.stderr.trim() || `exit ${r.code}`}`, {
      hint: 'Run the pipeline in a git repository with at least one commit',
    });
  }
  return r.stdout;
}

/** Branch, HEAD, uncommitted changes and the version the package stage tags with. */
export async function describeWorkspace(dir: string, signal?: AbortSignal): Promise<WorkspaceState> {
  const head = await gitClient.run(['rev-parse', '--verify', '-q', 'HEAD'], { cwd: dir, ...(signal ? { signal } : {}) });
  if (head.code === 1) {
    // A fresh `git init`: git's own "ambiguous argument 'HEAD'" is three lines that do not say that.
    throw new SlipwayError('git', 'The repository has no commits yet, so there is nothing to build', { hint: 'Commit your work first (git add -A && git commit), then run the pipeline' });
  }
  const commit = (await git(dir, ['rev-parse', 'HEAD'], signal)).trim();
  const branch = (await git(dir, ['rev-parse', '--abbrev-ref', 'HEAD'], signal)).trim();
  const changes = (await git(dir, ['status', '--porcelain', '--untracked-files=normal'], signal)).split('\n').filter((l) => l.trim() !== '');
  const tags = (await git(dir, ['tag', '--points-at', 'HEAD'], signal)).split('\n').map((t) => t.trim()).filter(Boolean);
  // The one version rule, shared with `slipway package`: a v<digit>… tag on HEAD without its v, else develop.
  return { branch: branch === 'HEAD' ? `detached@${commit.slice(0, 7)}` : branch, commit, changes, version: packageVersion(tags).version };
}
