import type { RunEvent } from './events';

/** The one duration format of every run (CLI, task terminal, pipeline logs): 350ms, 1.5s, 2m5s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${Math.round((ms % 60_000) / 1000)}s`;
}

export interface RunTextOptions {
  /** Prefix log lines with their stage (parallel stages interleave). */
  readonly prefixLogs?: boolean;
  /** ANSI colours for stage headers and verdicts (terminals, not pipes). */
  readonly color?: boolean;
}

const paint = (on: boolean | undefined, code: string, text: string): string => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

/**
 * The text a run prints, shared by the CLI and the editor's Pseudoterminal: stage headers, log lines, verdicts.
 * Returns undefined for events that print nothing. Always ends with "\n".
 */
export function formatRunEvent(event: RunEvent, options: RunTextOptions = {}): string | undefined {
  const c = options.color;
  switch (event.type) {
    case 'runStarted':
      return paint(c, '1', `==> ${event.title}`) + '\n';
    case 'stageStarted':
      return paint(c, '1;36', `--- ${event.stage}`) + '\n';
    case 'log': {
      const prefix = options.prefixLogs ? `[${event.stage}] ` : '';
      const text = event.stream === 'info' ? paint(c, '2', `· ${event.text}`) : event.text;
      return `${prefix}${text}\n`;
    }
    case 'stageEnded': {
      const verdict = event.result === 'passed' ? paint(c, '32', 'passed') : event.result === 'skipped' ? paint(c, '2', 'skipped') : paint(c, '31', event.result.toUpperCase());
      const why = event.message ? `: ${event.message}` : '';
      if (event.result === 'skipped') return paint(c, '2', `--- ${event.stage} skipped`) + '\n';
      return `--- ${event.stage} ${verdict} (${formatDuration(event.durationMs)})${why}\n`;
    }
    case 'runEnded': {
      const verdict = event.result === 'passed' ? paint(c, '1;32', 'PASSED') : event.result === 'paused' ? paint(c, '1;33', 'PAUSED') : paint(c, '1;31', event.result.toUpperCase());
      return `==> ${verdict} in ${formatDuration(event.durationMs)}${event.message ? `: ${event.message}` : ''}\n`;
    }
  }
}
