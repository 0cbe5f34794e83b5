/**
 * The simulation panel's page script (runs inside the webview, bundled for the browser with uPlot).
 * It only renders what the extension sends and posts the user's choices back; it never computes a simulation.
 */
import uPlot from 'uplot';
import type { Knob, RunView, SeriesKey, SimulationView, SummaryView } from '../../server/src/shared/protocol';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/**
 * What the page keeps across a window reload or a hidden tab: the last view, drawn again at once, and the host's
 * binding (`panel`: document, autoscaler, traffic), which the host's serializer reads back. The page does not
 * interpret the binding.
 */
interface Saved {
  view?: SimulationView;
  panel?: unknown;
}

let saved: Saved = (vscode.getState() as Saved | undefined) ?? {};
let view: SimulationView | undefined = saved.view;
const charts: uPlot[] = [];
const pendingKnobs: Record<string, number> = {};
let knobTimer: ReturnType<typeof setTimeout> | undefined;

/** css reads a VS Code theme variable, with a fallback for themes that do not define it. */
function css(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

/**
 * opaque drops a colour's alpha. Some theme colours are translucent highlights (charts.orange defaults to the
 * find-match highlight, #EA5C0055), which would draw faint lines.
 */
function opaque(c: string): string {
  const hex = /^#([0-9a-f]{6})[0-9a-f]{2}$/i.exec(c) ?? /^#([0-9a-f]{3})[0-9a-f]$/i.exec(c);
  if (hex) return `#${hex[1]}`;
  const rgba = /^rgba\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*,[^)]*\)$/i.exec(c);
  return rgba ? `rgb(${rgba[1]}, ${rgba[2]}, ${rgba[3]})` : c;
}

function palette() {
  return {
    fg: css('--vscode-foreground', '#ccc'),
    grid: css('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)'),
    blue: opaque(css('--vscode-charts-blue', '#3794ff')),
    green: opaque(css('--vscode-charts-green', '#89d185')),
    orange: opaque(css('--vscode-charts-orange', '#d18616')),
    red: opaque(css('--vscode-charts-red', '#f14c4c')),
    purple: opaque(css('--vscode-charts-purple', '#b180d7')),
    yellow: opaque(css('--vscode-charts-yellow', '#cca700')),
    font: `${css('--vscode-font-size', '13px')} ${css('--vscode-font-family', 'sans-serif')}`,
  };
}

/** text sets an element's text (manifest text is never inserted as HTML). */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const fmt = {
  money: (v: number | null) => (v === null ? 'n/a' : `$${v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2)}`),
  pct: (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`),
  num: (v: number, d = 0) => v.toFixed(d),
  dur: (s: number | null | undefined) => (s === undefined ? '—' : s === null ? 'never' : s < 120 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`),
};

interface Card {
  label: string;
  value: (s: SummaryView) => string;
  delta?: (a: SummaryView, b: SummaryView) => string;
}

/** signed renders a difference as `+1,234 pt` or `−0.5`, and `same` when it rounds to nothing. */
function signed(v: number, unit = '', digits = 1): string {
  const abs = Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (Number(abs.replace(/,/g, '')) === 0) return 'same';
  return `${v > 0 ? '+' : '−'}${abs}${unit}`;
}

/** Short names of the two runs of a comparison, used on the cards, in the chart legends and in the key. */
const RUN_TAGS = ['A', 'B'];

