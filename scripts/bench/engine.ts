/**
 * In-process micro-benchmarks of the engine, bundled by scripts/bench/build.mjs and called by scripts/bench.mjs:
 * validation of each input against a bare `yaml` parse of the same text, and completion and hover latency over
 * many cursor positions of one large file.
 */
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { defaultSettings, doComplete, doHover, doValidation, parseFile, ParsedFile, WorkspaceIndex } from '../../server/src/engine';

/** An input file of the benchmark. */
export interface BenchInput {
  name: string;
  uri: string;
  text: string;
}

/** Distribution of timings in milliseconds. */
export interface Stats {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

/** One input's validation timings; every figure is a median in milliseconds. */
export interface ValidationRow {
  name: string;
  lines: number;
  /** `parseAllDocuments(text)` with the library's defaults: the floor any YAML tool pays. */
  bareParseMs: number;
  /** The engine's `parseFile`: template masking, source tokens and a line counter on top of the bare parse. */
  parseMs: number;
  /** `parseFile` plus `doValidation` (index update, schema, triggers, rules): what a keystroke costs. */
  validateMs: number;
  findings: number;
  runs: number;
}

/** Completion and hover latency over positions of one file. */
export interface CursorBench {
  name: string;
  positions: number;
  /** doComplete on the cached parse, as the server answers when the document has not changed since. */
  complete: Stats;
  /** parseFile and index update of an edited text, then doComplete: the first request after a keystroke. */
  completeAfterEdit: Stats;
  hover: Stats;
  /** Positions where completion offered nothing (cursor in a value the engine has no suggestions for). */
  emptyCompletions: number;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** lineCount counts lines as `wc -l` does, plus a last line without a newline. */
function lineCount(text: string): number {
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

/** stats summarizes samples; p95 interpolates between the closest ranks, as the LSP harness does. */
function stats(samples: number[]): Stats {
  const v = [...samples].sort((a, b) => a - b);
  if (!v.length) return { n: 0, median: NaN, p95: NaN, min: NaN, max: NaN };
  const q = (p: number): number => {
    const pos = (v.length - 1) * p;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return v[lo] + (v[hi] - v[lo]) * (pos - lo);
  };
  return { n: v.length, median: round(q(0.5)), p95: round(q(0.95)), min: round(v[0]), max: round(v[v.length - 1]) };
}

/**
 * repeat times fn after two warm-up calls, until it ran `minRuns` times and for `minMs` in total (at most
 * `maxRuns` times), so small files get many samples and the 2,000-line file a bounded number.
 */
function repeat(fn: () => void, minRuns = 15, minMs = 250, maxRuns = 400): number[] {
  fn();
  fn();
  const samples: number[] = [];
  const t0 = performance.now();
  while (samples.length < maxRuns && (samples.length < minRuns || performance.now() - t0 < minMs)) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return samples;
}

const median = (samples: number[]): number => stats(samples).median;

/**
 * benchValidation times each input's validation against its bare parse. Every input is indexed first, so
 * scale targets in other files resolve as they do in an editor with the folder open.
 */
export function benchValidation(inputs: BenchInput[]): ValidationRow[] {
  const ws = new WorkspaceIndex();
  for (const f of inputs) ws.update(parseFile(f.uri, f.text));
  return inputs.map((f) => {
    let version = 0;
    let findings = 0;
    const bare = repeat(() => { parseAllDocuments(f.text); });
    const parse = repeat(() => { parseFile(f.uri, f.text, ++version); });
    const validate = repeat(() => { findings = doValidation(parseFile(f.uri, f.text, ++version), ws, defaultSettings).length; });
    return {
      name: f.name,
      lines: lineCount(f.text),
      bareParseMs: median(bare),
      parseMs: median(parse),
      validateMs: median(validate),
      findings,
      runs: validate.length,
    };
  });
}

/**
 * cursorPositions picks up to `max` offsets spread evenly over the lines of a text: on each chosen line, the
 * start of its key (where a user types a new key) and the line's end (where a value is typed).
 */
function cursorPositions(text: string, max: number): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const lines = starts.length;
  const step = Math.max(1, Math.ceil((lines * 2) / max));
  const out: number[] = [];
  for (let l = 0; l < lines && out.length < max; l += step) {
    const start = starts[l];
    const end = l + 1 < lines ? starts[l + 1] - 1 : text.length;
    const line = text.slice(start, end);
    if (!line.trim() || line.trimStart().startsWith('#') || line.startsWith('---')) continue;
    const indent = line.length - line.replace(/^[\s-]+/, '').length;
    out.push(start + indent, end);
  }
  return out.slice(0, max);
}

/**
 * benchCursor times completion and hover at many positions of one input. "After an edit" inserts a new line
 * with the current indentation after the position's line, then parses and indexes again, as the server does
 * on the first request after a keystroke: from the parse of the text before the edit, which it keeps.
 */
export function benchCursor(inputs: BenchInput[], target: BenchInput, maxPositions: number): CursorBench {
  const ws = new WorkspaceIndex();
  for (const f of inputs) ws.update(parseFile(f.uri, f.text));
  const file: ParsedFile = parseFile(target.uri, target.text, 1);
  ws.update(file);
  const positions = cursorPositions(target.text, maxPositions);
  const complete: number[] = [];
  const hover: number[] = [];
  let empty = 0;
  // One warm-up pass, so the figures are of the steady state an editor session reaches within seconds.
  for (const off of positions.slice(0, 20)) { doComplete(file, off, ws); doHover(file, off, ws); }
  for (const off of positions) {
    let t = performance.now();
    const items = doComplete(file, off, ws);
    complete.push(performance.now() - t);
    if (!items.length) empty++;
    t = performance.now();
    doHover(file, off, ws);
    hover.push(performance.now() - t);
  }
  const afterEdit: number[] = [];
  const editEvery = Math.max(1, Math.floor(positions.length / 40));
  let version = 1;
  for (let k = 0; k < positions.length; k += editEvery) {
    const off = positions[k];
    const lineStart = target.text.lastIndexOf('\n', off - 1) + 1;
    const indent = /^[ ]*/.exec(target.text.slice(lineStart))![0];
    const lineEnd = target.text.indexOf('\n', off);
    const at = lineEnd < 0 ? target.text.length : lineEnd;
    const edited = `${target.text.slice(0, at)}\n${indent}${target.text.slice(at)}`;
    const before = parseFile(target.uri, target.text, ++version);
    const t = performance.now();
    const parsed = parseFile(target.uri, edited, ++version, before);
    ws.update(parsed);
    doComplete(parsed, at + 1 + indent.length, ws);
    afterEdit.push(performance.now() - t);
  }
  return { name: target.name, positions: positions.length, complete: stats(complete), completeAfterEdit: stats(afterEdit), hover: stats(hover), emptyCompletions: empty };
}
