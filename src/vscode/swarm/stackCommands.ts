/**
 * The stack commands of the Swarm Clusters view: Deploy Version… (versions with their digests, the running one
 * marked; the plan shown before it asks), Releases… (roll back to one, with its plan), Promote Release…, Remove
 * Stack, and the Versions matrix. The work is the app's use cases (src/app/stack); this file asks and shows.
 */
import * as vscode from 'vscode';
import { applyStackDeploy, prepareStackDeploy, type PreparedStackDeploy, type StackDeployDeps, type StackDeployResult } from '../../app/stack/deploy';
import { prepareStackPromote, prepareStackRollback, previousRelease } from '../../app/stack/releases';
import { stackSourceFor, type StackSource } from '../../app/stack/source';
import { SlipwayError } from '../../core/errors';
import { planChangesNothing, planLines, planSummaryLine } from '../../core/stack/plan';
import { describeRelease, type ReleaseRecord } from '../../core/stack/release';
import { versionsMatrix, type VersionsMatrix } from '../../core/stack/versionsMatrix';
import { parseImageRef, shortDigest } from '../../core/swarm/imageRef';
import type { ClusterTarget } from '../../core/swarm/model';
import { pickWorkspaceFolder, registerCommand, showError } from '../common/commands';
import { confirmClusterChange } from '../common/confirmChange';
import type { ClustersModel } from './clustersModel';
import { requireTrust } from './commands';
import type { SwarmServices } from './services';

/** A tree node or plain arguments (palette, tests): the cluster, the stack, and answers to skip a pick. */
export interface StackCommandArgs {
  readonly cluster?: string;
  readonly stack?: string;
  readonly version?: string;
  readonly release?: number;
  readonly to?: string;
}

export interface StackCommandResult {
  readonly cluster: string;
  readonly stack: string;
  readonly outcome: StackDeployResult['outcome'] | 'removed';
  readonly message: string;
  readonly release?: number;
  /** The plan the user saw before confirming. */
  readonly plan: readonly string[];
}

function args(arg: unknown): StackCommandArgs {
  return typeof arg === 'object' && arg !== null ? (arg as StackCommandArgs) : {};
}