const CARDS: Card[] = [
  { label: 'SLO attainment', value: (s) => fmt.pct(s.sloAttainment), delta: (a, b) => (a.sloAttainment === null || b.sloAttainment === null ? '' : signed((b.sloAttainment - a.sloAttainment) * 100, ' pt')) },
  { label: 'Cost per day', value: (s) => fmt.money(s.costPerDay), delta: (a, b) => (a.costPerDay === null || b.costPerDay === null ? '' : Math.abs(b.costPerDay - a.costPerDay) < 0.005 ? 'same' : `${b.costPerDay > a.costPerDay ? '+' : '−'}${fmt.money(Math.abs(b.costPerDay - a.costPerDay))}`) },
  { label: 'Peak GPUs', value: (s) => fmt.num(s.peakGpus), delta: (a, b) => signed(b.peakGpus - a.peakGpus, '', 0) },
  { label: 'GPU-hours', value: (s) => fmt.num(s.gpuHours, 1), delta: (a, b) => signed(b.gpuHours - a.gpuHours) },
  { label: 'Requests over SLO', value: (s) => Math.round(s.overSlo).toLocaleString('en-US'), delta: (a, b) => signed(b.overSlo - a.overSlo, '', 0) },
  { label: 'Dropped', value: (s) => Math.round(s.dropped).toLocaleString('en-US'), delta: (a, b) => signed(b.dropped - a.dropped, '', 0) },
  { label: 'Cold starts', value: (s) => String(s.coldStarts), delta: (a, b) => signed(b.coldStarts - a.coldStarts, '', 0) },
  { label: 'Recovery after spike', value: (s) => fmt.dur(s.timeToRecoverSeconds) },
  { label: 'Idle GPU share', value: (s) => fmt.pct(s.idleShare) },
  { label: 'Cost per 1M requests', value: (s) => fmt.money(s.costPerMillionRequests) },
];

function renderCards(v: SimulationView): void {
  const box = $('cards');
  box.replaceChildren();
  const [a, b] = v.runs;
  for (const c of CARDS) {
    const card = el('div', { class: 'card', role: 'group', 'aria-label': c.label });
    card.append(el('div', { class: 'card-label' }, c.label));
    // With two runs each value carries its run's tag (drawn by CSS); the key above names the runs, and screen
    // readers get the full name from aria-label.
    const value = c.value(a.summary);
    card.append(el('div', { class: 'card-value', ...(b ? { 'data-run': RUN_TAGS[0], 'aria-label': `${a.label}: ${value}` } : {}) }, value));
    if (b) {
      const d = c.delta?.(a.summary, b.summary);
      const alt = `${c.value(b.summary)}${d ? ` (${d})` : ''}`;
      card.append(el('div', { class: 'card-alt', 'data-run': RUN_TAGS[1], 'aria-label': `${b.label}: ${alt}` }, alt));
    }
    box.append(card);
  }
}

/** renderRunKey names the runs of a comparison and how their lines are drawn. */
function renderRunKey(v: SimulationView): void {
  const key = $('runs');
  key.replaceChildren();
  key.hidden = v.runs.length < 2;
  if (key.hidden) return;
  v.runs.forEach((run, i) => {
    const item = el('span', { class: 'run' });
    item.append(el('span', { class: `swatch ${i === 0 ? 'solid' : 'dashed'}`, 'aria-hidden': 'true' }), el('b', {}, RUN_TAGS[i]), document.createTextNode(` ${run.label}`));
    key.append(item);
  });
}

interface ChartDef {
  id: string;
  title: string;
  lines: Array<{ key: SeriesKey; label: string; color: keyof ReturnType<typeof palette>; scale?: string; fill?: boolean }>;
  yLabel: string;
  y2Label?: string;
  sloLine?: 'ttft' | 'e2e';
  describe: (v: SimulationView) => string;
}

