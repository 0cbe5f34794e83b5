/**
 * The simulation panel host: one webview per autoscaler document. It asks the server for simulations
 * (`scalelens/simulate`) and passes the answers to the page; the page only renders.
 */
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { checkRecording } from '../../server/src/engine/sim/recording';
import { ApplyKnobsParams, Methods, SimulateParams, SimulationView } from '../../server/src/shared/protocol';
import { runsToCsv } from './exportCsv';

export const PANEL_VIEW_TYPE = 'scalelens.simulation';

/**
 * PanelState is what binds a panel to its autoscaler, and what the page keeps in its webview state so that the
 * serializer can bring the panel back after a window reload.
 */
export interface PanelState {
  uri: string;
  docIndex?: number;
  /** A scenario the user chose; undefined runs the ServingProfile's traffic. */
  scenario?: string;
  /** The URI of the traffic recording being replayed, which then replaces the scenario. */
  recording?: string;
}

/** parsePanelState reads the state a page saved, or undefined when it holds no usable binding. */
export function parsePanelState(saved: unknown): PanelState | undefined {
  const panel = typeof saved === 'object' && saved !== null ? (saved as { panel?: unknown }).panel : undefined;
  if (typeof panel !== 'object' || panel === null) return undefined;
  const { uri, docIndex, scenario, recording } = panel as Record<string, unknown>;
  if (typeof uri !== 'string') return undefined;
  return {
    uri,
    docIndex: Number.isInteger(docIndex) ? (docIndex as number) : undefined,
    scenario: typeof scenario === 'string' ? scenario : undefined,
    recording: typeof recording === 'string' ? recording : undefined,
  };
}

/** A traffic recording ready to replay: where it was read from, the name it is shown by, and its text. */
interface Recording {
  uri: vscode.Uri;
  name: string;
  text: string;
}

/**
 * readRecording reads a traffic recording and checks it the way `scalelens simulate --traffic` does, so that a file
 * the simulator cannot replay is reported instead of silently falling back to a default day.
 */
