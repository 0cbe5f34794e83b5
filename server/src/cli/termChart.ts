/**
 * Charts and tables for the terminal: line charts drawn by `asciichart` over series resampled to the
 * terminal's width, a time axis under them, and column-aligned tables that ignore color codes when
 * measuring. Colors are ANSI codes, passed only when the output is a terminal that wants them.
 */
import * as asciichart from 'asciichart';
import { formatClock } from '../report/format';

/** Colors a chart line can take. */
export type LineColor = 'blue' | 'yellow' | 'green' | 'red' | 'magenta' | 'cyan' | 'gray';

const ANSI: Record<LineColor, string> = {
  blue: asciichart.blue,
  yellow: asciichart.yellow,
  green: asciichart.green,
  red: asciichart.red,
  magenta: asciichart.magenta,
  cyan: asciichart.cyan,
  gray: asciichart.darkgray,
};

/** One line of a chart; `values` may hold null or NaN where nothing is known. */
export interface TermLine {
  label: string;
  values: ArrayLike<number | null>;
  color: LineColor;
  /** How points merge into one column: the mean, or the max (peaks of latency must not be averaged away). */
  merge?: 'mean' | 'max';
}

/** Size and look of a chart. */
export interface TermChartOptions {
  /** Total width in columns, labels included. */
  width: number;
  height: number;
  color: boolean;
  /** Seconds since the start of each point, for the time axis. */
  t: ArrayLike<number>;
  /** Prints a y-axis value (short: it is padded to the label width). */
  format: (v: number) => string;
}

/** Columns taken by the y-axis labels; the axis takes one more, and the plot starts after it. */
const LABEL_WIDTH = 8;
const PLOT_START = LABEL_WIDTH + 1;
/** asciichart's offset: with labels wider than it, labels take their own width and the axis one column. */
const ASCIICHART_OFFSET = 2;

/** resample merges a series into `width` columns; unknown points are skipped, an empty column repeats the last value. */
export function resample(values: ArrayLike<number | null>, width: number, merge: 'mean' | 'max' = 'mean'): number[] {
  const n = values.length;
  const cols = Math.max(1, Math.min(width, n));
  const out: number[] = [];
  let last = 0;
  for (let c = 0; c < cols; c++) {
    const from = Math.floor((c * n) / cols);
    const to = Math.max(from + 1, Math.floor(((c + 1) * n) / cols));
    let acc = merge === 'max' ? -Infinity : 0;
    let count = 0;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (v === null || !Number.isFinite(v)) continue;
      acc = merge === 'max' ? Math.max(acc, v) : acc + v;
      count++;
    }
    if (count) last = merge === 'max' ? acc : acc / count;
    out.push(last);
  }
  return out;
}

type Symbols = [string, string, string, string, string, string, string, string, string, string];

/**
 * Line styles, one per line of a chart, in asciichart's symbol order (axis zero, axis, left end, right end,
 * horizontal, four corners, vertical): the styles tell lines apart when there is no color.
 */
const STYLES: Array<{ symbols: Symbols; legend: string }> = [
  { symbols: ['┼', '┤', '╶', '╴', '─', '╰', '╭', '╮', '╯', '│'], legend: '──' },
  { symbols: ['┼', '┤', '╺', '╸', '━', '┗', '┏', '┓', '┛', '┃'], legend: '━━' },
  { symbols: ['┼', '┤', '╶', '╴', '═', '╚', '╔', '╗', '╝', '║'], legend: '══' },
  { symbols: ['┼', '┤', '╶', '╴', '┈', '└', '┌', '┐', '┘', '┊'], legend: '┈┈' },
];

/**
 * lineChart draws lines over a shared y-axis (from 0), with a time axis and a legend below. Each line is
 * plotted alone in its own style and the plots are laid over one another, later lines on top.
 */
