import { SlipwayError, cancelledError, isCancellation, toSlipwayError } from '../errors';
import type { Remedy } from '../remedies';
import type { FinishedResult, StageOutcome } from '../run/events';

export type { StageOutcome } from '../run/events';
import type { PipelineEvent, PipelineListener } from './events';
import type { PipelineMode } from './graph';
import { APPROVAL_STAGE, STAGE_TITLES, type StageId } from './stages';
import { applyEvent, newRunView, type PipelineRunView } from './state';

/** What a stage executor gets: where to work, what the earlier stages produced, and how to report. */
export interface StageContext<C = unknown> {
  readonly runId: string;
  readonly stage: StageId;
  readonly workspaceDir: string;
  readonly config: C;
  readonly version: string;
  readonly signal: AbortSignal;
  /** Produced by earlier stages of this run (or the run it resumes): e.g. `image`, `digest`, `previousImage`. */
  readonly artifacts: Readonly<Record<string, string>>;
  /** The production deploy was approved (deployment mode, `--yes`, or an explicit resume from the deploy). */
  readonly approved: boolean;
  log(line: string, stream?: 'stdout' | 'stderr' | 'info'): void;
}

/** Runs one stage; throws (preferably a SlipwayError) to fail it. */
export type StageExecutor<C = unknown> = (ctx: StageContext<C>) => Promise<StageOutcome>;

export type StageExecutors<C = unknown> = Readonly<Partial<Record<StageId, StageExecutor<C>>>>;

/** Rolls production back to the version it ran before this run's deploy. */
export type ProductionRollback<C = unknown> = (ctx: StageContext<C>) => Promise<StageOutcome>;

export interface PipelineRunOptions<C = unknown> {
  readonly runId: string;
  readonly workspaceDir: string;
  readonly config: C;
  readonly branch: string;
  readonly commit: string;
  readonly version: string;
  readonly mode: PipelineMode;
  /** All stages of the pipeline, in order. */
  readonly stages: readonly StageId[];
  /** The contiguous slice this run executes (see selectStages). */
  readonly selected: readonly StageId[];
  /** `--yes`: the production deploy is approved up front. */
  readonly approved?: boolean;
  readonly executors: StageExecutors<C>;
  readonly rollback?: ProductionRollback<C>;
  /** How a user rolls production back by hand, offered when production tests fail after an approved deploy. */
  readonly productionRollbackRemedy?: Remedy;
  /** Artifacts of the run this one resumes (image digest…), so `--from deploy-production` deploys what was tested. */
  readonly artifacts?: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly onEvent?: PipelineListener;
  /**
   * Called with the run as it stands when it starts and as each stage starts and ends, and awaited, so a record of
   * the run exists before any stage does its work: a run whose process dies shows as interrupted where it stopped.
   * A checkpoint that fails does not fail the run.
   */
  readonly onCheckpoint?: (view: PipelineRunView) => Promise<void>;
  readonly now?: () => number;
}

/** Why a delivery-mode run stops before production; the `approveProduction` remedy says how to go on. */
export const APPROVAL_MESSAGE = 'waiting for approval before deploy-production';

/**
 * The run state machine. Stages run one at a time in order; the first failure stops the run (later stages are
 * skipped) with the stage and the reason. In delivery mode the run pauses before deploy-production unless the
 * deploy was approved; in deployment mode it runs on, and when production tests fail after that automatic deploy,
 * production is rolled back to the previous version. Never throws for a stage failure: the result says what happened.
 */