async function readRecording(uri: vscode.Uri): Promise<Recording | { error: string }> {
  const name = uri.path.split('/').pop() || uri.path;
  let text: string;
  try {
    text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch (e) {
    return { error: `cannot read ${name}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const unusable = checkRecording(name, text);
  return unusable ? { error: unusable } : { uri, name, text };
}

type FromPage =
  | { type: 'ready' }
  | { type: 'whatIf'; values: Record<string, number> }
  | { type: 'apply'; values: Record<string, number> }
  | { type: 'scenario'; scenario: string }
  | { type: 'replay' }
  | { type: 'export'; what: 'csv' | 'html' }
  | { type: 'png'; dataUrl: string };

/** SimulationPanel shows the simulation of one autoscaler and follows edits of its file. */
export class SimulationPanel {
  private static panels = new Map<string, SimulationPanel>();
  /** Fired with each view the panel shows (the status bar and tests listen). */
  static readonly onDidShowView = new vscode.EventEmitter<SimulationView>();

  private readonly disposables: vscode.Disposable[] = [];
  private overrides: Record<string, number> = {};
  private compare: SimulateParams['compareWith'];
  private lastView: SimulationView | undefined;
  private pending: vscode.CancellationTokenSource | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Where the next PNG the page sends goes; undefined asks the user. */
  private pngTarget: vscode.Uri | undefined;

  /** createOrShow opens (or reveals) the panel of a document's autoscaler. */
  static createOrShow(context: vscode.ExtensionContext, client: LanguageClient, state: PanelState, compare?: SimulateParams['compareWith']): SimulationPanel {
    const key = `${state.uri}#${state.docIndex ?? 0}`;
    const existing = SimulationPanel.panels.get(key);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      existing.compare = compare;
      existing.refresh(0);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'ScaleLens Simulation', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(context));
    const p = new SimulationPanel(context, client, panel, state);
    p.compare = compare;
    return p;
  }

  /**
   * revive restores a panel after a window reload, bound to the autoscaler and traffic it showed. A recording that
   * can no longer be replayed is reported, and the panel falls back to the scenario it had before.
   */
  static async revive(context: vscode.ExtensionContext, client: LanguageClient, panel: vscode.WebviewPanel, state: PanelState): Promise<SimulationPanel> {
    panel.webview.options = webviewOptions(context);
    let recording: Recording | undefined;
    if (state.recording) {
      const read = await readRecording(vscode.Uri.parse(state.recording));
      if ('error' in read) void vscode.window.showWarningMessage(`ScaleLens: the simulation no longer replays the recording: ${read.error}`);
      else recording = read;
    }
    return new SimulationPanel(context, client, panel, { uri: state.uri, docIndex: state.docIndex, scenario: state.scenario }, recording);
  }

  /** current returns the panel showing a document, if any. */
  static forUri(uri: string): SimulationPanel | undefined {
    for (const p of SimulationPanel.panels.values()) if (p.state.uri === uri) return p;
    return undefined;
  }

  /** all open panels. */
  static all(): SimulationPanel[] {
    return [...SimulationPanel.panels.values()];
  }

  /** The panel's key among the open panels: the document and autoscaler it was opened for. */
  private readonly key: string;

  private constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    readonly panel: vscode.WebviewPanel,
    private state: Omit<PanelState, 'recording'>,
    private recording?: Recording,
  ) {
    // Fixed at creation: the state's docIndex may be resolved later, and the panel must leave the map by this key.
    this.key = `${state.uri}#${state.docIndex ?? 0}`;
    SimulationPanel.panels.set(this.key, this);
    panel.webview.html = pageHtml(panel.webview, context.extensionUri);
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((m: FromPage) => {
      this.onMessage(m).catch((e: unknown) => void vscode.window.showErrorMessage(`ScaleLens: ${e instanceof Error ? e.message : String(e)}`));
    }, null, this.disposables);
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === this.state.uri && e.contentChanges.length) this.refresh(400);
    }, null, this.disposables);
  }

  /** view is the last view shown. */
  get view(): SimulationView | undefined {
    return this.lastView;
  }

  /** compareWith shows another policy (another file, or the text after a quick fix) beside this one. */
  compareWith(other: SimulateParams['compareWith']): void {
    this.compare = other;
    this.overrides = {};
    this.refresh(0);
  }

  /** savedState is what the page keeps for a window reload: the binding, and the recording being replayed. */
  private savedState(): PanelState {
    return { ...this.state, recording: this.recording?.uri.toString() };
  }

  /** setScenario switches the traffic scenario. */
  setScenario(scenario: string): void {
    this.state = { ...this.state, scenario: scenario === 'profile' ? undefined : scenario };
    this.recording = undefined;
    this.refresh(0);
  }

  /**
   * replay re-runs the policy on a traffic recording. One that cannot be read or replayed is reported in the panel
   * and in a notification, and the traffic shown so far stays.
   */
  private async replay(uri: vscode.Uri): Promise<void> {
    const read = await readRecording(uri);
    if ('error' in read) {
      await this.panel.webview.postMessage({ type: 'error', message: read.error, state: this.savedState() });
      void vscode.window.showErrorMessage(`ScaleLens: ${read.error}`);
      return;
    }
    this.recording = read;
    this.refresh(0);
  }

  /** exportAs saves the time series (CSV), the charts (PNG) or the HTML report, to `to` or where the user picks. */
  async exportAs(what: 'csv' | 'png' | 'html', to?: vscode.Uri): Promise<void> {
    if (what === 'png') {
      this.pngTarget = to;
      await this.panel.webview.postMessage({ type: 'exportPng' });
      return;
    }
    const view = this.lastView;
    if (!view) return;
    const base = view.title.replace(/[^\w.-]+/g, '-');
    const target = to ?? await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()), `${base}.${what}`),
      filters: what === 'csv' ? { CSV: ['csv'] } : { HTML: ['html'] },
    });
    if (!target) return;
    let content: string;
    if (what === 'csv') content = runsToCsv(view);
    else {
      const html = await this.client.sendRequest<string | { error: string }>(Methods.report, this.params());
      if (typeof html !== 'string') {
        void vscode.window.showErrorMessage(`ScaleLens: ${html.error}`);
        return;
      }
      content = html;
    }
    await vscode.workspace.fs.writeFile(target, Buffer.from(content, 'utf8'));
    void vscode.window.showInformationMessage(`ScaleLens: saved ${vscode.workspace.asRelativePath(target)}`);
  }

  private params(): SimulateParams {
    return {
      uri: this.state.uri,
      docIndex: this.state.docIndex,
      scenario: this.state.scenario,
      replay: this.recording && { name: this.recording.name, text: this.recording.text },
      overrides: Object.keys(this.overrides).length ? this.overrides : undefined,
      compareWith: this.compare,
    };
  }

  /** refresh re-runs the simulation after a pause; a newer request cancels an older one. */
  refresh(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delayMs);
  }

  private async run(): Promise<void> {
    this.pending?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.pending = cts;
    await this.panel.webview.postMessage({ type: 'busy', message: 'Simulating…' });
    const request = this.client.sendRequest<SimulationView | { error: string }>(Methods.simulate, this.params(), cts.token);
    // Long runs (a week of traffic, a big replay) get a progress notification with a Cancel button.
    const progressTimer = setTimeout(() => {
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'ScaleLens: simulating…', cancellable: true }, (_p, token) => {
        token.onCancellationRequested(() => cts.cancel());
        return request.then(() => undefined, () => undefined);
      });
    }, 700);
    try {
      const view = await request;
      if (cts.token.isCancellationRequested) return;
      if ('error' in view) {
        await this.panel.webview.postMessage({ type: 'error', message: view.error, state: this.savedState() });
        return;
      }
      this.lastView = view;
      this.state = { ...this.state, docIndex: view.docIndex };
      this.panel.title = `Simulation: ${view.title}`;
      // The page keeps the state with the view: it is what the serializer restores after a window reload.
      await this.panel.webview.postMessage({ type: 'view', view, state: this.savedState() });
      SimulationPanel.onDidShowView.fire(view);
    } catch (e) {
      if (!cts.token.isCancellationRequested) await this.panel.webview.postMessage({ type: 'error', message: (e as Error).message, state: this.savedState() });
    } finally {
      clearTimeout(progressTimer);
      if (this.pending === cts) this.pending = undefined;
    }
  }

  private async onMessage(m: FromPage): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.refresh(0);
        break;
      case 'whatIf':
        this.overrides = m.values;
        this.compare = undefined;
        this.refresh(0);
        break;
      case 'scenario':
        this.setScenario(m.scenario);
        break;
      case 'replay': {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: false,
          openLabel: 'Replay traffic',
          title: 'ScaleLens: replay a traffic recording',
          defaultUri: this.recording?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri,
          filters: { 'Traffic recordings (CSV, Prometheus JSON)': ['csv', 'json'] },
        });
        if (picked?.[0]) await this.replay(picked[0]);
        break;
      }
      case 'apply':
        await this.applyToYaml(m.values);
        break;
      case 'export':
        await this.exportAs(m.what);
        break;
      case 'png': {
        const target = this.pngTarget ?? await vscode.window.showSaveDialog({ filters: { PNG: ['png'] }, defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? this.context.globalStorageUri, 'simulation.png') });
        this.pngTarget = undefined;
        if (!target) return;
        const b64 = m.dataUrl.replace(/^data:image\/png;base64,/, '');
        await vscode.workspace.fs.writeFile(target, Buffer.from(b64, 'base64'));
        break;
      }
    }
  }

  /** applyToYaml writes the what-if values into the manifest as one undoable edit. */
  async applyToYaml(values: Record<string, number>): Promise<boolean> {
    const view = this.lastView;
    if (!view || !Object.keys(values).length) return false;
    const params: ApplyKnobsParams = { uri: this.state.uri, docIndex: view.docIndex, version: view.version, values };
    const result = await this.client.sendRequest<{ edit?: import('vscode-languageclient').WorkspaceEdit; error?: string }>(Methods.applyKnobs, params);
    if (!result.edit) {
      void vscode.window.showWarningMessage(`ScaleLens: ${result.error ?? 'nothing to apply'}`);
      return false;
    }
    const edit = await this.client.protocol2CodeConverter.asWorkspaceEdit(result.edit);
    const ok = await vscode.workspace.applyEdit(edit);
    if (ok) {
      this.overrides = {};
      this.refresh(0);
    }
    return ok;
  }

  private dispose(): void {
    SimulationPanel.panels.delete(this.key);
    this.pending?.cancel();
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')],
  };
}

