/**
 * The tests' side of the page probe (test/e2e/harness/pageProbe.mjs): what chromium shows of the workbench and of
 * the simulation panel's webview, which the extension host cannot see.
 */

/**
 * A summary card of the panel: its label, the first run's value, and when two runs are shown the second run's
 * value (`alt`) and its accessible label (`altLabel`, which names the run).
 */
export interface CardSnapshot {
  label: string;
  value: string;
  alt: string | null;
  altLabel: string | null;
}

/** One series of a chart: its legend label, its colour, and how many canvas pixels are painted in that colour. */
export interface SeriesSnapshot {
  label: string;
  colour: string | null;
  pixels: number;
}

/** One uPlot chart of the panel: its description, canvas size, how many pixels are painted at all, and its series. */
export interface ChartSnapshot {
  id: string;
  title: string;
  /** What the chart shows, for screen readers (its aria-label). */
  description: string;
  canvas: { width: number; height: number } | null;
  painted: number;
  series: SeriesSnapshot[];
}

/** What the simulation panel shows (panelSnapshot in the probe). */
export interface PanelSnapshot {
  title: string;
  subtitle: string;
  /** The traffic the scenario picker shows as selected. */
  scenario: string | null;
  status: string;
  /** The key of a comparison: `A current policy`, `B what-if`; empty with one run. */
  runs: string[];
  rendered: string | null;
  cards: CardSnapshot[];
  charts: ChartSnapshot[];
  knobs: Array<{ id: string; value: string }>;
  applyEnabled: boolean;
}

/** probe asks the harness to look at or act on the page; it fails when the suite runs without the harness. */
async function probe<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
  const base = process.env.SCALELENS_E2E_PAGE_PROBE;
  if (!base) throw new Error('SCALELENS_E2E_PAGE_PROBE is not set: run the suite through scripts/run-e2e.mjs');
  const res = await fetch(`${base}/${op}`, { method: 'POST', body: JSON.stringify(args) });
  const body = await res.text();
  if (!res.ok) throw new Error(`page probe ${op}: ${body}`);
  return JSON.parse(body) as T;
}

/** panelSnapshot reads the rendered simulation panel whose heading contains `title` (the only one if omitted). */
export function panelSnapshot(title?: string): Promise<PanelSnapshot> {
  return probe('panel', { title });
}

/** setKnob types a what-if value into the panel's number box for `key` and commits it, as a user would. */
export function setKnob(key: string, value: number, title?: string): Promise<void> {
  return probe('setKnob', { key, value, title });
}

/** clickPanelButton clicks the panel's button with this element id. */
export function clickPanelButton(id: string, title?: string): Promise<void> {
  return probe('click', { id, title });
}

/** statusBarItem reads the ScaleLens status bar item, or null when it is hidden. */
export function statusBarItem(): Promise<{ text: string; ariaLabel: string } | null> {
  return probe('statusBar');
}

/** answerFileDialog types a path into the open file dialog and accepts it, as a user would in VS Code's own dialog. */
export function answerFileDialog(path: string): Promise<void> {
  return probe('fileDialog', { path });
}

/** runFromPalette runs a command through the command palette by its title, e.g. `Developer: Reload Window`. */
export function runFromPalette(command: string): Promise<void> {
  return probe('palette', { command });
}

/** showTab clicks the editor tab labelled exactly `label`, bringing its editor or panel to the front. */
export function showTab(label: string): Promise<void> {
  return probe('showTab', { label });
}

/** notifications lists the messages of the notification center (behind the bell in the status bar). */
export function notifications(): Promise<string[]> {
  return probe('notifications');
}

/** answerQuickPick picks the row labelled exactly `label` in the quick pick the workbench shows (or is about to). */
export function answerQuickPick(label: string): Promise<void> {
  return probe('quickPick', { label });
}
