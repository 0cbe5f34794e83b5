/** CSV export of the simulation time series: one row per point, one column per series and run. */
import type { SeriesKey, SimulationView } from '../../server/src/shared/protocol';

const COLUMNS: SeriesKey[] = ['traffic', 'served', 'capacity', 'dropped', 'desired', 'ready', 'pending', 'loading', 'nodes', 'gpus', 'queue', 'ttftP50', 'ttftP95', 'e2eP95', 'costUsd'];

/** runsToCsv renders every run side by side (columns suffixed with the run label when there are two). */
export function runsToCsv(view: SimulationView): string {
  const head = ['t_seconds'];
  for (const run of view.runs) for (const c of COLUMNS) head.push(view.runs.length > 1 ? `${c} (${run.label})` : c);
  const lines = [head.map(csvCell).join(',')];
  const t = view.runs[0].t;
  for (let i = 0; i < t.length; i++) {
    const row: string[] = [String(t[i])];
    for (const run of view.runs) for (const c of COLUMNS) {
      const v = run.series[c]?.[i];
      row.push(v === null || v === undefined ? '' : String(v));
    }
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
