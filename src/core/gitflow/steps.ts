/**
 * A finish is a list of steps, decided up front from what the repository looks like, then executed one by one.
 * Keeping them as data lets a stopped finish be saved and resumed (`--continue`) or undone (`--abort`).
 */
export type MergeMode = 'ff' | 'no-ff' | 'squash';

export type FlowStep =
  | { readonly kind: 'checkout'; readonly branch: string }
  /** Merge `source` into the checked-out `target`; a squash also commits. */
  | { readonly kind: 'merge'; readonly source: string; readonly target: string; readonly mode: MergeMode }
  /** Rebase the checked-out `branch` onto `onto` (an update with --rebase). */
  | { readonly kind: 'rebase'; readonly branch: string; readonly onto: string }
  | { readonly kind: 'tag'; readonly name: string; readonly target: string; readonly message: string }
  | { readonly kind: 'push'; readonly remote: string; readonly refs: readonly string[] }
  | { readonly kind: 'deleteRemoteBranch'; readonly remote: string; readonly branch: string }
  | { readonly kind: 'deleteBranch'; readonly branch: string; readonly force: boolean }
  | { readonly kind: 'removeBranchConfig'; readonly branch: string };

/** The git arguments of a step (a squash merge's commit is a second command, see `SQUASH_COMMIT_ARGS`). */
export function stepArgs(step: FlowStep): string[] {
  switch (step.kind) {
    case 'checkout':
      return ['checkout', '-q', step.branch];
    case 'merge':
      return step.mode === 'squash'
        ? ['merge', '-q', '--squash', step.source]
        : ['merge', '-q', '--no-edit', step.mode === 'ff' ? '--ff' : '--no-ff', step.source];
    case 'rebase':
      return ['rebase', '-q', step.onto];
    case 'tag':
      return ['tag', '-a', '-m', step.message, step.name, step.target];
    case 'push':
      return ['push', '-q', step.remote, ...step.refs];
    case 'deleteRemoteBranch':
      return ['push', '-q', step.remote, '--delete', step.branch];
    case 'deleteBranch':
      return ['branch', step.force ? '-D' : '-d', step.branch];
    case 'removeBranchConfig':
      return ['config', '--local', '--remove-section', `gitflow.branch.${step.branch}`];
  }
}

/** Continues a rebase stopped on a conflict, keeping each commit's message (no editor). */
export const REBASE_CONTINUE_ARGS: readonly string[] = ['-c', 'core.editor=true', 'rebase', '--continue'];

/** Commits a squash merge with the message git prepared (SQUASH_MSG), without an editor. */
export const SQUASH_COMMIT_ARGS: readonly string[] = ['commit', '-q', '--no-edit'];

/** A short description for progress output and saved state. */
export function describeStep(step: FlowStep): string {
  switch (step.kind) {
    case 'checkout':
      return `check out ${step.branch}`;
    case 'merge':
      return `merge ${step.source} into ${step.target} (${step.mode})`;
    case 'rebase':
      return `rebase ${step.branch} onto ${step.onto}`;
    case 'tag':
      return `tag ${step.name}`;
    case 'push':
      return `push ${step.refs.join(', ')} to ${step.remote}`;
    case 'deleteRemoteBranch':
      return `delete ${step.remote}/${step.branch}`;
    case 'deleteBranch':
      return `delete ${step.branch}`;
    case 'removeBranchConfig':
      return `forget the base of ${step.branch}`;
  }
}