export async function runPipeline<C>(options: PipelineRunOptions<C>): Promise<PipelineRunView> {
  const now = options.now ?? Date.now;
  const { runId, selected, mode, signal } = options;
  const startedAt = now();
  const view = newRunView(
    { runId, mode, branch: options.branch, commit: options.commit, version: options.version, startedAt },
    options.stages,
  );
  Object.assign(view.artifacts, options.artifacts ?? {});
  const emit = (event: PipelineEvent): void => {
    applyEvent(view, event);
    options.onEvent?.(event);
  };
  const approved = options.approved === true || mode === 'deployment' || selected[0] === APPROVAL_STAGE;
  const checkpoint = async (): Promise<void> => {
    await options.onCheckpoint?.(view).catch(() => undefined);
  };

  emit({ type: 'runStarted', runId, title: `${options.branch} @ ${options.version}`, stages: [...options.stages], at: startedAt });
  for (const id of options.stages) {
    if (!selected.includes(id)) emit({ type: 'stageEnded', runId, stage: id, result: 'skipped', durationMs: 0, message: 'not selected' });
  }
  await checkpoint();

  let deployedProduction = false;
  let ended: { result: FinishedResult; message?: string; remedies?: readonly Remedy[] } = { result: 'passed' };
  for (const [i, id] of selected.entries()) {
    if (i > 0) await checkpoint(); // the previous stage's end
    if (id === APPROVAL_STAGE && !approved) {
      emit({ type: 'approvalRequired', runId, stage: id, at: now(), message: APPROVAL_MESSAGE });
      ended = { result: 'paused', message: APPROVAL_MESSAGE, remedies: [{ action: 'approveProduction' }] };
      break;
    }
    if (signal.aborted) {
      ended = { result: 'cancelled', message: 'The pipeline was cancelled' };
      for (const rest of selected.slice(i)) emit({ type: 'stageEnded', runId, stage: rest, result: 'cancelled', durationMs: 0 });
      break;
    }
    const ctx: StageContext<C> = {
      runId,
      stage: id,
      workspaceDir: options.workspaceDir,
      config: options.config,
      version: view.artifacts.version ?? options.version,
      signal,
      artifacts: { ...view.artifacts },
      approved,
      log: (line, stream = 'stdout') => emit({ type: 'log', runId, stage: id, stream, text: line }),
    };
    const stageStart = now();
    emit({ type: 'stageStarted', runId, stage: id, at: stageStart });
    await checkpoint();
    try {
      const executor = options.executors[id];
      if (!executor) {
        throw new SlipwayError('config', `No executor for stage ${id} (${STAGE_TITLES[id]})`, {
          hint: 'Remove the stage from pipeline.stages in slipway.yml or configure what it needs',
        });
      }
      const outcome = await executor(ctx);
      // A stage passes by returning; one that reports a failure without throwing must not end green.
      if (outcome.result === 'cancelled') throw cancelledError(STAGE_TITLES[id]);
      if (outcome.result === 'failed') throw new SlipwayError('internal', outcome.message ?? `${STAGE_TITLES[id]} reported a failure`);
      Object.assign(view.artifacts, outcome.artifacts ?? {});
      if (id === APPROVAL_STAGE) deployedProduction = true;
      emit({ type: 'stageEnded', runId, stage: id, result: outcome.result ?? 'passed', durationMs: now() - stageStart, ...(outcome.message ? { message: outcome.message } : {}) });
    } catch (e) {
      if (isCancellation(e) || signal.aborted) {
        emit({ type: 'stageEnded', runId, stage: id, result: 'cancelled', durationMs: now() - stageStart, message: 'cancelled' });
        for (const rest of selected.slice(i + 1)) emit({ type: 'stageEnded', runId, stage: rest, result: 'cancelled', durationMs: 0 });
        ended = { result: 'cancelled', message: 'The pipeline was cancelled' };
        break;
      }
      const err = toSlipwayError(e);
      let reason = err.message;
      let remedies: readonly Remedy[] = err.remedies;
      if (id === 'production-tests' && deployedProduction && mode === 'deployment') {
        reason = `${reason}; ${await rollBack(ctx, options.rollback, emit)}`;
      } else if (id === 'production-tests' && deployedProduction) {
        reason = `${reason}; production still runs ${view.version}`;
        remedies = options.productionRollbackRemedy ? [options.productionRollbackRemedy] : [];
      }
      emit({ type: 'stageEnded', runId, stage: id, result: 'failed', durationMs: now() - stageStart, message: reason });
      for (const rest of selected.slice(i + 1)) emit({ type: 'stageEnded', runId, stage: rest, result: 'skipped', durationMs: 0, message: `skipped: ${id} failed` });
      ended = { result: 'failed', message: `${id} failed: ${reason}`, ...(remedies.length > 0 ? { remedies } : {}) };
      break;
    }
  }
  emit({ type: 'runEnded', runId, result: ended.result, durationMs: now() - startedAt, ...(ended.message ? { message: ended.message } : {}), ...(ended.remedies ? { remedies: ended.remedies } : {}) });
  return view;
}

async function rollBack<C>(ctx: StageContext<C>, rollback: ProductionRollback<C> | undefined, emit: (e: PipelineEvent) => void): Promise<string> {
  const { runId, stage } = ctx;
  if (!rollback) {
    const message = 'production was NOT rolled back: no rollback is configured';
    emit({ type: 'rolledBack', runId, stage, ok: false, message });
    return message;
  }
  ctx.log('production tests failed after an automatic deploy: rolling production back to the previous version', 'info');
  try {
    // The rollback must finish even when the run is being cancelled: production should not stay on a bad version.
    const outcome = await rollback({ ...ctx, signal: new AbortController().signal });
    const message = `production rolled back${outcome.message ? `: ${outcome.message}` : ' to the previous version'}`;
    ctx.log(message, 'info');
    emit({ type: 'rolledBack', runId, stage, ok: true, message });
    return message;
  } catch (e) {
    const message = `rolling production back FAILED: ${toSlipwayError(e).message}`;
    ctx.log(message, 'stderr');
    emit({ type: 'rolledBack', runId, stage, ok: false, message });
    return message;
  }
}
