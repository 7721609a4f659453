/**
 * The clusters the view shows: one watcher per configured cluster (events → debounced refresh), their latest
 * states, and the tree built from them. A cluster that fails stays an error item; the others keep refreshing.
 */
import * as vscode from 'vscode';
import type { ClusterWatch, SwarmClient, SwarmConnection } from '../../app/ports';
import { toSlipwayError, SlipwayError } from '../../core/errors';
import type { ClusterSnapshot, ClusterState, ClusterTarget } from '../../core/swarm/model';
import { buildClusterTree, type TreeNodeModel } from '../../core/swarm/tree';
import { compareVersions } from '../../core/swarm/versions';
import type { SwarmServices } from './services';
import { NAMESPACE_LABEL } from '../../core/stack/convert';
import type { ReleaseRecord } from '../../core/stack/release';
import type { PendingPromotion } from '../../core/agent/pending';

interface Entry {
  readonly cluster: ClusterTarget;
  readonly client: SwarmClient | undefined;
  readonly watcher: ClusterWatch | undefined;
  state: ClusterState;
}

export class ClustersModel implements vscode.Disposable {
  private entries: Entry[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private tree: TreeNodeModel[] = [];
  /** The tree as shown last, as text: a refresh that finds the same tree does not make the view redraw. */
  private shown = '';
  /** Release records per cluster, read again when a cluster's stacks change (not on every refresh). */
  private readonly releases = new Map<string, readonly ReleaseRecord[]>();
  private readonly releaseKeys = new Map<string, string>();
  /** Pushes waiting for approval per cluster, read with the release records, on a manual refresh and after approve. */
  private readonly pending = new Map<string, readonly PendingPromotion[]>();

  constructor(private readonly services: SwarmServices) {}

  get clusters(): readonly ClusterTarget[] {
    return this.entries.map((e) => e.cluster);
  }

  get roots(): readonly TreeNodeModel[] {
    return this.tree;
  }

  /** Replaces the cluster list (settings or slipway.yml changed): old watchers stop, new ones start. */
  setClusters(clusters: readonly ClusterTarget[]): void {
    this.disposeEntries();
    this.entries = clusters.map((cluster) => {
      let connection: SwarmConnection | undefined;
      let state: ClusterState = { kind: 'loading', cluster };
      try {
        connection = this.services.connect(cluster);
      } catch (e) {
        const err = toSlipwayError(e, 'config');
        state = { kind: 'error', cluster, error: { kind: err.kind, message: err.message, hint: err.hint } };
      }
      const entry: Entry = { cluster, client: connection?.client, watcher: undefined, state };
      if (connection) {
        const watcher = connection.watch({
          onState: (s) => {
            entry.state = s;
            this.rebuild();
            this.readReleasesIfChanged(entry);
          },
        });
        (entry as { watcher: ClusterWatch | undefined }).watcher = watcher;
        watcher.start();
      }
      return entry;
    });
    vscode.commands.executeCommand('setContext', 'slipway.clusters.configured', this.entries.length > 0).then(undefined, () => undefined);
    this.rebuild();
  }

  /** Refreshes one cluster (or all) at once and waits for the answer. */
  async refresh(cluster?: string): Promise<void> {
    const entries = this.entries.filter((e) => cluster === undefined || e.cluster.name === cluster);
    await Promise.all([...entries.map((e) => e.watcher?.refresh('manual')), this.reloadPending(cluster)]);
  }

  /** Reads the pushes waiting for approval again (all clusters, or one) and rebuilds when they changed. */
  async reloadPending(cluster?: string): Promise<void> {
    const entries = this.entries.filter((e) => (cluster === undefined || e.cluster.name === cluster) && e.state.kind === 'ok');
    let changed = false;
    await Promise.all(
      entries.map(async (e) => {
        // A cluster whose pending list cannot be read shows none; its stacks and the rest of the tree stay.
        const list = await this.services.stacks.pending(e.cluster).catch(() => [] as PendingPromotion[]);
        const before = this.pending.get(e.cluster.name) ?? [];
        if (list.map((p) => p.id).join() !== before.map((p) => p.id).join()) changed = true;
        this.pending.set(e.cluster.name, list);
      }),
    );
    if (changed) this.rebuild();
  }

  client(cluster: string): SwarmClient {
    const e = this.entries.find((x) => x.cluster.name === cluster);
    if (!e) throw new SlipwayError('notFound', `Unknown cluster "${cluster}"`, { hint: `Known clusters: ${this.entries.map((x) => x.cluster.name).join(', ') || 'none'}` });
    if (!e.client) throw new SlipwayError('config', e.state.kind === 'error' ? e.state.error.message : `Cluster "${cluster}" cannot be reached`);
    return e.client;
  }

  state(cluster: string): ClusterState | undefined {
    return this.entries.find((x) => x.cluster.name === cluster)?.state;
  }

  snapshot(cluster: string): ClusterSnapshot | undefined {
    const s = this.state(cluster);
    return s?.kind === 'ok' ? s.snapshot : undefined;
  }

  /** Release records of every cluster (what the tree and the Versions matrix show). */
  get releaseRecords(): ReadonlyMap<string, readonly ReleaseRecord[]> {
    return this.releases;
  }

  /** Reads the cluster's release records again now (after a deploy) and rebuilds. */
  async reloadReleases(cluster: string): Promise<void> {
    const e = this.entries.find((x) => x.cluster.name === cluster);
    if (!e) return;
    this.releases.set(cluster, await this.services.stacks.releases(e.cluster));
    this.rebuild();
  }

  /** Stack services' specs changed (a deploy, a rollback): the release records may have too. One call per change. */
  private readReleasesIfChanged(entry: Entry): void {
    if (entry.state.kind !== 'ok') return;
    const key = entry.state.snapshot.services
      .filter((s) => s.labels[NAMESPACE_LABEL])
      .map((s) => `${s.id}:${s.specVersion}`)
      .sort()
      .join(',');
    if (this.releaseKeys.get(entry.cluster.name) === key) return;
    this.releaseKeys.set(entry.cluster.name, key);
    if (key === '') return;
    this.services.stacks.releases(entry.cluster).then(
      (records) => {
        this.releases.set(entry.cluster.name, records);
        this.rebuild();
      },
      () => undefined, // the tree still shows the stacks; their release numbers appear on the next change
    );
    void this.reloadPending(entry.cluster.name);
  }

  private rebuild(): void {
    const states = this.entries.map((e) => e.state);
    const snapshots = states.flatMap((s) => (s.kind === 'ok' ? [s.snapshot] : []));
    const tree = buildClusterTree(states, compareVersions(snapshots), this.releases, this.pending);
    // Every redraw of a view that holds the keyboard takes the focus back (VS Code's tree view does so after each
    // refresh), which can steal it from a prompt that has just opened; an unchanged tree is not redrawn.
    const shown = JSON.stringify(tree);
    if (shown === this.shown) return;
    this.tree = tree;
    this.shown = shown;
    this.changed.fire();
  }

  private disposeEntries(): void {
    for (const e of this.entries) e.watcher?.dispose();
    this.entries = [];
  }

  dispose(): void {
    this.disposeEntries();
    this.changed.dispose();
  }
}