function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars.charAt(Math.floor(Math.random() * chars.length));
  return s;
}

/** pageHtml is the panel's page: local resources only, a strict CSP and a nonce for the one script. */
function pageHtml(webview: vscode.Webview, root: vscode.Uri): string {
  const n = nonce();
  const asset = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, 'dist', f)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('uPlot.min.css')}">
<link rel="stylesheet" href="${asset('webview.css')}">
<title>ScaleLens Simulation</title>
</head>
<body>
<header>
  <h1 id="title">ScaleLens Simulation</h1>
  <span id="subtitle"></span>
</header>
<div class="toolbar" role="toolbar" aria-label="Simulation controls">
  <label for="scenario">Scenario</label>
  <select id="scenario" aria-label="Traffic scenario"></select>
  <button id="replay" class="secondary" title="Replay a CSV of (timestamp, requests/s) or a Prometheus query_range export">Replay a recording…</button>
  <label for="export">Export</label>
  <select id="export" aria-label="Export">
    <option value="">choose…</option>
    <option value="csv">Time series (CSV)</option>
    <option value="png">Charts (PNG)</option>
    <option value="html">Report (HTML)</option>
  </select>
</div>
<div id="status" role="status" aria-live="polite">Simulating…</div>
<div id="runs" class="runs" hidden></div>
<section aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2><div id="cards"></div></section>
<div class="layout">
  <section id="charts" aria-labelledby="charts-h">
    <h2 id="charts-h">Timeline</h2>
    <div class="chart-grid">
      <div id="chart-traffic" class="chart" role="img"></div>
      <div id="chart-replicas" class="chart" role="img"></div>
      <div id="chart-latency" class="chart" role="img"></div>
      <div id="chart-cost" class="chart" role="img"></div>
    </div>
  </section>
  <aside aria-labelledby="whatif-h">
    <h2 id="whatif-h">What if…</h2>
    <div id="knobs"></div>
    <div class="toolbar">
      <button id="apply" disabled title="Write these values into the manifest (one undoable edit)">Apply to YAML</button>
      <button id="reset" class="secondary">Reset</button>
    </div>
  </aside>
</div>
<section aria-labelledby="assumptions-h">
  <h2 id="assumptions-h">Assumptions</h2>
  <ul id="problems" hidden></ul>
  <table>
    <thead><tr><th scope="col">Input</th><th scope="col">Value</th><th scope="col">Origin</th><th scope="col">Where</th></tr></thead>
    <tbody id="assumptions-body"></tbody>
  </table>
</section>
<script nonce="${n}" src="${asset('webview.js')}"></script>
</body>
</html>`;
}
