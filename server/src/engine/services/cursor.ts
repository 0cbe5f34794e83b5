/**
 * cursorContext: where the cursor stands in YAML terms. Key positions are resolved from indentation,
 * because a key being typed (`  mi|`) usually leaves the document unparsable for a moment; values are
 * resolved the same way so that completion works inside half-written documents too.
 */
import { isMap } from 'yaml';
import { docAt, getNode, ParsedFile, YPath } from '../parse';
import type { WorkspaceIndex } from '../workspace';
import type { CursorContext } from './context';

interface Line {
  indent: number;
  text: string;
}

const KEY_LINE = /^(\s*)((?:- +)*)([^\s#:][^:#]*?)\s*:(?:\s+|$)(.*)$/;

/** cursorContext resolves an offset to a path, a key/value position and the word being typed. */
export function cursorContext(file: ParsedFile, offset: number, ws: WorkspaceIndex): CursorContext | undefined {
  const doc = docAt(file, offset);
  if (!doc) return undefined;
  const text = file.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  const linePrefix = text.slice(lineStart, offset);
  const lineRest = text.slice(offset, lineEnd);
  const obj = ws.ensure(file).find((o) => o.doc === doc);

  let path: YPath;
  let onKey: boolean;
  let word: string;
  let wordStart: number;

  const flow = flowCursor(text, lineStart, linePrefix, doc.start);
  const keyTyping = flow ? null : /^(\s*)((?:- +)*)([\w.\-/$]*)$/.exec(linePrefix);
  const rest = lineRest.trimEnd();
  if (flow) {
    ({ path, onKey, word } = flow);
    wordStart = offset - word.length;
  } else if (keyTyping && (rest === '' || /^[\w.\-/]*\s*(:.*)?$/.test(rest))) {
    const dashes = keyTyping[2];
    // A line that opens a sequence item hangs below the sequence's owner: climb from the dash column.
    path = parentPath(text, lineStart, keyTyping[1].length, doc.start);
    if (dashes) path = [...path, ...seqIndexes(text, lineStart, keyTyping[1].length, doc.start, dashes)];
    onKey = true;
    word = keyTyping[3];
    wordStart = offset - word.length;
  } else {
    const kv = KEY_LINE.exec(linePrefix);
    if (kv) {
      const dashes = kv[2];
      path = parentPath(text, lineStart, kv[1].length, doc.start);
      if (dashes) path = [...path, ...seqIndexes(text, lineStart, kv[1].length, doc.start, dashes)];
      path.push(kv[3].trim().replace(/^["']|["']$/g, ''));
      onKey = false;
      const valuePrefix = kv[4];
      const m = /["']?([^"'\s]*)$/.exec(valuePrefix)!;
      word = m[1];
      wordStart = offset - word.length;
    } else {
      const item = /^(\s*)((?:- +)+)["']?([^"'\s]*)$/.exec(linePrefix);
      if (!item) return undefined;
      path = parentPath(text, lineStart, item[1].length, doc.start);
      path = [...path, ...seqIndexes(text, lineStart, item[1].length, doc.start, item[2])];
      onKey = false;
      word = item[3];
      wordStart = offset - word.length;
    }
  }

  const mapPath = onKey ? path : path.slice(0, -1);
  const mapNode = getNode(doc.doc.contents, mapPath);
  const map = isMap(mapNode) ? mapNode : undefined;
  const existingKeys = new Set<string>();
  if (map) for (const it of map.items) {
    const k = (it.key as { value?: unknown } | null)?.value;
    if (k !== undefined && k !== null) existingKeys.add(String(k));
  }
  if (onKey && word) existingKeys.delete(word);
  const node = getNode(doc.doc.contents, path);
  return { file, doc, obj, ws, offset, path, onKey, map, node, existingKeys, word, wordStart, linePrefix };
}

/**
 * flowCursor handles a cursor inside a one-line flow mapping (`metadata: {threshold: |}`): the path is the
 * key that owns the `{`, plus the key being completed when the cursor is on a value.
 */
function flowCursor(text: string, lineStart: number, linePrefix: string, docStart: number): { path: YPath; onKey: boolean; word: string } | undefined {
  let depth = 0;
  let open = -1;
  for (let i = linePrefix.length - 1; i >= 0; i--) {
    const c = linePrefix[i];
    if (c === '}') depth++;
    else if (c === '{') {
      if (depth === 0) { open = i; break; }
      depth--;
    }
  }
  if (open < 0) return undefined;
  const owner = KEY_LINE.exec(linePrefix.slice(0, open));
  if (!owner || owner[4].trim() !== '') return undefined;
  let path = parentPath(text, lineStart, owner[1].length, docStart);
  if (owner[2]) path = [...path, ...seqIndexes(text, lineStart, owner[1].length, docStart, owner[2])];
  path = [...path, owner[3].trim().replace(/^["']|["']$/g, '')];
  const segment = linePrefix.slice(open + 1).split(',').pop() ?? '';
  const kv = /^\s*["']?([^"':]+?)["']?\s*:\s*["']?([^"'\s]*)$/.exec(segment);
  if (kv) return { path: [...path, kv[1].trim()], onKey: false, word: kv[2] };
  const k = /^\s*([\w.\-/$]*)$/.exec(segment);
  if (k) return { path, onKey: true, word: k[1] };
  return undefined;
}

function linesBefore(text: string, lineStart: number, docStart: number): Line[] {
  const chunk = text.slice(docStart, lineStart);
  const lines = chunk.split('\n');
  lines.pop(); // the part of the current line (empty)
  return lines.map((l) => ({ indent: l.length - l.trimStart().length, text: l.replace(/\r$/, '') }));
}

/**
 * parentPath climbs from a line at `indent` to the root, collecting the keys (and sequence indexes) of
 * the maps that enclose it.
 */
export function parentPath(text: string, lineStart: number, indent: number, docStart: number): YPath {
  const lines = linesBefore(text, lineStart, docStart);
  const out: YPath = [];
  let cur = indent;
  for (let i = lines.length - 1; i >= 0 && cur > 0; i--) {
    const l = lines[i];
    const t = l.text.trim();
    if (!t || t.startsWith('#') || t === '---') continue;
    if (l.indent >= cur) continue;
    const dash = /^((?:- +)+)/.exec(t);
    const content = dash ? t.slice(dash[1].length) : t;
    const contentIndent = l.indent + (dash ? dash[1].length : 0);
    const km = /^([^\s#:][^:#]*?)\s*:(?:\s|$)/.exec(content);
    if (km && contentIndent < cur) out.unshift(km[1].replace(/^["']|["']$/g, ''));
    else if (!dash) continue;
    if (dash) {
      // Inside a sequence item: add its index, then climb to the key that owns the sequence,
      // which may stand at the same column as the dash.
      out.unshift(...seqIndexes(text, lineStartOf(docStart, lines, i), l.indent, docStart, dash[1]));
      const owner = findOwner(lines, i, l.indent);
      if (!owner) return out;
      out.unshift(owner.key);
      cur = owner.indent;
      i = owner.line;
      continue;
    }
    cur = l.indent;
  }
  return out;
}

function findOwner(lines: Line[], from: number, dashIndent: number): { key: string; indent: number; line: number } | undefined {
  for (let j = from - 1; j >= 0; j--) {
    const t = lines[j].text.trim();
    if (!t || t.startsWith('#')) continue;
    if (lines[j].indent > dashIndent) continue;
    if (lines[j].indent === dashIndent && t.startsWith('-')) continue;
    const km = /^(?:- +)*([^\s#:][^:#]*?)\s*:\s*(#.*)?$/.exec(t);
    if (km && lines[j].indent <= dashIndent) return { key: km[1].replace(/^["']|["']$/g, ''), indent: lines[j].indent, line: j };
    return undefined;
  }
  return undefined;
}

function lineStartOf(docStart: number, lines: Line[], i: number): number {
  let off = docStart;
  for (let k = 0; k < i; k++) off += lines[k].text.length + 1;
  return off;
}

/** seqIndexes counts the sibling items above a `- ` line to give its index (one per dash for nested `- - `). */
function seqIndexes(text: string, lineStart: number, dashIndent: number, docStart: number, dashes: string): number[] {
  const lines = linesBefore(text, lineStart, docStart);
  let count = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i];
    const t = l.text.trim();
    if (!t || t.startsWith('#')) continue;
    if (l.indent < dashIndent) break;
    if (l.indent === dashIndent) {
      if (t.startsWith('- ') || t === '-') count++;
      else break;
    }
  }
  const nested = dashes.trim().split(/\s+/).length;
  return [count, ...new Array(Math.max(0, nested - 1)).fill(0)];
}
