/**
 * The read view of a document: its tree as the API server reads it, for the lint rules. An alias (`*name`) stands
 * for the node its anchor names, and a map with merge keys (`<<: *base`) holds its own pairs and then each merged
 * pair it lacks (an earlier source wins over a later one). Nodes are shared with the document, never copied: a value
 * reached through an alias keeps the range of the text where it is written, the anchor. Only the maps and lists on
 * the way to an alias or a merge key are new objects (with their original ranges); a document without either is
 * its own read view.
 *
 * Edits must not go through the view where it differs from the text (an edit at an anchor changes every alias of
 * it): `sharedSpans` lists those places, and fixes that touch one are not offered.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, Pair, YAMLMap, YAMLSeq } from 'yaml';
import type { Alias, Document } from 'yaml';
import { ParsedFile, scalarString, YamlDoc } from './parse';

/** What one walk of a parsed document found: its aliases and whether it has merge keys; the view, once asked. */
interface Found {
  aliases: Alias[];
  merges: boolean;
  view?: unknown;
}

const found = new WeakMap<Document, Found>();
const NOTHING: Found = { aliases: [], merges: false };

function foundIn(doc: YamlDoc, file: ParsedFile): Found {
  let f = found.get(doc.doc);
  if (!f) {
    // An alias needs a `*` and a merge key a `<<` in the document's text: without either there is nothing to walk.
    // (A parsed document is reused by the next version only when its own text is unchanged, so this holds for it.)
    if (!markedBetween(file, doc.start, doc.end)) f = NOTHING;
    else {
      const entry: Found = { aliases: [], merges: false };
      visit(doc.doc.contents, (n) => {
        if (isAlias(n)) entry.aliases.push(n);
        else if (isScalar(n) && n.value === '<<') entry.merges = true;
      });
      f = entry;
    }
    found.set(doc.doc, f);
  }
  return f;
}

const marks = new WeakMap<ParsedFile, number[]>();

/** markedBetween tells whether a `*` or a `<<` stands in [start, end) of the file's text (offsets found in one scan). */
function markedBetween(file: ParsedFile, start: number, end: number): boolean {
  let at = marks.get(file);
  if (!at) {
    at = [];
    const text = file.text;
    for (let i = text.indexOf('*'); i >= 0; i = text.indexOf('*', i + 1)) at.push(i);
    for (let i = text.indexOf('<<'); i >= 0; i = text.indexOf('<<', i + 2)) at.push(i);
    at.sort((a, b) => a - b);
    marks.set(file, at);
  }
  let lo = 0;
  let hi = at.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at[mid] < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < at.length && at[lo] < end;
}

/** readRoot is the root of a document's read view (the root itself when it holds no alias or merge key). */
export function readRoot(doc: YamlDoc, file: ParsedFile): unknown {
  const f = foundIn(doc, file);
  if (!f.aliases.length && !f.merges) return doc.doc.contents;
  if (!('view' in f)) f.view = new ReadView(doc.doc).node(doc.doc.contents, 0);
  return f.view;
}

function visit(node: unknown, f: (n: unknown) => void): void {
  f(node);
  if (isMap(node)) {
    for (const it of node.items) {
      f(it.key);
      visit(it.value, f);
    }
  } else if (isSeq(node)) for (const it of node.items) visit(it, f);
}

/**
 * Past this depth (each level of nesting and each alias followed counts one) a node is read as written: it bounds the
 * recursion on hostile input; real manifests nest a few dozen levels at most.
 */
const MAX_DEPTH = 256;

class ReadView {
  private readonly done = new Map<unknown, unknown>();
  private readonly busy = new Set<unknown>();

  constructor(private readonly doc: Document) {}

  node(n: unknown, depth: number): unknown {
    if (isAlias(n)) {
      const target = n.resolve(this.doc);
      // An alias to an unknown anchor reads as nothing (`unresolvedAliases` reports it).
      if (target === undefined) return undefined;
      return depth > MAX_DEPTH ? n : this.node(target, depth + 1);
    }
    if (!isMap(n) && !isSeq(n)) return n;
    const memo = this.done.get(n);
    if (memo !== undefined) return memo;
    // A node inside its own anchor (`a: &x [*x]`) or a very deep chain: read as written.
    if (this.busy.has(n) || depth > MAX_DEPTH) return n;
    this.busy.add(n);
    const out = isMap(n) ? this.map(n, depth) : this.seq(n, depth);
    this.busy.delete(n);
    this.done.set(n, out);
    return out;
  }

