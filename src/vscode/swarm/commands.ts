/**
 * The Swarm commands (tree items, palette, and tests through arguments). Each resolves its target from a tree node,
 * an argument object `{cluster, service, …}`, or quick picks, and leaves the engine work to core operations.
 */
import * as vscode from 'vscode';
import { SlipwayError } from '../../core/errors';
import { shortDigest } from '../../core/swarm/imageRef';
import { findService, type SwarmService } from '../../core/swarm/model';
import { prepareDeploy, preparePromote, startDeploy, startRollback, watchRollout, type StartedRollout } from '../../app/swarmOperations';
import type { DeployPlan } from '../../core/swarm/plans';
import type { RolloutProgress } from '../../core/swarm/rollout';
import type { TreeNodeModel } from '../../core/swarm/tree';
import { setNodeAvailability } from '../../app/nodeAvailability';
import { describeAvailabilityChange } from '../../core/swarm/nodes';
import { registerCommand } from '../common/commands';
import { confirmClusterChange } from '../common/confirmChange';
import { LogReorderBuffer, formatServiceLogLine, parseServiceLogLine, type ServiceLogLine } from '../../core/swarm/serviceLogs';
import type { ClustersModel } from './clustersModel';
import type { SwarmServices } from './services';

/** What a command may receive: a tree node, or plain arguments (palette links, other extensions, tests). */
export interface SwarmCommandArgs {
  readonly cluster?: string;
  readonly service?: string;
  readonly serviceName?: string;
  readonly version?: string;
  readonly replicas?: number;
  readonly nodeId?: string;
  readonly key?: string;
  readonly value?: string;
  readonly to?: string;
}

export interface RolloutResult {
  readonly cluster: string;
  readonly service: string;
  readonly outcome: RolloutProgress['outcome'] | 'unchanged';
  readonly message: string;
  readonly image: string;
}

function args(arg: unknown): SwarmCommandArgs {
  return typeof arg === 'object' && arg !== null ? (arg as SwarmCommandArgs) : {};
}

function describe(side: DeployPlan['from']): string {
  return side.digest ? `${side.version} (${shortDigest(side.digest)})` : side.version;
}

export function requireTrust(what: string): void {
  if (!vscode.workspace.isTrusted) {
    throw new SlipwayError('usage', `${what} needs a trusted workspace`, { hint: 'Trust this folder (Workspaces: Manage Workspace Trust), then try again' });
  }
}

