/**
 * Helpers for the end-to-end tests of the simulation panel: the extension's panels, opening one, waiting for what the
 * host holds and what chromium draws, the page's figures as it formats them, and the CLI the .vsix ships.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { CommandIds, SimulationView, SummaryView } from '../../../server/src/shared/protocol';
import { EXTENSION_ID, openWithSiblings, retry, workspaceRoot } from './editor';
import { PanelSnapshot, panelSnapshot } from './page';

/** The part of a SimulationPanel the tests read (the extension's API returns the panels). */
export interface Panel {
  panel: vscode.WebviewPanel;
  view: SimulationView | undefined;
}

/** The extension's API as the tests use it. */
export interface ScaleLensApi {
  panels(): Panel[];
}

/** api is the active extension's API. */
export function api(): ScaleLensApi {
  const ext = vscode.extensions.getExtension<ScaleLensApi>(EXTENSION_ID);
  assert.ok(ext?.isActive, `${EXTENSION_ID} is not active`);
  return ext.exports;
}

/** closePanels closes every simulation panel, so each test looks at the one it opens. */
export function closePanels(): void {
  for (const p of api().panels()) p.panel.dispose();
}

/** waitForView waits until the panel shows a view `accept` takes. */
export function waitForView(panel: Panel, what: string, accept: (v: SimulationView) => boolean): Promise<SimulationView> {
  return retry(
    () => (panel.view && accept(panel.view) ? panel.view : undefined),
    () => `the panel never showed ${what}; it shows ${panel.view ? `${panel.view.title} (scenario ${panel.view.scenario}): ${panel.view.runs.map((r) => r.label).join(' vs ')}` : 'nothing'}`,
  );
}

/**
 * openPanel runs `ScaleLens: Open Simulation` on a workspace file and waits for its first simulation. Other panels
 * are closed first unless `keepOthers` is set.
 */
export async function openPanel(path: string, keepOthers = false): Promise<{ editor: vscode.TextEditor; panel: Panel; view: SimulationView }> {
  if (!keepOthers) closePanels();
  const editor = await openWithSiblings(path);
  const panel = await vscode.commands.executeCommand<Panel | undefined>(CommandIds.openSimulation, editor.document.uri.toString());
  assert.ok(panel, 'ScaleLens: Open Simulation returned no panel');
  const view = await waitForView(panel, 'a simulation', (v) => v.runs.length === 1);
  return { editor, panel, view };
}

/** snapshotWhen reads the panel in chromium until `accept` holds (the page renders after the host has the view). */
export async function snapshotWhen(title: string, what: string, accept: (s: PanelSnapshot) => boolean): Promise<PanelSnapshot> {
  let last: PanelSnapshot | undefined;
  return retry(
    async () => {
      last = await panelSnapshot(title);
      return accept(last) ? last : undefined;
    },
    () => `the panel never showed ${what}; it shows status '${last?.status}', subtitle '${last?.subtitle}', cards ${JSON.stringify(last?.cards.slice(0, 3))}`,
  );
}

/** card is the summary card labelled `label`. */
export function card(s: PanelSnapshot, label: string): PanelSnapshot['cards'][number] {
  const c = s.cards.find((x) => x.label === label);
  assert.ok(c, `no '${label}' card; cards: ${s.cards.map((x) => x.label).join(', ')}`);
  return c;
}

/** cardValues gives the card values of a summary, formatted as the page formats them. */
export function cardValues(s: SummaryView): Record<string, string> {
  const money = (v: number | null) => (v === null ? 'n/a' : `$${v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2)}`);
  return {
    'SLO attainment': s.sloAttainment === null ? 'n/a' : `${(s.sloAttainment * 100).toFixed(1)}%`,
    'Cost per day': money(s.costPerDay),
    'Peak GPUs': String(s.peakGpus),
    'Cold starts': String(s.coldStarts),
  };
}

/** assertCards checks that the page's cards show the figures of a summary. */
export function assertCards(s: PanelSnapshot, summary: SummaryView): void {
  for (const [label, value] of Object.entries(cardValues(summary))) assert.equal(card(s, label).value, value, `card '${label}'`);
}

/** assertChartsDrawn checks that the four uPlot charts exist and that each has a data line painted on its canvas. */
export function assertChartsDrawn(s: PanelSnapshot): void {
  assert.deepEqual(s.charts.map((c) => c.id), ['chart-traffic', 'chart-replicas', 'chart-latency', 'chart-cost']);
  for (const c of s.charts) {
    assert.ok(c.canvas && c.canvas.width > 200 && c.canvas.height > 100, `${c.id}: no canvas of a usable size (${JSON.stringify(c.canvas)})`);
    assert.ok(c.series.length >= 1, `${c.id}: no series in the legend`);
    // Axes, grid and labels are drawn in the foreground and border colours; a data line in its own colour.
    const drawn = c.series.filter((x) => x.pixels >= 150);
    assert.ok(drawn.length >= 1, `${c.id}: no series painted on the canvas: ${JSON.stringify(c.series)}`);
  }
}

/** runCli runs the CLI the installed .vsix ships (`dist/cli.js`) and returns what it printed. */
export async function runCli(args: string[]): Promise<string> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  const { stdout } = await promisify(execFile)(process.execPath, [join(ext.extensionPath, 'dist', 'cli.js'), ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** RECORDINGS is the folder of the traffic recordings the tests replay (test/e2e/fixtures/recordings). */
const RECORDINGS = join(__dirname, '../../../test/e2e/fixtures/recordings');

/**
 * workspaceRecording copies a traffic recording of the fixtures into the workspace's `recordings/` folder, where a
 * user would keep it, and returns its path there.
 */
export async function workspaceRecording(file: string): Promise<string> {
  const dest = vscode.Uri.joinPath(workspaceRoot(), 'recordings', file);
  await vscode.workspace.fs.copy(vscode.Uri.file(join(RECORDINGS, file)), dest, { overwrite: true });
  return dest.fsPath;
}
