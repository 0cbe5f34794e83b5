/**
 * PromQL embedded in a YAML scalar: the query string together with the place, in the YAML text, of each of
 * its characters, whatever the quoting style. Positions found in the query (syntax errors, metric names) are
 * mapped back through this table, and fixes are written back in the scalar's own quoting.
 *
 * The table is rebuilt from the scalar's CST source token (`keepSourceTokens`) by replaying YAML's folding and
 * escape rules; the result is compared with the value the YAML parser resolved, and when the two differ (an
 * exotic scalar) every position maps to the whole scalar and no fix is offered.
 */
import { isScalar } from 'yaml';
import type { Node as YNode } from 'yaml';

/** How a scalar is written in YAML. */
export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded';

/** A query string lifted out of a YAML scalar, with its character-to-offset tables. */
export interface EmbeddedQuery {
  /** The query as the YAML parser resolved it. */
  text: string;
  style: ScalarStyle;
  /** `starts[i]` is the YAML offset where query character i is written; `starts[text.length]` ends the content. */
  starts: number[];
  /** `ends[i]` is the YAML offset just after the source of character i (an escape such as `\"` spans two). */
  ends: number[];
  /** The scalar's range in the YAML text (quotes and block header included). */
  start: number;
  end: number;
  /** False when the tables could not be rebuilt; positions are then the whole scalar and fixes are off. */
  exact: boolean;
}

interface Piece {
  ch: string;
  at: number;
  end: number;
  /** Raw white space, which folding may trim; escapes and other characters are never trimmed. */
  ws: boolean;
}

interface RawLine {
  pieces: Piece[];
  /** YAML offset of the line break that ends this line (or of the end of the content). */
  breakAt: number;
  /** A double-quoted line ending in `\`: joined to the next one without a separator. */
  escapedBreak: boolean;
}

/** Output under construction: characters with their source spans. */
class Builder {
  readonly text: string[] = [];
  readonly starts: number[] = [];
  readonly ends: number[] = [];

  /** emit appends a resolved character (possibly two UTF-16 units) written at [at, end). */
  emit(ch: string, at: number, end: number): void {
    for (let k = 0; k < ch.length; k++) {
      this.text.push(ch[k]);
      this.starts.push(at);
      this.ends.push(end);
    }
  }
}

interface SourceToken {
  type?: string;
  offset?: number;
  indent?: number;
  source?: string;
  props?: Array<{ type: string; offset: number; source: string }>;
}

/** embedQuery lifts the query out of a YAML scalar node; undefined for non-scalars and non-string values. */
export function embedQuery(node: YNode | null | undefined): EmbeddedQuery | undefined {
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  const value = node.value;
  const [start, end] = node.range;
  const token = node.srcToken as SourceToken | undefined;
  let built: { style: ScalarStyle; b: Builder; contentEnd: number } | undefined;
  try {
    const src = token?.source ?? '';
    const at = token?.offset ?? start;
    if (token?.type === 'scalar') built = { style: 'plain', ...flowScalar(src, at, 'plain') };
    else if (token?.type === 'single-quoted-scalar') built = { style: 'single', ...flowScalar(src, at, 'single') };
    else if (token?.type === 'double-quoted-scalar') built = { style: 'double', ...flowScalar(src, at, 'double') };
    else if (token?.type === 'block-scalar' && token.props) built = blockScalar({ offset: at, indent: token.indent ?? 0, source: src, props: token.props });
  } catch {
    built = undefined;
  }
  if (built && built.b.text.join('') === value) {
    return { text: value, style: built.style, starts: [...built.b.starts, built.contentEnd], ends: built.b.ends, start, end, exact: true };
  }
  const style: ScalarStyle = node.type === 'QUOTE_SINGLE' ? 'single' : node.type === 'QUOTE_DOUBLE' ? 'double' : node.type === 'BLOCK_LITERAL' ? 'literal' : node.type === 'BLOCK_FOLDED' ? 'folded' : 'plain';
  return { text: value, style, starts: new Array<number>(value.length + 1).fill(start), ends: new Array<number>(value.length).fill(end), start, end, exact: false };
}

/** toYamlRange maps a [from, to) range of the query to YAML offsets (the whole scalar when not exact). */
export function toYamlRange(q: EmbeddedQuery, from: number, to: number): [number, number] {
  if (!q.exact) return [q.start, q.end];
  const f = Math.max(0, Math.min(from, q.text.length));
  const t = Math.max(f, Math.min(to, q.text.length));
  const a = q.starts[f];
  return t > f ? [a, q.ends[t - 1]] : [a, a];
}

