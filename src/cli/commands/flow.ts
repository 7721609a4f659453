import { parseArgs } from 'node:util';
import { SlipwayError } from '../../core/errors';
import { GitFlowEngine, type FlowBranch, type FlowOutcome } from '../../core/gitflow/engine';
import type { FinishOptions } from '../../core/gitflow/finishPlan';
import { FLOW_TYPES, isFinishable, isFlowType, namesVersion, type FlowType } from '../../core/gitflow/types';
import { gitFor } from '../composition';
import { emit, type CliContext } from '../context';
import { usageError } from '../parse';

const HELP = `Usage:
  slipway flow init [-d] [-f] [--master NAME] [--develop NAME] [-p PREFIX] [-b PREFIX] [-r PREFIX] [-x PREFIX] [-s PREFIX] [-t PREFIX]
  slipway flow <type> list                          type: ${FLOW_TYPES.join(' | ')}
  slipway flow <type> start NAME [BASE] [-F] [--no-bump]
  slipway flow <type> finish [NAME] [-F] [-k] [-p] [-S] [--no-ff] [-m MSG] [-n] [-b] [-D] [--dry-run]
  slipway flow <type> update [NAME] [--rebase]         bring the base's new commits in (merge, or rebase)
  slipway flow <type> publish [NAME] | track NAME | delete NAME [-f] [-r]
  slipway flow finish --continue | --abort             also resumes or undoes an update stopped on conflicts

git-flow compatible with git-flow AVH: same config keys, merges, tags and flags.
  init     -d AVH defaults (master, develop, feature/ bugfix/ release/ hotfix/ support/, no tag prefix), -f re-initialise;
           -p/-b/-r/-x/-s/-t set the feature/bugfix/release/hotfix/support/version-tag prefixes
  start    -F fetch from origin first; release/hotfix start sets the version in package.json (or the files listed in
           git config gitflow.slipway.versionfiles) and cuts CHANGELOG.md, as one commit; --no-bump skips that
  finish   -F fetch first (refuses a branch behind its remote), -k keep the branch, -p push, -S squash,
           --no-ff always a merge commit, -m tag message, -n no tag, -b no back-merge of master into develop,
           -D force-delete the branch; --dry-run prints the steps and the files that would conflict, changes nothing
  delete   -f delete even if not merged, -r delete the remote branch too
Exit code 3: a finish or update stopped on a conflict; resolve, git add, then \`slipway flow finish --continue\` (or --abort).
`;

export async function run(args: string[], ctx: CliContext): Promise<number> {
  const [first, second, ...rest] = args;
  if (first === undefined) {
    ctx.err(HELP);
    return 2;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    ctx.out(HELP);
    return 0;
  }
  const engine = new GitFlowEngine(await gitFor(ctx));
  if (first === 'init') return init(engine, [second, ...rest].filter((a): a is string => a !== undefined), ctx);
  if (first === 'finish') return resume(engine, [second, ...rest].filter((a): a is string => a !== undefined), ctx);
  if (!isFlowType(first)) throw new SlipwayError('usage', `Unknown flow command "${first}" (expected init, finish, or one of ${FLOW_TYPES.join(', ')})`);
  const type = first;
  const action = second ?? 'list';
  if (rest.includes('-h') || rest.includes('--help')) {
    ctx.out(HELP);
    return 0;
  }
  switch (action) {
    case 'list':
      return list(engine, type, rest, ctx);
    case 'start':
      return start(engine, type, rest, ctx);
    case 'finish':
      return finish(engine, type, rest, ctx);
    case 'update':
      return update(engine, type, rest, ctx);
    case 'publish':
    case 'track': {
      const { positionals } = usageError(() => parseArgs({ args: rest, options: {}, allowPositionals: true, strict: true }));
      if (positionals.length > 1) throw new SlipwayError('usage', `Too many arguments for ${type} ${action}`);
      if (action === 'track' && positionals[0] === undefined) throw new SlipwayError('usage', `Missing NAME: slipway flow ${type} track NAME`);
      const outcome = action === 'publish' ? await engine.publish(type, positionals[0]) : await engine.track(type, positionals[0]);
      return report(outcome, ctx);
    }
    case 'delete': {
      const { values, positionals } = usageError(() =>
        parseArgs({ args: rest, allowPositionals: true, strict: true, options: { force: { type: 'boolean', short: 'f' }, remote: { type: 'boolean', short: 'r' } } }),
      );
      if (positionals.length > 1) throw new SlipwayError('usage', `Too many arguments for ${type} delete`);
      if (positionals[0] === undefined) throw new SlipwayError('usage', `Missing NAME: slipway flow ${type} delete NAME [-f] [-r]`);
      return report(await engine.delete(type, positionals[0], { force: values.force === true, remote: values.remote === true }), ctx);
    }
    default:
      throw new SlipwayError('usage', `Unknown action "${action}" for ${type} (expected list, start, finish, update, publish, track or delete)`);
  }
}

async function init(engine: GitFlowEngine, args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = usageError(() =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        defaults: { type: 'boolean', short: 'd' },
        force: { type: 'boolean', short: 'f' },
        master: { type: 'string' },
        develop: { type: 'string' },
        feature: { type: 'string', short: 'p' },
        bugfix: { type: 'string', short: 'b' },
        release: { type: 'string', short: 'r' },
        hotfix: { type: 'string', short: 'x' },
        support: { type: 'string', short: 's' },
        tag: { type: 'string', short: 't' },
      },
    }),
  );
  if (positionals.length > 0) throw new SlipwayError('usage', `Unexpected argument "${positionals[0]}" for flow init`);
  // The CLI never prompts: without -d, values come from the flags and AVH's defaults fill the rest.
  const prefixes: Partial<Record<FlowType, string>> = {};
  for (const t of FLOW_TYPES) {
    const v = values[t];
    if (v !== undefined) prefixes[t] = v === '-' ? '' : v;
  }
  const outcome = await engine.init({
    force: values.force === true,
    ...(values.master !== undefined ? { master: values.master } : {}),
    ...(values.develop !== undefined ? { develop: values.develop } : {}),
    prefixes,
    ...(values.tag !== undefined ? { versionTagPrefix: values.tag === '-' ? '' : values.tag } : {}),
  });
  return report(outcome, ctx);
}

