/**
 * Keeps one cluster's state fresh: the engine's event stream drives a debounced refresh (three list calls), a slow
 * poll covers a lost stream, and a rollout in progress is polled every second (Swarm sends no task events).
 * Headless: the editor's tree and the bench use it alike.
 */
import { DEFAULT_REFRESH_POLICY, RefreshScheduler, type RefreshPolicyOptions, type RefreshReason } from '../../core/swarm/refreshPolicy';
import type { ClusterState } from '../../core/swarm/model';
import type { SwarmCluster } from './swarm';
import { readClusterState } from './swarmClusters';
import { watchClusterEvents, type EngineEvent, type EventWatch } from './swarmEvents';

export interface ClusterWatcherOptions {
  readonly policy?: RefreshPolicyOptions;
  /** Each new state, with why it was read. */
  readonly onState: (state: ClusterState, reason: RefreshReason) => void;
  readonly onEvent?: (event: EngineEvent) => void;
}

export class ClusterWatcher {
  private readonly scheduler: RefreshScheduler;
  private events: EventWatch | undefined;
  private last: ClusterState | undefined;

  constructor(
    readonly client: SwarmCluster,
    private readonly options: ClusterWatcherOptions,
  ) {
    this.scheduler = new RefreshScheduler((reason) => this.read(reason), options.policy ?? DEFAULT_REFRESH_POLICY);
  }

  get state(): ClusterState | undefined {
    return this.last;
  }

  start(): void {
    this.events = watchClusterEvents(
      this.client,
      (e) => {
        this.options.onEvent?.(e);
        this.scheduler.event();
      },
      (connected) => {
        this.scheduler.setStreamConnected(connected);
        // Events may have been missed while the stream was down.
        if (connected && this.last?.kind === 'error') void this.scheduler.now('reconnect');
        // The stream ending is news too (the engine died or was cut off): read now, so the view says so at once
        if (!connected && this.last?.kind === 'ok') void this.scheduler.now('disconnect');
      },
    );
    this.scheduler.start();
  }

  /** Manual refresh (Retry, Refresh, after a command): at once. */
  refresh(reason: RefreshReason = 'manual'): Promise<void> {
    return this.scheduler.now(reason);
  }

  dispose(): void {
    this.events?.dispose();
    this.scheduler.dispose();
  }

  private async read(reason: RefreshReason): Promise<void> {
    const state = await readClusterState(this.client);
    this.last = state;
    this.scheduler.setRolloutActive(state.kind === 'ok' && state.snapshot.services.some((s) => s.updateState?.inProgress === true));
    this.options.onState(state, reason);
  }
}