const CHARTS: ChartDef[] = [
  {
    id: 'chart-traffic',
    title: 'Traffic and serving capacity',
    yLabel: 'requests/s',
    lines: [
      { key: 'traffic', label: 'arriving', color: 'blue' },
      { key: 'capacity', label: 'capacity of serving replicas', color: 'green' },
      { key: 'dropped', label: 'dropped', color: 'red' },
    ],
    describe: (v) => `Requests per second arriving${peakOf(v.runs[0].t, v.runs[0].series.traffic)} and the capacity of the replicas serving them, over ${v.horizon}.`,
  },
  {
    id: 'chart-replicas',
    title: 'Replicas and nodes',
    yLabel: 'count',
    lines: [
      { key: 'desired', label: 'desired', color: 'purple' },
      { key: 'ready', label: 'ready', color: 'green' },
      { key: 'pending', label: 'pending (node, image)', color: 'orange' },
      { key: 'loading', label: 'loading model', color: 'yellow' },
      { key: 'nodes', label: 'GPU nodes', color: 'blue' },
    ],
    describe: (v) => `Replicas the autoscaler asked for, ready and still starting, and GPU nodes, over ${v.horizon}.`,
  },
  {
    id: 'chart-latency',
    title: 'Queue and latency against the SLO',
    yLabel: 'seconds',
    y2Label: 'queued requests',
    sloLine: 'ttft',
    lines: [
      { key: 'ttftP95', label: 'TTFT p95', color: 'orange' },
      { key: 'e2eP95', label: 'end-to-end p95', color: 'purple' },
      { key: 'queue', label: 'queue', color: 'blue', scale: 'q' },
    ],
    describe: (v) => `Time to first token at the 95th percentile against the SLO of ${v.slo.ttftP95Seconds ?? 'n/a'} s, and the queue length.`,
  },
  {
    id: 'chart-cost',
    title: 'Cumulative cost',
    yLabel: 'USD',
    lines: [{ key: 'costUsd', label: 'cost', color: 'green' }],
    describe: (v) => `Cumulative GPU cost in US dollars over ${v.horizon}.`,
  },
];

/** peakOf describes the highest value of a series and when it occurs, e.g. ` (peak 42.3 at 1:05)`; empty if none. */
function peakOf(t: number[], values: Array<number | null>): string {
  let at = -1;
  values.forEach((x, i) => {
    if (x !== null && (at < 0 || x > values[at]!)) at = i;
  });
  return at < 0 ? '' : ` (peak ${values[at]!.toFixed(1)} at ${clock(t[at] / 3600)})`;
}

function hours(t: number[]): number[] {
  return t.map((s) => s / 3600);
}

