/**
 * ajv errors -> findings on exact YAML spans, with the project's messages and quick fixes.
 * One finding per span: the branch noise of `anyOf`/`oneOf` is folded first (the branch whose type matches
 * the value explains the problem; when none matches, one type error lists every accepted type), then the
 * most specific finding of each span is kept.
 */
import { distance } from 'fastest-levenshtein';
import { isMap, isScalar, Scalar } from 'yaml';
import type { Node as YNode, YAMLMap } from 'yaml';
import { type K8sObject, rootOf } from '../model';
import { findPair, type YPath } from '../parse';
import { replaceScalarValue } from '../yamlEdit';
import type { Finding, Fix } from '../types';
import type { GeneratedKind, SchemaError } from './jsonSchema';
import { locate, pointerSegments } from './plain';
import { fieldAt, typeLabel } from './resolve';

/** The finding codes of schema validation, most specific first (the order decides which finding keeps a shared span). */
export const SCHEMA_CODES = ['schema-unknown-property', 'schema-type', 'schema-enum', 'schema-range', 'schema-pattern', 'schema-required', 'schema-invalid'] as const;

/** The syntax of a Kubernetes quantity, as the generator writes it into the schemas. */
const QUANTITY_PATTERN = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

const RANGE_KEYWORDS = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'multipleOf', 'uniqueItems']);

/** errorsToFindings turns the errors of one object's validation into findings. */
export function errorsToFindings(errors: SchemaError[], obj: K8sObject, kind: GeneratedKind, data: unknown): Finding[] {
  const root = rootOf(obj);
  const ctx: Ctx = { obj, kind, data, root, text: obj.file.text };
  const out: Finding[] = [];
  for (const e of foldCombinators(errors)) {
    const f = toFinding(ctx, e);
    if (f) out.push(f);
  }
  const rank = (code: string): number => SCHEMA_CODES.indexOf(code as (typeof SCHEMA_CODES)[number]);
  const best = new Map<string, Finding>();
  for (const f of out) {
    const key = `${f.start}:${f.end}`;
    const prev = best.get(key);
    if (!prev || rank(f.code) < rank(prev.code)) best.set(key, f);
  }
  return [...best.values()].sort((a, b) => a.start - b.start);
}

interface Ctx {
  obj: K8sObject;
  kind: GeneratedKind;
  data: unknown;
  root: YNode;
  text: string;
}

/** foldCombinators replaces each failed `anyOf`/`oneOf` and its branch errors by the errors that explain it. */
export function foldCombinators(errors: SchemaError[]): SchemaError[] {
  let list = errors.slice();
  const combinators = list.filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && !e.params.passingSchemas).sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const c of combinators) {
    if (!list.includes(c)) continue;
    const prefix = `${c.schemaPath}/`;
    const members = list.filter((e) => e !== c && e.schemaPath.startsWith(prefix) && e.instancePath.startsWith(c.instancePath));
    const branches = new Map<string, SchemaError[]>();
    for (const m of members) {
      const b = m.schemaPath.slice(prefix.length).split('/')[0];
      branches.set(b, [...(branches.get(b) ?? []), m]);
    }
    const typed = [...branches.values()].filter((errs) => !errs.some((e) => e.keyword === 'type' && e.instancePath === c.instancePath));
    let keep: SchemaError[];
    if (typed.length) keep = typed.sort((a, b) => a.length - b.length)[0];
    else {
      const types = members.filter((e) => e.keyword === 'type' && e.instancePath === c.instancePath).flatMap((e) => String(e.params.type).split(','));
      keep = [{ instancePath: c.instancePath, schemaPath: c.schemaPath, keyword: 'type', params: { type: [...new Set(types)].join(',') } }];
    }
    list = list.filter((e) => e !== c && !members.includes(e));
    list.push(...keep);
  }
  return list;
}

function toFinding(ctx: Ctx, e: SchemaError): Finding | undefined {
  const segments = pointerSegments(e.instancePath);
  const path = toYPath(segments, ctx.data);
  switch (e.keyword) {
    case 'additionalProperties':
      return unknownProperty(ctx, path, String(e.params.additionalProperty));
    case 'required':
      return required(ctx, path, String(e.params.missingProperty));
    case 'type':
      return wrongType(ctx, path, String(e.params.type).split(','));
    case 'enum':
    case 'const':
      return notAllowed(ctx, path, e.keyword === 'enum' ? (e.params.allowedValues as unknown[]) : [e.params.allowedValue]);
    case 'pattern':
      return pattern(ctx, path, String(e.params.pattern));
    case 'format':
      return format(ctx, path, String(e.params.format));
    default:
      if (RANGE_KEYWORDS.has(e.keyword)) return range(ctx, path, e);
      return { code: 'schema-invalid', severity: 'error', message: `${label(path)} is not valid here (${e.keyword}).`, ...valueSpan(ctx, path) };
  }
}

