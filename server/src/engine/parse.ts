/**
 * Parsing: multi-document YAML with exact source ranges, template masking and path helpers.
 *
 * Templated files (Helm / Go templates, envsubst and Terraform `${...}` placeholders) are parsed after
 * masking each template expression with characters of the same length, so every offset the parser
 * reports is an offset into the user's real text. The masked spans are remembered so that checks
 * can stay silent where a template expression stands.
 */
import { Composer, Document, isAlias, isCollection, isMap, isPair, isScalar, isSeq, parseAllDocuments, parseDocument, Pair, Parser, Scalar, YAMLMap, YAMLParseError, YAMLSeq } from 'yaml';
import type { Node as YNode, YAMLError } from 'yaml';
import { yamlMessage } from './yamlMessages';

/** What kind of templating a file uses. */
export type TemplateKind = 'helm' | 'envsubst' | 'terraform';

/** A template expression in the source: offsets into the original text. */
export interface TemplateSpan {
  start: number;
  end: number;
  kind: TemplateKind;
}

/** A YAML syntax problem, with offsets. */
export interface SyntaxProblem {
  start: number;
  end: number;
  message: string;
  code: string;
  warning: boolean;
}

/** One `---`-separated document of a file. */
export interface YamlDoc {
  index: number;
  doc: Document.Parsed;
  /** Start and end offsets of the document in the text. */
  start: number;
  end: number;
}

/** A parsed file: the result of one parse per document version. */
export interface ParsedFile {
  uri: string;
  version: number;
  text: string;
  docs: YamlDoc[];
  syntax: SyntaxProblem[];
  templates: TemplateSpan[];
  /** The dominant template kind, if the file is templated. */
  templated: TemplateKind | undefined;
}

const HELM = /\{\{[\s\S]*?\}\}/g;
const DOLLAR = /\$\{[^}\n]*\}/g;
const TF_DIRECTIVE = /%\{[^}\n]*\}/g;

/** maskTemplates replaces template expressions by same-length filler and returns their spans. */
export function maskTemplates(text: string): { masked: string; spans: TemplateSpan[] } {
  if (!text.includes('{{') && !text.includes('${') && !text.includes('%{')) return { masked: text, spans: [] };
  const spans: TemplateSpan[] = [];
  const chars = text.split('');
  const fill = (start: number, end: number, kind: TemplateKind, replacement: 'blank' | 'word'): void => {
    spans.push({ start, end, kind });
    for (let i = start; i < end; i++) {
      if (chars[i] === '\n' || chars[i] === '\r') continue;
      chars[i] = replacement === 'blank' ? ' ' : '_';
    }
  };
  const lineBounds = (start: number, end: number): { onlyTemplate: boolean } => {
    const ls = text.lastIndexOf('\n', start - 1) + 1;
    let le = text.indexOf('\n', end);
    if (le < 0) le = text.length;
    const before = text.slice(ls, start).trim();
    const after = text.slice(end, le).trim();
    return { onlyTemplate: before === '' && (after === '' || after.startsWith('{{') || after.startsWith('#')) };
  };
  for (const m of text.matchAll(HELM)) {
    const start = m.index!;
    const end = start + m[0].length;
    // A template standing alone on its line is a directive (if/range/end/include|nindent): it becomes blank.
    // An inline one stands for a scalar: it becomes a same-length word so the YAML shape is kept.
    fill(start, end, 'helm', lineBounds(start, end).onlyTemplate ? 'blank' : 'word');
  }
  for (const m of text.matchAll(TF_DIRECTIVE)) {
    const start = m.index!;
    fill(start, start + m[0].length, 'terraform', 'blank');
  }
  for (const m of text.matchAll(DOLLAR)) {
    const start = m.index!;
    if (spans.some((s) => start >= s.start && start < s.end)) continue;
    // `${VAR}` is valid YAML already; keep the text and only remember where it stands.
    spans.push({ start, end: start + m[0].length, kind: 'envsubst' });
  }
  spans.sort((a, b) => a.start - b.start);
  return { masked: chars.join(''), spans };
}

