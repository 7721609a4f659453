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
