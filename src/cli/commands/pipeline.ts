import { parseArgs } from 'node:util';
import { SlipwayError } from '../../core/errors';
import { formatDuration } from '../../core/run/format';
import { APPROVAL_MESSAGE, STAGE_IDS, formatEvent, resolveMode, runsByBranch, selectStages, stageLogOf, type PipelineRunView } from '../../core/pipeline';
import { runPipelineFor } from '../../app/pipeline/run';
import { pipeline, runHistory } from '../composition';
import { emit, type CliContext } from '../context';
import { usageError } from '../parse';
import { hintLines } from '../remedies';

const USAGE = `Usage: slipway pipeline [--from STAGE] [--to STAGE] [--mode delivery|deployment] [--yes] [--json]
       slipway pipeline runs [--branch NAME] [--limit N] [--json]
       slipway pipeline log [RUN_ID] [--stage STAGE]

Runs the CD stages of slipway.yml in order and stops at the first failure:
  ${STAGE_IDS.join(', ')}
In delivery mode the run pauses before deploy-production (exit 3); approve with
\`slipway pipeline --from deploy-production\`. In deployment mode it runs on, and a failing production test rolls
production back to the previous version. --yes approves the production deploy up front.
\`runs\` lists recent runs per branch (recorded in .git/slipway/runs.jsonl); \`log\` prints a run's log (the newest
run by default; the newest runs keep their logs in .git/slipway/logs/).
`;

export async function run(args: string[], ctx: CliContext): Promise<number> {
  if (args[0] === 'runs') return listRuns(args.slice(1), ctx);
  if (args[0] === 'log') return showLog(args.slice(1), ctx);
  const { values, positionals } = usageError(() =>
    parseArgs({
      args,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        mode: { type: 'string' },
        yes: { type: 'boolean', short: 'y' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    }),
  );
  if (values.help) {
    ctx.out(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new SlipwayError('usage', `Unexpected argument "${positionals[0]}"`, { hint: 'Stages are chosen with --from and --to' });
  // Usage errors first (exit 2), before slipway.yml or git are read; a pipeline.stages subset is checked again later.
  selectStages(STAGE_IDS, { from: values.from, to: values.to });
  if (values.mode !== undefined) resolveMode(undefined, values.mode);

  let stages: readonly string[] = STAGE_IDS;
  const view = await runPipelineFor(await pipeline(ctx), {
    workspaceDir: ctx.cwd,
    from: values.from,
    to: values.to,
    mode: values.mode,
    yes: values.yes,
    signal: ctx.signal,
    onStart: (info) => {
      stages = info.stages;
      if (!ctx.json) ctx.out(`mode ${info.mode}, ${info.branch} @ ${info.commit.slice(0, 7)}, version ${info.version}\n`);
    },
    onEvent: (event) => {
      if (ctx.json) {
        // Machine output: one JSON event per line while running, then the run as the last line.
        ctx.out(JSON.stringify({ event }) + '\n');
        return;
      }
      for (const line of formatEvent(event, stages)) ctx.out(line + '\n');
    },
  });
  if (ctx.json) ctx.out(JSON.stringify({ run: summary(view) }) + '\n');
  return verdict(view, ctx);
}

function summary(view: PipelineRunView) {
  return { ...view, stages: view.stages.map(({ log: _log, ...s }) => s) };
}

function verdict(view: PipelineRunView, ctx: CliContext): number {
  switch (view.status) {
    case 'passed':
      return 0;
    case 'paused':
      ctx.err([`slipway: ${APPROVAL_MESSAGE}`, ...hintLines(undefined, view.remedies ?? [])].join('\n') + '\n');
      return 3;
    case 'cancelled':
      ctx.err('slipway: the pipeline was cancelled\n');
      return 1;
    default:
      ctx.err([`slipway: pipeline failed at ${view.failedStage ?? 'a stage'}: ${view.reason ?? 'see the log above'}`, ...hintLines(undefined, view.remedies ?? [])].join('\n') + '\n');
      return 1;
  }
}

async function listRuns(args: string[], ctx: CliContext): Promise<number> {
  const { values } = usageError(() =>
    parseArgs({ args, options: { branch: { type: 'string' }, limit: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }),
  );
  if (values.help) {
    ctx.out(USAGE);
    return 0;
  }
  const limit = values.limit === undefined ? 10 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new SlipwayError('usage', `--limit "${values.limit}" is not a positive number`);
  const history = await runHistory(ctx.cwd);
  const records = await history.recent({ branch: values.branch, limit: 500 });
  const groups = runsByBranch(records, limit);
  emit(ctx, { branches: groups }, () => {
    if (groups.length === 0) return 'No pipeline runs recorded yet. Run `slipway pipeline`.';
    return groups
      .map((g) =>
        [
          `${g.branch}`,
          ...g.runs.map((r) => {
            const when = new Date(r.startedAt).toISOString().replace('T', ' ').slice(0, 19);
            const where = r.failedStage ? ` at ${r.failedStage}` : r.status === 'paused' ? ' before deploy-production' : '';
            return `  ${r.runId}  ${when}  ${r.status.padEnd(9)} ${formatDuration(r.durationMs).padStart(7)}  ${r.version}${where}${r.reason ? `: ${r.reason}` : ''}`;
          }),
        ].join('\n'),
      )
      .join('\n');
  });
  return 0;
}

async function showLog(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = usageError(() =>
    parseArgs({ args, options: { stage: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true }),
  );
  if (values.help) {
    ctx.out(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new SlipwayError('usage', 'Usage: slipway pipeline log [RUN_ID] [--stage STAGE]');
  const history = await runHistory(ctx.cwd);
  const runId = positionals[0] ?? (await history.recent({ limit: 1 }))[0]?.runId;
  if (!runId) throw new SlipwayError('notFound', 'No pipeline runs recorded yet', { hint: 'Run `slipway pipeline`' });
  const text = await history.readLog(runId);
  if (text === undefined) {
    throw new SlipwayError('notFound', `No log kept for run ${runId}`, { hint: 'Only the newest runs keep their logs; `slipway pipeline runs` lists run ids' });
  }
  const part = values.stage === undefined ? text : stageLogOf(text, values.stage);
  if (part === undefined) throw new SlipwayError('notFound', `Run ${runId} has no stage ${values.stage} in its log`);
  emit(ctx, { runId, ...(values.stage ? { stage: values.stage } : {}), log: part }, () => part);
  return 0;
}
