import { isCancellation, toSlipwayError } from '../errors';
import type { FinishedResult, RunEvents, StageOutcome } from './events';

/**
 * Emits one run's events in order (run started, stage started/log/ended, run ended) and times them, so every
 * long operation (build, package, integration) produces the same event stream.
 */
export class RunReporter {
  private readonly started: number;
  private ended = false;

  constructor(
    readonly runId: string,
    private readonly events: RunEvents,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  start(title: string, stages: readonly string[]): void {
    this.events.emit({ type: 'runStarted', runId: this.runId, title, stages, at: this.now() });
  }

  log(stage: string, stream: 'stdout' | 'stderr' | 'info', text: string): void {
    this.events.emit({ type: 'log', runId: this.runId, stage, stream, text });
  }

  stageStarted(stage: string): number {
    const at = this.now();
    this.events.emit({ type: 'stageStarted', runId: this.runId, stage, at });
    return at;
  }

  stageEnded(stage: string, startedAt: number, outcome: StageOutcome): void {
    this.events.emit({
      type: 'stageEnded',
      runId: this.runId,
      stage,
      result: outcome.result ?? 'passed',
      durationMs: this.now() - startedAt,
      ...(outcome.message !== undefined ? { message: outcome.message } : {}),
    });
  }

  /** Stages that never ran because an earlier one failed or the run was cancelled. */
  skipped(stage: string, message?: string): void {
    const at = this.stageStarted(stage);
    this.stageEnded(stage, at, { result: 'skipped', ...(message !== undefined ? { message } : {}) });
  }

  /**
   * Runs `body` as one stage. A thrown error ends the stage as failed (or cancelled) with the error's message,
   * then is rethrown so the run can stop.
   */
  async stage<T extends StageOutcome>(stage: string, body: () => Promise<T>): Promise<T> {
    const at = this.stageStarted(stage);
    try {
      const outcome = await body();
      this.stageEnded(stage, at, outcome);
      return outcome;
    } catch (e) {
      const err = toSlipwayError(e);
      this.stageEnded(stage, at, { result: isCancellation(e) ? 'cancelled' : 'failed', message: err.userMessage });
      throw e;
    }
  }

  end(result: FinishedResult, message?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.events.emit({
      type: 'runEnded',
      runId: this.runId,
      result,
      durationMs: this.now() - this.started,
      ...(message !== undefined ? { message } : {}),
    });
  }
}