export function lineChart(title: string, lines: TermLine[], opts: TermChartOptions): string {
  const cols = Math.max(10, opts.width - PLOT_START - 1);
  const data = lines.map((l) => resample(l.values, cols, l.merge));
  const max = Math.max(0, ...data.flat());
  const grids = data.map((d, i) =>
    asciichart
      .plot(d, {
        height: opts.height,
        min: 0,
        max: max > 0 ? max : 1,
        offset: ASCIICHART_OFFSET,
        symbols: STYLES[i % STYLES.length].symbols,
        // The bottom level comes out as a rounding error below 0 (−1e-15, say): it is written as 0, not "-0.0".
        format: (v) => opts.format(Math.abs(v) < 1e-9 * (max > 0 ? max : 1) ? 0 : v).slice(0, LABEL_WIDTH).padStart(LABEL_WIDTH),
      })
      .split('\n'),
  );
  const plot = overlay(grids, PLOT_START, opts.color ? lines.map((l) => ANSI[l.color]) : undefined);
  const used = data[0]?.length ?? cols;
  const axis = timeAxis(opts.t, used, PLOT_START);
  const legend = lines.map((l, i) => {
    const mark = STYLES[i % STYLES.length].legend;
    return `${opts.color ? asciichart.colored(mark, ANSI[l.color]) : mark} ${l.label}`;
  });
  return [title, plot, axis, `${' '.repeat(PLOT_START)}${legend.join('   ')}`].join('\n');
}

/** overlay lays plots of the same size over one another and colors each cell by the line that drew it. */
function overlay(grids: string[][], plotStart: number, colors: string[] | undefined): string {
  const rows = grids[0]?.length ?? 0;
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const chars = [...(grids[0][r] ?? '')];
    const owner: number[] = chars.map((ch, c) => (c >= plotStart && ch !== ' ' ? 0 : -1));
    for (let g = 1; g < grids.length; g++) {
      [...(grids[g][r] ?? '')].forEach((ch, c) => {
        if (ch === ' ' || c < plotStart - 1) return;
        // The axis column marks where each line starts; keep any line's mark.
        if (c < plotStart) {
          if (ch === '┼') chars[c] = ch;
          return;
        }
        chars[c] = ch;
        owner[c] = g;
      });
    }
    let line = '';
    for (let c = 0; c < chars.length; ) {
      let end = c + 1;
      while (end < chars.length && owner[end] === owner[c]) end++;
      const run = chars.slice(c, end).join('');
      line += colors && owner[c] >= 0 ? asciichart.colored(run, colors[owner[c]]) : run;
      c = end;
    }
    out.push(line.trimEnd());
  }
  return out.join('\n');
}

/** timeAxis labels the start, middle and end of the plotted span (`h:mm` since the start). */
function timeAxis(t: ArrayLike<number>, columns: number, indent: number): string {
  if (t.length === 0) return '';
  const step = t.length > 1 ? t[1] - t[0] : 0;
  const end = t[t.length - 1] + step;
  const left = formatClock(t[0]);
  const mid = formatClock((t[0] + end) / 2);
  const right = formatClock(end);
  const row = new Array<string>(columns + 1).fill(' ');
  const put = (s: string, at: number) => {
    const start = Math.max(0, Math.min(columns + 1 - s.length, at));
    for (let i = 0; i < s.length; i++) row[start + i] = s[i];
  };
  put(left, 0);
  put(mid, Math.round(columns / 2 - mid.length / 2));
  put(right, columns + 1 - right.length);
  return ' '.repeat(indent) + row.join('').trimEnd();
}

/** visibleLength is the width of a string on screen: ANSI color codes take no room. */
export function visibleLength(s: string): number {
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/** table aligns rows into columns; `right` lists the columns aligned to the right (numbers). */
export function table(rows: string[][], right: ReadonlySet<number> = new Set(), indent = '  '): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows
    .map((r) => indent + r.map((cell, i) => {
      const pad = ' '.repeat(widths[i] - visibleLength(cell));
      return right.has(i) ? pad + cell : i === r.length - 1 ? cell : cell + pad;
    }).join('  ').trimEnd())
    .join('\n');
}