async function resume(engine: GitFlowEngine, args: string[], ctx: CliContext): Promise<number> {
  const { values } = usageError(() =>
    parseArgs({ args, strict: true, options: { continue: { type: 'boolean' }, abort: { type: 'boolean' } } }),
  );
  if (values.continue === values.abort) throw new SlipwayError('usage', 'Use `slipway flow finish --continue` or `slipway flow finish --abort`');
  return report(values.continue ? await engine.continueFinish() : await engine.abortFinish(), ctx);
}

async function list(engine: GitFlowEngine, type: FlowType, args: string[], ctx: CliContext): Promise<number> {
  usageError(() => parseArgs({ args, strict: true, options: { verbose: { type: 'boolean', short: 'v' } } }));
  const branches = await engine.list(type);
  emit(ctx, { type, branches }, () => formatList(type, branches));
  return 0;
}

function formatList(type: FlowType, branches: readonly FlowBranch[]): string {
  if (branches.length === 0) return `No ${type} branches exist.\nStart one with: slipway flow ${type} start ${type === 'feature' || type === 'bugfix' ? 'NAME' : 'VERSION'}\n`;
  return branches.map((b) => `${b.current ? '*' : ' '} ${b.name}`).join('\n') + '\n';
}

async function start(engine: GitFlowEngine, type: FlowType, args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = usageError(() =>
    parseArgs({ args, allowPositionals: true, strict: true, options: { fetch: { type: 'boolean', short: 'F' }, 'no-bump': { type: 'boolean' } } }),
  );
  if (positionals.length > 2) throw new SlipwayError('usage', `Too many arguments for ${type} start`);
  const [name, base] = positionals;
  const NAME = namesVersion(type) ? 'VERSION' : 'NAME';
  if (name === undefined) throw new SlipwayError('usage', `Missing ${NAME}: slipway flow ${type} start ${NAME}${type === 'support' ? ' BASE' : ' [BASE]'}`);
  if (type === 'support' && base === undefined) throw new SlipwayError('usage', 'Missing BASE: slipway flow support start VERSION BASE (a commit on the production branch)');
  return report(await engine.start(type, name, { fetch: values.fetch === true, noBump: values['no-bump'] === true, ...(base !== undefined ? { base } : {}) }), ctx);
}

async function finish(engine: GitFlowEngine, type: FlowType, args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = usageError(() =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        fetch: { type: 'boolean', short: 'F' },
        keep: { type: 'boolean', short: 'k' },
        push: { type: 'boolean', short: 'p' },
        squash: { type: 'boolean', short: 'S' },
        'no-ff': { type: 'boolean' },
        message: { type: 'string', short: 'm' },
        notag: { type: 'boolean', short: 'n' },
        nobackmerge: { type: 'boolean', short: 'b' },
        force_delete: { type: 'boolean', short: 'D' },
        continue: { type: 'boolean' },
        abort: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
      },
    }),
  );
  if (values.continue || values.abort) return resume(engine, values.continue ? ['--continue'] : ['--abort'], ctx);
  if (!isFinishable(type)) throw new SlipwayError('usage', 'Support branches are not finished; they live on (as in git-flow AVH)');
  if (positionals.length > 1) throw new SlipwayError('usage', `Too many arguments for ${type} finish`);
  const options: FinishOptions = {
    fetch: values.fetch === true,
    keep: values.keep === true,
    push: values.push === true,
    squash: values.squash === true,
    noFastForward: values['no-ff'] === true,
    noTag: values.notag === true,
    noBackMerge: values.nobackmerge === true,
    forceDelete: values.force_delete === true,
    ...(values.message !== undefined ? { message: values.message } : {}),
  };
  if (values['dry-run']) {
    const preview = await engine.previewFinish(type, positionals[0], options);
    if (!ctx.json) for (const w of preview.warnings) ctx.err(`warning: ${w}\n`);
    emit(ctx, preview, () => [`Finishing '${preview.branch}' would (dry run, nothing changed):`, ...preview.summary.map((l) => `  ${l}`)].join('\n'));
    return 0;
  }
  return report(await engine.finish(type, positionals[0], options), ctx);
}

async function update(engine: GitFlowEngine, type: FlowType, args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = usageError(() =>
    parseArgs({ args, allowPositionals: true, strict: true, options: { rebase: { type: 'boolean' }, continue: { type: 'boolean' }, abort: { type: 'boolean' } } }),
  );
  if (values.continue || values.abort) return resume(engine, values.continue ? ['--continue'] : ['--abort'], ctx);
  if (positionals.length > 1) throw new SlipwayError('usage', `Too many arguments for ${type} update`);
  return report(await engine.update(type, positionals[0], { rebase: values.rebase === true }), ctx);
}

function report(outcome: FlowOutcome, ctx: CliContext): number {
  if (!ctx.json) for (const w of outcome.warnings) ctx.err(`warning: ${w}\n`);
  emit(ctx, outcome, () => ['Summary of actions:', ...outcome.summary.map((l) => `- ${l}`)].join('\n'));
  return 0;
}
