/**
 * The rule fixture format: inline expectations written as comment lines under the offending line,
 *
 *     minReplicaCount: 5
 *     #                ^ error[min-exceeds-max]: greater than maxReplicaCount
 *
 * with carets under the exact columns of the span. A span that runs over several lines is marked from its
 * start to the end of its first line. Several expectation lines may follow one line. The expectation lines are
 * removed before linting; positions are taken in the text without them.
 */
import type { Finding, Severity } from '../../server/src/engine';

/** One expected finding, in the coordinates of the stripped text. */
export interface Expectation {
  /** 0-based line in the stripped text. */
  line: number;
  col: number;
  /** Number of carets. */
  width: number;
  severity: Severity;
  code: string;
  /** A substring the message must contain. */
  message: string;
}

const EXPECT = /^(\s*#\s*)(\^+)\s+(error|warning|info|hint)\[([a-z0-9-]+)\]:\s?(.*)$/;

/** parseExpectations removes the expectation lines and returns the clean text with the expectations. */
export function parseExpectations(text: string): { text: string; expectations: Expectation[] } {
  const out: string[] = [];
  const expectations: Expectation[] = [];
  for (const line of text.split('\n')) {
    const m = EXPECT.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    if (!out.length) throw new Error(`an expectation needs a line above it: ${line}`);
    expectations.push({ line: out.length - 1, col: m[1].length, width: m[2].length, severity: m[3] as Severity, code: m[4], message: m[5].trim() });
  }
  return { text: out.join('\n'), expectations };
}

/** lineStarts returns the offset of every line start. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** describeExpectation renders an expectation as `line:col+width severity[code]` (1-based line and column). */
export function describeExpectation(e: Pick<Expectation, 'line' | 'col' | 'width' | 'severity' | 'code'>): string {
  return `${e.line + 1}:${e.col + 1}+${e.width} ${e.severity}[${e.code}]`;
}

/** asExpectation converts a finding into the caret form it would be annotated with. */
export function asExpectation(text: string, f: Finding): Omit<Expectation, 'message'> {
  const starts = lineStarts(text);
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= f.start) line++;
  const lineEnd = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
  const end = Math.min(f.end, lineEnd);
  return { line, col: f.start - starts[line], width: Math.max(1, end - f.start), severity: f.severity, code: f.code };
}
