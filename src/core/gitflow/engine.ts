import { SlipwayError } from '../errors';
import {
  AVH_DEFAULTS,
  CONFIG_KEYS,
  classifyBranch,
  hasBranchSection,
  isInitialized,
  parseConfigEntries,
  readGitFlowConfig,
  recordedBase,
  type GitFlowConfig,
} from './config';
import { parseFinishState, serializeFinishState, type FinishState } from './finishState';
import { planFinish, versionTag, type FinishOptions } from './finishPlan';
import { predictFinish, type FinishPreview } from './finishPreview';
import { CHANGELOG_FILE, cutChangelog, isoDate } from './changelog';
import {
  VERSION_FILES_KEY,
  VERSION_FILE_FORMATS,
  bumpVersionText,
  configuredVersionFiles,
  isVersionNumber,
  versionFileFormat,
} from './versionFiles';
import type { GitPort, GitResult } from './port';
import { branchNameProblem, refNameProblem } from './refName';
import {
  CONFIG_READ_ARGS,
  FOR_EACH_REF_ARGS,
  STATUS_ARGS,
  isClean,
  parseForEachRef,
  parseStatus,
  type BranchRef,
  type RepoSnapshot,
  type WorktreeStatus,
} from './snapshot';
import { REBASE_CONTINUE_ARGS, SQUASH_COMMIT_ARGS, describeStep, stepArgs, type FlowStep } from './steps';
import { FLOW_TYPES, isFinishable, namesVersion, type FinishableType, type FlowType } from './types';

/** What a git-flow command did, for the CLI (human and --json) and the editor. */
export interface FlowOutcome {
  readonly action: string;
  readonly branch?: string;
  readonly tag?: string;
  /** The branch checked out afterwards. */
  readonly currentBranch?: string;
  /** Lines in the spirit of AVH's "Summary of actions". */
  readonly summary: readonly string[];
  readonly warnings: readonly string[];
  /** A finish or update: the branch whose tip is the (first) merge it made, to open that commit. */
  readonly mergedInto?: string;
  /** A finish without -p: what -p would have pushed (branches, then `refs/tags/…`), to push now. */
  readonly pushable?: readonly string[];
}

export interface FlowBranch {
  readonly type: FlowType;
  readonly name: string;
  readonly branch: string;
  readonly sha: string;
  readonly current: boolean;
  /** The remote has a branch of the same name (it was published or tracked). */
  readonly published: boolean;
  readonly base?: string;
  /** Commits on the branch that its base lacks, and on the base that the branch lacks (absent when unknown). */
  readonly ahead?: number;
  readonly behind?: number;
}

/** The repository as the Git Flow view shows it. */
export interface FlowOverview {
  readonly initialized: boolean;
  readonly config?: GitFlowConfig;
  readonly currentBranch?: string;
  readonly branches: readonly FlowBranch[];
  /** The git-flow remote, when the repository has branches from it (pushing makes sense). */
  readonly remote?: string;
  readonly finishInProgress?: {
    readonly type: FinishableType;
    readonly name: string;
    readonly branch: string;
    readonly conflictFiles: readonly string[];
    readonly operation: 'finish' | 'update';
  };
}

export interface StartOptions {
  /** -F: fetch the base first. */
  readonly fetch?: boolean;
  readonly base?: string;
  /** --no-bump: a release or hotfix start leaves version files and CHANGELOG.md alone. */
  readonly noBump?: boolean;
}

export interface UpdateOptions {
  /** Rebase the branch onto its base instead of merging the base in. */
  readonly rebase?: boolean;
}

export interface DeleteOptions {
  /** -f: delete even when not merged into the base. */
  readonly force?: boolean;
  /** -r: delete the remote branch too. */
  readonly remote?: boolean;
}

/** Values for `init`; anything left out gets AVH's default (or keeps what is configured, unless `force`). */
export interface InitOptions {
  readonly force?: boolean;
  readonly master?: string;
  readonly develop?: string;
  readonly prefixes?: Partial<Record<FlowType, string>>;
  readonly versionTagPrefix?: string;
}

/**
 * After a merge commit git spawns `git maintenance run --auto` (measured: 8 ms of a 19 ms merge here). A finish's
 * merges skip that check; the user's next commit or fetch runs it, so the repository is looked after all the same.
 */
const NO_AUTO_MAINTENANCE: readonly string[] = ['-c', 'maintenance.auto=false'];

/** What a release or hotfix start commits on its new branch: the bumped version files and the cut changelog. */
interface VersionBump {
  readonly files: readonly { readonly path: string; readonly text: string }[];
  readonly message: string;
  readonly summary: readonly string[];
}

type Comparison = 'equal' | 'behind' | 'ahead' | 'diverged' | 'unrelated';


/**
 * git-flow, compatible with git-flow AVH 1.12: same config keys, same merges (fast-forward only when AVH would),
 * same tags and back-merges. Unlike AVH it validates names first, and a stopped finish can be continued or aborted.
 *
 * Speed matters (the editor calls this in-process): reads are batched into one `for-each-ref`, one `config
 * --get-regexp` and, when needed, one `status`, run in parallel; facts git already printed are not asked again.
 */
