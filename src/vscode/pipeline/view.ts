import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { PipelineController } from './controller';

/** Messages the webview sends (media/pipeline/pipeline.js). */
export type ViewMessage =
  | { type: 'ready' }
  | { type: 'run' }
  | { type: 'cancel' }
  | { type: 'approve' }
  | { type: 'rerunFrom'; stage: string }
  | { type: 'openLog'; stage: string }
  | { type: 'approvePromotion' | 'dismissPromotion'; cluster: string; stack: string; id: string }
  | { type: 'rendered'; stages: string[]; buttons: string[] };

/**
 * The Pipeline view: a webview showing the stages as a row of steps, the selected stage's log, and the recent runs.
 * Plain HTML with VS Code's theme variables and a nonce-based CSP; the state comes from the controller as one
 * message per change.
 */
export class PipelineViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'slipway.pipeline';
  private view: vscode.WebviewView | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** What the webview last reported it rendered (stage ids, button labels): lets tests check the real DOM. */
  lastRendered: { stages: string[]; buttons: string[] } | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly controller: PipelineController,
    private readonly onMessage: (message: ViewMessage) => Promise<void>,
  ) {
    this.subscriptions.push(controller.onDidChange(() => this.post()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media', 'pipeline');
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
    view.webview.html = this.html(view.webview, media);
    this.subscriptions.push(
      view.webview.onDidReceiveMessage(async (m: ViewMessage) => {
        if (m.type === 'ready') {
          this.post();
          return;
        }
        if (m.type === 'rendered') {
          this.lastRendered = { stages: m.stages, buttons: m.buttons };
          return;
        }
        await this.onMessage(m);
      }),
      view.onDidChangeVisibility(() => {
        if (view.visible) void this.controller.refreshHistory();
      }),
      view.onDidDispose(() => {
        this.view = undefined;
      }),
    );
    void this.controller.refreshHistory();
  }

  private post(): void {
    void this.view?.webview.postMessage({ type: 'state', state: this.controller.state(), pending: this.controller.pendingView() });
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const css = webview.asWebviewUri(vscode.Uri.joinPath(media, 'pipeline.css'));
    const js = webview.asWebviewUri(vscode.Uri.joinPath(media, 'pipeline.js'));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; img-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${css}" rel="stylesheet">
<title>Pipeline</title>
</head>
<body>
<main id="app" aria-label="Pipeline">
  <p class="empty">Loading the pipeline…</p>
</main>
<script nonce="${nonce}" src="${js}"></script>
</body>
</html>`;
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
