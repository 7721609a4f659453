import type { FlowOverview, GitFlowEngine } from '../../core/gitflow/engine';

/**
 * One repository's git-flow state for the editor: the engine's overview, cached, re-read on demand, with a change
 * event. No `vscode` here, so the view's data can be tested without the UI.
 */
export class FlowRepoModel {
  private current: FlowOverview | undefined;
  private error: unknown;
  private loading: Promise<FlowOverview | undefined> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly root: string,
    readonly label: string,
    readonly engine: GitFlowEngine,
  ) {}

  get overview(): FlowOverview | undefined {
    return this.current;
  }

  /** Why the last read failed (e.g. not a git repository), if it did. */
  get lastError(): unknown {
    return this.error;
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The cached overview, reading it first if never read. */
  async get(): Promise<FlowOverview | undefined> {
    return this.current ?? (await this.refresh());
  }

  /** Re-reads the repository; concurrent calls share one read. */
  refresh(): Promise<FlowOverview | undefined> {
    this.loading ??= this.engine
      .overview()
      .then(
        (o) => {
          this.current = o;
          this.error = undefined;
          return o;
        },
        (e: unknown) => {
          this.current = undefined;
          this.error = e;
          return undefined;
        },
      )
      .finally(() => {
        this.loading = undefined;
        for (const l of this.listeners) l();
      });
    return this.loading;
  }
}
