import { RunEvents } from '../core/run/events';
import { formatRunEvent } from '../core/run/format';
import type { CliContext } from './context';

/**
 * Run events streamed as text: to stdout normally, to stderr with --json (stdout then carries only the JSON
 * summary, so scripts can parse it).
 */
export function printedRunEvents(ctx: CliContext, options: { prefixLogs?: boolean } = {}): RunEvents {
  const events = new RunEvents();
  const write = ctx.json ? ctx.err : ctx.out;
  const color = !ctx.json && process.stdout.isTTY === true && !('NO_COLOR' in ctx.env);
  events.on((e) => {
    const text = formatRunEvent(e, { color, prefixLogs: options.prefixLogs ?? false });
    if (text !== undefined) write(text);
  });
  return events;
}
