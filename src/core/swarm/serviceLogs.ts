/**
 * A service's logs as a person reads them: one time-ordered stream across its tasks, each line saying which task
 * wrote it. The engine sends `--timestamps --details` lines task by task (all of task 1's tail, then task 2's), and
 * while following, lines of different tasks arrive out of order by a few hundred milliseconds.
 */

export interface ServiceLogLine {
  /** RFC 3339 with nanoseconds, as the engine wrote it. */
  readonly time: string;
  /** Sortable form of `time` (fraction padded to 9 digits; the engine trims trailing zeros). */
  readonly sortKey: string;
  readonly taskId: string;
  readonly text: string;
}

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) (\S*) ?(.*)$/;

/** One line of `logs?timestamps=1&details=1`: `<time> com.docker.swarm.node.id=…,…task.id=… <text>`. */
export function parseServiceLogLine(line: string): ServiceLogLine | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const [, seconds, fraction = '', zone, details, text] = m;
  const attrs = new Map(
    details!
      .split(',')
      .map((kv) => kv.split('=', 2) as [string, string | undefined])
      .filter(([, v]) => v !== undefined) as [string, string][],
  );
  const taskId = attrs.get('com.docker.swarm.task.id');
  if (taskId === undefined) return { time: `${seconds}${fraction ? `.${fraction}` : ''}${zone}`, sortKey: `${seconds}.${fraction.padEnd(9, '0')}`, taskId: '', text: `${details} ${text}`.trimEnd() };
  return { time: `${seconds}${fraction ? `.${fraction}` : ''}${zone}`, sortKey: `${seconds}.${fraction.padEnd(9, '0')}`, taskId, text: text! };
}

/** `go-auth.2 | 02:27:37.248 message`: the task's name (service.slot) and the time of day to the millisecond. */
export function formatServiceLogLine(line: ServiceLogLine, taskName: (taskId: string) => string): string {
  const clock = /T(\d\d:\d\d:\d\d)(?:\.(\d{1,3}))?/.exec(line.time);
  const time = clock ? `${clock[1]}.${(clock[2] ?? '').padEnd(3, '0')}` : line.time;
  return `${taskName(line.taskId)} | ${time} ${line.text}`;
}

/**
 * Reorders lines that arrive out of time order: `push` collects, `flush(now)` releases, in time order, the lines
 * received more than `settleMs` ago (a later arrival can still be older). `drain` releases everything (end of
 * stream, or the first answer which holds every task's tail at once). Time is injected: no timers here.
 */
export class LogReorderBuffer {
  private pending: { line: ServiceLogLine; receivedAt: number; seq: number }[] = [];
  private seq = 0;

  constructor(private readonly settleMs = 400) {}

  push(line: ServiceLogLine, receivedAt: number): void {
    this.pending.push({ line, receivedAt, seq: this.seq++ });
  }

  get size(): number {
    return this.pending.length;
  }

  flush(now: number): ServiceLogLine[] {
    const ready = this.pending.filter((p) => now - p.receivedAt >= this.settleMs);
    if (ready.length === 0) return [];
    // Everything not newer than the newest ready line goes out with it, so the output stays in order.
    const ordered = [...this.pending].sort(byTime);
    const cut = ready.map((p) => p.line.sortKey).sort().at(-1)!;
    const out = ordered.filter((p) => p.line.sortKey <= cut);
    const left = new Set(out);
    this.pending = this.pending.filter((p) => !left.has(p));
    return out.map((p) => p.line);
  }

  drain(): ServiceLogLine[] {
    const out = [...this.pending].sort(byTime).map((p) => p.line);
    this.pending = [];
    return out;
  }
}

function byTime(a: { line: ServiceLogLine; seq: number }, b: { line: ServiceLogLine; seq: number }): number {
  return a.line.sortKey < b.line.sortKey ? -1 : a.line.sortKey > b.line.sortKey ? 1 : a.seq - b.seq;
}
