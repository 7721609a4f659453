/** The one line splitter: process and container output arrives in chunks; logs and events are whole lines. */

/** Splits a stream of chunks into whole lines; `flush` returns the unterminated rest. */
export class LineSplitter {
  private rest = '';

  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const parts = text.split(/\r?\n/);
    this.rest = parts.pop() ?? '';
    return parts;
  }

  flush(): string[] {
    const rest = this.rest;
    this.rest = '';
    return rest.length > 0 ? [rest] : [];
  }
}

export type LogStream = 'stdout' | 'stderr' | 'info';

/** Where a tool reports progress: the running stage's log. */
export type LineSink = (line: string, stream?: LogStream) => void;

/** A chunk writer that hands whole lines to `log`; `flush()` emits a last unterminated line. */
export function lineWriter(log: (line: string, stream: LogStream) => void, stream: LogStream): { write(chunk: string): void; flush(): void } {
  const lines = new LineSplitter();
  return {
    write: (chunk) => {
      for (const l of lines.push(chunk)) log(l, stream);
    },
    flush: () => {
      for (const l of lines.flush()) log(l, stream);
    },
  };
}