/** fromYamlOffset maps a YAML offset inside the scalar to a query position, or undefined outside the content. */
export function fromYamlOffset(q: EmbeddedQuery, offset: number): number | undefined {
  if (!q.exact) return undefined;
  for (let i = 0; i < q.text.length; i++) {
    if (offset >= q.starts[i] && offset < q.ends[i]) return i;
    if (offset < q.starts[i]) return i;
  }
  return offset <= q.starts[q.text.length] ? q.text.length : undefined;
}

/**
 * encodeFor writes replacement text for the inside of a scalar of the given style: quotes and backslashes are
 * escaped in quoted scalars; undefined when the text cannot stand in that style (a plain scalar cannot take
 * `: `, ` #` or a leading indicator; no edit here may add a line break).
 */
export function encodeFor(style: ScalarStyle, text: string, atStart: boolean): string | undefined {
  if (text.includes('\n') || text.includes('\r')) return undefined;
  switch (style) {
    case 'single':
      return text.replace(/'/g, "''");
    case 'double':
      return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    case 'plain':
      if (/: |:$| #|\t/.test(text)) return undefined;
      if (atStart && /^[-?:,[\]{}#&*!|>'"%@`]/.test(text)) return undefined;
      return text;
    default:
      return text;
  }
}

/** A replacement of YAML text. */
export interface YamlEdit {
  start: number;
  end: number;
  newText: string;
}

/**
 * editQuery builds the YAML edit that replaces query range [from, to) by new query text, or undefined when it
 * cannot be written safely (inexact table, text the style cannot hold). A range that spans a folded line break
 * is replaced with the break, which is the same change to the resolved value, since the new text has none.
 */
export function editQuery(q: EmbeddedQuery, from: number, to: number, newText: string): YamlEdit | undefined {
  if (!q.exact || from < 0 || to > q.text.length || to < from) return undefined;
  const encoded = encodeFor(q.style, newText, from === 0);
  if (encoded === undefined) return undefined;
  const [start, end] = toYamlRange(q, from, to);
  return { start, end, newText: encoded };
}

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', N: '\u0085', _: '\u00a0',
  L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\', '\t': '\t',
};

/** flowScalar resolves a plain, single- or double-quoted scalar, keeping each character's source span. */
function flowScalar(source: string, offset: number, kind: 'plain' | 'single' | 'double'): { b: Builder; contentEnd: number } {
  let body = source;
  let bodyAt = offset;
  if (kind !== 'plain') {
    const quote = kind === 'single' ? "'" : '"';
    if (source.length < 2 || !source.endsWith(quote)) throw new Error('unterminated quoted scalar');
    body = source.slice(1, -1);
    bodyAt = offset + 1;
  }
  const lines: RawLine[] = [];
  let cur: Piece[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    const at = bodyAt + i;
    if (c === '\r' && body[i + 1] === '\n') continue;
    if (c === '\n') {
      lines.push({ pieces: cur, breakAt: at, escapedBreak: false });
      cur = [];
      continue;
    }
    if (kind === 'single' && c === "'" && body[i + 1] === "'") {
      cur.push({ ch: "'", at, end: at + 2, ws: false });
      i++;
      continue;
    }
    if (kind === 'double' && c === '\\') {
      const e = body[i + 1];
      if (e === '\n' || (e === '\r' && body[i + 2] === '\n')) {
        lines.push({ pieces: cur, breakAt: at, escapedBreak: true });
        cur = [];
        i += e === '\r' ? 2 : 1;
        continue;
      }
      const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hex) {
        const digits = body.slice(i + 2, i + 2 + hex);
        if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex) throw new Error('bad escape');
        cur.push({ ch: String.fromCodePoint(parseInt(digits, 16)), at, end: at + 2 + hex, ws: false });
        i += 1 + hex;
        continue;
      }
      const ch = ESCAPES[e];
      if (ch === undefined) throw new Error('bad escape');
      cur.push({ ch, at, end: at + 2, ws: false });
      i++;
      continue;
    }
    cur.push({ ch: c, at, end: at + 1, ws: c === ' ' || c === '\t' });
  }
  lines.push({ pieces: cur, breakAt: bodyAt + body.length, escapedBreak: false });

  // YAML line folding: leading white space of continuation lines and trailing white space before a break
  // are dropped; one break becomes a space, n+1 breaks become n newlines; an escaped break joins tightly.
  const out = new Builder();
  let emptyRun = 0;
  let pendingBreak = -1;
  let joinTight = false;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li];
    let a = 0;
    let b = line.pieces.length;
    if (li > 0) while (a < b && line.pieces[a].ws) a++;
    if (li < lines.length - 1 && !line.escapedBreak) while (b > a && line.pieces[b - 1].ws) b--;
    if (a >= b && li > 0 && li < lines.length - 1 && !line.escapedBreak) {
      emptyRun++;
      continue;
    }
    if (li > 0) {
      if (emptyRun === 0 && !joinTight) out.emit(' ', pendingBreak, pendingBreak + 1);
      for (let k = 0; k < emptyRun; k++) out.emit('\n', pendingBreak, pendingBreak + 1);
    }
    emptyRun = 0;
    for (let k = a; k < b; k++) out.emit(line.pieces[k].ch, line.pieces[k].at, line.pieces[k].end);
    pendingBreak = line.breakAt;
    joinTight = line.escapedBreak;
  }
  return { b: out, contentEnd: bodyAt + body.length };
}

