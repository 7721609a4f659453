import * as vscode from 'vscode';
import { SlipwayError } from '../../core/errors';
import { AVH_DEFAULTS } from '../../core/gitflow/config';
import type { FlowOutcome, InitOptions } from '../../core/gitflow/engine';
import type { FinishPreview } from '../../core/gitflow/finishPreview';
import type { FinishOptions } from '../../core/gitflow/finishPlan';
import { branchNameProblem } from '../../core/gitflow/refName';
import { FLOW_TYPES, isFinishable, namesVersion, type FlowType } from '../../core/gitflow/types';
import { pickWorkspaceFolder, registerCommand } from '../common/commands';
import type { FlowRepoModel } from './repoModel';
import { isFlowNode } from './tree';

/** Where a command acts when called from the palette or a test: `{ folder: '/path/to/repo' }`. */
export interface TargetOptions {
  readonly folder?: string | vscode.Uri;
}

export interface FlowCommandHost {
  readonly repos: () => readonly FlowRepoModel[];
  readonly repoFor: (root: string) => FlowRepoModel | undefined;
  /** Re-reads a repository and updates the view, status bar and context keys. */
  readonly refresh: (repo?: FlowRepoModel) => Promise<void>;
  /** Tells the user what an action did: a notification with its follow-ups, and the Slipway output channel. */
  readonly report: (text: string, detail: readonly string[]) => void;
}

const TYPE_LABEL: Record<FlowType, string> = { feature: 'Feature', bugfix: 'Bugfix', release: 'Release', hotfix: 'Hotfix', support: 'Support' };