/** toYPath turns pointer segments into a YAML path, with numbers where the data holds arrays. */
function toYPath(segments: string[], data: unknown): YPath {
  const out: YPath = [];
  let cur: unknown = data;
  for (const s of segments) {
    if (Array.isArray(cur)) {
      out.push(Number(s));
      cur = cur[Number(s)];
    } else {
      out.push(s);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[s] : undefined;
    }
  }
  return out;
}

/** label names a field for a message: `` `threshold` `` for `spec.triggers[0].metadata.threshold`, `` Item 2 of `args` `` for an item. */
function label(path: YPath): string {
  const last = path[path.length - 1];
  if (typeof last === 'number') {
    const owner = path[path.length - 2];
    return typeof owner === 'string' ? `Item ${last + 1} of \`${owner}\`` : 'This item';
  }
  return last === undefined ? 'This object' : `\`${last}\``;
}

/** where renders a path as `spec.triggers[0]` for messages. */
function where(path: YPath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('');
}

function valueAt(data: unknown, path: YPath): unknown {
  let cur = data;
  for (const s of path) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[s] : undefined;
  return cur;
}

/** nodeSpan gives a scalar's range, or a collection's key (or first line), so a finding never covers a whole block. */
function nodeSpan(ctx: Ctx, node: YNode, keyNode: YNode | undefined): { start: number; end: number } {
  if (isScalar(node) && node.range) return { start: node.range[0], end: Math.max(node.range[1], node.range[0] + 1) };
  if (keyNode?.range) return { start: keyNode.range[0], end: keyNode.range[1] };
  const start = node.range?.[0] ?? 0;
  let end = ctx.text.indexOf('\n', start);
  if (end < 0 || (node.range && end > node.range[1])) end = node.range?.[1] ?? start + 1;
  return { start, end: Math.max(end, start + 1) };
}

function valueSpan(ctx: Ctx, path: YPath): { start: number; end: number } {
  const loc = locate(ctx.root, path.map(String));
  return nodeSpan(ctx, loc.node, loc.pair?.key ?? undefined);
}

/** shown returns the text of a node as written (first line), shortened for a message. */
function shown(ctx: Ctx, node: YNode): string {
  const raw = node.range ? ctx.text.slice(node.range[0], node.range[1]).trim() : '';
  const one = raw.split('\n')[0];
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}

function unknownProperty(ctx: Ctx, path: YPath, key: string): Finding {
  const loc = locate(ctx.root, path.map(String));
  const map = isMap(loc.node) && loc.depth === path.length ? loc.node : undefined;
  const pair = map ? findPair(map, key) : undefined;
  const at = where(path);
  const inWhat = at ? `\`${at}\` of a ${ctx.obj.kind}` : `a ${ctx.obj.kind}`;
  const field = fieldAt(ctx.kind, path);
  const present = new Set(map ? map.items.map((it) => String((it.key as Scalar | null)?.value)) : []);
  const candidates = field ? suggest(key, Object.keys(field.properties).filter((k) => !present.has(k))) : [];
  const span = pair?.key?.range ? { start: pair.key.range[0], end: pair.key.range[1] } : nodeSpan(ctx, loc.node, loc.pair?.key ?? undefined);
  const hint = candidates.length ? `; did you mean ${candidates.map((c) => `\`${c}\``).join(' or ')}?` : ': the API server rejects unknown fields.';
  const fixes: Fix[] = [];
  if (pair?.key?.range) {
    candidates.forEach((c, i) => fixes.push({ title: `Rename \`${key}\` to \`${c}\``, edits: [{ start: pair.key.range![0], end: pair.key.range![1], newText: c }], isPreferred: i === 0 && candidates.length === 1 }));
  }
  return { code: 'schema-unknown-property', severity: 'error', message: `Unknown field \`${key}\` in ${inWhat}${hint}`, ...span, fixes: fixes.length ? fixes : undefined };
}

/**
 * suggest ranks the known names close to a mistyped one: by edit distance (case-insensitive), also accepting
 * names that contain it (`minReplicas` -> `minReplicaCount`, `probe` -> `startupProbe`). At most three, best first.
 */
