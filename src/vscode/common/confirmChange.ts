import * as vscode from 'vscode';
import { SlipwayError } from '../../core/errors';

export interface ClusterChange {
  /** The cluster that changes. */
  readonly cluster: string;
  readonly production: boolean;
  /** What happens, as a title: "Deploy go-auth", "Roll back go-auth". */
  readonly action: string;
  /** From what to what: "1.0 (sha256:ab12…) → 1.1 (sha256:cd34…)". */
  readonly summary: string;
  /** More lines (the full image references), shown in the dialog. */
  readonly detail?: string;
}

/**
 * Asks before a change to a cluster; throws `cancelled` unless the user agrees. A production cluster is never one
 * Enter away: the user types its name (anything else keeps the box open; Escape cancels). Other clusters get a quick
 * pick naming the change whose default item is Cancel (Enter or Escape cancels; the change must be picked).
 */
export async function confirmClusterChange(change: ClusterChange): Promise<void> {
  if (change.production) {
    const typed = await vscode.window.showInputBox({
      title: `${change.action} on the production cluster "${change.cluster}"`,
      prompt: `${change.summary}. Type the cluster's name, ${change.cluster}, to confirm; Escape cancels.`,
      placeHolder: change.cluster,
      ignoreFocusOut: true,
      validateInput: (value) => (value === change.cluster ? undefined : `Type ${change.cluster} to confirm`),
    });
    if (typed !== change.cluster) throw new SlipwayError('cancelled', `${change.action} on ${change.cluster} was not confirmed`);
    return;
  }
  // A quick pick whose first (default) item is Cancel: Enter alone never changes the cluster. (Also testable: the
  // workbench refuses modal dialogs in extension tests.)
  const confirm = `${change.action} on ${change.cluster}`;
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Cancel', description: 'change nothing' },
      { label: confirm, description: change.summary, ...(change.detail ? { detail: change.detail } : {}) },
    ],
    { title: `${change.action} on "${change.cluster}"? ${change.summary}`, placeHolder: `Pick "${confirm}" to go ahead`, ignoreFocusOut: true },
  );
  if (picked?.label !== confirm) throw new SlipwayError('cancelled', `${change.action} on ${change.cluster} was not confirmed`);
}
