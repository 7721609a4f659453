/**
 * Pending promotions in the editor: pushes a production cluster in delivery mode did not deploy by itself. Approve
 * deploys exactly that digest after the production guard (the cluster's name typed); Dismiss drops it. The Pipeline
 * view lists them with both buttons; the commands also work from the palette.
 */
import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import type { PendingOnCluster, PendingPromotionsService } from '../../app/agent/pending';
import { describePending } from '../../core/agent/pending';
import { SlipwayError } from '../../core/errors';
import { pickWorkspaceFolder, registerCommand } from '../common/commands';
import { confirmClusterChange } from '../common/confirmChange';

export interface PromotionTarget {
  readonly cluster: string;
  readonly stack: string;
  readonly id: string;
}

/** `{cluster, stack, id}` from the Pipeline view, or a stack item of the Swarm Clusters tree with a push waiting. */
function targetOf(arg: unknown): PromotionTarget | undefined {
  const a = arg as (Partial<PromotionTarget> & { promotionId?: unknown }) | undefined;
  // A tree item's own `id` is its tree id; its promotion is `promotionId`.
  const id = typeof a?.promotionId === 'string' ? a.promotionId : typeof a?.id === 'string' ? a.id : undefined;
  return typeof a?.cluster === 'string' && typeof a.stack === 'string' && id ? { cluster: a.cluster, stack: a.stack, id } : undefined;
}

export function activatePendingPromotions(context: vscode.ExtensionContext, service: PendingPromotionsService, onChanged: () => void): void {
  const dir = async () => (await pickWorkspaceFolder()).uri.fsPath;
  const pick = async (verb: string): Promise<PendingOnCluster> => {
    const list = await service.list(await dir());
    if (list.length === 0) throw new SlipwayError('notFound', 'No promotion waits for approval on the clusters of this workspace');
    const picked = await vscode.window.showQuickPick(
      list.map((p) => ({ label: `${p.promotion.stack} on ${p.cluster}`, description: p.promotion.image.split('@')[0], detail: describePending(p.promotion), p })),
      { placeHolder: `${verb} which pending promotion?` },
    );
    if (!picked) throw new SlipwayError('cancelled', 'No pending promotion picked');
    return picked.p;
  };
  const resolve = async (arg: unknown, verb: string): Promise<PendingOnCluster> => {
    const target = targetOf(arg);
    if (!target) return pick(verb);
    const hit = (await service.list(await dir())).find((p) => p.cluster === target.cluster && p.promotion.stack === target.stack && p.promotion.id === target.id);
    if (!hit) throw new SlipwayError('notFound', `No pending promotion ${target.id} of ${target.stack} on ${target.cluster} (approved or dismissed meanwhile?)`);
    return hit;
  };

  registerCommand(context, 'slipway.agent.pendingPromotions', async () => {
    const list = await service.list(await dir());
    onChanged();
    return list;
  });

  registerCommand(context, 'slipway.agent.approvePromotion', async (arg: unknown) => {
    if (!vscode.workspace.isTrusted) throw new SlipwayError('usage', 'Approving a promotion needs a trusted workspace');
    const p = await resolve(arg, 'Approve');
    const folder = await dir();
    const current = p.promotion;
    await confirmClusterChange({
      cluster: p.cluster,
      production: p.production,
      action: `Deploy the push of ${current.stack}`,
      summary: `${current.image.split('@')[0]} ${current.digest.slice(0, 19)} pushed by ${current.actor}`,
      detail: current.image,
    });
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deploying ${current.stack} to ${p.cluster}` }, () =>
      service.approve(folder, p.cluster, current.stack, current.id, process.env.SLIPWAY_ACTOR ?? userInfo().username, true),
    );
    onChanged();
    if (result.outcome === 'failed') void vscode.window.showErrorMessage(`Slipway: ${result.message}`);
    else void vscode.window.showInformationMessage(`Slipway: ${result.message}`);
    return result;
  });

  registerCommand(context, 'slipway.agent.dismissPromotion', async (arg: unknown) => {
    const p = await resolve(arg, 'Dismiss');
    const dismissed = await service.dismiss(await dir(), p.cluster, p.promotion.stack, p.promotion.id);
    onChanged();
    void vscode.window.showInformationMessage(`Slipway: dismissed the push of ${dismissed.stack} to ${p.cluster} (${dismissed.digest.slice(0, 19)})`);
    return dismissed;
  });
}
