/**
 * A finish's dry run: the steps it would take, and the files each merge would stop on, predicted without touching
 * refs, the index or the working tree. Each merge is computed with `git merge-tree --write-tree` on the commits the
 * steps before it would have made (`git commit-tree` writes them as unreferenced objects, which git's gc drops).
 */
import type { RepoSnapshot } from './snapshot';
import type { FinishState } from './finishState';
import type { GitPort } from './port';
import { describeStep, stepArgs, type FlowStep } from './steps';
import { SlipwayError } from '../errors';

export interface PreviewStep {
  readonly kind: FlowStep['kind'];
  readonly description: string;
  /** The git command the step runs (arguments after `git`). */
  readonly command: readonly string[];
}

export interface PredictedConflict {
  readonly source: string;
  readonly target: string;
  readonly files: readonly string[];
}

export interface FinishPreview {
  readonly action: string;
  readonly dryRun: true;
  readonly branch: string;
  readonly tag?: string;
  readonly steps: readonly PreviewStep[];
  /** Merges that would stop on conflicts, with the files; empty when the finish would go through. */
  readonly conflicts: readonly PredictedConflict[];
  /** Merges after the first conflict depend on how it is resolved: not predicted. */
  readonly unpredicted: readonly { readonly source: string; readonly target: string }[];
  readonly summary: readonly string[];
  readonly warnings: readonly string[];
}

/** An identity for the throwaway commits, so a repository without user.name still previews. */
const IDENTITY = ['-c', 'user.name=Slipway dry run', '-c', 'user.email=dry-run@slipway.invalid'];

export async function predictFinish(port: GitPort, state: FinishState, snap: RepoSnapshot, warnings: readonly string[]): Promise<FinishPreview> {
  const tips = new Map<string, string>([...snap.branches].map(([name, ref]) => [name, ref.sha]));
  const tags = new Map<string, string>();
  const conflicts: PredictedConflict[] = [];
  const unpredicted: { source: string; target: string }[] = [];
  const commitOf = async (name: string): Promise<string> => {
    const known = tips.get(name) ?? tags.get(name);
    if (known) return known;
    const r = await port.git(['rev-parse', '--verify', '-q', `${name}^{commit}`]);
    if (r.code !== 0) throw new SlipwayError('notFound', `'${name}' does not exist`);
    return r.stdout.trim();
  };
  for (const step of state.steps) {
    if (step.kind === 'tag') {
      const at = tips.get(step.target);
      if (at) tags.set(step.name, at);
      continue;
    }
    if (step.kind !== 'merge') continue;
    if (conflicts.length > 0) {
      unpredicted.push({ source: step.source, target: step.target });
      continue;
    }
    const target = await commitOf(step.target);
    const source = await commitOf(step.source);
    if (step.mode === 'ff') {
      tips.set(step.target, source);
      continue;
    }
    const merged = await port.git(['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', target, source]);
    const [tree, ...files] = merged.stdout.split('\0').filter((f) => f.length > 0);
    if (merged.code === 1) {
      conflicts.push({ source: step.source, target: step.target, files: [...new Set(files)] });
      continue;
    }
    if (merged.code !== 0 || !tree) {
      throw new SlipwayError('git', `git merge-tree failed: ${merged.stderr.trim() || `exit code ${merged.code}`}`, {
        hint: 'Previewing a finish needs git 2.38 or newer',
      });
    }
    const parents = step.mode === 'squash' ? ['-p', target] : ['-p', target, '-p', source];
    const commit = await port.git([...IDENTITY, 'commit-tree', tree, ...parents, '-m', `Merge ${step.source} into ${step.target} (dry run)`]);
    if (commit.code !== 0) throw new SlipwayError('git', `git commit-tree failed: ${commit.stderr.trim() || `exit code ${commit.code}`}`);
    tips.set(step.target, commit.stdout.trim());
  }
  const steps = state.steps.map((s) => ({ kind: s.kind, description: describeStep(s), command: stepArgs(s) }));
  const tag = state.steps.find((s): s is Extract<FlowStep, { kind: 'tag' }> => s.kind === 'tag')?.name;
  const summary = [
    ...steps.map((s, i) => `${i + 1}. ${s.description}`),
    ...(conflicts.length === 0
      ? ['No conflicts predicted']
      : conflicts.map((c) => `Conflicts merging '${c.source}' into '${c.target}': ${c.files.join(', ')}`)),
    ...unpredicted.map((u) => `Merging '${u.source}' into '${u.target}' depends on how those conflicts are resolved`),
  ];
  return {
    action: `${state.type} finish --dry-run`,
    dryRun: true,
    branch: state.branch,
    ...(tag ? { tag } : {}),
    steps,
    conflicts,
    unpredicted,
    summary,
    warnings,
  };
}
