import * as vscode from 'vscode';
import { doctorReport, formatDoctorReport } from '../core/doctor';
import type { DoctorCheck } from '../core/doctor';
import { pickWorkspaceFolder, registerCommand } from './common/commands';

export interface DoctorServices {
  readonly runChecks: (cwd: string) => Promise<DoctorCheck[]>;
}

/** *Slipway: Doctor* — the same checks as `slipway doctor`, shown in the Slipway output channel. */
export function activateDoctor(context: vscode.ExtensionContext, output: vscode.OutputChannel, services: DoctorServices): void {
  registerCommand(context, 'slipway.doctor', async () => {
    const folder = await pickWorkspaceFolder().catch(() => undefined);
    const report = doctorReport(await services.runChecks(folder?.uri.fsPath ?? process.cwd()));
    output.appendLine(formatDoctorReport(report));
    output.show(true);
    if (report.ok) void vscode.window.showInformationMessage('Slipway: everything Slipway needs answers.');
    else void vscode.window.showWarningMessage('Slipway: some checks failed — see the Slipway output for fixes.');
    return report;
  });
}
