/**
 * Minimal YAML text edits for quick fixes: insert a key into a map, set or replace a scalar, delete a key with
 * its comment lines, append a sequence item. Every edit touches only the lines it must, so comments, key order
 * and the user's indentation survive; a document is never re-serialized. New values are rendered with the
 * file's own indentation step and sequence style, in block or flow style to match the map they go into.
 */
import { Document, isMap, isPair, isScalar, isSeq, stringify } from 'yaml';
import type { Node as YNode, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { findPair, type ParsedFile, type YPath } from './parse';
import type { TextEdit } from './types';

/** How a file indents: the step between nesting levels and whether sequences sit deeper than their key. */
export interface IndentStyle {
  unit: number;
  /** True for `key:\n  - item`, false for `key:\n- item` (the common Kubernetes style). */
  indentSeq: boolean;
}

/** lineStart returns the offset of the first character of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** lineEnd returns the offset of the newline ending the line holding `offset` (or the text length). */
export function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : i;
}

/** columnOf returns the 0-based column of an offset. */
export function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** contentEnd returns the offset just after the last non-blank character of a node (comments excluded). */
export function contentEnd(text: string, node: YNode): number {
  let end = node.range ? node.range[1] : 0;
  while (end > (node.range?.[0] ?? 0) && /\s/.test(text[end - 1])) end--;
  return end;
}

/** afterLine returns the offset just past the newline of the line holding `offset` (text length at the end). */
function afterLine(text: string, offset: number): number {
  const e = lineEnd(text, offset);
  return e < text.length ? e + 1 : e;
}

// The fixes of one lint pass all ask about the same text: remember the last answer.
let cachedStyle: { text: string; style: IndentStyle } | undefined;

/** indentStyleOf detects a file's indentation step and sequence style from its first nested lines. */
export function indentStyleOf(text: string): IndentStyle {
  if (cachedStyle?.text !== text) cachedStyle = { text, style: detectIndentStyle(text) };
  return cachedStyle.style;
}

function detectIndentStyle(text: string): IndentStyle {
  const lines = text.split('\n');
  let unit: number | undefined;
  let indentSeq: boolean | undefined;
  let prev: { indent: number; opensBlock: boolean } | undefined;
  for (const line of lines) {
    const trimmed = line.trimStart();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const indent = line.length - trimmed.length;
    if (prev?.opensBlock) {
      if (trimmed.startsWith('- ') || trimmed === '-') {
        indentSeq ??= indent > prev.indent;
        if (indent > prev.indent) unit ??= indent - prev.indent;
      } else if (indent > prev.indent) unit ??= indent - prev.indent;
    }
    if (unit !== undefined && indentSeq !== undefined) break;
    const keyEnd = trimmed.replace(/^(- )+/, '');
    const opensBlock = /^[^#{[\s][^#]*:\s*(#.*)?$/.test(keyEnd);
    prev = { indent: indent + (trimmed.length - keyEnd.length), opensBlock };
  }
  return { unit: unit ?? 2, indentSeq: indentSeq ?? false };
}

/** renderBlock renders a plain value as block YAML lines at a given indentation (each line ends with `\n`). */
export function renderBlock(value: unknown, indent: number, style: IndentStyle): string {
  const body = stringify(value, { indent: style.unit, indentSeq: style.indentSeq, lineWidth: 0 });
  const pad = ' '.repeat(indent);
  return body.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1).map((l) => (l ? pad + l : l)).join('\n') + '\n';
}

/**
 * commented turns a plain value into a YAML node with line comments at the given paths, for generated text that
 * must tell the user what to edit. The node renders like the plain value everywhere a value is accepted.
 */
export function commented(value: unknown, comments: Array<[YPath, string]>): YNode {
  const doc = new Document(value);
  for (const [path, text] of comments) {
    const node = doc.getIn(path, true) as YNode | undefined;
    if (node) node.comment = ` ${text}`;
  }
  return doc.contents as YNode;
}

/** renderFlow renders a plain value on one line in flow style. */
export function renderFlow(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim();
}

/** firstKeyColumn returns the column of the first key of a block map, if it has one. */
function firstKeyColumn(text: string, map: YAMLMap): number | undefined {
  for (const it of map.items) {
    const k = (it as Pair<YNode>).key;
    if (k?.range) return columnOf(text, k.range[0]);
  }
  return undefined;
}

