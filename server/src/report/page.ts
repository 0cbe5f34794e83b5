/**
 * The HTML report's page script (bundled for the browser with uPlot and inlined into the report). It
 * reads the embedded report and draws each `.plot` element's chart; tables are already in the page.
 * Manifest strings reach the DOM only as text (legend labels are set by uPlot through textContent).
 */
import uPlot from 'uplot';
import type { ChartId } from './charts';
import { formatClock, formatUsd } from './format';
import type { ReportRun, ReportSeriesKey, SimulationReport } from './types';

const HEIGHT = 260;
/** Tick spacings for a time axis in seconds: minutes to days. */
const TIME_INCRS = [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

type Values = Array<number | null>;

interface Line {
  label: string;
  values: Values;
  color: string;
  width?: number;
  dash?: number[];
  fill?: string;
  /** Scale (and axis): `y` on the left, `r` on the right. */
  scale?: 'y' | 'r';
  unit?: (v: number) => string;
}

interface ChartSpec {
  lines: Line[];
  left: string;
  right?: string;
  /** Shown instead of the chart when there is nothing to draw. */
  empty?: string;
}

/** cssVar reads a color of the current theme. */
function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function runColor(i: number): string {
  return cssVar(`--run-${i % 6}`);
}

/** fit returns a run's series resampled to the baseline's length (a comparison shares one time axis). */
function fit(values: Values, n: number): Values {
  if (values.length === n) return values;
  const out = values.slice(0, n);
  while (out.length < n) out.push(null);
  return out;
}

const num = (d: number) => (v: number) => v.toFixed(d);
const secs = (v: number) => `${v.toFixed(2)} s`;

/** specFor composes the lines of one chart for the given runs (one run, or several overlaid). */
function specFor(id: ChartId, runs: ReportRun[], indexes: number[]): ChartSpec {
  const n = runs[0].series.t.length;
  const one = runs.length === 1;
  const s = (r: ReportRun, k: ReportSeriesKey) => fit(r.series[k], n);
  const tag = (r: ReportRun, what: string) => (one ? what : `${r.label} ${what}`);
  const lines: Line[] = [];
  switch (id) {
    case 'traffic':
      lines.push({ label: 'traffic', values: s(runs[0], 'traffic'), color: cssVar('--traffic'), unit: num(2) });
      runs.forEach((r, k) => {
        if (one) lines.push({ label: 'served', values: s(r, 'served'), color: cssVar('--served'), unit: num(2) });
        lines.push({ label: tag(r, 'capacity'), values: s(r, 'capacity'), color: runColor(indexes[k]), width: 2, unit: num(2) });
        lines.push({ label: tag(r, 'dropped'), values: s(r, 'dropped'), color: one ? cssVar('--dropped') : runColor(indexes[k]), dash: one ? undefined : [2, 3], fill: one ? withAlpha(cssVar('--dropped'), 0.2) : undefined, unit: num(2) });
      });
      return { lines, left: 'req/s' };
    case 'replicas':
      runs.forEach((r, k) => {
        const c = runColor(indexes[k]);
        lines.push({ label: tag(r, 'desired'), values: s(r, 'desired'), color: c, dash: [6, 4], unit: num(1) });
        lines.push({ label: tag(r, 'ready'), values: s(r, 'ready'), color: c, width: 2, unit: num(1) });
        if (one) {
          lines.push({ label: 'pending', values: s(r, 'pending'), color: cssVar('--pending'), unit: num(1) });
          lines.push({ label: 'nodes', values: s(r, 'nodes'), color: cssVar('--nodes'), dash: [1, 3], unit: num(1) });
        }
      });
      return { lines, left: 'count' };
    case 'latency': {
      runs.forEach((r, k) => {
        lines.push({ label: tag(r, 'TTFT p95'), values: s(r, 'ttftP95'), color: runColor(indexes[k]), width: 2, unit: secs });
        lines.push({ label: tag(r, 'queue'), values: s(r, 'queue'), color: one ? cssVar('--traffic') : runColor(indexes[k]), dash: [2, 3], scale: 'r', unit: num(1) });
      });
      const slo = runs[0].slo.ttftSeconds;
      lines.push({ label: `SLO ${slo} s`, values: runs[0].series.t.map(() => slo), color: cssVar('--slo'), dash: [8, 4], unit: secs });
      return { lines, left: 'TTFT p95 (s)', right: 'queued requests' };
    }
    case 'cost': {
      const priced = runs.filter((r) => r.gpuPricePerHour !== null);
      if (!priced.length) return { lines, left: 'USD', empty: 'No GPU price is known for these GPUs: set spec.gpu.pricePerGpuHour in a ServingProfile to see cost.' };
      runs.forEach((r, k) => {
        if (r.gpuPricePerHour !== null) lines.push({ label: tag(r, 'cost'), values: s(r, 'costUsd'), color: runColor(indexes[k]), width: 2, unit: formatUsd });
      });
      return { lines, left: 'USD' };
    }
  }
}

/** withAlpha turns a `#rrggbb` color into an rgba() with the given opacity. */
function withAlpha(hex: string, a: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, ${a})` : hex;
}

/** axis describes a y-axis: on the left (side 3) or the right (side 1). */
function axis(label: string, scale: string, side: 1 | 3, grid = true): uPlot.Axis {
  const fg = cssVar('--fg');
  const g = cssVar('--grid');
  return { scale, label, side, stroke: fg, grid: { show: grid, stroke: g, width: 1 }, ticks: { stroke: g, width: 1 }, size: 56 };
}

/** draw builds the uPlot chart of one `.plot` element. */
function draw(el: HTMLElement, report: SimulationReport): uPlot | undefined {
  const id = el.dataset.chart as ChartId;
  const indexes = (el.dataset.runs ?? '').split(',').map(Number).filter((i) => report.runs[i]);
  if (!indexes.length) return undefined;
  const runs = indexes.map((i) => report.runs[i]);
  const spec = specFor(id, runs, indexes);
  el.replaceChildren();
  if (spec.empty || !spec.lines.length) {
    const p = document.createElement('div');
    p.className = 'empty';
    p.textContent = spec.empty ?? 'Nothing to draw.';
    el.append(p);
    return undefined;
  }
  const fg = cssVar('--fg');
  const g = cssVar('--grid');
  const axes: uPlot.Axis[] = [
    { stroke: fg, grid: { stroke: g, width: 1 }, ticks: { stroke: g, width: 1 }, incrs: TIME_INCRS, values: (_u, splits) => splits.map(formatClock) },
    axis(spec.left, 'y', 3),
  ];
  if (spec.right) axes.push(axis(spec.right, 'r', 1, false));
  const opts: uPlot.Options = {
    width: Math.max(300, el.clientWidth),
    height: HEIGHT,
    scales: { x: { time: false }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.05 : 1] }, r: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.05 : 1] } },
    series: [
      { label: 'time', value: (_u, v) => (v === null ? '' : formatClock(v)) },
      ...spec.lines.map((l): uPlot.Series => ({
        label: l.label,
        stroke: l.color,
        width: l.width ?? 1.25,
        dash: l.dash,
        fill: l.fill,
        scale: l.scale ?? 'y',
        points: { show: false },
        value: (_u, v) => (v === null ? '—' : (l.unit ?? num(2))(v)),
      })),
    ],
    axes,
    cursor: { sync: { key: 'scalelens' } },
    legend: { show: true },
  };
  const data: uPlot.AlignedData = [runs[0].series.t, ...spec.lines.map((l) => l.values)];
  return new uPlot(opts, data, el);
}

/** main reads the embedded report and draws every chart, again when the theme or the width changes. */
function main(): void {
  const island = document.getElementById('scalelens-data');
  const plots = Array.from(document.querySelectorAll<HTMLElement>('.plot'));
  let report: SimulationReport;
  try {
    report = JSON.parse(island?.textContent ?? '') as SimulationReport;
  } catch {
    for (const p of plots) p.textContent = 'The embedded simulation data could not be read.';
    return;
  }
  let charts: Array<{ el: HTMLElement; u: uPlot | undefined }> = [];
  const drawAll = () => {
    for (const c of charts) c.u?.destroy();
    charts = plots.map((el) => ({ el, u: draw(el, report) }));
  };
  drawAll();
  let pending = 0;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      for (const c of charts) c.u?.setSize({ width: Math.max(300, c.el.clientWidth), height: HEIGHT });
    });
  });
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', drawAll);
}

main();