// Source tokens stay on scalars only (see finishDocument): the PromQL module reads a query scalar's token to map
// query positions to YAML offsets. Keys given twice are found by finishDocument, not the parser's uniqueKeys; strict
// false tolerates what kubectl does.
const PARSE_OPTIONS = { keepSourceTokens: true, prettyErrors: false, uniqueKeys: false, strict: false } as const;

/** The documents parsed from one `---`-delimited slice of the text, which a later parse may take over. */
interface Chunk {
  start: number;
  end: number;
  docs: Document.Parsed[];
}

/** The chunks of each parse of a text without directives, `...` markers or templates, with the text they cut. */
const chunksOf = new WeakMap<ParsedFile, { text: string; chunks: Chunk[] }>();

/**
 * parseFile parses every document of a file; it never throws. Given the previous parse of the same document,
 * it parses again only the `---` documents an edit touched and takes the others over, with their offsets
 * moved: that previous parse must not be used afterwards.
 */
export function parseFile(uri: string, text: string, version = 0, previous?: ParsedFile): ParsedFile {
  const { masked, spans } = maskTemplates(text);
  let parsed: Document.Parsed[] = [];
  let chunks: Chunk[] | undefined;
  const syntax: SyntaxProblem[] = [];
  try {
    const starts = spans.length ? undefined : chunkStarts(masked);
    if (starts) {
      const before = previous?.uri === uri ? chunksOf.get(previous) : undefined;
      // The new parse takes the previous one's documents over (their offsets move): it can be reused only once.
      if (before) chunksOf.delete(previous!);
      // One composer serves every chunk: with no directives it keeps no state from one document to the next.
      const composer = new Composer(PARSE_OPTIONS);
      chunks = before ? reparseChunks(composer, masked, starts, before.text, before.chunks) : starts.map((start, i) => parseChunk(composer, masked, start, starts[i + 1] ?? masked.length));
      for (const c of chunks) parsed.push(...c.docs);
    } else {
      parsed = parseAllDocuments(masked, PARSE_OPTIONS) as Document.Parsed[];
      if (!Array.isArray(parsed)) parsed = [];
      for (const doc of parsed) finishDocument(doc);
    }
  } catch (e) {
    parsed = [];
    chunks = undefined;
    syntax.push({ start: 0, end: Math.min(text.length, 1), message: `YAML could not be parsed: ${(e as Error).message}`, code: 'yaml-syntax', warning: false });
  }
  const docs: YamlDoc[] = [];
  parsed.forEach((doc, index) => {
    let tooDeep = false;
    for (const err of doc.errors) {
      // Past the stack's depth the parser fails again at every level it unwinds through: the first failure says it all.
      if (err.code === 'RESOURCE_EXHAUSTION' && /call stack/i.test(err.message)) {
        if (tooDeep) continue;
        tooDeep = true;
      }
      let [start, end] = err.pos;
      // An unclosed flow collection is detected where the parser gives up (often the end of the file);
      // point at the bracket that was never closed instead.
      const unclosed = /^Flow (sequence|map)\b.*\bend with a [\]}]/.exec(err.message);
      const opener = unclosed ? unclosedBracket(masked, start, unclosed[1] === 'sequence' ? '[' : '{') : -1;
      if (opener >= 0) {
        start = opener;
        const eol = masked.indexOf('\n', opener);
        end = eol < 0 ? masked.length : eol;
      }
      syntax.push(syntaxProblem(err, ...spanIn(masked, start, end), masked, false));
    }
    for (const w of doc.warnings) {
      syntax.push(syntaxProblem(w, ...spanIn(masked, w.pos[0], w.pos[1]), masked, true));
    }
    const [start, , end] = doc.range;
    docs.push({ index, doc, start, end });
  });
  if (!docs.length) {
    // An empty file (or one with only comments) is one empty document, so the cursor always has a home.
    const doc = parseDocument('', { keepSourceTokens: true }) as Document.Parsed;
    docs.push({ index: 0, doc, start: 0, end: text.length });
  }
  const counts = new Map<TemplateKind, number>();
  for (const s of spans) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
  let templated: TemplateKind | undefined;
  let best = 0;
  for (const [k, n] of counts) if (n > best) { best = n; templated = k; }
  const file: ParsedFile = { uri, version, text, docs, syntax, templates: spans, templated };
  if (chunks) chunksOf.set(file, { text: masked, chunks });
  return file;
}

