import type * as vscode from 'vscode';

/**
 * The Slipway output channel, remembering its last lines: an output channel cannot be read back, and the extension's
 * API hands these to tests (and to anyone scripting the editor) to see what Slipway reported.
 */
export class OutputLog {
  private readonly recent: string[] = [];

  constructor(
    private readonly channel: vscode.OutputChannel,
    private readonly keep = 500,
  ) {}

  appendLine(line: string): void {
    this.channel.appendLine(line);
    this.recent.push(line);
    if (this.recent.length > this.keep) this.recent.splice(0, this.recent.length - this.keep);
  }

  lines(): readonly string[] {
    return [...this.recent];
  }
}
