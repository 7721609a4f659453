import * as vscode from 'vscode';
import { isCancellation, toSlipwayError } from '../../core/errors';
import { RunEvents } from '../../core/run/events';
import { formatRunEvent } from '../../core/run/format';

/** What a Slipway task does: run with these events and this signal, resolve with an exit code (never throw). */
export type TaskWork<R extends { exitCode: number }> = (events: RunEvents, signal: AbortSignal) => Promise<R>;

/**
 * A Pseudoterminal that streams one run's events as text (stage headers, logs, verdicts). Closing the terminal
 * cancels the run (its cleanup runs); the terminal closes with the run's exit code.
 */
export class RunPseudoterminal<R extends { exitCode: number }> implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly controller = new AbortController();
  private started = false;

  constructor(
    private readonly work: TaskWork<R>,
    private readonly onDone: (result: R | undefined, error?: unknown) => void,
    private readonly options: { prefixLogs?: boolean } = {},
  ) {}

  private write(text: string): void {
    this.writeEmitter.fire(text.replace(/\r?\n/g, '\r\n'));
  }

  open(): void {
    if (this.started) return;
    this.started = true;
    const events = new RunEvents();
    events.on((e) => {
      const text = formatRunEvent(e, { color: true, prefixLogs: this.options.prefixLogs ?? false });
      if (text !== undefined) this.write(text);
    });
    void this.work(events, this.controller.signal).then(
      (result) => {
        this.onDone(result);
        this.closeEmitter.fire(result.exitCode);
      },
      (error: unknown) => {
        const err = toSlipwayError(error);
        if (!isCancellation(error)) this.write(`\x1b[31mslipway: ${err.message}\x1b[0m\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
        this.onDone(undefined, error);
        this.closeEmitter.fire(isCancellation(error) ? 130 : 1);
      },
    );
  }

  close(): void {
    this.controller.abort();
  }

  handleInput(data: string): void {
    // Ctrl-C in the terminal cancels like closing it.
    if (data === '\x03') this.controller.abort();
  }
}