/**
 * spanIn makes a parser's error span one the text holds: at least one character, never past the end. The parser
 * reports a problem found at the end of the text (a quote never closed on the last line) just past it; that
 * becomes the last character.
 */
function spanIn(text: string, start: number, end: number): [number, number] {
  const e = Math.min(Math.max(end, start + 1), text.length);
  return [Math.max(0, Math.min(start, e - 1)), e];
}

const DOC_START = /^---(?=[ \t\r\n]|$)/gm;
// Directives and `...` end markers change how the next document is read, so such texts are parsed whole.
const CROSS_DOCUMENT = /^(%|\.\.\.(?:[ \t\r\n]|$))/m;
const CONTENT_LINE = /^[ \t]*[^\s#]/m;

/**
 * chunkStarts gives where each document of a text starts: at every `---` line, except that comments before the
 * first one stay with the first document, as the parser attaches them. A `---` at the start of a line always
 * starts a document (YAML forbids it inside a scalar), so each chunk parses alone as it does within the whole
 * text. The one difference is in broken YAML: a quote left open before a `---` line ends at that line, where
 * the whole-text parser lets it run on and swallow the documents after it.
 */
function chunkStarts(text: string): number[] | undefined {
  if (CROSS_DOCUMENT.test(text)) return undefined;
  const starts = [0];
  for (const m of text.matchAll(DOC_START)) {
    const at = m.index!;
    if (at === 0) continue;
    if (starts.length === 1 && !text.startsWith('---', 0) && !CONTENT_LINE.test(text.slice(0, at))) continue;
    starts.push(at);
  }
  return starts;
}

/** parseChunk parses the documents of text[start, end) with offsets into the whole text. */
function parseChunk(composer: Composer, text: string, start: number, end: number): Chunk {
  const parser = new Parser();
  parser.offset = start;
  const docs = Array.from(composer.compose(parser.parse(text.slice(start, end)))) as Document.Parsed[];
  for (const doc of docs) finishDocument(doc);
  return { start, end, docs };
}

/**
 * reparseChunks parses the chunks of a new text, taking over from the previous parse every chunk that lies
 * wholly in the text both versions share at the start (as it was) or at the end (moved by the length change).
 */
function reparseChunks(composer: Composer, text: string, starts: number[], oldText: string, old: Chunk[]): Chunk[] {
  let prefix = 0;
  const shortest = Math.min(text.length, oldText.length);
  while (prefix < shortest && text.charCodeAt(prefix) === oldText.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shortest - prefix && text.charCodeAt(text.length - 1 - suffix) === oldText.charCodeAt(oldText.length - 1 - suffix)) suffix++;
  const delta = text.length - oldText.length;
  const byStart = new Map(old.map((c) => [c.start, c]));
  return starts.map((start, i) => {
    const end = starts[i + 1] ?? text.length;
    if (end <= prefix) {
      const same = byStart.get(start);
      if (same && same.end === end) return same;
    } else if (start >= text.length - suffix) {
      const moved = byStart.get(start - delta);
      if (moved && moved.end === end - delta) {
        for (const doc of moved.docs) shiftDocument(doc, delta);
        return { start, end, docs: moved.docs };
      }
    }
    return parseChunk(composer, text, start, end);
  });
}

/** A scalar's source token: what the PromQL module reads. */
interface ScalarToken {
  offset: number;
  end?: Array<{ offset: number }>;
  props?: Array<{ offset: number }>;
}

/**
 * finishDocument readies a composed document in one walk. It removes the source tokens of collections and pairs,
 * which hold the whole CST below them: only scalars' tokens are read, and the rest would double what a parse keeps
 * in memory. And it reports a key given twice in a map as the parser's `uniqueKeys` does (the same error, at the
 * later key; scalar keys are the same when their values are), with a set per map: the parser compares each key
 * with every earlier one, and a map of 20,000 labels took seconds.
 */
function finishDocument(doc: Document.Parsed): void {
  const repeated: YAMLParseError[] = [];
  finishNode(doc.contents, repeated);
  if (!repeated.length) return;
  for (const e of repeated) doc.errors.push(e);
  // In text order, as the parser reports them (a stable sort keeps the order of errors at one place).
  doc.errors.sort((a, b) => a.pos[0] - b.pos[0]);
}

function finishNode(node: unknown, repeated: YAMLParseError[]): void {
  if (isPair(node)) {
    node.srcToken = undefined;
    finishNode(node.key, repeated);
    finishNode(node.value, repeated);
  } else if (isCollection(node)) {
    node.srcToken = undefined;
    if (isMap(node) && node.items.length > 1) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        // NaN is never equal to a key, not even to NaN.
        if (!isScalar(key) || Number.isNaN(key.value)) continue;
        if (!seen.has(key.value)) seen.add(key.value);
        else if (key.range) repeated.push(new YAMLParseError([key.range[0], key.range[0] + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
      }
    }
    for (const item of node.items) finishNode(item, repeated);
  } else if (isAlias(node)) {
    node.srcToken = undefined;
  }
}

/** shiftDocument moves every offset of a parsed document (ranges, scalar tokens, errors) by delta. */
function shiftDocument(doc: Document.Parsed, delta: number): void {
  if (delta === 0) return;
  doc.range[0] += delta;
  doc.range[1] += delta;
  doc.range[2] += delta;
  for (const e of [...doc.errors, ...doc.warnings]) {
    e.pos[0] += delta;
    e.pos[1] += delta;
  }
  shiftNode(doc.contents, delta);
}

function shiftNode(node: unknown, delta: number): void {
  if (isPair(node)) {
    shiftNode(node.key, delta);
    shiftNode(node.value, delta);
    return;
  }
  if (!isScalar(node) && !isCollection(node) && !isAlias(node)) return;
  if (node.range) {
    node.range[0] += delta;
    node.range[1] += delta;
    node.range[2] += delta;
  }
  if (isCollection(node)) {
    for (const item of node.items) shiftNode(item, delta);
  } else if (isScalar(node) && node.srcToken) {
    const token = node.srcToken as ScalarToken;
    token.offset += delta;
    for (const t of token.end ?? []) t.offset += delta;
    for (const t of token.props ?? []) t.offset += delta;
  }
}

/** unclosedBracket finds the last `[` or `{` before an offset that has no closing partner (quotes skipped). */
function unclosedBracket(text: string, before: number, open: '[' | '{'): number {
  const close = open === '[' ? ']' : '}';
  const stack: number[] = [];
  let quote = '';
  for (let i = 0; i < Math.min(before, text.length); i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\n') quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol;
    } else if (c === open) stack.push(i);
    else if (c === close) stack.pop();
  }
  return stack.length ? stack[stack.length - 1] : -1;
}

/**
 * syntaxProblem turns one of the library's errors or warnings into a problem in the project's words, shown at
 * [start, end); the message reads the source where the library points, which is where the token at fault is.
 */
function syntaxProblem(err: YAMLError, start: number, end: number, text: string, warning: boolean): SyntaxProblem {
  // yaml's messages end with a source excerpt after a blank line when prettyErrors is on; keep the first line.
  const libraryText = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const message = yamlMessage({ code: err.code, message: libraryText, start: err.pos[0], end: err.pos[1] }, text);
  return { start, end, message, code: `yaml-${err.code.toLowerCase().replace(/_/g, '-')}`, warning };
}

/** A path into a YAML document: map keys and sequence indexes. */
export type YPath = Array<string | number>;

/** getNode returns the node at a path, or undefined. */
export function getNode(root: unknown, path: YPath): YNode | undefined {
  let cur: unknown = root;
  for (const seg of path) {
    if (isMap(cur)) {
      const pair = findPair(cur, String(seg));
      if (!pair) return undefined;
      cur = pair.value;
    } else if (isSeq(cur) && typeof seg === 'number') {
      cur = cur.items[seg];
    } else return undefined;
  }
  return (cur ?? undefined) as YNode | undefined;
}

/** findPair finds a key in a map by its string value. */
export function findPair(map: YAMLMap, key: string): Pair<Scalar, YNode | null> | undefined {
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return item as Pair<Scalar, YNode | null>;
  }
  return undefined;
}

