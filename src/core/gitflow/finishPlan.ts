import type { GitFlowConfig } from './config';
import type { FlowStep, MergeMode } from './steps';
import type { FinishableType } from './types';

/** The finish flags, with git-flow AVH's meaning. */
export interface FinishOptions {
  /** -F: fetch from the remote first, and refuse when a branch is behind its remote. */
  readonly fetch?: boolean;
  /** -k: keep the branch. */
  readonly keep?: boolean;
  /** -p: push the merged branches (and tag) to the remote. */
  readonly push?: boolean;
  /** -S: squash the branch into one commit. */
  readonly squash?: boolean;
  /** --no-ff: always create a merge commit (features and bugfixes; releases and hotfixes always do). */
  readonly noFastForward?: boolean;
  /** -m: the tag message (releases and hotfixes). */
  readonly message?: string;
  /** -n: do not tag. */
  readonly noTag?: boolean;
  /** -b: do not back-merge master (or the tag) into develop; merge the branch itself instead. */
  readonly noBackMerge?: boolean;
  /** -D: delete the branch even if git does not see it as merged (AVH's force_delete). */
  readonly forceDelete?: boolean;
}

/** What the engine learned about the repository, all the plan needs. */
export interface FinishFacts {
  readonly config: GitFlowConfig;
  readonly type: FinishableType;
  readonly name: string;
  readonly branch: string;
  /** Where the branch merges: its recorded base, else develop (master for hotfixes). */
  readonly base: string;
  /** AVH fast-forwards a feature when exactly one commit sits on top of the base. */
  readonly canFastForward: boolean;
  /** The branch tip is the base tip: the merge would be "Already up to date", so it is skipped (same result). */
  readonly nothingToMerge?: boolean;
  readonly remoteHasBranch: boolean;
  readonly hasBranchConfig: boolean;
}

export interface FinishPlan {
  readonly steps: readonly FlowStep[];
  /** Branches the steps may move or delete (saved for --abort). */
  readonly touchedBranches: readonly string[];
  readonly tag: string | undefined;
}

/** The tag a release or hotfix finish creates: version-tag prefix + version. */
export function versionTag(config: GitFlowConfig, version: string): string {
  return config.versionTagPrefix + version;
}

export function planFinish(facts: FinishFacts, options: FinishOptions): FinishPlan {
  switch (facts.type) {
    case 'feature':
    case 'bugfix':
      return planTopicFinish(facts, options);
    case 'release':
    case 'hotfix':
      return planVersionFinish(facts, options);
  }
}

/** Feature and bugfix: merge into the base (develop), then clean up (AVH `helper_finish_cleanup`). */
function planTopicFinish(facts: FinishFacts, o: FinishOptions): FinishPlan {
  const { branch, base, config } = facts;
  const mode: MergeMode = o.squash ? 'squash' : o.noFastForward || !facts.canFastForward ? 'no-ff' : 'ff';
  const steps: FlowStep[] = [{ kind: 'checkout', branch: base }];
  if (!facts.nothingToMerge) steps.push({ kind: 'merge', source: branch, target: base, mode });
  if (o.push) steps.push({ kind: 'push', remote: config.origin, refs: [base] });
  steps.push(...cleanup(facts, o, Boolean(o.forceDelete || o.squash)));
  return { steps: withConfigRemoval(facts, o, steps), touchedBranches: [base, branch], tag: undefined };
}

/** Release and hotfix: merge into master (or the hotfix's base), tag, back-merge into develop, clean up. */
function planVersionFinish(facts: FinishFacts, o: FinishOptions): FinishPlan {
  const { branch, config, type } = facts;
  const target = type === 'release' ? config.master : facts.base;
  const tag = o.noTag ? undefined : versionTag(config, facts.name);
  const steps: FlowStep[] = [
    { kind: 'checkout', branch: target },
    { kind: 'merge', source: branch, target, mode: o.squash ? 'squash' : 'no-ff' },
  ];
  if (tag) steps.push({ kind: 'tag', name: tag, target, message: o.message ?? facts.name });
  const backMerge = type === 'release' || target === config.master;
  if (backMerge) {
    const source = o.noBackMerge ? branch : (tag ?? config.master);
    // AVH squashes the release branch into develop only with -b -S; a back-merge of master is always a merge commit.
    const mode: MergeMode = o.noBackMerge && o.squash && type === 'release' ? 'squash' : 'no-ff';
    steps.push({ kind: 'checkout', branch: config.develop }, { kind: 'merge', source, target: config.develop, mode });
  }
  if (o.push) {
    const refs = [...(backMerge ? [config.develop] : []), target, ...(tag ? [`refs/tags/${tag}`] : [])];
    steps.push({ kind: 'push', remote: config.origin, refs });
  }
  // AVH force-deletes a squashed release (its commits are not ancestors of master) but not a squashed hotfix.
  steps.push(...cleanup(facts, o, Boolean(o.forceDelete || (o.squash && type === 'release'))));
  const touched = backMerge ? [target, config.develop, branch] : [target, branch];
  return { steps: withConfigRemoval(facts, o, steps), touchedBranches: touched, tag };
}

function cleanup(facts: FinishFacts, o: FinishOptions, force: boolean): FlowStep[] {
  if (o.keep) return [];
  const steps: FlowStep[] = [];
  if (facts.remoteHasBranch) steps.push({ kind: 'deleteRemoteBranch', remote: facts.config.origin, branch: facts.branch });
  steps.push({ kind: 'deleteBranch', branch: facts.branch, force });
  return steps;
}

/**
 * AVH forgets the branch's base (`gitflow.branch.<branch>`) at the end, once the branch is deleted. So does Slipway:
 * a finish stopped by a conflict keeps it (continue and abort need it), and the executor skips the removal when git
 * kept the branch.
 */
function withConfigRemoval(facts: FinishFacts, o: FinishOptions, steps: FlowStep[]): FlowStep[] {
  return !o.keep && facts.hasBranchConfig ? [...steps, { kind: 'removeBranchConfig', branch: facts.branch }] : steps;
}