/** Every git-flow command. Each accepts arguments so scripts and tests can skip the prompts. */
export function registerFlowCommands(context: vscode.ExtensionContext, host: FlowCommandHost): void {
  const repoOf = async (target: unknown, options?: TargetOptions): Promise<FlowRepoModel> => {
    if (isFlowNode(target)) return target.repo;
    const folder = options?.folder ?? (target instanceof vscode.Uri ? target : undefined);
    const root = folder instanceof vscode.Uri ? folder.fsPath : folder;
    if (root !== undefined) {
      const repo = host.repoFor(root);
      if (!repo) throw new SlipwayError('notFound', `${root} is not an open workspace folder`);
      return repo;
    }
    const picked = await pickWorkspaceFolder();
    const repo = host.repoFor(picked.uri.fsPath);
    if (!repo) throw new SlipwayError('notFound', `${picked.uri.fsPath} is not an open workspace folder`);
    return repo;
  };

  /** Runs an engine call with progress, refreshes afterwards (also after a failure), and turns conflicts into a prompt. */
  const act = async (repo: FlowRepoModel, title: string, fn: () => Promise<FlowOutcome>): Promise<FlowOutcome | { conflict: readonly string[] }> => {
    try {
      const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Git Flow: ${title}` }, fn);
      for (const w of outcome.warnings) void vscode.window.showWarningMessage(`Slipway: ${w}`);
      void tellOutcome(repo, outcome);
      return outcome;
    } catch (e) {
      if (SlipwayError.is(e, 'conflict')) {
        const files = ((e.details?.files as string[] | undefined) ?? []).slice();
        void offerConflictActions(repo, e, files);
        return { conflict: files };
      }
      throw e;
    } finally {
      await host.refresh(repo);
    }
  };

  /** The message every action ends with, and its follow-ups: open the merge commit, push what a finish merged. */
  const tellOutcome = async (repo: FlowRepoModel, outcome: FlowOutcome): Promise<void> => {
    const text = `Git Flow: ${outcome.summary[0] ?? outcome.action}${outcome.summary.length > 2 ? ` (+${outcome.summary.length - 2} more)` : ''}`;
    host.report(`${text}`, [`${outcome.action} in ${repo.root}:`, ...outcome.summary.map((l) => `  - ${l}`), ...outcome.warnings.map((w) => `  ! ${w}`)]);
    const buttons: string[] = [];
    if (outcome.mergedInto) buttons.push('Open Merge Commit');
    const canPush = outcome.pushable && (await repo.get())?.remote !== undefined;
    if (canPush) buttons.push('Push');
    if (outcome.action.endsWith(' start') && outcome.branch && (await repo.get())?.remote !== undefined) buttons.push('Publish');
    const picked = await vscode.window.showInformationMessage(text, ...buttons);
    if (picked === 'Open Merge Commit' && outcome.mergedInto) {
      const content = await repo.engine.showCommit(outcome.mergedInto);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content, language: 'diff' }), { preview: true });
    } else if (picked === 'Push' && outcome.pushable) {
      const refs = outcome.pushable;
      await act(repo, `push ${refs.join(' ')}`, () => repo.engine.push(refs));
    } else if (picked === 'Publish') {
      await vscode.commands.executeCommand('slipway.flow.publish', undefined, { folder: repo.root });
    }
  };

  /** The finish's plan as the confirmation shows it: the steps, then the predicted conflicts. */
  const planText = (p: FinishPreview): string => p.summary.join('\n') + (p.warnings.length ? `\n\n${p.warnings.join('\n')}` : '');

  const start = async (type: FlowType, target?: unknown, baseArg?: string, options?: TargetOptions & { fetch?: boolean }) => {
    const repo = await repoOf(target, options);
    let name = typeof target === 'string' ? target : undefined;
    if (name === undefined) {
      const prefix = (await repo.get())?.config?.prefixes[type] ?? AVH_DEFAULTS.prefixes[type];
      name = await vscode.window.showInputBox({
        title: `Start ${TYPE_LABEL[type]}`,
        prompt: `${namesVersion(type) ? 'Version' : 'Name'} of the new ${type} (branch ${prefix}…)`,
        validateInput: (v) => (v.length === 0 ? 'Enter a name' : branchNameProblem(prefix + v) ? `Invalid: ${branchNameProblem(prefix + v)}` : undefined),
      });
      if (name === undefined) return undefined;
    }
    let base = baseArg;
    if (type === 'support' && base === undefined) {
      base = await vscode.window.showInputBox({ title: 'Start Support', prompt: 'Base: a tag or commit on the production branch' });
      if (base === undefined) return undefined;
    }
    const n = name;
    return act(repo, `start ${type} ${n}`, () => repo.engine.start(type, n, { fetch: options?.fetch === true, ...(base !== undefined ? { base } : {}) }));
  };

  /** `options.branch` names the branch the way a button does (the user then sees the plan, as from the view). */
  const finish = async (type: FlowType | undefined, target?: unknown, options?: TargetOptions & FinishOptions & { branch?: string }) => {
    const repo = await repoOf(target, options);
    let kind = type;
    let name: string | undefined = options?.branch;
    if (isFlowNode(target) && target.kind === 'branch') {
      kind = target.branch.type;
      name = target.branch.name;
    } else if (typeof target === 'string') name = target;
    const overview = await repo.get();
    if (!kind) {
      const current = overview?.branches.find((b) => b.current);
      if (!current) throw new SlipwayError('usage', 'The current branch is not a git-flow branch', { hint: 'Pick a branch in the Git Flow view and use Finish' });
      kind = current.type;
    }
    if (!isFinishable(kind)) throw new SlipwayError('usage', 'Support branches are not finished; they live on (as in git-flow AVH)');
    if (name === undefined) {
      const candidates = overview?.branches.filter((b) => b.type === kind) ?? [];
      const current = candidates.find((b) => b.current);
      if (current) name = current.name;
      else {
        const picked = await vscode.window.showQuickPick(
          candidates.map((b) => b.name),
          { title: `Finish ${TYPE_LABEL[kind]}`, placeHolder: candidates.length ? `Which ${kind}?` : `No ${kind} branches` },
        );
        if (picked === undefined) return undefined;
        name = picked;
      }
    }
    let finishOptions: FinishOptions = options ?? {};
    // A tag message is asked for only when the finish came from the UI (no name given as an argument).
    if ((kind === 'release' || kind === 'hotfix') && typeof target !== 'string' && finishOptions.message === undefined && !finishOptions.noTag) {
      const message = await vscode.window.showInputBox({ title: `Finish ${TYPE_LABEL[kind]} ${name}`, prompt: 'Tag message', value: name });
      if (message === undefined) return undefined;
      finishOptions = { ...finishOptions, message };
    }
    const k = kind;
    const n = name;
    // From the UI (no name given as an argument) the plan comes first, predicted conflicts included: one click goes ahead.
    if (typeof target !== 'string') {
      const preview = await repo.engine.previewFinish(k, n, finishOptions);
      const conflicts = preview.conflicts.length > 0;
      const go = conflicts ? 'Finish Anyway' : 'Finish';
      const picked = await vscode.window.showInformationMessage(
        `Finish ${TYPE_LABEL[k]} ${n}?${conflicts ? ' It will stop on conflicts.' : ''}`,
        { modal: true, detail: planText(preview) },
        go,
      );
      if (picked !== go) return undefined;
    }
    return act(repo, `finish ${k} ${n}`, () => repo.engine.finish(k, n, finishOptions));
  };

  const update = async (type: FlowType | undefined, target?: unknown, options?: TargetOptions & { rebase?: boolean }) => {
    const repo = await repoOf(target, options);
    const { type: nodeType, name } = branchTarget(target);
    const kind = nodeType ?? type ?? (await repo.get())?.branches.find((b) => b.current)?.type;
    if (!kind) throw new SlipwayError('usage', 'The current branch is not a git-flow branch', { hint: 'Use Update on a branch in the Git Flow view' });
    return act(repo, `update ${name ?? 'current branch'}`, () => repo.engine.update(kind, name, { rebase: options?.rebase === true }));
  };

  const branchTarget = (target: unknown): { type?: FlowType; name?: string } =>
    isFlowNode(target) && target.kind === 'branch' ? { type: target.branch.type, name: target.branch.name } : typeof target === 'string' ? { name: target } : {};

  const offerConflictActions = async (repo: FlowRepoModel, error: SlipwayError, files: readonly string[]): Promise<void> => {
    const picked = await vscode.window.showWarningMessage(`Slipway: ${error.message}`, 'Open Conflicts', 'Continue', 'Abort');
    if (picked === 'Open Conflicts') {
      for (const f of files) await vscode.window.showTextDocument(vscode.Uri.file(`${repo.root}/${f}`), { preview: false });
    } else if (picked === 'Continue') await vscode.commands.executeCommand('slipway.flow.finish.continue', { folder: repo.root });
    else if (picked === 'Abort') await vscode.commands.executeCommand('slipway.flow.finish.abort', { folder: repo.root });
  };

  registerCommand(context, 'slipway.flow.init', async (arg?: unknown) => {
    const options = (isFlowNode(arg) ? {} : ((arg as (InitOptions & TargetOptions & { defaults?: boolean }) | undefined) ?? {}));
    const repo = await repoOf(arg, options);
    const given = options.defaults || options.master || options.develop || options.prefixes || options.versionTagPrefix !== undefined;
    let values: InitOptions = options;
    if (!given) {
      const asked = await askInitValues();
      if (!asked) return undefined;
      values = { ...asked, force: options.force === true };
    }
    return act(repo, 'initialise', () => repo.engine.init(values));
  });

  for (const type of FLOW_TYPES) {
    registerCommand(context, `slipway.flow.${type}.start`, (target?: unknown, base?: string, options?: TargetOptions & { fetch?: boolean }) =>
      start(type, target, base, options),
    );
    if (isFinishable(type)) {
      registerCommand(context, `slipway.flow.${type}.finish`, (target?: unknown, options?: TargetOptions & FinishOptions & { branch?: string }) => finish(type, target, options));
    }
  }
  registerCommand(context, 'slipway.flow.start', async (target?: unknown, name?: string, base?: string) => {
    let type = isFlowNode(target) && target.kind === 'group' ? target.type : typeof target === 'string' && (FLOW_TYPES as readonly string[]).includes(target) ? (target as FlowType) : undefined;
    if (!type) {
      const picked = await vscode.window.showQuickPick(
        FLOW_TYPES.map((t) => ({ label: `Start ${TYPE_LABEL[t]}`, type: t })),
        { title: 'Git Flow: Start' },
      );
      if (!picked) return undefined;
      type = picked.type;
    }
    return start(type, name ?? (isFlowNode(target) ? target : undefined), base, isFlowNode(target) ? { folder: target.repo.root } : undefined);
  });
  registerCommand(context, 'slipway.flow.finish', (target?: unknown, options?: TargetOptions & FinishOptions) => finish(branchTarget(target).type, target, options));
  // The plan a finish would follow, as data (the confirmation shows it; scripts and tests read it).
  registerCommand(context, 'slipway.flow.finish.preview', async (target?: unknown, options?: TargetOptions & FinishOptions & { type?: FlowType }) => {
    const repo = await repoOf(target, options);
    const { type, name } = branchTarget(target);
    const kind = type ?? options?.type ?? (await repo.get())?.branches.find((b) => b.current)?.type;
    if (!kind || !isFinishable(kind)) throw new SlipwayError('usage', 'Name a feature, bugfix, release or hotfix branch to preview its finish');
    const preview = await repo.engine.previewFinish(kind, name, options ?? {});
    const text = planText(preview);
    // From the view: the plan opens beside the code (nothing is changed).
    if (isFlowNode(target)) {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: `Finishing ${preview.branch} would:\n\n${text}\n` }), { preview: true });
    }
    return { ...preview, text };
  });
  registerCommand(context, 'slipway.flow.update', (target?: unknown, options?: TargetOptions & { type?: FlowType; rebase?: boolean }) => update(options?.type, target, options));
  registerCommand(context, 'slipway.flow.publish', async (target?: unknown, options?: TargetOptions & { type?: FlowType }) => {
    const repo = await repoOf(target, options);
    const { type, name } = branchTarget(target);
    const kind = type ?? options?.type ?? (await repo.get())?.branches.find((b) => b.current)?.type;
    if (!kind) throw new SlipwayError('usage', 'The current branch is not a git-flow branch', { hint: 'Use Publish on a branch in the Git Flow view' });
    return act(repo, `publish ${name ?? 'current branch'}`, () => repo.engine.publish(kind, name));
  });
  registerCommand(context, 'slipway.flow.track', async (target?: unknown, options?: TargetOptions & { type?: FlowType }) => {
    const repo = await repoOf(target, options);
    const type = options?.type ?? 'feature';
    const name = typeof target === 'string' ? target : await vscode.window.showInputBox({ title: `Track ${TYPE_LABEL[type]}`, prompt: `Name of the ${type} published on the remote` });
    if (!name) return undefined;
    return act(repo, `track ${type} ${name}`, () => repo.engine.track(type, name));
  });
  registerCommand(context, 'slipway.flow.delete', async (target?: unknown, options?: TargetOptions & { type?: FlowType; force?: boolean; remote?: boolean }) => {
    const repo = await repoOf(target, options);
    const { type, name } = branchTarget(target);
    const kind = type ?? options?.type ?? 'feature';
    if (!name) throw new SlipwayError('usage', 'Name the branch to delete');
    let force = options?.force === true;
    if (isFlowNode(target)) {
      const ok = await vscode.window.showWarningMessage(`Delete ${kind} branch '${name}'?`, { modal: true }, 'Delete');
      if (ok !== 'Delete') return undefined;
    }
    try {
      return await act(repo, `delete ${kind} ${name}`, () => repo.engine.delete(kind, name, { force }));
    } catch (e) {
      // Never deleted silently: an unmerged branch needs an explicit second "yes".
      if (!SlipwayError.is(e, 'gitflow') || e.details?.unmerged !== true || !isFlowNode(target) || force) throw e;
      const again = await vscode.window.showWarningMessage(`${e.message}. Delete it anyway? Its unmerged commits will be lost.`, { modal: true }, 'Delete Anyway');
      if (again !== 'Delete Anyway') return undefined;
      force = true;
      return act(repo, `delete ${kind} ${name}`, () => repo.engine.delete(kind, name, { force }));
    }
  });
  registerCommand(context, 'slipway.flow.checkout', async (target?: unknown, options?: TargetOptions) => {
    const repo = await repoOf(target, options);
    const branch = isFlowNode(target) && target.kind === 'branch' ? target.branch.branch : typeof target === 'string' ? target : undefined;
    if (!branch) throw new SlipwayError('usage', 'Name the branch to check out');
    return act(repo, `checkout ${branch}`, () => repo.engine.checkout(branch));
  });
  registerCommand(context, 'slipway.flow.finish.continue', async (target?: unknown) => {
    const repo = await repoOf(target, target as TargetOptions | undefined);
    return act(repo, 'continue finish', () => repo.engine.continueFinish());
  });
  registerCommand(context, 'slipway.flow.finish.abort', async (target?: unknown) => {
    const repo = await repoOf(target, target as TargetOptions | undefined);
    return act(repo, 'abort finish', () => repo.engine.abortFinish());
  });
  registerCommand(context, 'slipway.flow.refresh', async () => {
    await host.refresh();
  });
  registerCommand(context, 'slipway.flow.quickAction', async (target?: unknown) => {
    const repo = await repoOf(target, target as TargetOptions | undefined);
    const o = await repo.get();
    type Item = vscode.QuickPickItem & { run: () => Thenable<unknown> };
    const items: Item[] = [];
    const folder = { folder: repo.root };
    if (o?.finishInProgress) {
      items.push(
        { label: '$(check) Continue Finish', description: o.finishInProgress.branch, run: () => vscode.commands.executeCommand('slipway.flow.finish.continue', folder) },
        { label: '$(discard) Abort Finish', description: o.finishInProgress.branch, run: () => vscode.commands.executeCommand('slipway.flow.finish.abort', folder) },
      );
    } else {
      const current = o?.branches.find((b) => b.current);
      if (current && isFinishable(current.type)) {
        items.push({ label: `$(check) Finish ${TYPE_LABEL[current.type]} ${current.name}`, run: () => vscode.commands.executeCommand('slipway.flow.finish', { kind: 'branch', repo, branch: current }) });
      }
      if (current && isFinishable(current.type) && current.behind) {
        items.push({ label: `$(repo-pull) Update ${current.branch}`, description: `${current.behind} new on ${current.base ?? 'its base'}`, run: () => vscode.commands.executeCommand('slipway.flow.update', { kind: 'branch', repo, branch: current }) });
      }
      if (current && !current.published) {
        items.push({ label: `$(cloud-upload) Publish ${current.branch}`, run: () => vscode.commands.executeCommand('slipway.flow.publish', { kind: 'branch', repo, branch: current }) });
      }
      for (const t of FLOW_TYPES) {
        items.push({ label: `$(add) Start ${TYPE_LABEL[t]}…`, run: () => vscode.commands.executeCommand(`slipway.flow.${t}.start`, undefined, undefined, folder) });
      }
    }
    const picked = await vscode.window.showQuickPick(items, { title: `Git Flow: ${repo.label}` });
    if (picked) await picked.run();
  });
}

/** Quick picks for init: AVH's defaults in one click, or each value asked with the default filled in. */
async function askInitValues(): Promise<InitOptions | undefined> {
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'Use git-flow defaults', detail: 'master, develop, feature/ bugfix/ release/ hotfix/ support/, no version tag prefix', custom: false },
      { label: 'Choose each name…', detail: 'Branch names and prefixes, one at a time', custom: true },
    ],
    { title: 'Initialize Git Flow' },
  );
  if (!choice) return undefined;
  if (!choice.custom) return {};
  const ask = async (prompt: string, value: string, validate = true): Promise<string | undefined> =>
    vscode.window.showInputBox({
      title: 'Initialize Git Flow',
      prompt,
      value,
      validateInput: (v) => (validate && v.length > 0 && branchNameProblem(v + (v.endsWith('/') ? 'x' : '')) ? `Invalid: ${branchNameProblem(v + 'x')}` : undefined),
    });
  const master = await ask('Branch for production releases', AVH_DEFAULTS.master);
  if (master === undefined) return undefined;
  const develop = await ask('Branch for "next release" development', AVH_DEFAULTS.develop);
  if (develop === undefined) return undefined;
  const prefixes: Partial<Record<FlowType, string>> = {};
  for (const t of FLOW_TYPES) {
    const v = await ask(`${TYPE_LABEL[t]} branch prefix`, AVH_DEFAULTS.prefixes[t]);
    if (v === undefined) return undefined;
    prefixes[t] = v;
  }
  const versionTagPrefix = await ask('Version tag prefix (empty for none)', AVH_DEFAULTS.versionTagPrefix);
  if (versionTagPrefix === undefined) return undefined;
  return { master, develop, prefixes, versionTagPrefix };
}

