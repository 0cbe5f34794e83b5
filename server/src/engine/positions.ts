/** Offset <-> LSP position conversion: the one place where engine offsets become editor ranges. */
import type { Position, Range } from 'vscode-languageserver-types';
import type { ParsedFile } from './parse';

/** lineStarts computes the offset of each line start (cached on the file object). */
function lineStarts(file: ParsedFile): number[] {
  const cached = (file as ParsedFile & { _ls?: number[] })._ls;
  if (cached) return cached;
  const starts = [0];
  const t = file.text;
  for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) === 10) starts.push(i + 1);
  (file as ParsedFile & { _ls?: number[] })._ls = starts;
  return starts;
}

/** toPosition converts an offset to a 0-based line/character position (UTF-16, as LSP wants). */
export function toPosition(file: ParsedFile, offset: number): Position {
  const starts = lineStarts(file);
  const off = Math.max(0, Math.min(offset, file.text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= off) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: off - starts[lo] };
}

/** toRange converts [start, end) offsets to an LSP range. */
export function toRange(file: ParsedFile, start: number, end: number): Range {
  return { start: toPosition(file, start), end: toPosition(file, end) };
}

/** toOffset converts an LSP position to an offset. */
export function toOffset(file: ParsedFile, pos: Position): number {
  const starts = lineStarts(file);
  if (pos.line >= starts.length) return file.text.length;
  const lineEnd = pos.line + 1 < starts.length ? starts[pos.line + 1] - 1 : file.text.length;
  return Math.min(starts[pos.line] + pos.character, lineEnd);
}

/** lineCol gives 1-based line and column, as the CLI prints them. */
export function lineCol(file: ParsedFile, offset: number): { line: number; col: number } {
  const p = toPosition(file, offset);
  return { line: p.line + 1, col: p.character + 1 };
}