export function suggest(word: string, names: string[]): string[] {
  const w = word.toLowerCase();
  const scored: Array<{ name: string; d: number }> = [];
  for (const name of names) {
    const n = name.toLowerCase();
    const d = distance(w, n);
    const limit = Math.max(2, Math.ceil(Math.max(w.length, n.length) * 0.35));
    const stem = w.replace(/s$/, '');
    const affix = stem.length >= 4 && n.length >= 4 && (n.includes(stem) || w.includes(n));
    if (d <= limit || affix) scored.push({ name, d });
  }
  scored.sort((a, b) => a.d - b.d || a.name.localeCompare(b.name));
  // A clear winner is offered alone (and may be applied without review).
  if (scored.length > 1 && scored[0].d < scored[1].d && (scored[0].d <= 2 || scored[1].d - scored[0].d >= 2)) return [scored[0].name];
  return scored.slice(0, 3).map((s) => s.name);
}

function required(ctx: Ctx, path: YPath, missing: string): Finding {
  const loc = locate(ctx.root, path.map(String));
  const map = isMap(loc.node) ? (loc.node as YAMLMap) : undefined;
  const emptyPair = map ? findPair(map, missing) : undefined;
  const at = where(path);
  if (emptyPair?.key?.range) {
    return { code: 'schema-required', severity: 'error', message: `\`${missing}\` is required and must not be empty.`, start: emptyPair.key.range[0], end: emptyPair.key.range[1] };
  }
  let span: { start: number; end: number };
  if (loc.pair?.key?.range && loc.depth === path.length) span = { start: loc.pair.key.range[0], end: loc.pair.key.range[1] };
  else if (path.length === 0) span = rootSpan(ctx);
  else if (map && map.items[0]?.key && (map.items[0].key as YNode).range) {
    const k = map.items[0].key as YNode;
    span = { start: k.range![0], end: k.range![1] };
  } else span = nodeSpan(ctx, loc.node, undefined);
  const owner = at ? `\`${at}\`` : `A ${ctx.obj.kind}`;
  return { code: 'schema-required', severity: 'error', message: `${owner} is missing the required field \`${missing}\`.`, ...span };
}

/** rootSpan points at `kind: X` for problems of the whole object. */
function rootSpan(ctx: Ctx): { start: number; end: number } {
  const pair = isMap(ctx.root) ? findPair(ctx.root, 'kind') : undefined;
  if (pair?.key?.range) return { start: pair.key.range[0], end: pair.value?.range?.[1] ?? pair.key.range[1] };
  return { start: ctx.obj.doc.start, end: ctx.obj.doc.start + 1 };
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

const article = (t: string): string => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

function wrongType(ctx: Ctx, path: YPath, expected: string[]): Finding {
  const loc = locate(ctx.root, path.map(String));
  const value = valueAt(ctx.data, path);
  const want = typeLabel(expected);
  const span = nodeSpan(ctx, loc.node, loc.pair?.key ?? undefined);
  const inMetadata = path.length >= 4 && path[path.length - 2] === 'metadata' && typeof path[path.length - 3] === 'number' && path[path.length - 4] === 'triggers';
  const why = inMetadata && expected.includes('string') ? ' KEDA trigger metadata is a map of strings: quote the value.' : '';
  const found = jsonType(value);
  const fixes = loc.depth === path.length && isScalar(loc.node) ? typeFixes(ctx, loc.node, expected, value) : [];
  return {
    code: 'schema-type',
    severity: 'error',
    message: `${label(path)} must be ${want.split(' or ').map(article).join(' or ')}, not ${article(found)}.${why}`,
    ...span,
    fixes: fixes.length ? fixes : undefined,
  };
}

/** typeFixes quotes a number or boolean where text is expected, or unquotes a quoted number or boolean. */
function typeFixes(ctx: Ctx, node: Scalar, expected: string[], value: unknown): Fix[] {
  const raw = ctx.text.slice(node.range![0], node.range![1]);
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
  const edit = (newText: string) => [{ start: node.range![0], end: node.range![1], newText }];
  if (expected.includes('string') && !quoted && node.type === Scalar.PLAIN && (typeof value === 'number' || typeof value === 'boolean')) {
    return [{ title: `Quote ${raw} as a string`, edits: edit(JSON.stringify(raw)), isPreferred: true }];
  }
  if (quoted && typeof value === 'string') {
    const t = value.trim();
    const numeric = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t);
    if (numeric && (expected.includes('number') || (expected.includes('integer') && Number.isInteger(Number(t))))) {
      return [{ title: `Write ${t} as a number`, edits: edit(t), isPreferred: true }];
    }
    if ((t === 'true' || t === 'false') && expected.includes('boolean')) return [{ title: `Write ${t} as a boolean`, edits: edit(t), isPreferred: true }];
  }
  return [];
}