/** keyColumnOf returns the column of a pair's key. */
function keyColumnOf(text: string, pair: Pair<unknown, unknown>): number {
  const k = pair.key as YNode;
  return k?.range ? columnOf(text, k.range[0]) : 0;
}

/**
 * insertIntoMap adds entries to an existing map: after the last pair (or after the pair named `after`) in a block
 * map, or before the closing brace of a flow map. `ownerKeyColumn` is the column of the key holding the map, used
 * when the map is empty.
 */
export function insertIntoMap(file: ParsedFile, map: YAMLMap, entries: Record<string, unknown>, opts: { after?: string; ownerKeyColumn?: number } = {}): TextEdit {
  const text = file.text;
  const style = indentStyleOf(text);
  if (map.flow) {
    const end = map.range ? map.range[1] : 0;
    const close = text.lastIndexOf('}', end);
    const body = Object.entries(entries).map(([k, v]) => `${renderFlow({ [k]: v }).slice(1, -1).trim()}`).join(', ');
    const hasItems = map.items.length > 0;
    return { start: close, end: close, newText: hasItems ? `, ${body}` : body };
  }
  const col = firstKeyColumn(text, map) ?? (opts.ownerKeyColumn ?? 0) + style.unit;
  let anchor: YNode | undefined;
  const afterPair = opts.after ? findPair(map, opts.after) : undefined;
  const lastPair = afterPair ?? (map.items[map.items.length - 1] as Pair<YNode, YNode | null> | undefined);
  if (lastPair) anchor = (lastPair.value ?? lastPair.key) as YNode;
  const at = anchor?.range ? afterLine(text, contentEnd(text, anchor)) : map.range ? map.range[0] : text.length;
  const lead = at === text.length && !text.endsWith('\n') ? '\n' : '';
  return { start: at, end: at, newText: lead + renderBlock(entries, col, style) };
}

/**
 * setKey sets `key` of a map to a value: replaces the value when the key exists (a scalar or a collection),
 * inserts the pair otherwise.
 */
export function setKey(file: ParsedFile, map: YAMLMap, key: string, value: unknown, opts: { after?: string; ownerKeyColumn?: number } = {}): TextEdit {
  const pair = findPair(map, key);
  if (!pair) return insertIntoMap(file, map, { [key]: value }, opts);
  return replaceValue(file, map, pair, value);
}

/** replaceValue replaces the value of an existing pair, keeping its key; block values are rendered below the key. */
function replaceValue(file: ParsedFile, map: YAMLMap, pair: Pair<Scalar, YNode | null>, value: unknown): TextEdit {
  const text = file.text;
  const v = pair.value;
  const isCollection = value !== null && typeof value === 'object';
  const empty = !v || !v.range || (isScalar(v) && v.range[0] === v.range[1]);
  const flowish = map.flow || (!empty && !isScalar(v) && (v as YAMLMap | YAMLSeq).flow);
  if (!empty && (flowish || (isScalar(v) && !isCollection))) return { start: v!.range![0], end: contentEnd(text, v!), newText: renderFlow(value) };
  const keyNode = pair.key as YNode;
  const colon = text.indexOf(':', keyNode.range![1]);
  const end = empty ? colon + 1 : contentEnd(text, v!);
  if (!isCollection) return { start: colon + 1, end, newText: ` ${renderFlow(value)}` };
  const style = indentStyleOf(text);
  const col = columnOf(text, keyNode.range![0]);
  const indent = col + (Array.isArray(value) && !style.indentSeq ? 0 : style.unit);
  return { start: colon + 1, end, newText: `\n${renderBlock(value, indent, style).replace(/\n$/, '')}` };
}

/**
 * ensurePath sets a value at a path of maps below `root`, creating the missing maps: the edit goes into the
 * deepest map that exists, so a fix adds only what is missing.
 */
export function ensurePath(file: ParsedFile, root: YAMLMap, path: string[], value: unknown): TextEdit {
  let map = root;
  let ownerKeyColumn: number | undefined;
  for (let i = 0; i < path.length - 1; i++) {
    const pair = findPair(map, path[i]);
    if (!pair) return insertIntoMap(file, map, nest(path.slice(i), value), { ownerKeyColumn });
    if (!isMap(pair.value)) return replaceValue(file, map, pair, nest(path.slice(i + 1), value));
    ownerKeyColumn = keyColumnOf(file.text, pair as Pair<unknown, unknown>);
    map = pair.value;
  }
  return setKey(file, map, path[path.length - 1], value, { ownerKeyColumn });
}

