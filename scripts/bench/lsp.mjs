// The editor-level comparison: bench/lsp-bench.mjs drives ScaleLens and yaml-language-server over the same folder,
// interleaved, then the runs are summarised side by side and the peer's findings are looked up in ours.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_NAME } from './corpus.mjs';
import { median } from './stats.mjs';

/** FIGURES are the rows of the comparison: a name, how to read it from a harness result, and its unit. */
export const FIGURES = [
  ['open->diagnostics median', (r) => r.figures.openToDiagnostics.median, 'ms'],
  ['open->diagnostics p95', (r) => r.figures.openToDiagnostics.p95, 'ms'],
  ['open->diagnostics, 2,000-line file', (r) => r.files.find((f) => f.file === GENERATED_NAME)?.open?.ms ?? null, 'ms'],
  ['first file open->diagnostics', (r) => r.figures.firstFileOpenToDiagnosticsMs, 'ms'],
  ['change->diagnostics median', (r) => r.figures.changeToDiagnostics.median, 'ms'],
  ['completion p50', (r) => r.figures.completion.median, 'ms'],
  ['completion p95', (r) => r.figures.completion.p95, 'ms'],
  ['hover p50', (r) => r.figures.hover.median, 'ms'],
  ['initialize', (r) => r.figures.initializeMs, 'ms'],
  ['peak RSS', (r) => r.figures.peakRssMiB, 'MiB'],
  ['server CPU', (r) => r.figures.cpuSeconds, 's'],
  ['open/change timeouts', (r) => r.figures.openTimeouts + r.figures.changeTimeouts, ''],
];

export { median } from './stats.mjs';

/**
 * runServers runs the harness `repeats` times per server. The order flips on every repeat (A B, B A, A B...), so
 * neither server always runs right after the other one. Returns, per label, the result file of each run.
 */
export function runServers({ harness, corpus, outDir, repeats, servers, log }) {
  const runs = Object.fromEntries(servers.map((s) => [s.label, []]));
  for (let k = 1; k <= repeats; k++) {
    const order = k % 2 ? servers : [...servers].reverse();
    for (const s of order) {
      const out = join(outDir, `${s.label}.run${k}.json`);
      const argv = [harness, '--corpus', corpus, '--out', out, '--label', s.label, '--quiet', ...s.args, '--', ...s.command];
      const t = Date.now();
      const r = spawnSync(process.execPath, argv, { cwd: s.cwd, env: { ...process.env, ...s.env }, encoding: 'utf8' });
      const result = load(out);
      const status = r.status === 0 ? 'ok' : r.status === 2 ? `protocol errors: ${(result?.protocolErrors ?? []).map((e) => e.message).join('; ') || r.stderr.trim()}` : `harness exit ${r.status ?? r.signal}: ${r.stderr.trim().slice(0, 300)}`;
      log(`  run ${k}/${repeats} ${s.label.padEnd(22)} ${((Date.now() - t) / 1000).toFixed(1)} s  ${status}`);
      runs[s.label].push({ file: out, status, result });
    }
  }
  return runs;
}

function load(file) {
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return null; }
}

/** summarize reduces each figure to the median over runs with its range, per server. */
export function summarize(runs) {
  const out = {};
  for (const [label, list] of Object.entries(runs)) {
    const ok = list.filter((r) => r.result?.figures);
    const figures = {};
    for (const [name, get, unit] of FIGURES) {
      const values = ok.map((r) => get(r.result));
      const finite = values.filter((x) => typeof x === 'number' && Number.isFinite(x));
      figures[name] = { unit, median: median(values), min: finite.length ? Math.min(...finite) : null, max: finite.length ? Math.max(...finite) : null, values };
    }
    const first = ok[0]?.result;
    out[label] = {
      serverInfo: first?.server?.serverInfo ?? null,
      usedPullDiagnostics: first?.server?.usedPullDiagnostics ?? false,
      runs: list.map((r) => ({ file: r.file, status: r.status })),
      figures,
    };
  }
  return out;
}

/** ratios divides our median by the peer's for every figure both have. */
export function ratios(summary, ours, peer) {
  const out = {};
  for (const [name] of FIGURES) {
    const a = summary[ours]?.figures[name]?.median;
    const b = summary[peer]?.figures[name]?.median;
    out[name] = typeof a === 'number' && typeof b === 'number' && b > 0 ? Math.round((a / b) * 100) / 100 : null;
  }
  return out;
}

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

/**
 * matchOf tells how one of our diagnostics lines up with a peer diagnostic: 'same-line' when both start on the
 * same line, 'overlap' when their line spans intersect, else null. The match is by position only: two
 * diagnostics on one line may describe different problems.
 */
export function matchOf(peer, ours) {
  if (ours.range.start.line === peer.range.start.line) return 'same-line';
  const overlaps = ours.range.start.line <= peer.range.end.line && peer.range.start.line <= ours.range.end.line;
  return overlaps ? 'overlap' : null;
}

/**
 * coverage compares, per file, the peer's errors and warnings with our diagnostics of the same run, and lists
 * the peer findings no diagnostic of ours lines up with.
 */
export function coverage(oursResult, peerResult) {
  const ours = new Map((oursResult?.files ?? []).map((f) => [f.file, f.diagnostics ?? []]));
  const files = [];
  const missed = [];
  for (const pf of peerResult?.files ?? []) {
    const peerDiags = (pf.diagnostics ?? []).filter((d) => d.severity == null || d.severity <= 2);
    const ourDiags = ours.get(pf.file) ?? [];
    let sameLine = 0;
    let overlap = 0;
    for (const d of peerDiags) {
      const kinds = ourDiags.map((o) => matchOf(d, o));
      if (kinds.includes('same-line')) sameLine++;
      else if (kinds.includes('overlap')) overlap++;
      else missed.push({ file: pf.file, line: d.range.start.line + 1, character: d.range.start.character + 1, severity: SEVERITY[d.severity] ?? 'error', message: d.message });
    }
    files.push({ file: pf.file, peer: peerDiags.length, ours: ourDiags.length, sameLine, overlap, missed: peerDiags.length - sameLine - overlap });
  }
  return { files, missed, allFound: missed.length === 0 };
}