/** getPair returns the pair whose key ends the path (the parent must be a map). */
export function getPair(root: unknown, path: YPath): Pair<Scalar, YNode | null> | undefined {
  if (path.length === 0) return undefined;
  const parent = getNode(root, path.slice(0, -1));
  if (!isMap(parent)) return undefined;
  return findPair(parent, String(path[path.length - 1]));
}

/** stringMap reads a map of string keys to scalar values (labels, selectors); other entries are skipped. */
export function stringMap(node: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMap(node)) return out;
  for (const it of node.items) {
    const k = scalarString(it.key);
    const v = scalarString(it.value);
    if (k !== undefined && v !== undefined) out[k] = v;
  }
  return out;
}

/** scalarString gives a scalar's value as a string (numbers and booleans included), else undefined. */
export function scalarString(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** scalarNumber gives a scalar's value as a finite number (numbers, or strings that parse), else undefined. */
export function scalarNumber(node: unknown): number | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** nodeRange gives the [start, end) of a node's value (without trailing comments). */
export function nodeRange(node: YNode | null | undefined): [number, number] | undefined {
  if (!node || !node.range) return undefined;
  return [node.range[0], node.range[1]];
}

/** A location inside a document: the chain of keys from the root to the innermost node at an offset. */
export interface PathAtOffset {
  path: YPath;
  /** True when the offset is on a key (or where a new key would be typed). */
  onKey: boolean;
  /** The innermost node whose range contains the offset. */
  node: YNode | undefined;
  /** The map that contains the key at the offset, if any. */
  parentMap: YAMLMap | undefined;
}

/** pathAtOffset walks the document to the deepest node that contains the offset. */
export function pathAtOffset(doc: Document.Parsed, offset: number): PathAtOffset {
  const path: YPath = [];
  let cur: unknown = doc.contents;
  let parentMap: YAMLMap | undefined;
  const onKey = false;
  let node: YNode | undefined = cur as YNode | undefined;
  for (;;) {
    if (isMap(cur)) {
      parentMap = cur;
      let next: unknown;
      for (const item of cur.items) {
        if (!isPair(item)) continue;
        const k = item.key as YNode | null;
        const v = item.value as YNode | null;
        if (k && k.range && offset >= k.range[0] && offset <= k.range[1]) {
          path.push(String(scalarString(k) ?? ''));
          return { path, onKey: true, node: k, parentMap };
        }
        if (v && v.range && offset >= v.range[0] && offset <= v.range[1] && isScalar(v) === false) {
          path.push(String(scalarString(k) ?? ''));
          next = v;
          break;
        }
        if (v && v.range && isScalar(v) && offset >= v.range[0] && offset <= v.range[1]) {
          path.push(String(scalarString(k) ?? ''));
          return { path, onKey: false, node: v, parentMap };
        }
      }
      if (next === undefined) return { path, onKey, node, parentMap };
      cur = next;
      node = next as YNode;
    } else if (isSeq(cur)) {
      let next: unknown;
      (cur as YAMLSeq).items.forEach((it, i) => {
        const n = it as YNode | null;
        if (next === undefined && n && n.range && offset >= n.range[0] && offset <= n.range[1]) {
          path.push(i);
          next = n;
        }
      });
      if (next === undefined) return { path, onKey, node, parentMap };
      if (isScalar(next)) return { path, onKey: false, node: next as YNode, parentMap };
      cur = next;
      node = next as YNode;
    } else {
      return { path, onKey, node, parentMap };
    }
  }
}

/** docAt returns the document that contains an offset. */
export function docAt(file: ParsedFile, offset: number): YamlDoc | undefined {
  for (const d of file.docs) if (offset >= d.start && offset <= d.end) return d;
  return file.docs[file.docs.length - 1];
}

/** overlapsTemplate tells whether [start, end) touches a template expression. */
export function overlapsTemplate(file: ParsedFile, start: number, end: number): boolean {
  for (const s of file.templates) {
    if (s.start >= end + 1) break;
    if (s.end >= start && s.start <= end) return true;
  }
  return false;
}