  private seq(s: YAMLSeq, depth: number): YAMLSeq {
    let changed = false;
    const items = s.items.map((it) => {
      const v = this.node(it, depth + 1);
      if (v !== it) changed = true;
      return v;
    });
    return changed ? standIn(new YAMLSeq(), s, items) : s;
  }

  private map(m: YAMLMap, depth: number): YAMLMap {
    let changed = false;
    const pairs: Pair[] = [];
    const own = new Set<string>();
    for (const it of m.items) {
      const key = scalarString(it.key);
      if (key === '<<') {
        changed = true;
        continue;
      }
      if (key !== undefined) own.add(key);
      const v = this.node(it.value, depth + 1);
      if (v !== it.value) {
        changed = true;
        pairs.push(new Pair(it.key, v));
      } else pairs.push(it as Pair);
    }
    for (const it of m.items) {
      if (scalarString(it.key) !== '<<') continue;
      const value = this.node(it.value, depth + 1);
      // `<<: *base` or `<<: [*a, *b]`: the first source that has a key gives it.
      for (const src of isSeq(value) ? value.items.map((i) => this.node(i, depth + 1)) : [value]) {
        if (!isMap(src)) continue;
        for (const p of src.items) {
          const key = scalarString(p.key);
          // A source merging itself (`a: &x {<<: *x}`) is read as written and still holds its `<<`.
          if (key === undefined || key === '<<' || own.has(key)) continue;
          own.add(key);
          pairs.push(p as Pair);
        }
      }
    }
    return changed ? standIn(new YAMLMap(), m, pairs) : m;
  }
}

/** standIn fills a new map or list that stands for `of` in the view: other items, the same range and style. */
function standIn<T extends YAMLMap | YAMLSeq>(view: T, of: T, items: T['items']): T {
  view.items = items;
  // The same array, not a copy: an incremental reparse shifts ranges in place, and the view's must follow.
  view.range = of.range;
  view.flow = of.flow;
  // The anchor too: a reader that converts each anchored node once (the schema check's `toPlain`) then meets the
  // stand-in of an anchored map as often as the aliases use it, and converts it once as well.
  view.anchor = of.anchor;
  return view;
}

const spans = new WeakMap<ParsedFile, Array<[number, number]>>();

/**
 * sharedSpans lists the places of a file where the text and the read view differ: every alias, every node an alias
 * names (an edit there changes each alias of it) and every merge key with its value.
 */
export function sharedSpans(file: ParsedFile): Array<[number, number]> {
  const cached = spans.get(file);
  if (cached) return cached;
  const out: Array<[number, number]> = [];
  for (const d of file.docs) {
    const f = foundIn(d, file);
    if (f.merges)
      visitPairs(d.doc.contents, (key, value) => {
        if (scalarString(key) === '<<' && isScalar(key) && key.range && hasRange(value)) out.push([key.range[0], value.range[1]]);
      });
    for (const n of f.aliases) {
      if (n.range) out.push([n.range[0], n.range[1]]);
      const target = n.resolve(d.doc);
      if (hasRange(target)) out.push([target.range[0], target.range[1]]);
    }
  }
  spans.set(file, out);
  return out;
}

function hasRange(n: unknown): n is { range: [number, number, number] } {
  return (isMap(n) || isSeq(n) || isScalar(n) || isAlias(n)) && Array.isArray(n.range);
}

function visitPairs(node: unknown, f: (key: unknown, value: unknown) => void): void {
  if (isMap(node)) {
    for (const it of node.items) {
      if (isPair(it)) f(it.key, it.value);
      visitPairs(it.value, f);
    }
  } else if (isSeq(node)) for (const it of node.items) visitPairs(it, f);
}

/** touchesShared tells whether an edit of [start, end) reaches one of the spans (an insertion at an edge counts). */
export function touchesShared(list: Array<[number, number]>, start: number, end: number): boolean {
  for (const [a, b] of list) if (start <= b && end >= a) return true;
  return false;
}

/** unresolvedAliases lists the aliases of a document that name no anchor set before them (kubectl cannot read such a file). */
export function unresolvedAliases(doc: YamlDoc, file: ParsedFile): Array<{ start: number; end: number; name: string }> {
  const out: Array<{ start: number; end: number; name: string }> = [];
  for (const a of foundIn(doc, file).aliases) if (a.range && a.resolve(doc.doc) === undefined) out.push({ start: a.range[0], end: a.range[1], name: a.source });
  return out;
}