export function registerStackCommands(context: vscode.ExtensionContext, model: ClustersModel, services: SwarmServices, ensureStarted: () => Promise<void>): void {
  async function clusterNamed(given: string | undefined, exclude?: string): Promise<ClusterTarget> {
    await ensureStarted();
    const choices = model.clusters.filter((c) => c.name !== exclude);
    if (given) {
      const hit = choices.find((c) => c.name === given);
      if (!hit) throw new SlipwayError('notFound', `Unknown cluster "${given}"`, { hint: `Known clusters: ${model.clusters.map((c) => c.name).join(', ')}` });
      return hit;
    }
    if (choices.length === 1) return choices[0]!;
    const picked = await vscode.window.showQuickPick(choices.map((c) => ({ label: c.name, description: c.role })), { placeHolder: 'Which cluster?' });
    if (!picked) throw new SlipwayError('cancelled', 'No cluster picked');
    return choices.find((c) => c.name === picked.label)!;
  }

  async function stackContext(cluster: ClusterTarget): Promise<{ folder: string; source: StackSource; deps: StackDeployDeps }> {
    const folder = (await pickWorkspaceFolder()).uri.fsPath;
    const config = await services.stacks.config(folder);
    return { folder, source: stackSourceFor(config, cluster), deps: services.stacks.deps(cluster, folder) };
  }

  /** The plan in an editor beside the view, so it is read before anything is asked. */
  async function showPlan(title: string, prepared: PreparedStackDeploy): Promise<string[]> {
    const lines = [`# ${title}`, ...prepared.warnings.map((w) => `warning: ${w}`), ...planLines(prepared.plan)];
    const doc = await vscode.workspace.openTextDocument({ content: lines.join('\n') + '\n', language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
    return lines;
  }

  async function applyWithProgress(title: string, cluster: ClusterTarget, folder: string, deps: StackDeployDeps, prepared: PreparedStackDeploy, lines: string[]): Promise<StackCommandResult> {
    const author = await services.stacks.author(folder);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return applyStackDeploy(deps, prepared, {
        confirmation: { cluster: cluster.name },
        trigger: 'editor',
        ...author,
        signal: abort.signal,
        onEvent: (e) => progress.report({ message: e.kind === 'step' ? e.text : `${e.service}: ${e.message}` }),
      });
    });
    await Promise.all([model.refresh(cluster.name), model.reloadReleases(cluster.name).catch(() => undefined)]);
    const out: StackCommandResult = { cluster: cluster.name, stack: prepared.plan.stack, outcome: result.outcome, message: result.message, ...(result.release !== undefined ? { release: result.release } : {}), plan: lines };
    if (result.outcome === 'failed') void showError(new SlipwayError('docker', result.message, { remedies: result.remedies }));
    else void vscode.window.showInformationMessage(result.message);
    return out;
  }

  /** Shows the plan, asks (production: the cluster's name typed), applies. Nothing to do: says so, asks nothing. */
  async function planAskApply(action: string, cluster: ClusterTarget, folder: string, deps: StackDeployDeps, prepared: PreparedStackDeploy): Promise<StackCommandResult | undefined> {
    const lines = await showPlan(`${action} stack ${prepared.plan.stack} on ${cluster.name}: ${prepared.version}`, prepared);
    if (planChangesNothing(prepared.plan)) {
      const message = `Stack ${prepared.plan.stack} on ${cluster.name} already runs ${prepared.version} as the files say; nothing to do`;
      void vscode.window.showInformationMessage(message);
      return { cluster: cluster.name, stack: prepared.plan.stack, outcome: 'unchanged', message, plan: lines };
    }
    try {
      await confirmClusterChange({
        cluster: cluster.name,
        production: cluster.role === 'production',
        action: `${action} stack ${prepared.plan.stack}`,
        summary: `${prepared.version}: ${planSummaryLine(prepared.plan)}`,
        detail: planLines(prepared.plan).slice(1, -1).join('\n'),
      });
    } catch (e) {
      if (SlipwayError.is(e, 'cancelled')) return undefined;
      throw e;
    }
    return applyWithProgress(`${action} ${prepared.plan.stack} ${prepared.version} on ${cluster.name}`, cluster, folder, deps, prepared, lines);
  }

  async function pickVersion(cluster: ClusterTarget, source: StackSource, deps: StackDeployDeps): Promise<string> {
    if (!source.appRepository) throw new SlipwayError('config', 'slipway.yml has no package.image: no versions to offer', { remedies: [{ action: 'openConfig' }] });
    const ref = parseImageRef(`${source.appRepository}:latest`);
    const tags = (await services.registryTags(ref)).slice(0, 20);
    const running = model.snapshot(cluster.name)?.services.find((s) => s.name === `${source.stack}_${source.app ?? ''}`);
    const registry = deps.registryFor(ref);
    const digests = await Promise.all(tags.map((t, i) => (i < 10 && registry ? registry.digest(ref.path, t).catch(() => undefined) : Promise.resolve(undefined))));
    const items = tags.map((t, i) => {
      const isRunning = running?.image?.tag === t && (!running.digest || !digests[i] || running.digest === digests[i]);
      return { label: t, description: [digests[i] ? shortDigest(digests[i]) : '', isRunning ? '● running' : ''].filter((x) => x).join('  ') };
    });
    const picked = await vscode.window.showQuickPick(items, { title: `Deploy ${source.stack} on ${cluster.name}`, placeHolder: 'Version to deploy (the plan is shown before anything changes)' });
    if (!picked) throw new SlipwayError('cancelled', 'No version picked');
    return picked.label;
  }

  async function pickRelease(records: readonly ReleaseRecord[], title: string, preselect?: ReleaseRecord): Promise<number> {
    if (records.length === 0) throw new SlipwayError('notFound', 'No releases recorded on this cluster yet', { hint: 'Deploy the stack first; every deploy records a release' });
    const items = [...records].reverse().map((r) => ({
      label: `#${r.number}  ${r.version}`,
      description: `${r.who} · ${r.when.replace('T', ' ').slice(0, 16)} · ${r.trigger}`,
      detail: describeRelease(r),
      picked: r === preselect,
      number: r.number,
    }));
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: preselect ? `The last converged release before the current one is #${preselect.number}` : 'Release' });
    if (!picked) throw new SlipwayError('cancelled', 'No release picked');
    return picked.number;
  }

  registerCommand(context, 'slipway.stack.deploy', async (arg: unknown): Promise<StackCommandResult | undefined> => {
    requireTrust('Deploying');
    const a = args(arg);
    const cluster = await clusterNamed(a.cluster);
    const { folder, source, deps } = await stackContext(cluster);
    const version = a.version ?? (await pickVersion(cluster, source, deps));
    const prepared = await prepareStackDeploy(deps, source, version);
    return planAskApply('Deploy', cluster, folder, deps, prepared);
  });

  registerCommand(context, 'slipway.stack.releases', async (arg: unknown): Promise<StackCommandResult | undefined> => {
    requireTrust('Rolling back');
    const a = args(arg);
    const cluster = await clusterNamed(a.cluster);
    const { folder, source, deps } = await stackContext(cluster);
    const records = await deps.cluster.releases(a.stack ?? source.stack);
    const to = a.release ?? (await pickRelease(records, `Releases of ${source.stack} on ${cluster.name}: pick one to roll back to`, previousRelease(records)));
    const prepared = await prepareStackRollback(deps.cluster, { ...source, stack: a.stack ?? source.stack }, to);
    return planAskApply(`Roll back to #${to}:`, cluster, folder, deps, prepared);
  });

  registerCommand(context, 'slipway.stack.promote', async (arg: unknown): Promise<StackCommandResult | undefined> => {
    requireTrust('Promoting');
    const a = args(arg);
    const from = await clusterNamed(a.cluster);
    const productions = model.clusters.filter((c) => c.name !== from.name && c.role === 'production');
    const to = await clusterNamed(a.to ?? (productions.length === 1 ? productions[0]!.name : undefined), from.name);
    const source = await stackContext(from);
    const target = await stackContext(to);
    const records = await source.deps.cluster.releases(source.source.stack);
    const release = a.release ?? (await pickRelease(records, `Promote a release of ${source.source.stack} from ${from.name} to ${to.name}`, [...records].reverse().find((r) => r.outcome?.converged !== false)));
    const prepared = await prepareStackPromote(source.deps.cluster, target.deps, target.source, release);
    return planAskApply(`Promote #${release} from ${from.name}:`, to, target.folder, target.deps, prepared);
  });

  registerCommand(context, 'slipway.stack.remove', async (arg: unknown): Promise<StackCommandResult | undefined> => {
    requireTrust('Removing a stack');
    const a = args(arg);
    const cluster = await clusterNamed(a.cluster);
    const { deps, source } = await stackContext(cluster);
    const stack = a.stack ?? source.stack;
    const count = model.snapshot(cluster.name)?.services.filter((s) => s.name.startsWith(`${stack}_`)).length ?? 0;
    // Always typed, whatever the cluster's role: removing a stack stops everything it runs.
    const typed = await vscode.window.showInputBox({
      title: `Remove stack ${stack} from cluster "${cluster.name}"${cluster.role === 'production' ? ' (production)' : ''}`,
      prompt: `Stops and removes its ${count} service${count === 1 ? '' : 's'}, networks, secrets and configs (like docker stack rm; release records stay). Type the stack's name, ${stack}, to confirm; Escape cancels.`,
      placeHolder: stack,
      ignoreFocusOut: true,
      validateInput: (v) => (v === stack ? undefined : `Type ${stack} to confirm`),
    });
    if (typed !== stack) return undefined;
    const removed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Removing ${stack} from ${cluster.name}` }, () => deps.cluster.remove(stack));
    await model.refresh(cluster.name);
    const message = `Removed stack ${stack} from ${cluster.name}: ${removed.join(', ') || 'nothing was left'}`;
    void vscode.window.showInformationMessage(message);
    return { cluster: cluster.name, stack, outcome: 'removed', message, plan: removed };
  });

  let panel: vscode.WebviewPanel | undefined;
  registerCommand(context, 'slipway.stack.versions', async (): Promise<VersionsMatrix> => {
    await ensureStarted();
    await model.refresh();
    await Promise.all(model.clusters.map((c) => model.reloadReleases(c.name).catch(() => undefined)));
    const snapshots = model.clusters.flatMap((c) => {
      const s = model.snapshot(c.name);
      return s ? [s] : [];
    });
    const matrix = versionsMatrix(snapshots, model.releaseRecords);
    if (!panel) {
      // preserveFocus: the matrix is to look at; the keyboard stays where the user was (an input box, the tree).
      panel = vscode.window.createWebviewPanel('slipway.versions', 'Slipway: Versions', { viewColumn: vscode.ViewColumn.Active, preserveFocus: true }, { enableScripts: false });
      panel.onDidDispose(() => (panel = undefined));
    }
    panel.webview.html = versionsHtml(matrix);
    panel.reveal(undefined, true);
    return matrix;
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The matrix as a themed table (no scripts; the Content-Security-Policy allows inline styles only). */
export function versionsHtml(matrix: VersionsMatrix): string {
  const head = matrix.clusters.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const rows = matrix.rows
    .map((r) => {
      const cells = r.cells
        .map((c) => (c.state === 'missing' ? '<td class="missing">—</td>' : `<td class="${c.state}" title="${c.state}">${escapeHtml(c.tag)}${c.digest ? ` <code>${escapeHtml(c.digest)}</code>` : ''}${c.state === 'behind' ? ' <span class="mark">behind</span>' : ''}</td>`))
        .join('');
      return `<tr><th scope="row">${escapeHtml(r.stack)} / ${escapeHtml(r.service)}</th>${cells}</tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
table { border-collapse: collapse; } th, td { padding: 4px 10px; border-bottom: 1px solid var(--vscode-panel-border); text-align: left; }
code { color: var(--vscode-textPreformat-foreground); } .behind .mark { color: var(--vscode-editorWarning-foreground); font-weight: bold; }
.missing { color: var(--vscode-descriptionForeground); }
</style></head><body>
<h2>Versions: which stack service runs what, where</h2>
<p>Tag and short digest per cluster; <b>behind</b>: runs another digest than the newest deploy of that service.</p>
<table><thead><tr><th>stack / service</th>${head}</tr></thead><tbody>
${rows || `<tr><td colspan="${matrix.clusters.length + 1}">No stacks on the clusters yet.</td></tr>`}
</tbody></table></body></html>`;
}
