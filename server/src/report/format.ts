/**
 * Figures of a simulation report in words and numbers: the compared metrics, how each is printed, and how
 * a difference between two policies reads. Shared by the CLI's text output, the HTML report and its page
 * script (which runs in the browser: no Node imports here).
 */
import type { MetricId, ReportRun } from './types';

/** How a metric's value is printed. */
export type MetricKind = 'share' | 'count' | 'decimal' | 'usd' | 'hours' | 'seconds' | 'ratio';

/** A compared metric: its label, how it prints, and which direction is better. */
export interface MetricDef {
  id: MetricId;
  label: string;
  kind: MetricKind;
  /** Which way is better, for coloring differences; undefined when neither is (peak replicas). */
  better?: 'lower' | 'higher';
}

/** METRICS lists the compared metrics in the order tables and cards show them. */
export const METRICS: readonly MetricDef[] = [
  { id: 'sloAttainment', label: 'SLO attainment', kind: 'share', better: 'higher' },
  { id: 'overSlo', label: 'Requests over SLO', kind: 'count', better: 'lower' },
  { id: 'dropped', label: 'Requests dropped', kind: 'count', better: 'lower' },
  { id: 'timeToRecoverSeconds', label: 'Recovery after spike', kind: 'seconds', better: 'lower' },
  { id: 'peakReplicas', label: 'Peak replicas', kind: 'count' },
  { id: 'meanReplicas', label: 'Mean replicas', kind: 'decimal' },
  { id: 'peakGpus', label: 'Peak GPUs (billed)', kind: 'count', better: 'lower' },
  { id: 'meanGpus', label: 'Mean GPUs (billed)', kind: 'decimal', better: 'lower' },
  { id: 'billedGpuHours', label: 'GPU-hours', kind: 'hours', better: 'lower' },
  { id: 'costUsd', label: 'Cost of the run', kind: 'usd', better: 'lower' },
  { id: 'usdPerDay', label: 'Cost per day', kind: 'usd', better: 'lower' },
  { id: 'usdPerMillionRequests', label: 'Cost per 1M requests', kind: 'usd', better: 'lower' },
  { id: 'idleShare', label: 'Idle GPU share', kind: 'share', better: 'lower' },
  { id: 'coldStarts', label: 'Cold starts', kind: 'count' },
  { id: 'overProvisioning', label: 'Capacity over demand', kind: 'ratio' },
];

/** groupThousands prints an integer with `,` between thousands (the same in every locale). */
export function groupThousands(n: number): string {
  const s = String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 && Math.round(Math.abs(n)) !== 0 ? `−${s}` : s;
}

/** formatUsd prints dollars: cents below $100, whole dollars above. */
export function formatUsd(v: number): string {
  const a = Math.abs(v);
  const s = a >= 100 ? groupThousands(a) : a.toFixed(2);
  return `${v < 0 ? '−' : ''}$${s}`;
}

/** formatDuration prints seconds for people: `54 s`, `32 min`, `2.5 h`. */
export function formatDuration(seconds: number): string {
  const a = Math.abs(seconds);
  const sign = seconds < 0 ? '−' : '';
  if (a < 90) return `${sign}${Math.round(a)} s`;
  if (a < 2 * 3600) return `${sign}${Math.round(a / 60)} min`;
  const h = a / 3600;
  return `${sign}${Number.isInteger(h) ? h : h.toFixed(1)} h`;
}

/** formatClock prints a time since the start as `h:mm` (chart axes, event tables). */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.round(seconds / 60));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** formatValue prints a value of a metric kind. */
export function formatValue(kind: MetricKind, v: number): string {
  switch (kind) {
    case 'share':
      return `${(v * 100).toFixed(1)}%`;
    case 'count':
      return groupThousands(v);
    case 'decimal':
      return v.toFixed(2);
    case 'usd':
      return formatUsd(v);
    case 'hours':
      return v.toFixed(1);
    case 'seconds':
      return formatDuration(v);
    case 'ratio':
      return `${v.toFixed(2)}×`;
  }
}

/**
 * metricText prints one metric of a run; unknown values say why (no price, no traffic), and the recovery
 * reads `no spike` or `never` from the run's per-spike recoveries.
 */
export function metricText(run: ReportRun, id: MetricId): string {
  const def = METRICS.find((m) => m.id === id)!;
  const v = run.metrics[id];
  if (id === 'timeToRecoverSeconds') {
    if (run.summary.recoveries.length === 0) return 'no spike';
    if (run.summary.recoveries.some((r) => r.recoverSeconds === null)) return 'never';
  }
  if (v === null) return def.kind === 'usd' ? 'no price' : 'n/a';
  return formatValue(def.kind, v);
}

/** Whether a difference is an improvement. */
export type Tone = 'better' | 'worse' | 'same';

/** deltaTone says whether a difference (b − a) of a metric is better, worse or neither. */
export function deltaTone(def: MetricDef, delta: number | null): Tone {
  if (delta === null || !def.better || Math.abs(delta) < 1e-9) return 'same';
  return (delta > 0) === (def.better === 'higher') ? 'better' : 'worse';
}

/** versus is how a run compares with the baseline in one metric: the tone and the signed text (empty when not compared). */
export function versus(def: MetricDef, run: ReportRun, baseline: ReportRun): { tone: Tone; text: string } {
  const d = run.delta?.[def.id] ?? null;
  return { tone: deltaTone(def, d), text: formatDelta(def, d, [baseline.metrics[def.id], run.metrics[def.id]]) };
}

/** formatDelta prints a difference of a metric with its sign (`+28.5 pt`, `−$12.40`, `+3`), as precise as `values`, the figures compared. */
export function formatDelta(def: MetricDef, delta: number | null, values: ReadonlyArray<number | null> = []): string {
  if (delta === null) return '';
  if (Math.abs(delta) < 1e-9) return '±0';
  const sign = delta > 0 ? '+' : '−';
  const a = Math.abs(delta);
  switch (def.kind) {
    case 'share':
      return `${sign}${(a * 100).toFixed(1)} pt`;
    case 'usd':
      // No finer than the figures it compares: $572 against $521 reads −$51, not −$51.02.
      return `${sign}${values.some((v) => v !== null && Math.abs(v) >= 100) ? `$${groupThousands(a)}` : formatUsd(a)}`;
    default:
      return `${sign}${formatValue(def.kind, a)}`;
  }
}

/** sloHeld tells whether a run met its objective: the share of requests within the SLO reaches the percentile. */
export function sloHeld(run: ReportRun): boolean | undefined {
  const a = run.metrics.sloAttainment;
  return a === null ? undefined : a >= run.slo.percentile / 100;
}

/** sloText states a run's objective (`TTFT p95 ≤ 2 s`, plus end-to-end latency when set). */
export function sloText(run: ReportRun): string {
  const p = `p${run.slo.percentile}`;
  const parts = [`TTFT ${p} ≤ ${formatSeconds(run.slo.ttftSeconds)}`];
  if (run.slo.e2eSeconds !== null) parts.push(`end-to-end ${p} ≤ ${formatSeconds(run.slo.e2eSeconds)}`);
  return parts.join(', ');
}

/** formatSeconds prints a latency (`250 ms`, `2 s`, `1.5 s`). */
export function formatSeconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** horizonText prints a run's horizon and step (`6 h at 1 s steps`). */
export function horizonText(run: ReportRun): string {
  return `${formatDuration(run.horizonSeconds)} at ${formatSeconds(run.stepSeconds)} steps`;
}
