/**
 * The Swarm Clusters tree as plain data: Cluster → Nodes → their tasks / Services → tasks (each naming its node), plus an error item for a cluster that
 * cannot be read. The VS Code provider only maps these to TreeItems, so everything here is tested without the UI.
 */
import { shortDigest } from './imageRef';
import type { ClusterSnapshot, ClusterState, ClusterTarget, SwarmNode, SwarmService, SwarmTask } from './model';
import { tasksOf } from './model';
import { describeUpdateState } from './updateState';
import { describeDifferences, type OtherClusterVersion, type VersionDifferences } from './versions';
import { NAMESPACE_LABEL } from '../stack/convert';
import { stackOverview, type StackView } from '../stack/overview';
import type { ReleaseRecord } from '../stack/release';
import type { PendingPromotion } from '../agent/pending';

export type TreeNodeKind = 'cluster' | 'clusterError' | 'nodes' | 'stacks' | 'stack' | 'services' | 'node' | 'service' | 'task' | 'info';

export interface TreeNodeModel {
  /** Stable across refreshes so the view keeps expansion and selection. */
  readonly id: string;
  readonly kind: TreeNodeKind;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  /** Space-separated tokens matched by package.json menus (`viewItem =~ /\bservice\b/`). */
  readonly contextValue: string;
  /** Codicon id; a `:color` suffix names a theme color (`warning:list.warningForeground`). */
  readonly icon: string;
  readonly collapsible: 'none' | 'collapsed' | 'expanded';
  readonly cluster: string;
  readonly serviceName?: string;
  /** The stack a `stack` item (or a stack's service) belongs to. */
  readonly stack?: string;
  readonly nodeId?: string;
  readonly taskId?: string;
  /** On a `stack` item: the oldest push that waits for a person to approve it (Approve / Dismiss act on it). */
  readonly promotionId?: string;
  readonly children: readonly TreeNodeModel[];
}

function taskName(task: SwarmTask): string {
  return task.slot !== undefined ? `${task.serviceName}.${task.slot}` : `${task.serviceName}.${task.nodeId}`;
}

/** A task row; `under` scopes its id when the same task also shows under its node (tree ids must be unique). */
function taskItem(cluster: string, task: SwarmTask, under = ''): TreeNodeModel {
  const current = task.desiredState === 'running' || task.desiredState === 'ready';
  const state = task.state === task.desiredState ? task.state : `${task.state} → ${task.desiredState}`;
  const failed = task.state === 'failed' || task.state === 'rejected';
  const parts = [task.nodeHostname || task.nodeId.slice(0, 12), state, task.version, task.error ?? ''];
  return {
    id: `${cluster}/${under}task/${task.id}`,
    kind: 'task',
    label: current ? taskName(task) : `\\_ ${taskName(task)}`,
    description: parts.filter((p) => p.length > 0).join(' · '),
    tooltip: [`Task ${task.id}`, `Image: ${task.imageText}`, `Node: ${task.nodeHostname} (${task.nodeId})`, `State: ${task.state} (desired ${task.desiredState})`, task.message ? `Message: ${task.message}` : '', task.error ? `Error: ${task.error}` : '', task.updatedAt ? `Updated: ${task.updatedAt}` : '']
      .filter((l) => l.length > 0)
      .join('\n'),
    contextValue: 'task',
    icon: failed ? 'error:errorForeground' : task.state === 'running' ? 'pass:testing.iconPassed' : current ? 'loading~spin' : 'circle-outline',
    collapsible: 'none',
    cluster,
    serviceName: task.serviceName,
    nodeId: task.nodeId,
    taskId: task.id,
    children: [],
  };
}

export function serviceDescription(service: SwarmService): string {
  return [
    service.version,
    shortDigest(service.digest),
    `${service.runningTasks}/${service.desiredTasks}`,
    service.mode,
    describeUpdateState(service.updateState),
  ]
    .filter((p) => p.length > 0)
    .join(' · ');
}

