/**
 * The text output of `scalelens simulate`: who was simulated on what traffic, the summary table (side by
 * side with deltas when comparing), SLO verdicts, terminal charts, problems and the assumptions table.
 */
import pc from 'picocolors';
import { formatSeconds, horizonText, METRICS, metricText, sloHeld, sloText, Tone, versus } from '../report/format';
import type { ReportOrigin, ReportRun, SimulationReport } from '../report/types';
import { lineChart, table, TermChartOptions } from './termChart';

/** How the text is laid out. */
export interface TextOptions {
  color: boolean;
  /** Terminal width in columns. */
  width: number;
  charts: boolean;
}

type Colors = ReturnType<typeof pc.createColors>;

const CHART_HEIGHT = 7;

/** formatSimulationText prints a report for the terminal. */
export function formatSimulationText(report: SimulationReport, opts: TextOptions): string {
  const c = pc.createColors(opts.color);
  const out: string[] = [];
  const first = report.runs[0];
  out.push(c.bold('ScaleLens simulation'));
  if (report.compare) out.push(`Traffic: ${first.traffic}`, `Horizon: ${horizonText(first)}, seed ${first.seed} (the same for every policy)`);
  out.push('');
  report.runs.forEach((r, i) => {
    out.push(`${c.bold(`[${i + 1}] ${r.label}`)}  ${r.autoscaler.kind} ${r.autoscaler.namespace ? `${r.autoscaler.namespace}/` : ''}${r.autoscaler.name}  ${c.dim(r.autoscaler.file)}`);
    const profile = r.profile ? `profile ${r.profile.name} (${r.profile.matchedBy})` : 'no ServingProfile: defaults';
    out.push(`    scales ${r.target.kind} ${r.target.name} · ${profile} · SLO ${sloText(r)}`);
    if (!report.compare) out.push(`    traffic ${r.traffic} · ${horizonText(r)}, seed ${r.seed}`);
  });
  out.push('', summaryTable(report, c), '');
  for (const r of report.runs) out.push(verdict(r, c));
  const problems = report.runs.flatMap((r) => r.problems.map((p) => (report.runs.length > 1 ? `${r.label}: ${p}` : p)));
  if (problems.length) out.push('', c.bold(c.yellow('Problems')), ...problems.map((p) => `  ${c.yellow('!')} ${p}`));
  if (opts.charts) for (const r of report.runs) out.push('', ...runCharts(r, opts, c));
  for (const r of report.runs) out.push('', assumptionsTable(r, c));
  return out.join('\n') + '\n';
}

function paintTone(c: Colors, tone: Tone, s: string): string {
  return tone === 'better' ? c.green(s) : tone === 'worse' ? c.red(s) : s;
}

function summaryTable(report: SimulationReport, c: Colors): string {
  const compare = report.compare;
  const head = ['', ...report.runs.flatMap((r, i) => (compare && i > 0 ? [r.label, 'Δ'] : [r.label]))];
  const right = new Set<number>();
  for (let i = 1; i < head.length; i++) right.add(i);
  const rows = METRICS.map((def) => [
    def.label,
    ...report.runs.flatMap((r, i) => {
      const v = metricText(r, def.id);
      if (!compare || i === 0) return [v];
      const vs = versus(def, r, report.runs[0]);
      return [v, paintTone(c, vs.tone, vs.text)];
    }),
  ]);
  return table([head.map((h) => (h ? c.bold(h) : h)), ...rows], right);
}

function verdict(r: ReportRun, c: Colors): string {
  const held = sloHeld(r);
  if (held === undefined) return `  ${c.dim('–')} ${r.label}: no traffic, so no SLO figure`;
  const mark = held ? c.green('✔') : c.red('✖');
  return `  ${mark} ${r.label} ${held ? 'holds' : 'misses'} its SLO: ${metricText(r, 'sloAttainment')} of requests within ${sloText(r)} (objective ${r.slo.percentile}%)`;
}

function runCharts(r: ReportRun, opts: TextOptions, c: Colors): string[] {
  const base: TermChartOptions = { width: Math.min(opts.width, 100), height: CHART_HEIGHT, color: opts.color, t: r.series.t, format: (v) => v.toFixed(v >= 100 ? 0 : 1) };
  const s = r.series;
  const slo = r.slo.ttftSeconds;
  return [
    c.bold(`${r.label} — over ${horizonText(r)}`),
    lineChart('Traffic and serving capacity (req/s)', [
      { label: 'traffic', values: s.traffic, color: 'gray' },
      { label: 'capacity of serving replicas', values: s.capacity, color: 'blue' },
      { label: 'dropped', values: s.dropped, color: 'red', merge: 'max' },
    ], base),
    '',
    lineChart('Replicas', [
      { label: 'desired', values: s.desired, color: 'yellow' },
      { label: 'ready', values: s.ready, color: 'blue' },
      { label: 'pending', values: s.pending, color: 'magenta', merge: 'max' },
    ], base),
    '',
    lineChart('Time to first token p95 (s) against the SLO', [
      { label: 'TTFT p95', values: s.ttftP95, color: 'cyan', merge: 'max' },
      { label: `SLO ${formatSeconds(slo)}`, values: s.t.map(() => slo), color: 'red' },
    ], { ...base, format: (v) => v.toFixed(v >= 10 ? 0 : 1) }),
  ];
}

const ORIGIN_COLOR: Record<ReportOrigin, (c: Colors, s: string) => string> = {
  manifest: (c, s) => c.blue(s),
  profile: (c, s) => c.green(s),
  default: (c, s) => c.yellow(s),
  user: (c, s) => c.magenta(s),
};

function assumptionsTable(r: ReportRun, c: Colors): string {
  const rows = r.assumptions.map((a) => {
    const where = a.file ? `${a.file}${a.where ? `:${a.where}` : ''}` : a.where ?? '';
    // A value read from a file can still carry a note, such as a comparison sharing it from the first policy.
    const detail = [where, a.note ? c.dim(a.note) : ''].filter(Boolean).join(c.dim(' · '));
    return [a.name, String(a.value), ORIGIN_COLOR[a.origin](c, a.origin), detail];
  });
  return `${c.bold(`Assumptions — ${r.label}`)} ${c.dim('(origin: manifest, profile, default, or user for an option of this run)')}\n${table([['value', 'used', 'origin', 'where (file:field) and note'].map((h) => c.bold(h)), ...rows])}`;
}