export function registerSwarmCommands(context: vscode.ExtensionContext, model: ClustersModel, services: SwarmServices, ensureStarted: () => Promise<void>): void {
  const logChannels = new Map<string, { channel: vscode.OutputChannel; abort: AbortController }>();
  const logTails = new Map<string, string[]>();
  context.subscriptions.push({ dispose: () => logChannels.forEach((l) => (l.abort.abort(), l.channel.dispose())) });

  async function pickCluster(given: string | undefined, filter: (role: string) => boolean = () => true): Promise<string> {
    await ensureStarted();
    if (given) return given;
    const names = model.clusters.filter((c) => filter(c.role));
    if (names.length === 0) throw new SlipwayError('config', 'No Swarm cluster is configured', { hint: 'Add one under `clusters:` in slipway.yml or in the slipway.clusters setting' });
    if (names.length === 1) return names[0]!.name;
    const picked = await vscode.window.showQuickPick(names.map((c) => ({ label: c.name, description: c.role })), { placeHolder: 'Which cluster?' });
    if (!picked) throw new SlipwayError('cancelled', 'No cluster picked');
    return picked.label;
  }

  async function serviceOn(cluster: string, given: string | undefined): Promise<SwarmService> {
    let snap = model.snapshot(cluster);
    if (!snap) {
      await model.refresh(cluster);
      snap = model.snapshot(cluster);
    }
    const state = model.state(cluster);
    if (!snap) throw new SlipwayError('unreachable', state?.kind === 'error' ? state.error.message : `Cluster "${cluster}" has not answered yet`, { hint: state?.kind === 'error' ? state.error.hint : 'Retry in a moment' });
    let name = given;
    if (!name) {
      const picked = await vscode.window.showQuickPick(snap.services.map((s) => ({ label: s.name, description: `${s.version} · ${s.runningTasks}/${s.desiredTasks}` })), { placeHolder: `Service on ${cluster}` });
      if (!picked) throw new SlipwayError('cancelled', 'No service picked');
      name = picked.label;
    }
    const svc = findService(snap, name);
    if (!svc) throw new SlipwayError('notFound', `No service "${name}" on cluster "${cluster}"`, { hint: 'Refresh the Swarm Clusters view to see the current services' });
    return svc;
  }

  async function target(arg: unknown, clusterFilter?: (role: string) => boolean): Promise<{ cluster: string; service: SwarmService }> {
    const a = args(arg);
    const cluster = await pickCluster(a.cluster, clusterFilter);
    return { cluster, service: await serviceOn(cluster, a.service ?? a.serviceName) };
  }

  async function pickVersion(cluster: string, service: SwarmService): Promise<string> {
    const ref = service.image;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const [registry, local, git] = await Promise.all([
      ref?.registry ? services.registryTags(ref).catch(() => [] as string[]) : Promise.resolve([] as string[]),
      ref ? model.client(cluster).localTags(ref.repository).catch(() => [] as string[]) : Promise.resolve([] as string[]),
      folder ? services.gitTags(folder).catch(() => [] as string[]) : Promise.resolve([] as string[]),
    ]);
    type Item = vscode.QuickPickItem & { version?: string };
    const items: Item[] = [];
    const section = (label: string, tags: string[], detail: string): void => {
      if (tags.length === 0) return;
      items.push({ label, kind: vscode.QuickPickItemKind.Separator });
      for (const t of tags) items.push({ label: t, description: t === service.version ? 'running' : detail, version: t });
    };
    section(`Registry ${ref?.registry ?? ''}`, registry, ref?.repository ?? '');
    section('Local images', local.filter((t) => !registry.includes(t)), `on ${cluster}'s engine`);
    section('Git tags', git.map((t) => t.replace(/^v(?=\d)/, '')).filter((t) => !registry.includes(t) && !local.includes(t)), 'git tag');
    const picked = await vscode.window.showQuickPick(items, { placeHolder: `Version of ${service.name} to deploy on ${cluster} (now ${service.version})` });
    if (!picked?.version) throw new SlipwayError('cancelled', 'No version picked');
    return picked.version;
  }

  /** The production guard in the editor: the user types the production cluster's name (old → new version shown). */
  async function confirm(plan: DeployPlan, verb: string): Promise<{ cluster: string } | undefined> {
    if (!plan.requiresConfirmation) return undefined;
    await confirmClusterChange({
      cluster: plan.cluster.name,
      production: true,
      action: `${verb} ${plan.service}`,
      summary: `${describe(plan.from)} → ${describe(plan.to)}`,
      detail: `${plan.from.image}\n→ ${plan.to.image}`,
    });
    return { cluster: plan.cluster.name };
  }

  async function follow(title: string, cluster: string, started: StartedRollout): Promise<RolloutResult> {
    const base = { cluster, service: started.plan.service, image: started.targetImage };
    if (started.unchanged) {
      void vscode.window.showInformationMessage(`Slipway: ${started.plan.service} on ${cluster} already runs ${describe(started.plan.to)}.`);
      return { ...base, outcome: 'unchanged', message: 'already running' };
    }
    const client = model.client(cluster);
    const final = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        const { progress: p } = await watchRollout(client, started.plan.service, started.targetImage, started.since, {
          signal: abort.signal,
          onProgress: (now) => {
            const pct = now.total > 0 ? Math.round((100 * now.updated) / now.total) : 0;
            const tasks = now.tasks.map((t) => `${t.name} ${t.version} ${t.state}`).join(', ');
            progress.report({ message: `${now.message} — ${tasks}`, increment: Math.max(0, pct - reported) });
            reported = Math.max(reported, pct);
          },
        }).catch((e: unknown) => {
          if (SlipwayError.is(e, 'cancelled')) throw new SlipwayError('cancelled', 'Stopped following the rollout; Swarm continues on its own');
          throw e;
        });
        return p;
      },
    );
    void model.refresh(cluster);
    return { ...base, outcome: final.outcome, message: final.message };
  }

  function report(result: RolloutResult, successOutcomes: readonly string[]): RolloutResult {
    if (successOutcomes.includes(result.outcome)) void vscode.window.showInformationMessage(`Slipway: ${result.service} on ${result.cluster}: ${result.message}`);
    else void vscode.window.showErrorMessage(`Slipway: ${result.message}`);
    return result;
  }

  registerCommand(context, 'slipway.swarm.refresh', async () => {
    await ensureStarted();
    await model.refresh();
    return model.roots;
  });
  registerCommand(context, 'slipway.swarm.retry', async (arg: unknown) => {
    await ensureStarted();
    const a = args(arg);
    await model.refresh(a.cluster);
  });
  registerCommand(context, 'slipway.swarm.editSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', 'slipway.clusters'));
  // Not in package.json: the tree as data, for tests and scripts.
  registerCommand(context, 'slipway.swarm.treeModel', async () => {
    await ensureStarted();
    return model.roots;
  });

  registerCommand(context, 'slipway.swarm.deployVersion', async (arg: unknown) => {
    requireTrust('Deploying');
    const { cluster, service } = await target(arg);
    const version = args(arg).version ?? (await pickVersion(cluster, service));
    const client = model.client(cluster);
    const plan = await prepareDeploy(client, service.name, version, services.registryFor);
    const confirmation = await confirm(plan, 'Deploy');
    const started = await startDeploy(client, plan, { confirmation });
    return report(await follow(`Deploying ${plan.summary}`, cluster, started), ['completed', 'unchanged']);
  });

  registerCommand(context, 'slipway.swarm.promote', async (arg: unknown) => {
    requireTrust('Promoting');
    const a = args(arg);
    const { cluster: from, service } = await target(arg);
    const productions = model.clusters.filter((c) => c.name !== from && c.role === 'production');
    const to = a.to ?? (productions.length === 1 ? productions[0]!.name : await pickCluster(undefined, (r) => r === 'production'));
    const source = model.client(from);
    const dest = model.client(to);
    const plan = await preparePromote(source, dest, service.name);
    // Promotion always asks, whatever the target's role: it names the cluster and the exact digest.
    await confirmClusterChange({
      cluster: to,
      production: plan.requiresConfirmation,
      action: `Promote ${service.name} from ${from}`,
      summary: `${describe(plan.from)} → ${describe(plan.to)}`,
      detail: `Exactly the image running on ${from}:\n${plan.to.image}`,
    });
    const started = await startDeploy(dest, plan, { confirmation: { cluster: to } });
    return report(await follow(`Promoting ${plan.summary}`, to, started), ['completed', 'unchanged']);
  });

  registerCommand(context, 'slipway.swarm.rollback', async (arg: unknown) => {
    requireTrust('Rolling back');
    const { cluster, service } = await target(arg);
    if (!service.canRollBack) throw new SlipwayError('notFound', `${service.name} on ${cluster} has no previous version to roll back to`);
    // Always asks, saying what it goes back to (Swarm's previous spec); production wants its name typed.
    await confirmClusterChange({
      cluster,
      production: model.clusters.find((c) => c.name === cluster)?.role === 'production',
      action: `Roll back ${service.name}`,
      summary: `${service.version} → ${service.previousVersion ?? 'the previous spec'} (the version before the last update)`,
      detail: `Now: ${service.imageText}`,
    });
    const started = await startRollback(model.client(cluster), service.name);
    return report(await follow(`Rolling back ${started.plan.summary}`, cluster, started), ['rolledBack', 'completed']);
  });

  registerCommand(context, 'slipway.swarm.scale', async (arg: unknown) => {
    requireTrust('Scaling');
    const { cluster, service } = await target(arg);
    let replicas = args(arg).replicas;
    if (replicas === undefined) {
      const text = await vscode.window.showInputBox({
        prompt: `Replicas of ${service.name} on ${cluster}`,
        value: String(service.replicas ?? 1),
        ignoreFocusOut: true,
        validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : 'A whole number ≥ 0'),
      });
      if (text === undefined) throw new SlipwayError('cancelled', 'Scale cancelled');
      replicas = Number(text.trim());
    }
    await model.client(cluster).scale(service.name, replicas);
    await model.refresh(cluster);
    return replicas;
  });

  registerCommand(context, 'slipway.swarm.openLogs', async (arg: unknown) => {
    const { cluster, service } = await target(arg);
    const key = `${cluster}/${service.name}`;
    logChannels.get(key)?.abort.abort();
    const channel = logChannels.get(key)?.channel ?? vscode.window.createOutputChannel(`Slipway Logs: ${service.name} (${cluster})`);
    const abort = new AbortController();
    logChannels.set(key, { channel, abort });
    channel.clear();
    channel.show(true);
    // Follows live; the engine sends the tasks' lines task by task, so they are reordered by time, each with its task.
    const stream = await model.client(cluster).logs(service.name, { follow: true, tail: 200, timestamps: true, details: true, signal: abort.signal });
    // A task's name is remembered once seen: the tree may drop the task (service removed) while its lines still show.
    const names = new Map<string, string>();
    const taskName = (taskId: string): string => {
      const known = names.get(taskId);
      if (known) return known;
      const task = model.snapshot(cluster)?.tasks.find((t) => t.id === taskId);
      if (!task) return taskId ? `${service.name}.${taskId.slice(0, 12)}` : service.name;
      const name = task.slot !== undefined ? `${service.name}.${task.slot}` : `${service.name}.${task.nodeHostname || task.nodeId.slice(0, 12)}`;
      names.set(taskId, name);
      return name;
    };
    const buffer = new LogReorderBuffer();
    const shown: string[] = [];
    logTails.set(key, shown);
    const write = (lines: ServiceLogLine[]): void =>
      lines.forEach((l) => {
        const text = formatServiceLogLine(l, taskName);
        channel.appendLine(text);
        shown.push(text);
        if (shown.length > 1000) shown.shift();
      });
    const timer = setInterval(() => write(buffer.flush(Date.now())), 200);
    abort.signal.addEventListener('abort', () => clearInterval(timer));
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      const now = Date.now();
      for (const text of lines) {
        const line = parseServiceLogLine(text.replace(/\r$/, ''));
        if (line) buffer.push(line, now);
        else if (text.trim()) channel.appendLine(text);
      }
    });
    stream.on('end', () => {
      clearInterval(timer);
      write(buffer.drain());
      channel.appendLine(`[${service.name} on ${cluster}: the log stream ended]`);
    });
    stream.on('error', (e: Error) => {
      clearInterval(timer);
      write(buffer.drain());
      channel.appendLine(`[log stream ended: ${e.message}]`);
    });
    return channel.name;
  });

  // Not in package.json: the last lines Open Logs wrote for `cluster/service`, for tests (output channels cannot be read).
  registerCommand(context, 'slipway.swarm.logTail', (key: string) => [...(logTails.get(key) ?? [])]);

  registerCommand(context, 'slipway.swarm.copyDigest', async (arg: unknown) => {
    const { cluster, service } = await target(arg);
    let digest = service.digest;
    if (!digest && service.image) digest = await model.client(cluster).localImageDigest(service.imageText, service.image.repository);
    if (!digest) throw new SlipwayError('notFound', `${service.name} on ${cluster} runs ${service.imageText}, which is not pinned to a digest`, { hint: 'Deploy it with Slipway: Deploy Version… to pin the digest' });
    const text = `${service.image?.repository ?? ''}@${digest}`;
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(`Copied ${text}`);
    return text;
  });

  async function nodeTarget(arg: unknown): Promise<{ cluster: string; nodeId: string; labels: Record<string, string> }> {
    const a = args(arg);
    const cluster = await pickCluster(a.cluster);
    const snap = model.snapshot(cluster);
    if (!snap) throw new SlipwayError('unreachable', `Cluster "${cluster}" has not answered`);
    let nodeId = a.nodeId;
    if (!nodeId) {
      const picked = await vscode.window.showQuickPick(snap.nodes.map((n) => ({ label: n.hostname, description: n.id.slice(0, 12), id: n.id })), { placeHolder: `Node of ${cluster}`, ignoreFocusOut: true });
      if (!picked) throw new SlipwayError('cancelled', 'No node picked');
      nodeId = picked.id;
    }
    const node = snap.nodes.find((n) => n.id === nodeId);
    if (!node) throw new SlipwayError('notFound', `No node ${nodeId} on cluster "${cluster}"`);
    return { cluster, nodeId, labels: { ...node.labels } };
  }

  registerCommand(context, 'slipway.swarm.addNodeLabel', async (arg: unknown) => {
    requireTrust('Changing node labels');
    const a = args(arg);
    const { cluster, nodeId } = await nodeTarget(arg);
    let key = a.key;
    let value = a.value;
    if (!key) {
      const text = await vscode.window.showInputBox({ prompt: 'Label to add (key=value)', placeHolder: 'env=prod-like', ignoreFocusOut: true, validateInput: (v) => (/^[A-Za-z0-9][\w./-]*(=.*)?$/.test(v.trim()) ? undefined : 'key=value') });
      if (text === undefined) throw new SlipwayError('cancelled', 'No label given');
      const eq = text.indexOf('=');
      key = eq >= 0 ? text.slice(0, eq).trim() : text.trim();
      value = eq >= 0 ? text.slice(eq + 1) : '';
    }
    await model.client(cluster).setNodeLabel(nodeId, key, value ?? '');
    await model.refresh(cluster);
  });

  // Drain / Activate: asked like every cluster change (production: its name typed), then the shared use case
  for (const [command, to, action] of [['slipway.swarm.drainNode', 'drain', 'Drain'], ['slipway.swarm.activateNode', 'active', 'Activate']] as const) {
    registerCommand(context, command, async (arg: unknown) => {
      requireTrust(`${action === 'Drain' ? 'Draining' : 'Activating'} a node`);
      const { cluster, nodeId } = await nodeTarget(arg);
      const node = model.snapshot(cluster)!.nodes.find((n) => n.id === nodeId)!;
      await confirmClusterChange({
        cluster,
        production: model.clusters.find((c) => c.name === cluster)?.role === 'production',
        action: `${action} node ${node.hostname}`,
        summary: describeAvailabilityChange(node, to),
      });
      const change = await setNodeAvailability(model.client(cluster), nodeId, to, { cluster });
      await model.refresh(cluster);
      return change;
    });
  }

  registerCommand(context, 'slipway.swarm.removeNodeLabel', async (arg: unknown) => {
    requireTrust('Changing node labels');
    const { cluster, nodeId, labels } = await nodeTarget(arg);
    let key = args(arg).key;
    if (!key) {
      const picked = await vscode.window.showQuickPick(Object.entries(labels).map(([k, v]) => ({ label: k, description: v })), { placeHolder: 'Label to remove', ignoreFocusOut: true });
      if (!picked) throw new SlipwayError('cancelled', 'No label picked');
      key = picked.label;
    }
    await model.client(cluster).setNodeLabel(nodeId, key, undefined);
    await model.refresh(cluster);
  });
}

export type { TreeNodeModel };