function serviceItem(cluster: ClusterTarget, service: SwarmService, tasks: readonly SwarmTask[], others: readonly OtherClusterVersion[] | undefined, hasProduction: boolean): TreeNodeModel {
  const stack = service.labels[NAMESPACE_LABEL];
  const tokens = stack ? ['service', 'stackService'] : ['service'];
  if (service.canRollBack) tokens.push('canRollBack');
  if (service.digest) tokens.push('hasDigest');
  if (others && others.length > 0) tokens.push('versionDiffers');
  if (cluster.role !== 'production' && hasProduction) tokens.push('promotable');
  const differs = others && others.length > 0;
  const tooltip = [
    `${service.name} on ${cluster.name}`,
    `Image: ${service.imageText}`,
    `Version: ${service.version}${service.digest ? ` (${service.digest})` : ''}`,
    `Replicas: ${service.runningTasks}/${service.desiredTasks} running (${service.mode})`,
    service.constraints.length > 0 ? `Placement: ${service.constraints.join(', ')}` : '',
    service.updateState ? `Update: ${describeUpdateState(service.updateState)}` : '',
    differs ? `Differs from other clusters:\n${describeDifferences(others)}` : '',
  ]
    .filter((l) => l.length > 0)
    .join('\n');
  const updating = service.updateState?.inProgress === true;
  const failed = service.updateState?.failed === true;
  return {
    id: `${cluster.name}/service/${service.id}`,
    kind: 'service',
    label: service.name,
    description: (differs ? '≠ ' : '') + serviceDescription(service),
    tooltip,
    contextValue: tokens.join(' '),
    icon: updating ? 'sync~spin' : failed ? 'warning:list.warningForeground' : differs ? 'diff:list.warningForeground' : service.runningTasks < service.desiredTasks ? 'circle-large-outline' : 'package',
    collapsible: 'collapsed',
    cluster: cluster.name,
    serviceName: service.name,
    ...(stack ? { stack } : {}),
    children: tasks.map((t) => taskItem(cluster.name, t)),
  };
}

/** "1.1 · release #3 · converged · 3/3" — a stack as the tree shows it. */
export function stackDescription(view: StackView): string {
  return [view.version, view.release ? `release #${view.release.number}` : 'not deployed by Slipway', view.converged ? 'converged' : 'converging', `${view.running}/${view.desired}`].join(' · ');
}

function stackItem(
  cluster: ClusterTarget,
  view: StackView,
  snap: ClusterSnapshot,
  diffs: ReadonlyMap<string, readonly OtherClusterVersion[]> | undefined,
  hasProduction: boolean,
  waiting: readonly PendingPromotion[],
): TreeNodeModel {
  const r = view.release;
  const next = waiting[0];
  const context = cluster.role === 'production' ? 'stack production' : hasProduction ? 'stack stackPromotable' : 'stack';
  return {
    id: `${cluster.name}/stack/${view.name}`,
    kind: 'stack',
    label: view.name,
    description: next ? `${stackDescription(view)} · push waiting (${next.tag})` : stackDescription(view),
    tooltip: [
      `Stack ${view.name} on ${cluster.name}`,
      `Version: ${view.version}`,
      r ? `Release #${r.number}: ${r.trigger}, ${r.when.replace('T', ' ').slice(0, 16)}${r.outcomeUnknown ? ' (outcome unknown: still under way, or lost before it ended)' : r.converged ? '' : ' (FAILED)'}` : 'No release record (deployed with another tool)',
      `Tasks: ${view.running}/${view.desired} running${view.converged ? '' : ' (converging)'}`,
      ...waiting.map((p) => `Waiting for approval: ${p.image} pushed by ${p.actor}, ${p.when.replace('T', ' ').slice(0, 16)}`),
    ].join('\n'),
    contextValue: next ? `${context} pendingPromotion` : context,
    icon: next ? 'bell-dot:list.warningForeground' : view.converged ? 'layers-active' : 'sync~spin',
    collapsible: 'collapsed',
    cluster: cluster.name,
    stack: view.name,
    ...(next ? { promotionId: next.id } : {}),
    children: view.services.map((s) => serviceItem(cluster, s, tasksOf(snap, s.id), diffs?.get(s.name), hasProduction)),
  };
}