interface BlockToken {
  offset: number;
  indent: number;
  source: string;
  props: Array<{ type: string; offset: number; source: string }>;
}

/** blockScalar resolves a `|` or `>` scalar (chomping and indentation indicators included), keeping source spans. */
function blockScalar(token: BlockToken): { style: ScalarStyle; b: Builder; contentEnd: number } {
  const header = token.props.find((p) => p.type === 'block-scalar-header');
  if (!header) throw new Error('no header');
  const last = token.props[token.props.length - 1];
  const bodyAt = last.offset + last.source.length;
  const folded = header.source.startsWith('>');
  const chomp = header.source.includes('-') ? 'strip' : header.source.includes('+') ? 'keep' : 'clip';
  const explicit = /\d/.exec(header.source);

  const src = token.source;
  const raw: Array<{ text: string; at: number }> = [];
  for (let pos = 0; pos < src.length;) {
    let nl = src.indexOf('\n', pos);
    if (nl < 0) nl = src.length;
    raw.push({ text: src.slice(pos, nl).replace(/\r$/, ''), at: bodyAt + pos });
    pos = nl + 1;
  }
  let indent: number;
  if (explicit) indent = token.indent + Number(explicit[0]);
  else {
    const first = raw.find((l) => l.text.trim() !== '');
    indent = first ? first.text.length - first.text.trimStart().length : 0;
  }
  const lines = raw.map((l) => {
    const content = l.text.length <= indent && l.text.trim() === '' ? '' : l.text.slice(indent);
    return { content, at: l.at + indent, blank: content === '', breakAt: l.at + l.text.length };
  });
  let lastContent = lines.length - 1;
  while (lastContent >= 0 && lines[lastContent].blank) lastContent--;

  // Literal: every break is kept. Folded: a single break between two lines that do not start with white
  // space becomes a space, and empty lines between them stand for the newlines.
  const out = new Builder();
  let prevBreak = -1;
  let prevMore = false;
  let empties = 0;
  for (let i = 0; i <= lastContent; i++) {
    const l = lines[i];
    if (l.blank) {
      empties++;
      continue;
    }
    const more = /^[ \t]/.test(l.content);
    if (prevBreak >= 0) {
      const fold = folded && !more && !prevMore;
      if (fold && empties === 0) out.emit(' ', prevBreak, prevBreak + 1);
      else for (let k = 0; k < (fold ? empties : empties + 1); k++) out.emit('\n', prevBreak, prevBreak + 1);
    } else for (let k = 0; k < empties; k++) out.emit('\n', l.at, l.at);
    empties = 0;
    for (let k = 0; k < l.content.length; k++) out.emit(l.content[k], l.at + k, l.at + k + 1);
    prevBreak = l.breakAt;
    prevMore = more;
  }
  if (lastContent >= 0 && chomp !== 'strip') {
    out.emit('\n', prevBreak, prevBreak + 1);
    if (chomp === 'keep') for (let i = lastContent + 1; i < lines.length - (src.endsWith('\n') ? 0 : 1); i++) out.emit('\n', lines[i].breakAt, lines[i].breakAt + 1);
  }
  return { style: folded ? 'folded' : 'literal', b: out, contentEnd: lastContent >= 0 ? prevBreak : bodyAt };
}