export class GitFlowEngine {
  constructor(
    private readonly port: GitPort,
    /** The clock for changelog dates. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  // ---- reading ---------------------------------------------------------------------------------------------

  async overview(): Promise<FlowOverview> {
    const [{ snap }, saved] = await Promise.all([this.read(false), this.loadState()]);
    const config = readGitFlowConfig(snap.config);
    if (!config) return { initialized: false, ...(snap.currentBranch ? { currentBranch: snap.currentBranch } : {}), branches: [] };
    const branches = await this.withAheadBehind(flowBranches(snap, config), config, snap);
    const hasRemote = [...snap.remoteBranches.keys()].some((r) => r.startsWith(`${config.origin}/`));
    return {
      initialized: true,
      config,
      ...(snap.currentBranch ? { currentBranch: snap.currentBranch } : {}),
      branches,
      ...(hasRemote ? { remote: config.origin } : {}),
      ...(saved
        ? { finishInProgress: { type: saved.type, name: saved.name, branch: saved.branch, conflictFiles: saved.conflict?.files ?? [], operation: saved.operation ?? 'finish' } }
        : {}),
    };
  }

  /** Ahead/behind counts of each branch against its base (recorded, else the type's default), one `rev-list` each, in parallel. */
  private async withAheadBehind(branches: FlowBranch[], config: GitFlowConfig, snap: RepoSnapshot): Promise<FlowBranch[]> {
    return Promise.all(
      branches.map(async (b) => {
        const base = b.base ?? (b.type === 'hotfix' || b.type === 'support' ? config.master : config.develop);
        if (!snap.branches.has(base)) return b;
        const r = await this.port.git(['rev-list', '--left-right', '--count', `refs/heads/${b.branch}...refs/heads/${base}`]);
        const m = /^(\d+)\s+(\d+)/.exec(r.stdout);
        return r.code === 0 && m ? { ...b, ahead: Number(m[1]), behind: Number(m[2]) } : b;
      }),
    );
  }

  /** `git show --stat --patch` of a commit, for the editor's "open the merge commit". */
  async showCommit(ref: string): Promise<string> {
    if (ref.startsWith('-')) throw new SlipwayError('usage', `Invalid ref '${ref}'`);
    return this.run(['show', '--stat', '--patch', '--format=fuller', ref, '--']);
  }

  /** Pushes branches and tags to the git-flow remote (the follow-up of a finish without -p). */
  async push(refs: readonly string[]): Promise<FlowOutcome> {
    const { snap } = await this.read(false);
    const config = requireConfig(snap);
    if (refs.length === 0 || refs.some((r) => r.startsWith('-'))) throw new SlipwayError('usage', 'Name the branches or tags to push');
    await this.requireRemote(config.origin, 'push');
    await this.run(['push', '-q', config.origin, ...refs]);
    return { action: 'push', summary: [`${refs.join(', ')} pushed to '${config.origin}'`], warnings: [] };
  }

  async list(type: FlowType): Promise<FlowBranch[]> {
    const { snap } = await this.read(false);
    const config = requireConfig(snap);
    return flowBranches(snap, config).filter((b) => b.type === type);
  }

  // ---- init ------------------------------------------------------------------------------------------------

  async init(options: InitOptions = {}): Promise<FlowOutcome & { readonly config: GitFlowConfig; readonly alreadyInitialized: boolean }> {
    const summary: string[] = [];
    let refs = await this.port.git(FOR_EACH_REF_ARGS);
    if (refs.code !== 0 && /not a git repository/i.test(refs.stderr)) {
      await this.run(['init', '-q']);
      summary.push('Created an empty git repository');
      refs = await this.port.git(FOR_EACH_REF_ARGS);
    }
    const { snap, status } = await this.read(true, refs);
    const headless = snap.branches.size === 0;
    if (!headless) requireClean(status!);
    const existing = readGitFlowConfig(snap.config);
    if (existing && !options.force) {
      return { action: 'init', config: existing, alreadyInitialized: true, summary: ['Already initialised for git-flow (use -f to re-initialise)'], warnings: [] };
    }
    const configured = (key: string) => snap.config.get(key) || undefined;
    const local = (b: string) => snap.branches.has(b);

    // Production branch: keep what is configured, else guess like AVH (production, main, master) or take the value given.
    let master = !options.force ? configured(CONFIG_KEYS.master) : undefined;
    let createMasterFrom: string | undefined;
    if (master === undefined) {
      const guess = [configured(CONFIG_KEYS.master), 'production', 'main', 'master'].find((b) => b !== undefined && local(b));
      master = options.master ?? (headless ? (configured(CONFIG_KEYS.master) ?? AVH_DEFAULTS.master) : (guess ?? configured(CONFIG_KEYS.master) ?? AVH_DEFAULTS.master));
      if (!headless && !local(master)) {
        if (snap.remoteBranches.has(`origin/${master}`)) createMasterFrom = `origin/${master}`;
        else throw new SlipwayError('gitflow', `Local branch '${master}' does not exist`, { hint: 'Name the production branch with --master NAME' });
      }
    }
    let develop = !options.force ? configured(CONFIG_KEYS.develop) : undefined;
    if (develop === undefined) {
      const others = [...snap.branches.keys()].filter((b) => b !== master);
      const guess = [configured(CONFIG_KEYS.develop), 'develop', 'int', 'integration', 'master'].find((b) => b !== undefined && b !== master && local(b));
      develop = options.develop ?? (others.length === 0 ? (configured(CONFIG_KEYS.develop) ?? AVH_DEFAULTS.develop) : (guess ?? configured(CONFIG_KEYS.develop) ?? AVH_DEFAULTS.develop));
      if (others.length > 0 && !local(develop) && options.develop === undefined) {
        throw new SlipwayError('gitflow', `Local branch '${develop}' does not exist`, { hint: 'Name the development branch with --develop NAME' });
      }
    }
    for (const [what, b] of [['production', master], ['development', develop]] as const) {
      const problem = branchNameProblem(b);
      if (problem) throw new SlipwayError('usage', `Invalid ${what} branch name '${b}': ${problem}`);
    }
    if (master === develop) throw new SlipwayError('gitflow', 'Production and development branches must differ', { hint: 'Pick another --develop NAME' });

    if (createMasterFrom) await this.run(['branch', master, createMasterFrom]);
    await this.run(['config', '--local', CONFIG_KEYS.master, master]);
    await this.run(['config', '--local', CONFIG_KEYS.develop, develop]);
    let checkoutDevelop = false;
    if (headless) {
      await this.run(['symbolic-ref', 'HEAD', `refs/heads/${master}`]);
      await this.run(['commit', '--allow-empty', '--quiet', '-m', 'Initial commit']);
      summary.push(`Created '${master}' with an initial commit`);
      checkoutDevelop = true;
    }
    if (!local(develop)) {
      if (snap.remoteBranches.has(`origin/${develop}`)) await this.run(['branch', develop, `origin/${develop}`]);
      else await this.run(['branch', '--no-track', develop, master]);
      summary.push(`Created '${develop}' from '${master}'`);
      checkoutDevelop = true;
    }
    if (checkoutDevelop) await this.run(['checkout', '-q', develop]);

    const prefixes = {} as Record<FlowType, string>;
    for (const type of FLOW_TYPES) {
      const key = CONFIG_KEYS.prefix(type);
      const current = snap.config.get(key);
      const value = options.prefixes?.[type] ?? (options.force || current === undefined ? AVH_DEFAULTS.prefixes[type] : current);
      if (value.length > 0 && refNameProblem(value + 'x')) throw new SlipwayError('usage', `Invalid ${type} prefix '${value}': ${refNameProblem(value + 'x')}`);
      prefixes[type] = value;
      if (options.force || current === undefined || options.prefixes?.[type] !== undefined) await this.run(['config', '--local', key, value]);
    }
    const tagKey = CONFIG_KEYS.prefix('versiontag');
    const tagCurrent = snap.config.get(tagKey);
    const versionTagPrefix = options.versionTagPrefix ?? (options.force || tagCurrent === undefined ? AVH_DEFAULTS.versionTagPrefix : tagCurrent);
    if (options.force || tagCurrent === undefined || options.versionTagPrefix !== undefined) await this.run(['config', '--local', tagKey, versionTagPrefix]);
    if (options.force || snap.config.get(CONFIG_KEYS.hooks) === undefined) {
      await this.run(['config', '--local', CONFIG_KEYS.hooks, `${await this.port.gitDir()}/hooks`]);
    }
    const config: GitFlowConfig = { master, develop, prefixes, versionTagPrefix, origin: configured(CONFIG_KEYS.origin) ?? AVH_DEFAULTS.origin };
    summary.push(`git-flow initialised: production '${master}', development '${develop}'`);
    return { action: 'init', config, alreadyInitialized: false, currentBranch: checkoutDevelop ? develop : snap.currentBranch, summary, warnings: [] };
  }

  // ---- start -----------------------------------------------------------------------------------------------

  async start(type: FlowType, name: string | undefined, options: StartOptions = {}): Promise<FlowOutcome> {
    if (!name) throw new SlipwayError('usage', `A new ${type} needs a ${namesVersion(type) ? 'version' : 'name'}`);
    const needsClean = type === 'release' || type === 'hotfix' || type === 'support';
    let { snap, status } = await this.read(needsClean);
    const config = requireConfig(snap);
    await this.requireNoFinishInProgress();
    const branch = config.prefixes[type] + name;
    requireValidName(type, name, branch);
    // feature/-x is a valid ref, but a name that looks like an option cannot be typed back (finish -x is a flag).
    if (name.startsWith('-')) throw new SlipwayError('usage', `Invalid ${type} name '${name}': it cannot start with "-"`, { details: { branch } });
    const tag = type === 'release' || type === 'hotfix' ? versionTag(config, name) : undefined;
    if (tag) {
      const problem = refNameProblem(tag);
      if (problem) throw new SlipwayError('usage', `Invalid tag name '${tag}': ${problem}`);
    }
    const base = options.base ?? (type === 'hotfix' ? config.master : type === 'support' ? undefined : config.develop);
    if (base === undefined) throw new SlipwayError('usage', 'A support branch needs a base: a commit on the production branch');
    // A base is handed to git as an argument: never let it read as an option.
    if (base.startsWith('-')) throw new SlipwayError('usage', `Invalid base '${base}': it cannot start with "-"`);
    if (type === 'support') {
      const isCommit = await this.port.git(['rev-parse', '--verify', '-q', `${base}^{commit}`]);
      if (isCommit.code !== 0) throw new SlipwayError('notFound', `Base '${base}' is not a branch, tag or commit`);
      if (!(await this.isAncestor(base, config.master))) {
        throw new SlipwayError('gitflow', `Base '${base}' is not a commit on '${config.master}'`, { hint: `Pick a tag or commit of '${config.master}'` });
      }
    } else if (!snap.branches.has(base)) {
      throw new SlipwayError('notFound', `Base '${base}' needs to be a local branch, and it does not exist`);
    }
    if (type === 'release' || (type === 'hotfix' && snap.config.get('gitflow.multi-hotfix') !== 'true')) {
      const existing = [...snap.branches.keys()].find((b) => b.startsWith(config.prefixes[type]));
      if (existing) {
        throw new SlipwayError('gitflow', `There is an existing ${type} branch '${existing.slice(config.prefixes[type].length)}'`, {
          hint: 'Finish that one first',
          remedies: [{ action: 'flowFinish', type, name: existing.slice(config.prefixes[type].length) }],
        });
      }
    }
    if (needsClean && snap.config.get('gitflow.allowdirty') !== 'true') requireClean(status!);
    if (snap.branches.has(branch)) throw new SlipwayError('gitflow', `Branch '${branch}' already exists`, { hint: 'Pick another name' });
    if (tag && snap.tags.has(tag)) throw new SlipwayError('gitflow', `Tag '${tag}' already exists`, { hint: 'Pick another version' });
    const remoteBase = `${config.origin}/${base}`;
    if (options.fetch && snap.remoteBranches.has(remoteBase)) {
      await this.run(['fetch', '-q', config.origin, base]);
      snap = (await this.read(false)).snap;
    }
    const warnings: string[] = [];
    if (type !== 'support' && snap.remoteBranches.has(remoteBase)) await this.requireNotBehind(snap, base, remoteBase, warnings);

    const bump = (type === 'release' || type === 'hotfix') && !options.noBump ? await this.planBump(snap, config, name, base, warnings) : undefined;

    const writes: Promise<unknown>[] = [this.run(['checkout', '-q', '-b', branch, base])];
    // AVH records the base so finish merges back where the branch came from.
    if (type !== 'support') writes.push(this.run(['config', '--local', CONFIG_KEYS.base(branch), base]));
    await Promise.all(writes);
    if (bump) await this.commitBump(bump);
    return {
      action: `${type} start`,
      branch,
      currentBranch: branch,
      summary: [`A new branch '${branch}' was created, based on '${base}'`, ...(bump?.summary ?? []), `You are now on branch '${branch}'`],
      warnings,
    };
  }

  /**
   * Release and hotfix start: the version goes into the configured version files (package.json unless
   * `gitflow.slipway.versionfiles` says otherwise) and CHANGELOG.md's Unreleased entries move under the version.
   * Computed from the base before anything changes, so a file it cannot handle stops the start cleanly. A repository
   * with none of these files gets no commit (AVH's behaviour).
   */
  private async planBump(snap: RepoSnapshot, config: GitFlowConfig, version: string, base: string, warnings: string[]): Promise<VersionBump | undefined> {
    const paths = [...configuredVersionFiles(snap.config.get(VERSION_FILES_KEY))];
    // npm keeps the version in its lock file too.
    if (paths.includes('package.json') && !paths.includes('package-lock.json')) paths.push('package-lock.json');
    const fromWorkTree = snap.currentBranch === base;
    const read = (path: string): Promise<string | undefined> =>
      fromWorkTree ? this.port.readWorkFile(path) : this.port.git(['show', `${base}:${path}`]).then((r) => (r.code === 0 ? r.stdout : undefined));
    const texts = await Promise.all([...paths, CHANGELOG_FILE].map(read));
    const present = paths.map((path, i) => ({ path, text: texts[i] })).filter((f): f is { path: string; text: string } => f.text !== undefined);
    const changelog = texts[paths.length];
    if (present.length === 0 && changelog === undefined) return undefined;
    if (!isVersionNumber(version)) {
      warnings.push(`'${version}' is not a version number: ${[...present.map((f) => f.path), ...(changelog !== undefined ? [CHANGELOG_FILE] : [])].join(', ')} left as they are`);
      return undefined;
    }
    const files: { path: string; text: string }[] = [];
    const summary: string[] = [];
    for (const f of present) {
      const format = versionFileFormat(f.path);
      if (!format) {
        throw new SlipwayError('config', `${f.path}: Slipway cannot set a version in this kind of file`, {
          hint: `${VERSION_FILES_KEY} may list ${VERSION_FILE_FORMATS.join(', ')}`,
        });
      }
      const text = bumpVersionText(format, f.path, f.text, version);
      if (text !== f.text) files.push({ path: f.path, text });
    }
    if (files.length > 0) summary.push(`The version is ${version} in ${files.map((c) => c.path).join(', ')}`);
    if (changelog !== undefined) {
      const tag = versionTag(config, version);
      const date = isoDate(this.now());
      let cut = cutChangelog(changelog, version, tag, date, []);
      if (cut.fromCommits) cut = cutChangelog(changelog, version, tag, date, await this.subjectsSinceLastVersion(config, base));
      files.push({ path: CHANGELOG_FILE, text: cut.text });
      summary.push(`${CHANGELOG_FILE}: ${cut.fromCommits ? 'the commit subjects since the last version' : 'the Unreleased entries'} are now under [${version}] - ${date}`);
    }
    if (files.length === 0) return undefined;
    const message = `Bump version to ${version}`;
    summary.push(`Committed as "${message}"`);
    return { files, message, summary };
  }

  /** Writes the bumped files into the new branch's working tree and commits them (only them) as one commit. */
  private async commitBump(bump: VersionBump): Promise<void> {
    await Promise.all(bump.files.map((c) => this.port.writeWorkFile(c.path, c.text)));
    const paths = bump.files.map((c) => c.path);
    await this.run(['add', '--', ...paths]);
    await this.run(['commit', '-q', '-m', bump.message, '--', ...paths]);
  }

  /** Subjects of the commits since the newest version tag (all commits when there is none), oldest first. */
  private async subjectsSinceLastVersion(config: GitFlowConfig, base: string): Promise<string[]> {
    const last = await this.port.git(['describe', '--tags', '--abbrev=0', '--match', `${config.versionTagPrefix}*`, base]);
    const range = last.code === 0 ? [`${last.stdout.trim()}..${base}`] : [base];
    const log = await this.run(['log', '--no-merges', '--reverse', '--max-count=200', '--format=%s', ...range]);
    return log.split('\n').filter((l) => l.trim().length > 0);
  }

  // ---- finish ----------------------------------------------------------------------------------------------

  async finish(type: FinishableType, nameArg: string | undefined, options: FinishOptions = {}): Promise<FlowOutcome> {
    const { state, warnings } = await this.prepareFinish(type, nameArg, options, false);
    return this.runSteps(state, 0, warnings);
  }

  /**
   * What `finish` would do, changing no ref, index or working file: its steps, and the files each merge would stop
   * on (git merge-tree on the commits the earlier steps would make). Remotes are not fetched.
   */
  async previewFinish(type: FinishableType, nameArg: string | undefined, options: FinishOptions = {}): Promise<FinishPreview> {
    const { state, warnings, snap } = await this.prepareFinish(type, nameArg, options, true);
    return predictFinish(this.port, state, snap, warnings);
  }

  private async prepareFinish(
    type: FinishableType,
    nameArg: string | undefined,
    options: FinishOptions,
    dryRun: boolean,
  ): Promise<{ state: FinishState; warnings: string[]; snap: RepoSnapshot }> {
    let { snap, status } = await this.read(true);
    const config = requireConfig(snap);
    await this.requireNoFinishInProgress();
    const { name, branch } = resolveExisting(type, nameArg, snap, config, 'finish');
    const base = recordedBase(snap.config, branch) ?? (type === 'hotfix' ? config.master : config.develop);
    if (!snap.branches.has(base)) {
      throw new SlipwayError('notFound', `The base '${base}' of '${branch}' does not exist locally`, { hint: `Create '${base}' or set gitflow.branch.${branch}.base` });
    }
    if (type === 'release' && base !== config.develop) {
      throw new SlipwayError('gitflow', `Finishing a release based on '${base}' (not '${config.develop}') is not supported`, { hint: 'Use `git flow release finish` for this one' });
    }
    requireClean(status!);
    if (options.push) await this.requireRemote(config.origin, `${type} finish -p`);

    // Like AVH: always fetch the branch itself when it has a remote counterpart; with -F also the branches merged into.
    const origin = config.origin;
    const merged = type === 'release' ? [config.master, config.develop] : type === 'hotfix' && base === config.master ? [base, config.develop] : [base];
    const toFetch = [...new Set([branch, ...(options.fetch ? merged : [])])].filter((b) => snap.remoteBranches.has(`${origin}/${b}`));
    const warnings: string[] = [];
    if (toFetch.length > 0 && dryRun) warnings.push(`The finish fetches ${toFetch.join(', ')} from '${origin}' first; this preview uses what was fetched last`);
    else if (toFetch.length > 0) {
      await this.run(['fetch', '-q', origin, ...toFetch]);
      snap = (await this.read(false)).snap;
    }
    for (const b of new Set([branch, ...merged])) {
      if (snap.remoteBranches.has(`${origin}/${b}`)) await this.requireNotBehind(snap, b, `${origin}/${b}`, warnings);
    }
    const tag = type === 'release' || type === 'hotfix' ? versionTag(config, name) : undefined;
    if (tag && !options.noTag && snap.tags.has(tag)) {
      throw new SlipwayError('gitflow', `Tag '${tag}' already exists`, { hint: 'Delete the tag, or finish with -n (no tag)' });
    }
    const canFastForward =
      (type === 'feature' || type === 'bugfix') && !options.squash && !options.noFastForward
        ? await this.avhWouldFastForward(snap.branches.get(branch)!, snap.branches.get(base)!)
        : false;
    const plan = planFinish(
      {
        config,
        type,
        name,
        branch,
        base,
        canFastForward,
        nothingToMerge: (type === 'feature' || type === 'bugfix') && snap.branches.get(branch)!.sha === snap.branches.get(base)!.sha,
        remoteHasBranch: snap.remoteBranches.has(`${origin}/${branch}`),
        hasBranchConfig: hasBranchSection(snap.config, branch),
      },
      options,
    );
    const originalRefs: Record<string, string> = {};
    for (const b of plan.touchedBranches) {
      const ref = snap.branches.get(b);
      if (ref) originalRefs[b] = ref.sha;
    }
    const originalBase = recordedBase(snap.config, branch);
    const state: FinishState = {
      version: 1,
      type,
      name,
      branch,
      steps: plan.steps,
      next: 0,
      originalHead: snap.currentBranch ?? base,
      originalRefs,
      createdTags: plan.tag ? [plan.tag] : [],
      ...(originalBase ? { originalBase } : {}),
    };
    return { state, warnings, snap };
  }

  /** Completes a finish stopped by a conflict, once the user resolved it (and staged the files). */
  async continueFinish(): Promise<FlowOutcome> {
    const state = await this.requireState();
    const { snap, status } = await this.read(true);
    if (status!.conflicted.length > 0) throw conflictError(state, status!.conflicted, 'Conflicts are still unresolved');
    const step = state.steps[state.next];
    let from = state.next;
    if (step?.kind === 'rebase') {
      await this.requireNoConflictMarkers(state);
      const r = await this.port.git(REBASE_CONTINUE_ARGS);
      if (r.code !== 0) await this.stopOnConflicts(state, step.onto, step.branch, r, step);
      from = state.next + 1;
    } else if (step?.kind === 'merge') {
      if (snap.currentBranch !== step.target) {
        throw new SlipwayError('gitflow', `The finish stopped while merging into '${step.target}', but '${snap.currentBranch ?? 'a detached HEAD'}' is checked out`, {
          hint: `Check out '${step.target}' and continue the finish, or abort it`,
          remedies: [{ action: 'flowContinue' }, { action: 'flowAbort' }],
        });
      }
      await this.requireNoConflictMarkers(state);
      const commit = await this.port.git(['commit', '-q', '--no-edit']);
      if (commit.code !== 0) {
        const nothing = /nothing to commit|nothing added to commit|no changes added/i.test(commit.stdout + commit.stderr);
        if (!nothing) throw gitError(['commit'], commit);
        if (step.mode !== 'squash' && !(await this.isAncestor(step.source, 'HEAD'))) {
          throw new SlipwayError('gitflow', `'${step.source}' is not merged into '${step.target}' yet`, {
            hint: `Merge it (git merge ${step.source}) and continue the finish, or abort it`,
            remedies: [{ action: 'flowContinue' }, { action: 'flowAbort' }],
          });
        }
      }
      from = state.next + 1;
    }
    return this.runSteps({ ...state, conflict: undefined }, from, []);
  }

  /** Undoes a stopped finish: every branch, tag and the checked-out branch exactly as before the finish. */
  async abortFinish(): Promise<FlowOutcome> {
    const state = await this.requireState();
    if (state.steps[state.next]?.kind === 'rebase') await this.port.git(['rebase', '--abort']);
    await this.port.git(['reset', '-q', '--merge']);
    const { snap } = await this.read(false);
    const head = state.originalHead;
    const headSha = state.originalRefs[head];
    if (!snap.branches.has(head) && headSha) await this.run(['branch', head, headSha]);
    if (snap.currentBranch !== head) await this.run(['checkout', '-q', head]);
    for (const [b, sha] of Object.entries(state.originalRefs)) {
      if (b === head) continue;
      const now = snap.branches.get(b)?.sha;
      if (now === sha) continue;
      if (now === undefined) await this.run(['branch', b, sha]);
      else await this.run(['update-ref', `refs/heads/${b}`, sha, now]);
    }
    if (headSha && snap.branches.has(head) && snap.branches.get(head)!.sha !== headSha) await this.run(['reset', '-q', '--keep', headSha]);
    for (const tag of state.createdTags) if (snap.tags.has(tag)) await this.run(['tag', '-d', tag]);
    if (state.originalBase && recordedBase(snap.config, state.branch) === undefined) {
      await this.run(['config', '--local', CONFIG_KEYS.base(state.branch), state.originalBase]);
    }
    await this.port.writeFinishState(undefined);
    const operation = state.operation ?? 'finish';
    return {
      action: `${state.type} ${operation} --abort`,
      branch: state.branch,
      currentBranch: head,
      summary: [`The ${operation} of '${state.branch}' was aborted; branches and tags are back where they were`, `You are now on branch '${head}'`],
      warnings: [],
    };
  }

  // ---- update ----------------------------------------------------------------------------------------------

  /**
   * Brings the base's new commits into a topic branch (git-flow-next's `update`): merges the base in (fast-forward
   * when the branch has nothing of its own), or rebases onto it. A conflict stops like a finish: continue or abort.
   */
  async update(type: FlowType, nameArg: string | undefined, options: UpdateOptions = {}): Promise<FlowOutcome> {
    if (!isFinishable(type)) throw new SlipwayError('usage', 'Support branches have no base to update from');
    const { snap, status } = await this.read(true);
    const config = requireConfig(snap);
    await this.requireNoFinishInProgress();
    const { name, branch } = resolveExisting(type, nameArg, snap, config, 'update');
    requireClean(status!);
    const base = recordedBase(snap.config, branch) ?? (type === 'hotfix' ? config.master : config.develop);
    const baseRef = snap.branches.get(base);
    if (!baseRef) throw new SlipwayError('notFound', `The base '${base}' of '${branch}' does not exist locally`);
    const steps: FlowStep[] = [];
    if (snap.currentBranch !== branch) steps.push({ kind: 'checkout', branch });
    if (await this.isAncestor(baseRef.sha, snap.branches.get(branch)!.sha)) {
      if (steps.length > 0) await this.run(stepArgs(steps[0]!));
      return {
        action: `${type} update`,
        branch,
        currentBranch: branch,
        summary: [`'${branch}' already has every commit of '${base}'`, `You are now on branch '${branch}'`],
        warnings: [],
      };
    }
    steps.push(options.rebase ? { kind: 'rebase', branch, onto: base } : { kind: 'merge', source: base, target: branch, mode: 'ff' });
    const state: FinishState = {
      version: 1,
      operation: 'update',
      type,
      name,
      branch,
      steps,
      next: 0,
      originalHead: snap.currentBranch ?? branch,
      originalRefs: { [branch]: snap.branches.get(branch)!.sha },
      createdTags: [],
    };
    return this.runSteps(state, 0, []);
  }

  // ---- publish, track, delete ------------------------------------------------------------------------------

  async publish(type: FlowType, nameArg: string | undefined): Promise<FlowOutcome> {
    const { snap, status } = await this.read(true);
    const config = requireConfig(snap);
    const { branch } = resolveExisting(type, nameArg, snap, config, 'publish');
    requireClean(status!);
    const origin = config.origin;
    await this.requireRemote(origin, `${type} publish`);
    await this.run(['fetch', '-q', origin]);
    if ((await this.port.git(['rev-parse', '--verify', '-q', `refs/remotes/${origin}/${branch}`])).code === 0) {
      throw new SlipwayError('gitflow', `Branch '${origin}/${branch}' already exists`, {
        hint: 'It is published already: push with git push, or track it in another clone',
        remedies: [{ action: 'flowTrack', type, name: branch.slice(config.prefixes[type].length) }],
      });
    }
    await this.run(['push', '-q', '-u', origin, `${branch}:${branch}`]);
    if (snap.currentBranch !== branch) await this.run(['checkout', '-q', branch]);
    return {
      action: `${type} publish`,
      branch,
      currentBranch: branch,
      summary: [`The remote branch '${branch}' was created on '${origin}'`, `The local branch '${branch}' tracks it`, `You are now on branch '${branch}'`],
      warnings: [],
    };
  }

  async track(type: FlowType, name: string | undefined): Promise<FlowOutcome> {
    if (!name) throw new SlipwayError('usage', `Name the ${type} to track`);
    const { snap, status } = await this.read(true);
    const config = requireConfig(snap);
    const branch = config.prefixes[type] + name;
    requireValidName(type, name, branch);
    requireClean(status!);
    if (snap.branches.has(branch)) throw new SlipwayError('gitflow', `Branch '${branch}' already exists`, { hint: `Check it out with git checkout ${branch}` });
    const origin = config.origin;
    await this.requireRemote(origin, `${type} track`);
    await this.run(['fetch', '-q', origin]);
    if ((await this.port.git(['rev-parse', '--verify', '-q', `refs/remotes/${origin}/${branch}`])).code !== 0) {
      throw new SlipwayError('notFound', `'${origin}' has no branch '${branch}'`, {
        hint: 'Publish it first from the clone that has it',
        remedies: [{ action: 'flowPublish', type, name }],
      });
    }
    await this.run(['checkout', '-q', '-b', branch, `${origin}/${branch}`]);
    return {
      action: `${type} track`,
      branch,
      currentBranch: branch,
      summary: [`A new branch '${branch}' tracking '${origin}/${branch}' was created`, `You are now on branch '${branch}'`],
      warnings: [],
    };
  }

  async delete(type: FlowType, nameArg: string | undefined, options: DeleteOptions = {}): Promise<FlowOutcome> {
    if (!nameArg) throw new SlipwayError('usage', `Name the ${type} to delete`);
    const { snap, status } = await this.read(true);
    const config = requireConfig(snap);
    const { branch } = resolveExisting(type, nameArg, snap, config, 'delete');
    let base = recordedBase(snap.config, branch) ?? (type === 'hotfix' || type === 'support' ? config.master : config.develop);
    if (!snap.branches.has(base)) base = config.develop;
    const merged = snap.branches.has(base) && (await this.isAncestor(branch, base));
    if (!merged && !options.force) {
      throw new SlipwayError('gitflow', `Branch '${branch}' has commits that are not merged into '${base}'`, {
        hint: 'Finish it, or delete it anyway (forced): its unmerged commits are then lost',
        remedies: [
          ...(isFinishable(type) ? [{ action: 'flowFinish', type, name: branch.slice(config.prefixes[type].length) } as const] : []),
          { action: 'flowDelete', type, name: branch.slice(config.prefixes[type].length), force: true },
        ],
        details: { branch, base, unmerged: true },
      });
    }
    let current = snap.currentBranch;
    if (current === branch) {
      requireClean(status!);
      await this.run(['checkout', '-q', base]);
      current = base;
    }
    // Merged into its base (checked above, whatever is checked out), or forced: -D, since -d only looks at HEAD.
    await this.run(['branch', '-D', branch]);
    const summary = [`Branch '${branch}' has been deleted${merged ? '' : ' (it was not merged)'}`];
    if (options.remote && snap.remoteBranches.has(`${config.origin}/${branch}`)) {
      await this.run(['push', '-q', config.origin, '--delete', branch]);
      summary.push(`Branch '${branch}' on '${config.origin}' has been deleted`);
    }
    if (hasBranchSection(snap.config, branch)) await this.removeBranchSection(branch);
    summary.push(`You are now on branch '${current ?? base}'`);
    return { action: `${type} delete`, branch, ...(current ? { currentBranch: current } : {}), summary, warnings: [] };
  }

  /** Checks out a branch (the view's Checkout action); git refuses if local changes would be overwritten. */
  async checkout(branch: string): Promise<FlowOutcome> {
    const problem = branchNameProblem(branch);
    if (problem) throw new SlipwayError('usage', `Invalid branch name '${branch}': ${problem}`);
    await this.run(['checkout', '-q', branch]);
    return { action: 'checkout', branch, currentBranch: branch, summary: [`You are now on branch '${branch}'`], warnings: [] };
  }

  // ---- internals -------------------------------------------------------------------------------------------

  private async runSteps(initial: FinishState, from: number, warnings: string[]): Promise<FlowOutcome> {
    let state = initial;
    const done: string[] = [];
    // The branch's gitflow config goes only once git really deleted the branch (AVH's order).
    let branchKept = false;
    for (let i = from; i < state.steps.length; i++) {
      const step = state.steps[i]!;
      state = { ...state, next: i };
      // Saved before every step, so a crash or failure at any point can still be continued or aborted.
      await this.port.writeFinishState(serializeFinishState(state));
      if (step.kind === 'removeBranchConfig') {
        // A failure is fine (nothing to remove).
        if (!branchKept) await this.removeBranchSection(step.branch);
        continue;
      }
      const result = await this.port.git(step.kind === 'merge' ? [...NO_AUTO_MAINTENANCE, ...stepArgs(step)] : stepArgs(step));
      if (step.kind === 'rebase') {
        if (result.code !== 0) await this.stopOnConflicts(state, step.onto, step.branch, result, step);
        done.push(`'${step.branch}' was rebased onto '${step.onto}'`);
      } else if (step.kind === 'merge') {
        if (result.code !== 0) await this.stopOnConflicts(state, step.source, step.target, result, step);
        if (step.mode === 'squash') {
          const commit = await this.port.git(SQUASH_COMMIT_ARGS);
          if (commit.code !== 0 && !/nothing to commit/i.test(commit.stdout + commit.stderr)) throw stepFailed(step, commit);
        }
        done.push(`'${step.source}' was merged into '${step.target}'${step.mode === 'ff' ? ' (fast-forward)' : step.mode === 'squash' ? ' (squashed)' : ''}`);
      } else if (step.kind === 'deleteBranch') {
        // git itself refuses to delete a branch it does not see as merged: keep it and say so (as AVH does).
        if (result.code !== 0) {
          branchKept = true;
          warnings.push(`Branch '${step.branch}' is still available locally: ${firstLine(result.stderr)}`);
        } else done.push(`Branch '${step.branch}' has been locally deleted`);
      } else if (result.code !== 0) {
        throw stepFailed(step, result);
      } else if (step.kind === 'tag') done.push(`The release was tagged '${step.name}'`);
      else if (step.kind === 'push') done.push(`${step.refs.join(', ')} pushed to '${step.remote}'`);
      else if (step.kind === 'deleteRemoteBranch') done.push(`Branch '${step.branch}' has been deleted from '${step.remote}'`);
    }
    await this.port.writeFinishState(undefined);
    const lastCheckout = [...state.steps].reverse().find((s): s is Extract<FlowStep, { kind: 'checkout' }> => s.kind === 'checkout');
    const currentBranch = lastCheckout?.branch ?? (state.operation === 'update' ? state.branch : state.originalHead);
    const tagStep = state.steps.find((s): s is Extract<FlowStep, { kind: 'tag' }> => s.kind === 'tag');
    const merges = state.steps.filter((s): s is Extract<FlowStep, { kind: 'merge' }> => s.kind === 'merge');
    const pushed = state.steps.some((s) => s.kind === 'push');
    const pushable = [...new Set(merges.map((m) => m.target)), ...(tagStep ? [`refs/tags/${tagStep.name}`] : [])];
    return {
      action: `${state.type} ${state.operation ?? 'finish'}`,
      branch: state.branch,
      ...(tagStep ? { tag: tagStep.name } : {}),
      ...(merges[0] ? { mergedInto: merges[0].target } : {}),
      ...(state.operation !== 'update' && !pushed && pushable.length > 0 ? { pushable } : {}),
      currentBranch,
      summary: [...done, `You are now on branch '${currentBranch}'`],
      warnings,
    };
  }

  /**
   * AVH fast-forwards when `git rev-list base..branch` holds exactly one commit. When the tip has one parent this is
   * known from for-each-ref alone: a single commit on top of the base tip fast-forwards; any other single-parent shape
   * is either not one commit ahead or cannot fast-forward, and `merge --ff` then makes the same merge commit as --no-ff.
   */
  /** Forgets `gitflow.branch.<branch>.*`: in-process when the port can (one git process less), else with git. */
  private async removeBranchSection(branch: string): Promise<void> {
    if (this.port.removeConfigSection && (await this.port.removeConfigSection('gitflow', `branch.${branch}`))) return;
    // A failure is fine (nothing to remove).
    await this.port.git(['config', '--local', '--remove-section', CONFIG_KEYS.section(branch)]);
  }

  /** A merge or rebase that exited non-zero: saved as stopped on its conflicts (exit 3), or failed with git's reason. */
  private async stopOnConflicts(state: FinishState, source: string, target: string, result: GitResult, step: FlowStep): Promise<never> {
    const st = parseStatus((await this.port.git(STATUS_ARGS)).stdout);
    if (st.conflicted.length === 0) throw stepFailed(step, result);
    const stopped: FinishState = { ...state, conflict: { source, target, files: st.conflicted } };
    await this.port.writeFinishState(serializeFinishState(stopped));
    const what = step.kind === 'rebase' ? `Rebasing '${target}' onto '${source}'` : `Merging '${source}' into '${target}'`;
    throw conflictError(stopped, st.conflicted, `${what} stopped on conflicts`);
  }

  private async avhWouldFastForward(branch: BranchRef, base: BranchRef): Promise<boolean> {
    if (branch.parents.length <= 1) return branch.parents[0] === base.sha;
    const r = await this.run(['rev-list', '-n2', `${base.name}..${branch.name}`]);
    return r.split('\n').filter((l) => l.length > 0).length === 1;
  }

  private async read(withStatus: boolean, refsResult?: GitResult): Promise<{ snap: RepoSnapshot; status?: WorktreeStatus }> {
    const [refs, config, st] = await Promise.all([
      refsResult ?? this.port.git(FOR_EACH_REF_ARGS),
      this.readConfig(),
      withStatus ? this.port.git(STATUS_ARGS) : Promise.resolve(undefined),
    ]);
    if (refs.code !== 0) {
      if (/not a git repository/i.test(refs.stderr)) {
        throw new SlipwayError('git', 'Not a git repository', { hint: 'Run this inside a repository; initialising git-flow in an empty folder creates one', remedies: [{ action: 'flowInit' }] });
      }
      throw gitError(FOR_EACH_REF_ARGS, refs);
    }
    if (st && st.code !== 0) throw gitError(STATUS_ARGS, st);
    const snap = parseForEachRef(refs.stdout, config);
    return st ? { snap, status: parseStatus(st.stdout) } : { snap };
  }

  /** The gitflow config: from the files when the port can read them (saves a process), else from `git config`. */
  private async readConfig(): Promise<ReadonlyMap<string, string>> {
    const fromFiles = this.port.readGitFlowConfig ? await this.port.readGitFlowConfig() : undefined;
    if (fromFiles) return fromFiles;
    const cfg = await this.port.git(CONFIG_READ_ARGS);
    if (cfg.code !== 0 && cfg.code !== 1) throw gitError(CONFIG_READ_ARGS, cfg);
    return parseConfigEntries(cfg.code === 0 ? cfg.stdout : '');
  }

  private async run(args: readonly string[]): Promise<string> {
    const r = await this.port.git(args);
    if (r.code !== 0) throw gitError(args, r);
    return r.stdout;
  }

  /** `git add` of a file that still has <<<<<<< markers marks it resolved; refuse to commit those markers. */
  private async requireNoConflictMarkers(state: FinishState): Promise<void> {
    const files = state.conflict?.files ?? [];
    if (files.length === 0) return;
    // The markers git writes always carry a label ("<<<<<<< HEAD", ">>>>>>> feature/x"); a bare ======= may be prose.
    const grep = await this.port.git(['grep', '--cached', '-l', '-E', '-e', '^<<<<<<< ', '-e', '^>>>>>>> ', '--', ...files]);
    const marked = grep.code === 0 ? grep.stdout.split('\n').filter((l) => l.length > 0) : [];
    if (marked.length > 0) {
      throw new SlipwayError('conflict', `${marked.length === 1 ? 'A file still has' : `${marked.length} files still have`} conflict markers: ${marked.join(', ')}`, {
        hint: 'Edit out the <<<<<<< ======= >>>>>>> lines and `git add` the files, then continue (or abort to go back)',
        remedies: [{ action: 'flowContinue' }, { action: 'flowAbort' }],
        details: { files: marked },
      });
    }
  }

  /** Refuses before anything changes when the git-flow remote (gitflow.origin, default origin) is not configured. */
  private async requireRemote(origin: string, what: string): Promise<void> {
    if ((await this.port.git(['remote', 'get-url', origin])).code === 0) return;
    throw new SlipwayError('gitflow', `${what} needs the remote '${origin}', which is not configured`, {
      hint: `Add it with \`git remote add ${origin} URL\` (or set gitflow.origin to the remote to use)`,
      details: { remote: origin },
    });
  }

  private async isAncestor(a: string, b: string): Promise<boolean> {
    const r = await this.port.git(['merge-base', '--is-ancestor', a, b]);
    if (r.code === 0) return true;
    if (r.code === 1) return false;
    throw gitError(['merge-base'], r);
  }

  private async compare(a: string, b: string, snap: RepoSnapshot): Promise<Comparison> {
    const shaA = snap.branches.get(a)?.sha;
    const shaB = snap.remoteBranches.get(b);
    if (shaA !== undefined && shaA === shaB) return 'equal';
    const r = await this.port.git(['merge-base', `refs/heads/${a}`, `refs/remotes/${b}`]);
    if (r.code !== 0) return 'unrelated';
    const mergeBase = r.stdout.trim();
    if (mergeBase === shaA) return 'behind';
    if (mergeBase === shaB) return 'ahead';
    return 'diverged';
  }

  /** AVH's `require_branches_equal`: refuse a branch behind (or diverged from) its remote; being ahead is fine. */
  private async requireNotBehind(snap: RepoSnapshot, local: string, remote: string, warnings: string[]): Promise<void> {
    const cmp = await this.compare(local, remote, snap);
    if (cmp === 'behind') {
      throw new SlipwayError('gitflow', `Branch '${local}' is behind '${remote}'`, {
        hint: `Update it first: git checkout ${local} && git merge --ff-only ${remote}`,
        details: { branch: local, remote },
      });
    }
    if (cmp === 'diverged' || cmp === 'unrelated') {
      throw new SlipwayError('gitflow', `Branches '${local}' and '${remote}' have diverged`, {
        hint: `Merge '${remote}' into '${local}' first`,
        details: { branch: local, remote },
      });
    }
    if (cmp === 'ahead') warnings.push(`Branch '${local}' is ahead of '${remote}'`);
  }

  private async loadState(): Promise<FinishState | undefined> {
    const text = await this.port.readFinishState();
    return text === undefined ? undefined : parseFinishState(text);
  }

  private async requireState(): Promise<FinishState> {
    const state = await this.loadState();
    if (!state) throw new SlipwayError('gitflow', 'No git-flow finish or update is in progress', { hint: 'Nothing to continue or abort' });
    return state;
  }

  private async requireNoFinishInProgress(): Promise<void> {
    const state = await this.loadState();
    if (state) {
      throw new SlipwayError('gitflow', `The ${state.operation ?? 'finish'} of '${state.branch}' is still in progress`, {
        hint: 'Continue it once the conflicts are resolved, or abort it',
        remedies: [{ action: 'flowContinue' }, { action: 'flowAbort' }],
        details: { branch: state.branch },
      });
    }
  }
}

function flowBranches(snap: RepoSnapshot, config: GitFlowConfig): FlowBranch[] {
  const out: FlowBranch[] = [];
  for (const ref of snap.branches.values()) {
    const kind = classifyBranch(config, ref.name);
    if (!kind) continue;
    const base = recordedBase(snap.config, ref.name);
    out.push({
      type: kind.type,
      name: kind.name,
      branch: ref.name,
      sha: ref.sha,
      current: ref.name === snap.currentBranch,
      published: snap.remoteBranches.has(`${config.origin}/${ref.name}`),
      ...(base ? { base } : {}),
    });
  }
  return out.sort((a, b) => FLOW_TYPES.indexOf(a.type) - FLOW_TYPES.indexOf(b.type) || a.name.localeCompare(b.name));
}

function requireConfig(snap: RepoSnapshot): GitFlowConfig {
  const config = readGitFlowConfig(snap.config);
  if (!config || !isInitialized(snap.config)) {
    throw new SlipwayError('gitflow', 'This repository is not initialised for git-flow', { hint: 'Set it up with the git-flow AVH defaults first', remedies: [{ action: 'flowInit' }] });
  }
  return config;
}

function requireClean(status: WorktreeStatus): void {
  if (status.conflicted.length > 0) {
    throw new SlipwayError('dirtyTree', 'The working tree has unresolved conflicts', { hint: 'Resolve them and commit, or run `git merge --abort`' });
  }
  if (!isClean(status)) {
    const what = status.unstaged > 0 ? 'unstaged changes' : 'staged changes that are not committed';
    throw new SlipwayError('dirtyTree', `The working tree has ${what}`, { hint: 'Commit or stash them (git stash), then try again' });
  }
}

function requireValidName(type: FlowType, name: string, branch: string): void {
  const problem = branchNameProblem(branch);
  if (problem) throw new SlipwayError('usage', `Invalid ${type} name '${name}': ${problem}`, { details: { branch } });
}

/** The branch a command acts on: the one named (exactly, or a unique prefix for topics, as AVH), else the current one. */
function resolveExisting(type: FlowType, nameArg: string | undefined, snap: RepoSnapshot, config: GitFlowConfig, verb: string): { name: string; branch: string } {
  const found = resolveTopic(type, nameArg, snap, config, verb);
  // With an empty prefix (gitflow.prefix.feature = "") the production and development branches look like topics:
  // finishing or deleting them would merge and delete master or develop.
  if (found.branch === config.master || found.branch === config.develop) {
    throw new SlipwayError('gitflow', `'${found.branch}' is the ${found.branch === config.master ? 'production' : 'development'} branch, not a ${type} branch`, {
      hint: config.prefixes[type] === '' ? `gitflow.prefix.${type} is empty; initialise git-flow again with a prefix (default ${type}/)` : `Name a ${type} branch`,
      remedies: config.prefixes[type] === '' ? [{ action: 'flowInit', force: true }] : [{ action: 'flowList', type }],
      details: { branch: found.branch },
    });
  }
  return found;
}

function resolveTopic(type: FlowType, nameArg: string | undefined, snap: RepoSnapshot, config: GitFlowConfig, verb: string): { name: string; branch: string } {
  const prefix = config.prefixes[type];
  if (nameArg === undefined || nameArg === '') {
    const current = snap.currentBranch;
    if (current && current.startsWith(prefix) && current.length > prefix.length) return { name: current.slice(prefix.length), branch: current };
    throw new SlipwayError('usage', `The current branch${current ? ` '${current}'` : ''} is not a ${type} branch`, {
      hint: `Name the ${type} to ${verb}, or check it out first`,
      remedies: [{ action: 'flowList', type }],
    });
  }
  requireValidName(type, nameArg, prefix + nameArg);
  if (snap.branches.has(prefix + nameArg)) return { name: nameArg, branch: prefix + nameArg };
  if (!namesVersion(type)) {
    const matches = [...snap.branches.keys()].filter((b) => b.startsWith(prefix + nameArg));
    if (matches.length === 1) return { name: matches[0]!.slice(prefix.length), branch: matches[0]! };
    if (matches.length > 1) {
      throw new SlipwayError('usage', `'${nameArg}' matches several ${type} branches: ${matches.join(', ')}`, { hint: 'Give the full name' });
    }
  }
  throw new SlipwayError('notFound', `There is no ${type} branch '${prefix + nameArg}'`, { remedies: [{ action: 'flowList', type }] });
}

function conflictError(state: FinishState, files: readonly string[], what: string): SlipwayError {
  return new SlipwayError('conflict', `${what} in ${files.length} file${files.length === 1 ? '' : 's'}: ${files.join(', ')}`, {
    hint: 'Resolve them and `git add` the files, then continue (or abort to go back)',
    remedies: [{ action: 'flowContinue' }, { action: 'flowAbort' }],
    details: { branch: state.branch, files, step: state.next },
  });
}

function stepFailed(step: FlowStep, r: GitResult): SlipwayError {
  return new SlipwayError('git', `Could not ${describeStep(step)}: ${firstLine(r.stderr) || firstLine(r.stdout) || `git exited with ${r.code}`}`, {
    hint: 'Fix the cause, then continue (or abort to go back)',
    remedies: [{ action: 'flowContinue' }, { action: 'flowAbort' }],
  });
}

function gitError(args: readonly string[], r: GitResult): SlipwayError {
  return new SlipwayError('git', `git ${args[0]} failed: ${firstLine(r.stderr) || firstLine(r.stdout) || `exit code ${r.code}`}`, {
    details: { args: [...args], code: r.code, stderr: r.stderr },
  });
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? ''
  );
}