function nodeLabels(node: SwarmNode): string {
  return Object.entries(node.labels)
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`))
    .join(', ');
}

/** Tasks Swarm wants running on a node (what runs there now, or is starting). */
function currentTasksOn(node: SwarmNode, tasks: readonly SwarmTask[]): SwarmTask[] {
  return tasks.filter((t) => t.nodeId === node.id && (t.desiredState === 'running' || t.desiredState === 'ready'));
}

function nodeItem(cluster: string, node: SwarmNode, tasks: readonly SwarmTask[]): TreeNodeModel {
  const role = node.role === 'manager' ? (node.leader ? 'manager (leader)' : 'manager') : 'worker';
  const labels = nodeLabels(node);
  const here = currentTasksOn(node, tasks);
  const taskCount = `${here.length} task${here.length === 1 ? '' : 's'}`;
  // `nodeActive` offers Drain, `nodeDrained` (drain or pause) offers Activate
  const availability = node.availability === 'active' ? 'nodeActive' : 'nodeDrained';
  return {
    id: `${cluster}/node/${node.id}`,
    kind: 'node',
    label: node.hostname || node.id.slice(0, 12),
    description: [role, node.availability, node.status, labels, taskCount].filter((p) => p.length > 0).join(' · '),
    tooltip: [`Node ${node.id}`, `Address: ${node.address}`, `Engine: ${node.engineVersion}`, `Labels: ${labels || '(none)'}`, `Tasks: ${here.map(taskName).join(', ') || '(none)'}`].join('\n'),
    contextValue: ['node', availability, Object.keys(node.labels).length > 0 ? 'hasLabels' : ''].filter((p) => p.length > 0).join(' '),
    icon: node.status === 'ready' ? (node.availability === 'active' ? 'server' : 'debug-pause') : 'server-process:errorForeground',
    collapsible: here.length > 0 ? 'collapsed' : 'none',
    cluster,
    nodeId: node.id,
    children: here.map((t) => taskItem(cluster, t, `node/${node.id}/`)),
  };
}

function roleText(role: ClusterTarget['role']): string {
  return role === 'production' ? 'production' : role;
}

export function buildClusterTree(
  states: readonly ClusterState[],
  differences: VersionDifferences = new Map(),
  releases: ReadonlyMap<string, readonly ReleaseRecord[]> = new Map(),
  pending: ReadonlyMap<string, readonly PendingPromotion[]> = new Map(),
): TreeNodeModel[] {
  const hasProduction = states.some((s) => s.cluster.role === 'production');
  return states.map((state): TreeNodeModel => {
    const c = state.cluster;
    if (state.kind === 'loading') {
      return { id: `${c.name}`, kind: 'cluster', label: c.name, description: `${roleText(c.role)} · loading…`, contextValue: 'cluster', icon: 'loading~spin', collapsible: 'collapsed', cluster: c.name, children: [] };
    }
    if (state.kind === 'error') {
      const info: TreeNodeModel = {
        id: `${c.name}/error`,
        kind: 'info',
        label: state.error.message,
        description: state.error.hint,
        tooltip: [state.error.message, state.error.hint ?? ''].join('\n').trim(),
        contextValue: 'clusterErrorDetail',
        icon: 'info',
        collapsible: 'none',
        cluster: c.name,
        children: [],
      };
      return {
        id: `${c.name}`,
        kind: 'clusterError',
        label: c.name,
        description: `${roleText(c.role)} · ${state.error.kind === 'unreachable' ? 'unreachable' : 'error'}`,
        tooltip: `${state.error.message}${state.error.hint ? `\n${state.error.hint}` : ''}`,
        contextValue: 'clusterError',
        icon: 'error:errorForeground',
        collapsible: 'expanded',
        cluster: c.name,
        children: [info],
      };
    }
    const snap = state.snapshot;
    const diffs = differences.get(c.name);
    const nodes: TreeNodeModel = {
      id: `${c.name}/nodes`,
      kind: 'nodes',
      label: 'Nodes',
      description: String(snap.nodes.length),
      contextValue: 'nodes',
      icon: 'server-environment',
      collapsible: 'collapsed',
      cluster: c.name,
      children: snap.nodes.map((n) => nodeItem(c.name, n, snap.tasks)),
    };
    const views = stackOverview(snap, releases.get(c.name) ?? []);
    const stacks: TreeNodeModel = {
      id: `${c.name}/stacks`,
      kind: 'stacks',
      label: 'Stacks',
      description: String(views.length),
      contextValue: 'stacks',
      icon: 'layers',
      collapsible: 'expanded',
      cluster: c.name,
      children: views.map((v) => stackItem(c, v, snap, diffs, hasProduction, (pending.get(c.name) ?? []).filter((p) => p.stack === v.name))),
    };
    // Services outside any stack (created by hand or with `docker service create`).
    const plain = snap.services.filter((s) => !s.labels[NAMESPACE_LABEL]);
    const services: TreeNodeModel = {
      id: `${c.name}/services`,
      kind: 'services',
      label: 'Services',
      description: String(plain.length),
      contextValue: 'services',
      icon: 'package',
      collapsible: 'expanded',
      cluster: c.name,
      children: plain.map((s) => serviceItem(c, s, tasksOf(snap, s.id), diffs?.get(s.name), hasProduction)),
    };
    const updating = snap.services.filter((s) => s.updateState?.inProgress).length;
    return {
      id: `${c.name}`,
      kind: 'cluster',
      label: c.name,
      description: [roleText(c.role), `${snap.nodes.length} node${snap.nodes.length === 1 ? '' : 's'}`, `${snap.services.length} service${snap.services.length === 1 ? '' : 's'}`, updating > 0 ? `${updating} updating` : ''].filter((p) => p.length > 0).join(' · '),
      tooltip: `${c.name} (${c.role})\n${c.host ?? (c.context ? `context ${c.context}` : '')}`,
      contextValue: c.role === 'production' ? 'cluster production' : 'cluster',
      icon: c.role === 'production' ? 'shield' : 'cloud',
      collapsible: 'expanded',
      cluster: c.name,
      children: [nodes, stacks, services],
    };
  });
}

/** Depth-first lookup by id (commands receive tree nodes; tests look items up). */
export function findTreeNode(roots: readonly TreeNodeModel[], predicate: (n: TreeNodeModel) => boolean): TreeNodeModel | undefined {
  for (const n of roots) {
    if (predicate(n)) return n;
    const hit = findTreeNode(n.children, predicate);
    if (hit) return hit;
  }
  return undefined;
}
