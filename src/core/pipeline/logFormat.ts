import type { PipelineEvent } from './events';
import { STAGE_TITLES, isStageId } from './stages';
import type { PipelineRunView, StageView } from './state';
import { formatDuration } from '../run/format';

/**
 * Slipway's pipeline log, one format for the CLI's stdout and the editor's log documents (syntaxes/slipway-log
 * highlights it). Lines:
 *   ==> [3/9] build: Build                       stage header
 *       <output>                                 stage output, indented; "  ! " marks stderr, "  ~ " a tool's
 *                                                warning on stderr (compose's "WARNING: …", "level=warning …")
 *   PASS build (12.3s)                           stage verdicts: PASS, FAIL, SKIP, WAIT, STOP
 *   FAIL functional-tests (4.1s): error: …
 *   ROLLBACK production rolled back: …
 *   Pipeline passed in 83.2s                     run summary
 */

/**
 * A warning a tool (compose v1/v2, docker, Slipway's own deploy) wrote on stderr: "WARNING: …", "WARN[0000] …",
 * "level=warning msg=…", "warning: …". Shown as a warning, not as an error.
 */
export function isToolWarning(line: string): boolean {
  return /^\s*(?:WARNING\b|WARN\[|[Ww]arning:)|\blevel=warn(?:ing)?\b/.test(line);
}

export function stageHeader(stage: string, position: number, total: number): string {
  const title = isStageId(stage) ? STAGE_TITLES[stage] : stage;
  return `==> [${position}/${total}] ${stage}: ${title}`;
}

/** Formats one event as zero or more log lines (no trailing newline). `stages` gives header positions. */
export function formatEvent(event: PipelineEvent, stages: readonly string[]): string[] {
  switch (event.type) {
    case 'runStarted':
      return [`Pipeline ${event.runId} on ${event.title} (${event.stages.length} stages)`];
    case 'stageStarted':
      return [stageHeader(event.stage, stages.indexOf(event.stage) + 1, stages.length)];
    case 'log':
      return event.text.split(/\r?\n/).map((l) => (event.stream !== 'stderr' ? `    ${l}` : isToolWarning(l) ? `  ~ ${l}` : `  ! ${l}`));
    case 'stageEnded': {
      if (event.result === 'skipped' && event.message === 'not selected') return [];
      const verdict = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', cancelled: 'STOP' }[event.result];
      const timing = event.result === 'passed' || event.result === 'failed' ? ` (${formatDuration(event.durationMs)})` : '';
      return [`${verdict} ${event.stage}${timing}${event.message ? `: ${event.message}` : ''}`];
    }
    case 'approvalRequired':
      return [`WAIT ${event.stage}: ${event.message}`];
    case 'rolledBack':
      return [`ROLLBACK ${event.ok ? '' : 'FAILED '}${event.message}`];
    case 'runEnded': {
      const took = formatDuration(event.durationMs);
      if (event.result === 'passed') return [`Pipeline passed in ${took}`];
      if (event.result === 'paused') return [`Pipeline paused after ${took}: ${event.message ?? 'waiting for approval'}`];
      if (event.result === 'cancelled') return [`Pipeline cancelled after ${took}`];
      return [`Pipeline failed after ${took}: ${event.message ?? 'a stage failed'}`];
    }
  }
}

/** One stage's log as a document: header, output, verdict. */
export function formatStageLog(view: PipelineRunView, stage: StageView): string {
  const position = view.stages.findIndex((s) => s.id === stage.id) + 1;
  const lines = [stageHeader(stage.id, position, view.stages.length), ...stage.log.map((l) => (l.startsWith('! ') ? `  ${l}` : `    ${l}`))];
  const verdict: Partial<Record<StageView['state'], string>> = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', cancelled: 'STOP', 'paused-for-approval': 'WAIT' };
  const v = verdict[stage.state];
  if (v) {
    const timing = stage.durationMs !== undefined && (stage.state === 'passed' || stage.state === 'failed') ? ` (${formatDuration(stage.durationMs)})` : '';
    lines.push(`${v} ${stage.id}${timing}${stage.message ? `: ${stage.message}` : ''}`);
  } else {
    lines.push(`     ${stage.id} is ${stage.state}`);
  }
  return lines.join('\n') + '\n';
}

/** A whole run's log: the stages that ran (or wait), each as in formatStageLog, in order. */
export function formatRunLog(view: PipelineRunView): string {
  const header = `Pipeline ${view.runId} on ${view.branch} @ ${view.version} (${view.mode}), ${view.status}`;
  const stages = view.stages.filter((s) => s.state !== 'waiting' && !(s.state === 'skipped' && s.message === 'not selected'));
  return [header + '\n', ...stages.map((s) => formatStageLog(view, s))].join('');
}

/** A log written as the run went (it starts with the runStarted line), not the finished run's log that replaces it. */
export function isLiveRunLog(text: string): boolean {
  return /^Pipeline \S+ on .* \(\d+ stages?\)\n/.test(text);
}

/** The line that ends the live log of a run whose process died (the record says so; the process could not). */
export function interruptedLogLine(reason: string | undefined): string {
  return `Pipeline interrupted: ${reason ?? 'its process died before it ended'}`;
}

/** One stage's part of a run log (from its header to the next header), or undefined when the stage is not in it. */
export function stageLogOf(runLog: string, stage: string): string | undefined {
  const lines = runLog.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^==> \\[\\d+/\\d+\\] ${stage}: `).test(l));
  if (start < 0) return undefined;
  let end = lines.findIndex((l, i) => i > start && l.startsWith('==> '));
  if (end < 0) end = lines.length;
  const part = lines.slice(start, end).join('\n');
  return part.endsWith('\n') ? part : part + '\n';
}