function notAllowed(ctx: Ctx, path: YPath, allowed: unknown[]): Finding {
  const loc = locate(ctx.root, path.map(String));
  const value = valueAt(ctx.data, path);
  const list = allowed.map((a) => `\`${String(a)}\``).join(', ');
  const fixes: Fix[] = [];
  if (typeof value === 'string' && isScalar(loc.node) && loc.node.range && loc.depth === path.length) {
    const names = allowed.filter((a): a is string => typeof a === 'string');
    const exact = names.find((n) => n.toLowerCase() === value.toLowerCase());
    const close = exact ? [exact] : suggest(value, names).slice(0, 1);
    for (const c of close) fixes.push({ title: `Change to \`${c}\``, edits: [replaceScalarValue(loc.node, c)], isPreferred: c === exact });
  }
  return {
    code: 'schema-enum',
    severity: 'error',
    message: `${label(path)} must be ${allowed.length === 1 ? list : `one of ${list}`} (found \`${shown(ctx, loc.node)}\`).`,
    ...nodeSpan(ctx, loc.node, loc.pair?.key ?? undefined),
    fixes: fixes.length ? fixes : undefined,
  };
}

function pattern(ctx: Ctx, path: YPath, re: string): Finding {
  const loc = locate(ctx.root, path.map(String));
  const what = re === QUANTITY_PATTERN ? 'a Kubernetes quantity such as `2`, `500m`, `0.1` or `4Gi`' : `text matching \`${re}\``;
  return { code: 'schema-pattern', severity: 'error', message: `${label(path)} must be ${what} (found \`${shown(ctx, loc.node)}\`).`, ...nodeSpan(ctx, loc.node, loc.pair?.key ?? undefined) };
}

function format(ctx: Ctx, path: YPath, fmt: string): Finding {
  const loc = locate(ctx.root, path.map(String));
  const span = nodeSpan(ctx, loc.node, loc.pair?.key ?? undefined);
  if (fmt === 'int32' || fmt === 'int64') {
    return { code: 'schema-range', severity: 'error', message: `${label(path)} is out of range for a ${fmt === 'int32' ? '32' : '64'}-bit integer (found \`${shown(ctx, loc.node)}\`).`, ...span };
  }
  const what = fmt === 'date-time' ? 'an RFC 3339 date-time such as `2025-01-31T12:00:00Z`' : `in the \`${fmt}\` format`;
  return { code: 'schema-pattern', severity: 'error', message: `${label(path)} must be ${what} (found \`${shown(ctx, loc.node)}\`).`, ...span };
}

function range(ctx: Ctx, path: YPath, e: SchemaError): Finding {
  const loc = locate(ctx.root, path.map(String));
  const limit = e.params.limit as number;
  const found = isScalar(loc.node) ? ` (found \`${shown(ctx, loc.node)}\`)` : '';
  // Seconds read naturally after a bound ("at most 3600 seconds"); other units are left to the hover.
  const unit = fieldAt(ctx.kind, path)?.unit === 'seconds' && ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'].includes(e.keyword) ? ' seconds' : '';
  let rule: string;
  switch (e.keyword) {
    case 'minimum': rule = `must be at least ${limit}${unit}`; break;
    case 'maximum': rule = `must be at most ${limit}${unit}`; break;
    case 'exclusiveMinimum': rule = `must be more than ${limit}${unit}`; break;
    case 'exclusiveMaximum': rule = `must be less than ${limit}${unit}`; break;
    case 'minLength': rule = limit === 1 ? 'must not be empty' : `must have at least ${limit} characters`; break;
    case 'maxLength': rule = `must have at most ${limit} characters`; break;
    case 'minItems': rule = `needs at least ${limit} ${limit === 1 ? 'entry' : 'entries'}`; break;
    case 'maxItems': rule = `allows at most ${limit} entries`; break;
    case 'uniqueItems': rule = 'must not repeat an entry'; break;
    case 'multipleOf': rule = `must be a multiple of ${String(e.params.multipleOf)}`; break;
    default: rule = `must have at ${e.keyword.startsWith('min') ? 'least' : 'most'} ${limit} properties`;
  }
  return { code: 'schema-range', severity: 'error', message: `${label(path)} ${rule}${found}.`, ...nodeSpan(ctx, loc.node, loc.pair?.key ?? undefined) };
}
