import type { PipelineRunRecord } from './state';

/** Where finished runs are kept (adapter: JSON lines under .git/slipway/runs.jsonl). */
export interface RunHistoryStore {
  append(record: PipelineRunRecord): Promise<void>;
  /** Newest first; at most `limit`; only `branch` when given. */
  recent(options?: { branch?: string; limit?: number }): Promise<PipelineRunRecord[]>;
  /** Keeps a finished run's log (the slipway-log text of its stages); only the newest runs' logs are kept. */
  saveLog(runId: string, text: string): Promise<void>;
  /** The saved log of a run, or undefined when it was never saved or has been pruned. */
  readLog(runId: string): Promise<string | undefined>;
  /** A log written as the run goes; `saveLog` replaces it with the finished run's log when the run ends. */
  openLog(runId: string): Promise<LiveRunLog>;
}

/**
 * A run's log written while it goes, so a run whose process is killed keeps what it printed up to its death. Lines are
 * batched (they reach the file within a moment, in order): cheap for a chatty build.
 */
export interface LiveRunLog {
  /** Queues lines (without their newlines). */
  write(lines: readonly string[]): void;
  /** Writes what is queued now (a stage's end, so its verdict is on disk). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A record written while its run was going, whose process is gone: the run was interrupted (killed, crashed). It
 * keeps the stages it reached; the stage that was running when the process died is where it stopped.
 */
export function settleRecord(record: PipelineRunRecord, ownerIsGone: (owner: string) => boolean): PipelineRunRecord {
  if (record.status !== 'running' || record.owner === undefined || !ownerIsGone(record.owner)) return record;
  const stopped = record.stages.find((s) => s.state === 'running');
  const reason = `the process running it (${record.owner}) died${stopped ? ` during ${stopped.id}` : ''}`;
  const { owner: _owner, ...rest } = record;
  return {
    ...rest,
    status: 'interrupted',
    stages: record.stages.map((s) => (s === stopped ? { ...s, state: 'failed', message: 'interrupted' } : s)),
    ...(stopped ? { failedStage: stopped.id } : {}),
    reason,
  };
}

/** The newest record of each run: a run is recorded when it starts, as it goes, and when it ends (appended lines). */
export function latestRecords(records: readonly PipelineRunRecord[]): PipelineRunRecord[] {
  const byRun = new Map<string, PipelineRunRecord>();
  for (const r of records) byRun.set(r.runId, r);
  return [...byRun.values()];
}

/** Newest runs first, grouped by branch (each branch's runs newest first, branches by their newest run). */
export function runsByBranch(records: readonly PipelineRunRecord[], perBranch = 5): { branch: string; runs: PipelineRunRecord[] }[] {
  const sorted = [...records].sort((a, b) => b.startedAt - a.startedAt);
  const groups = new Map<string, PipelineRunRecord[]>();
  for (const r of sorted) {
    const list = groups.get(r.branch) ?? [];
    if (list.length < perBranch) list.push(r);
    groups.set(r.branch, list);
  }
  return [...groups.entries()].map(([branch, runs]) => ({ branch, runs }));
}

/**
 * The artifacts a resumed run starts with: those of the newest run on the same branch and commit that built an
 * image, so `--from deploy-production` ships exactly what passed the earlier stages.
 */
export function resumeArtifacts(records: readonly PipelineRunRecord[], branch: string, commit: string): Record<string, string> | undefined {
  const match = [...records]
    .sort((a, b) => b.startedAt - a.startedAt)
    .find((r) => r.branch === branch && r.commit === commit && r.artifacts.image !== undefined);
  return match ? { ...match.artifacts } : undefined;
}
