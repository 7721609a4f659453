/**
 * A cluster's engine event stream (service, node and container events), re-opened with back-off when it drops.
 * Swarm sends service `update` events within milliseconds of a change, and `updatestate.new` when a rollout moves;
 * the tree refreshes on them instead of polling.
 */
import type { Readable } from 'node:stream';
import { reconnectDelay } from '../../core/swarm/refreshPolicy';
import type { SwarmCluster } from './swarm';

export interface EngineEvent {
  readonly type: string;
  readonly action: string;
  readonly id: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Nanoseconds since the epoch, as the engine stamps it. */
  readonly timeNano: number;
}

export interface EventWatch {
  dispose(): void;
}

interface RawEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  timeNano?: number;
}

/** Splits a newline-delimited JSON stream into events, across chunk boundaries. */
export function eventLineParser(onEvent: (e: EngineEvent) => void): (chunk: Buffer | string) => void {
  let buffered = '';
  return (chunk) => {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line.length === 0) continue;
      try {
        const raw = JSON.parse(line) as RawEvent;
        onEvent({ type: raw.Type ?? '', action: raw.Action ?? '', id: raw.Actor?.ID ?? '', attributes: raw.Actor?.Attributes ?? {}, timeNano: raw.timeNano ?? 0 });
      } catch {
        // A malformed line is skipped; the next refresh reads the truth anyway.
      }
    }
  };
}

const FILTERS = {
  type: ['service', 'node', 'container'],
  // Not exec_* (every health check would fire one) nor attach/resize noise.
  event: ['create', 'update', 'remove', 'start', 'die', 'stop', 'destroy', 'health_status'],
};

/**
 * Follows the cluster's events until disposed. `onConnection(true|false)` tells the refresh policy whether to fall
 * back to polling; after a drop the stream is re-opened (0.5 s, 1 s, 2 s … 30 s) and a refresh is requested, since
 * events may have been missed.
 */
export function watchClusterEvents(cluster: SwarmCluster, onEvent: (e: EngineEvent) => void, onConnection: (connected: boolean, error?: unknown) => void): EventWatch {
  let disposed = false;
  let attempt = 0;
  let stream: Readable | undefined;
  let timer: NodeJS.Timeout | undefined;
  const controller = new AbortController();

  const open = async (): Promise<void> => {
    if (disposed) return;
    try {
      cluster.apiCalls++;
      const s = (await cluster.docker.getEvents({ filters: FILTERS, abortSignal: controller.signal } as never)) as unknown as Readable;
      if (disposed) {
        s.destroy();
        return;
      }
      stream = s;
      attempt = 0;
      onConnection(true);
      const parse = eventLineParser(onEvent);
      s.on('data', parse);
      const dropped = (error?: unknown): void => {
        if (stream !== s) return;
        stream = undefined;
        if (disposed) return;
        onConnection(false, error);
        schedule();
      };
      s.on('end', () => dropped());
      s.on('close', () => dropped());
      s.on('error', (e) => dropped(e));
    } catch (e) {
      if (disposed) return;
      onConnection(false, e);
      schedule();
    }
  };
  const schedule = (): void => {
    timer = setTimeout(() => void open(), reconnectDelay(attempt++));
    timer.unref?.();
  };
  void open();
  return {
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      controller.abort();
      stream?.destroy();
      stream = undefined;
    },
  };
}