/** clock shows a time in hours as `h:mm` for the legend. */
function clock(h: number | null | undefined): string {
  if (h === null || h === undefined) return '—';
  const minutes = Math.round(h * 60);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

const measure = document.createElement('canvas').getContext('2d');

/**
 * axisSize fits a y axis to its widest tick label, so that values such as `1,500` never run into the axis
 * title (uPlot's default width is fixed).
 */
function axisSize(font: string): uPlot.Axis.Size {
  return (_u, values) => {
    if (!measure || !values?.length) return 50;
    measure.font = font;
    const widest = Math.max(...values.map((v) => measure.measureText(String(v)).width));
    // Tick marks and the gap between them and the values.
    return Math.ceil(widest) + 18;
  };
}

function renderCharts(v: SimulationView): void {
  for (const c of charts) c.destroy();
  charts.length = 0;
  const p = palette();
  for (const def of CHARTS) {
    const holder = $(def.id);
    holder.replaceChildren();
    holder.setAttribute('aria-label', def.describe(v));
    // Each chart fills its cell of the grid (one column when narrow, two when wide).
    const width = Math.max(320, Math.min(1100, holder.clientWidth));
    const data: Array<Array<number | null>> = [hours(v.runs[0].t)];
    const series: uPlot.Series[] = [{ label: 'time', value: (_u, x) => clock(x) }];
    v.runs.forEach((run: RunView, ri: number) => {
      for (const line of def.lines) {
        const values = run.series[line.key];
        if (!values || values.every((x) => x === null || x === 0) && line.key === 'dropped') continue;
        data.push(ri === 0 || run.t.length === v.runs[0].t.length ? values : resample(run, v.runs[0].t, line.key));
        series.push({
          label: v.runs.length > 1 ? `${line.label} (${RUN_TAGS[ri]})` : line.label,
          stroke: p[line.color],
          width: 1.6,
          dash: ri === 0 ? undefined : [6, 4],
          scale: line.scale ?? 'y',
          spanGaps: false,
          value: (_u, x) => (x === null || x === undefined ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(2)),
        });
      }
    });
    if (def.sloLine === 'ttft' && v.slo.ttftP95Seconds !== undefined) {
      data.push(data[0].map(() => v.slo.ttftP95Seconds!));
      series.push({ label: 'SLO (TTFT p95)', stroke: p.red, dash: [2, 3], width: 1, scale: 'y', value: (_u, x) => (x === null || x === undefined ? '—' : `${x} s`) });
    }
    const axes: uPlot.Axis[] = [
      { stroke: p.fg, grid: { stroke: p.grid, width: 1 }, ticks: { stroke: p.grid }, font: p.font, label: 'hours', labelFont: p.font },
      { stroke: p.fg, grid: { stroke: p.grid, width: 1 }, ticks: { stroke: p.grid }, font: p.font, label: def.yLabel, labelFont: p.font, scale: 'y', size: axisSize(p.font) },
    ];
    if (def.y2Label) axes.push({ stroke: p.fg, side: 1, grid: { show: false }, font: p.font, label: def.y2Label, labelFont: p.font, scale: 'q', size: axisSize(p.font) });
    const opts: uPlot.Options = {
      title: def.title,
      width,
      height: 220,
      series,
      axes,
      scales: { x: { time: false }, y: { auto: true, range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.08 : 1] }, q: { auto: true } },
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
    charts.push(new uPlot(opts, data as uPlot.AlignedData, holder));
  }
  document.body.dataset.rendered = String(charts.length);
}

function resample(run: RunView, t: number[], key: SeriesKey): Array<number | null> {
  const src = run.series[key];
  let j = 0;
  return t.map((x) => {
    while (j + 1 < run.t.length && run.t[j + 1] <= x) j++;
    return src[j] ?? null;
  });
}

function renderKnobs(v: SimulationView): void {
  const box = $('knobs');
  box.replaceChildren();
  for (const k of v.knobs) box.append(knobControl(k));
}

function knobControl(k: Knob): HTMLElement {
  const id = `knob-${k.key}`;
  const row = el('div', { class: 'knob' });
  const label = el('label', { for: id }, `${k.label}${k.unit ? ` (${k.unit})` : ''}`);
  const input = el('input', { id, type: 'number', min: String(k.min), max: String(k.max), step: String(k.step), value: String(pendingKnobs[k.key] ?? k.value), 'aria-describedby': `${id}-help` });
  const range = el('input', { type: 'range', min: String(k.min), max: String(k.max), step: String(k.step), value: String(pendingKnobs[k.key] ?? k.value), 'aria-label': k.label, tabindex: '-1' });
  const help = el('div', { id: `${id}-help`, class: 'knob-help' }, k.help);
  const changed = (value: string): void => {
    const n = Number(value);
    if (!Number.isFinite(n)) return;
    input.value = String(n);
    range.value = String(n);
    pendingKnobs[k.key] = n;
    if (knobTimer) clearTimeout(knobTimer);
    knobTimer = setTimeout(() => {
      setStatus('Simulating what-if…');
      vscode.postMessage({ type: 'whatIf', values: { ...pendingKnobs } });
    }, 200);
  };
  input.addEventListener('change', () => changed(input.value));
  range.addEventListener('input', () => changed(range.value));
  row.append(label, input, range, help);
  return row;
}

function renderAssumptions(v: SimulationView): void {
  const body = $('assumptions-body');
  body.replaceChildren();
  for (const a of v.assumptions) {
    const tr = el('tr');
    tr.append(el('td', {}, a.name), el('td', {}, a.value), el('td', { class: `origin origin-${a.origin}` }, a.origin), el('td', {}, a.where ?? ''));
    body.append(tr);
  }
  const problems = $('problems');
  problems.replaceChildren();
  for (const p of v.problems) problems.append(el('li', {}, p));
  problems.hidden = v.problems.length === 0;
}

function renderScenarios(v: SimulationView): void {
  const sel = $<HTMLSelectElement>('scenario');
  sel.replaceChildren();
  // A replayed recording is not one of the built-in scenarios, yet the picker must name the traffic shown.
  for (const s of v.scenarios.includes(v.scenario) ? v.scenarios : [v.scenario, ...v.scenarios]) {
    const o = el('option', { value: s }, s);
    if (s === v.scenario) o.selected = true;
    sel.append(o);
  }
}

function setStatus(text: string): void {
  $('status').textContent = text;
}

/** save merges into the state the webview keeps. */
function save(patch: Saved): void {
  saved = { ...saved, ...patch };
  vscode.setState(saved);
}

function render(v: SimulationView): void {
  view = v;
  $('title').textContent = v.title;
  $('subtitle').textContent = `scenario ${v.scenario} · ${v.horizon}`;
  renderScenarios(v);
  renderRunKey(v);
  renderCards(v);
  renderCharts(v);
  renderKnobs(v);
  renderAssumptions(v);
  $('apply').toggleAttribute('disabled', v.runs.length < 2 || !v.runs[1].label.startsWith('what-if'));
  setStatus('Simulation up to date');
}

window.addEventListener('message', (e: MessageEvent) => {
  const msg = e.data as { type: string; view?: SimulationView; message?: string; state?: unknown };
  // What a window reload restores: the panel's binding, with the last view when this message brings one.
  const patch: Saved = {};
  if (msg.state !== undefined) patch.panel = msg.state;
  if (msg.type === 'view' && msg.view) patch.view = msg.view;
  if (Object.keys(patch).length) save(patch);
  if (msg.type === 'view' && msg.view) {
    for (const k of Object.keys(pendingKnobs)) if (!msg.view.runs.some((r) => r.label.startsWith('what-if'))) delete pendingKnobs[k];
    render(msg.view);
  } else if (msg.type === 'busy') setStatus(msg.message ?? 'Simulating…');
  else if (msg.type === 'error') setStatus(`Error: ${msg.message}`);
  else if (msg.type === 'exportPng') exportPng();
});

function exportPng(): void {
  // Compose all chart canvases into one image.
  const canvases = charts.map((c) => c.root.querySelector('canvas')).filter((c): c is HTMLCanvasElement => !!c);
  if (!canvases.length) return;
  const w = Math.max(...canvases.map((c) => c.width));
  const h = canvases.reduce((s, c) => s + c.height, 0);
  const out = document.createElement('canvas');
  out.width = w;
  out.height = h;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = css('--vscode-editor-background', '#1e1e1e');
  ctx.fillRect(0, 0, w, h);
  let y = 0;
  for (const c of canvases) {
    ctx.drawImage(c, 0, y);
    y += c.height;
  }
  vscode.postMessage({ type: 'png', dataUrl: out.toDataURL('image/png') });
}

$('scenario').addEventListener('change', (e) => vscode.postMessage({ type: 'scenario', scenario: (e.target as HTMLSelectElement).value }));
$('replay').addEventListener('click', () => vscode.postMessage({ type: 'replay' }));
$('apply').addEventListener('click', () => vscode.postMessage({ type: 'apply', values: { ...pendingKnobs } }));
$('reset').addEventListener('click', () => {
  for (const k of Object.keys(pendingKnobs)) delete pendingKnobs[k];
  vscode.postMessage({ type: 'whatIf', values: {} });
});
$('export').addEventListener('change', (e) => {
  const sel = e.target as HTMLSelectElement;
  const what = sel.value;
  sel.value = '';
  if (what === 'png') exportPng();
  else if (what) vscode.postMessage({ type: 'export', what });
});
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  if (resizeTimer) clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => view && renderCharts(view), 150);
});
// Re-read theme colours when VS Code switches theme (it changes the body's class).
new MutationObserver(() => view && renderCharts(view)).observe(document.body, { attributes: true, attributeFilter: ['class'] });

if (view) render(view);
vscode.postMessage({ type: 'ready' });
