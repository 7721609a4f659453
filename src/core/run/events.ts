import type { Remedy } from '../remedies';

/**
 * One model for every long operation (build, integration tests, pipeline, deploy): a run of ordered stages that
 * emits events. The CLI prints them; the editor feeds them to a Pseudoterminal, the Testing API, the pipeline
 * webview and progress notifications.
 */
export type StageResult = 'passed' | 'failed' | 'skipped' | 'cancelled';

/**
 * What a stage body reports back: its result (passed when it returns without one), why when it did not pass, and
 * what it produced for later stages (a pipeline's image digest…). The one stage outcome of every run.
 */
export interface StageOutcome {
  readonly result?: StageResult;
  readonly message?: string;
  readonly artifacts?: Readonly<Record<string, string>>;
}

/**
 * How a run ended — the one model for build, package, integration tests, pipeline and deploy: passed only when
 * every stage passed; paused when it waits for a person (approval); interrupted when its process died (found by the
 * next run from the record it left).
 */
export type RunResult = 'passed' | 'failed' | 'cancelled' | 'paused' | 'interrupted';

/** The results a run can end with while its process lives (interrupted is only ever found afterwards). */
export type FinishedResult = Exclude<RunResult, 'interrupted'>;

export type RunEvent =
  | { readonly type: 'runStarted'; readonly runId: string; readonly title: string; readonly stages: readonly string[]; readonly at: number }
  | { readonly type: 'stageStarted'; readonly runId: string; readonly stage: string; readonly at: number }
  | { readonly type: 'log'; readonly runId: string; readonly stage: string; readonly stream: 'stdout' | 'stderr' | 'info'; readonly text: string }
  | {
      readonly type: 'stageEnded';
      readonly runId: string;
      readonly stage: string;
      readonly result: StageResult;
      readonly durationMs: number;
      readonly message?: string;
    }
  | {
      readonly type: 'runEnded';
      readonly runId: string;
      readonly result: FinishedResult;
      readonly durationMs: number;
      readonly message?: string;
      /** What the user can do about how the run ended (approve production, roll back…). */
      readonly remedies?: readonly Remedy[];
    };

export type RunListener = (event: RunEvent) => void;

/** A tiny typed event fan-out (no Node EventEmitter so core stays platform-free). */
export class RunEvents {
  private readonly listeners = new Set<RunListener>();

  on(listener: RunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: RunEvent): void {
    for (const l of this.listeners) l(event);
  }
}
