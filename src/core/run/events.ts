/**
 * One model for every long operation (build, integration tests, pipeline, deploy): a run of ordered stages that
 * emits events. The CLI prints them; the editor feeds them to a Pseudoterminal, the Testing API, the pipeline
 * webview and progress notifications.
 */
export type StageResult = 'passed' | 'failed' | 'skipped' | 'cancelled';

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
  | { readonly type: 'runEnded'; readonly runId: string; readonly result: StageResult; readonly durationMs: number; readonly message?: string };

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
