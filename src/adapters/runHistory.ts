import { appendFile, mkdir, open, readFile, readdir, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { SlipwayError } from '../core/errors';
import { ownerIsGone } from '../core/build/labels';
import { latestRecords, settleRecord, type LiveRunLog, type RunHistoryStore } from '../core/pipeline/history';
import { interruptedLogLine, isLiveRunLog } from '../core/pipeline/logFormat';
import { processIsAlive } from './process';
import { hostname } from 'node:os';
import type { PipelineRunRecord } from '../core/pipeline/state';
import { gitClient } from './git/client';

/**
 * Finished pipeline runs as JSON lines, one run per line, appended. Lives beside git's own data (never in the tree),
 * in the common git dir so every worktree of the repository sees the same history.
 */
export class JsonlRunHistory implements RunHistoryStore {
  /** Run logs live beside the history, one file per run; only the newest `keepLogs` are kept. */
  readonly logDir: string;

  constructor(
    readonly file: string,
    private readonly keepLogs = 30,
  ) {
    this.logDir = join(dirname(file), 'logs');
  }

  private logFile(runId: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(runId)) throw new SlipwayError('usage', `"${runId}" is not a run id`);
    return join(this.logDir, `${runId}.slipway-log`);
  }

  async saveLog(runId: string, text: string): Promise<void> {
    await mkdir(this.logDir, { recursive: true });
    await writeFile(this.logFile(runId), text, 'utf8');
    const files = await readdir(this.logDir);
    if (files.length <= this.keepLogs) return;
    const dated = await Promise.all(files.map(async (f) => ({ f, t: (await stat(join(this.logDir, f)).catch(() => undefined))?.mtimeMs ?? 0 })));
    dated.sort((a, b) => b.t - a.t);
    await Promise.all(dated.slice(this.keepLogs).map((d) => rm(join(this.logDir, d.f), { force: true })));
  }

  async readLog(runId: string): Promise<string | undefined> {
    let text: string;
    try {
      text = await readFile(this.logFile(runId), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    if (!isLiveRunLog(text)) return text;
    // Written as the run went and never replaced: still running, or its process died. The record says which.
    const record = (await this.recent({ limit: 500 })).find((r) => r.runId === runId);
    return record?.status === 'interrupted' ? `${text}${interruptedLogLine(record.reason)}\n` : text;
  }

  async openLog(runId: string, flushDelayMs = 200): Promise<LiveRunLog> {
    await mkdir(this.logDir, { recursive: true });
    return new AppendingRunLog(await open(this.logFile(runId), 'w'), flushDelayMs);
  }

  async append(record: PipelineRunRecord): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, JSON.stringify(record) + '\n', 'utf8');
  }

  async recent(options: { branch?: string; limit?: number } = {}): Promise<PipelineRunRecord[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const records: PipelineRunRecord[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        records.push(JSON.parse(line) as PipelineRunRecord);
      } catch {
        // A line cut short by a killed process: skip it rather than lose the whole history.
      }
    }
    // Reversed before the (stable) sort, so of two runs started in the same millisecond the later-recorded comes first.
    const host = hostname();
    return latestRecords(records)
      .map((r) => settleRecord(r, (owner) => ownerIsGone(owner, host, processIsAlive)))
      .filter((r) => options.branch === undefined || r.branch === options.branch)
      .reverse()
      .sort((a, b) => b.startedAt - a.startedAt)
      .slice(0, options.limit ?? 50);
  }
}

/** Lines queued and written in batches, one write at a time, in order; a failed write is dropped, never the run. */
class AppendingRunLog implements LiveRunLog {
  private queued: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly handle: FileHandle,
    private readonly flushDelayMs: number,
  ) {}

  write(lines: readonly string[]): void {
    this.queued.push(...lines);
    this.timer ??= setTimeout(() => void this.flush(), this.flushDelayMs);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queued.length === 0) return this.writing;
    const text = this.queued.join('\n') + '\n';
    this.queued = [];
    this.writing = this.writing.then(() => this.handle.appendFile(text, 'utf8')).catch(() => undefined);
    return this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle.close().catch(() => undefined);
  }
}

/** `.git/slipway/runs.jsonl` (and `.git/slipway/logs/`) of the repository containing `workspaceDir`. */
export async function runHistoryFor(workspaceDir: string): Promise<JsonlRunHistory> {
  const r = await gitClient.run(['rev-parse', '--git-common-dir'], { cwd: workspaceDir });
  if (r.code !== 0) {
    throw new SlipwayError('git', `${workspaceDir} is not a git repository`, {
      hint: 'Pipeline runs are recorded in .git/slipway; run `git init` or open the service repository',
      details: { stderr: r.stderr.trim() },
    });
  }
  const gitDir = r.stdout.trim();
  return new JsonlRunHistory(join(isAbsolute(gitDir) ? gitDir : join(workspaceDir, gitDir), 'slipway', 'runs.jsonl'));
}