function nest(path: string[], value: unknown): Record<string, unknown> {
  let v: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) v = { [path[i]]: v };
  return v as Record<string, unknown>;
}

/** replaceScalar replaces a scalar's source text (quotes included) by new text. */
export function replaceScalar(node: Scalar, newText: string): TextEdit {
  return { start: node.range![0], end: node.range![1], newText };
}

/**
 * replaceScalarValue writes a plain value (no quotes or escapes needed) in place of a scalar's, in the quotes the
 * scalar was written with: `'50'` becomes `'0.5'`, `"KNative"` becomes `"RawDeployment"`, `HPA` becomes `APA`.
 */
export function replaceScalarValue(node: Scalar, value: string): TextEdit {
  const quote = node.type === 'QUOTE_DOUBLE' ? '"' : node.type === 'QUOTE_SINGLE' ? "'" : '';
  return replaceScalar(node, `${quote}${value}${quote}`);
}

/**
 * deletePair removes a key with its value and the comment lines directly above it at the same indentation.
 * In a flow map it removes the entry and one separating comma.
 */
export function deletePair(file: ParsedFile, map: YAMLMap, key: string): TextEdit | undefined {
  const text = file.text;
  const idx = map.items.findIndex((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === key);
  if (idx < 0) return undefined;
  const pair = map.items[idx] as Pair<YNode, YNode | null>;
  const keyStart = pair.key.range![0];
  const valueEnd = pair.value?.range ? contentEnd(text, pair.value) : pair.key.range![1];
  if (map.flow) {
    const next = map.items[idx + 1] as Pair<YNode> | undefined;
    if (next) return { start: keyStart, end: next.key.range![0], newText: '' };
    const prev = map.items[idx - 1] as Pair<YNode, YNode | null> | undefined;
    const from = prev ? (prev.value?.range ? contentEnd(text, prev.value) : prev.key.range![1]) : keyStart;
    return { start: from, end: valueEnd, newText: '' };
  }
  const ls = lineStart(text, keyStart);
  const before = text.slice(ls, keyStart);
  if (before.trim() !== '') {
    // The key shares its line with a sequence dash (`- key: v`): the next key moves up onto the dash.
    const next = map.items[idx + 1] as Pair<YNode> | undefined;
    if (next) return { start: keyStart, end: next.key.range![0], newText: '' };
    return { start: keyStart, end: valueEnd, newText: '{}' };
  }
  const col = keyStart - ls;
  let start = ls;
  while (start > 0) {
    const prevStart = lineStart(text, start - 1);
    const line = text.slice(prevStart, start - 1);
    const trimmed = line.trimStart();
    if (!trimmed.startsWith('#') || line.length - trimmed.length !== col) break;
    start = prevStart;
  }
  return { start, end: afterLine(text, valueEnd), newText: '' };
}

/** appendItem appends an item to a sequence, in block or flow style. */
export function appendItem(file: ParsedFile, seq: YAMLSeq, value: unknown): TextEdit {
  const text = file.text;
  if (seq.flow) {
    const close = text.lastIndexOf(']', seq.range![1]);
    return { start: close, end: close, newText: (seq.items.length ? ', ' : '') + renderFlow(value) };
  }
  const style = indentStyleOf(text);
  const dashCol = columnOf(text, seq.range![0]);
  const last = seq.items[seq.items.length - 1] as YNode | undefined;
  const at = last?.range ? afterLine(text, contentEnd(text, last)) : afterLine(text, seq.range![0]);
  const body = renderBlock([value], dashCol, { ...style, indentSeq: false });
  const lead = at === text.length && !text.endsWith('\n') ? '\n' : '';
  return { start: at, end: at, newText: lead + body };
}

/** mapAt returns the map at a path of a root, if it is one. */
export function mapAt(root: unknown, path: YPath): YAMLMap | undefined {
  let cur: unknown = root;
  for (const seg of path) {
    if (isMap(cur)) cur = findPair(cur, String(seg))?.value;
    else if (isSeq(cur) && typeof seg === 'number') cur = cur.items[seg];
    else return undefined;
  }
  return isMap(cur) ? cur : undefined;
}
