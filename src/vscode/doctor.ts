import * as vscode from 'vscode';
import { doctorReport, formatDoctorReport } from '../core/doctor';
import type { DoctorCheck } from '../core/doctor';
import { parseClusterList } from '../core/swarm/clusters';
import type { ClusterTarget } from '../core/swarm/model';
import { pickWorkspaceFolder, registerCommand } from './common/commands';

export interface DoctorServices {
  /** `settingsClusters`: the `slipway.clusters` setting's clusters, checked with slipway.yml's. */
  readonly runChecks: (cwd: string, settingsClusters: readonly ClusterTarget[]) => Promise<DoctorCheck[]>;
}

/** *Slipway: Doctor* — the same checks as `slipway doctor` (plus the clusters of the settings), in the Slipway output channel. */
export function activateDoctor(context: vscode.ExtensionContext, output: vscode.OutputChannel, services: DoctorServices): void {
  registerCommand(context, 'slipway.doctor', async () => {
    const folder = await pickWorkspaceFolder().catch(() => undefined);
    const settingsClusters = clustersFromSettings(vscode.workspace.getConfiguration('slipway', folder?.uri).get<unknown>('clusters', []), output);
    const report = doctorReport(await services.runChecks(folder?.uri.fsPath ?? process.cwd(), settingsClusters));
    output.appendLine(formatDoctorReport(report));
    output.show(true);
    if (report.ok) void vscode.window.showInformationMessage('Slipway is ready: everything it needs answers.');
    else {
      const failed = report.checks.filter((c) => !c.ok && c.optional !== true).map((c) => c.name);
      void vscode.window.showWarningMessage(`Slipway is not ready: ${failed.join(', ')} failed — see the Slipway output for fixes.`);
    }
    return report;
  });
}

/** The setting's clusters; a malformed setting is reported, not fatal (slipway.yml's clusters are checked anyway). */
function clustersFromSettings(value: unknown, output: vscode.OutputChannel): ClusterTarget[] {
  try {
    return parseClusterList(value, 'settings');
  } catch (e) {
    output.appendLine(`The slipway.clusters setting is ignored: ${(e as Error).message}`);
    return [];
  }
}
