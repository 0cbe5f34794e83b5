/**
 * Schema navigation for completion, hover and error messages: the schema of the field at a YAML path, seen
 * through `$ref`s and `anyOf`/`oneOf`/`allOf`. Views are memoized per schema node and lookups per path, so a
 * completion request after warm-up is a few map reads.
 */
import type { YPath } from '../parse';
import type { GeneratedKind, JsonSchema } from './jsonSchema';

/** A field's schema with references and combinators resolved. */
export interface FieldSchema {
  /** JSON types the field accepts (`object`, `array`, `string`, `integer`, `number`, `boolean`). */
  types: string[];
  /** Properties of an object, from every branch. */
  properties: Record<string, JsonSchema>;
  required: Set<string>;
  /** Schema of the values of a map (`additionalProperties` as a schema). */
  values: JsonSchema | undefined;
  /** True when properties other than `properties` are rejected. */
  closed: boolean;
  items: JsonSchema | undefined;
  enum: unknown[] | undefined;
  description: string | undefined;
  markdownDescription: string | undefined;
  default: unknown;
  unit: string | undefined;
  gpu: string | undefined;
}

const REF = '#/definitions/';
const views = new WeakMap<JsonSchema, FieldSchema>();
const byPath = new WeakMap<GeneratedKind, Map<string, FieldSchema | null>>();

/** viewOf resolves one schema node of a kind's schema. */
export function viewOf(kind: GeneratedKind, node: JsonSchema): FieldSchema {
  let v = views.get(node);
  if (!v) {
    v = build(kind.schema, node, 0);
    views.set(node, v);
  }
  return v;
}

/** fieldAt returns the schema of the value at a path from the document root, or undefined when the path leaves the schema. */
export function fieldAt(kind: GeneratedKind, path: YPath): FieldSchema | undefined {
  let cache = byPath.get(kind);
  if (!cache) byPath.set(kind, (cache = new Map()));
  const key = path.map((s) => (typeof s === 'number' ? '[]' : s)).join('\u0000');
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  let cur: FieldSchema | undefined = viewOf(kind, kind.schema);
  for (const seg of path) {
    if (!cur) break;
    const next: JsonSchema | undefined = typeof seg === 'number' ? cur.items : cur.properties[seg] ?? cur.values;
    cur = next ? viewOf(kind, next) : undefined;
  }
  cache.set(key, cur ?? null);
  return cur;
}

/** propertyAt returns the declared schema of a property of the object at a path (with the property's own annotations). */
export function propertyAt(kind: GeneratedKind, objectPath: YPath, key: string): JsonSchema | undefined {
  const parent = fieldAt(kind, objectPath);
  return parent ? parent.properties[key] ?? parent.values : undefined;
}

function deref(root: JsonSchema, node: JsonSchema, depth: number): JsonSchema {
  let cur = node;
  for (let i = 0; cur.$ref && i < 32 - depth; i++) {
    const target = cur.$ref.startsWith(REF) ? root.definitions?.[cur.$ref.slice(REF.length)] : undefined;
    if (!target) break;
    cur = target;
  }
  return cur;
}

function build(root: JsonSchema, declared: JsonSchema, depth: number): FieldSchema {
  const out: FieldSchema = {
    types: [],
    properties: {},
    required: new Set(),
    values: undefined,
    closed: false,
    items: undefined,
    enum: undefined,
    description: declared.description,
    markdownDescription: declared.markdownDescription,
    default: declared.default,
    unit: declared['x-scalelens']?.unit,
    gpu: declared['x-scalelens']?.gpu,
  };
  merge(root, out, declared, depth);
  out.types = [...new Set(out.types)].sort();
  return out;
}

/** merge folds a schema node (after `$ref`s) and its branches into a view; the declared annotations win. */
function merge(root: JsonSchema, out: FieldSchema, node: JsonSchema, depth: number): void {
  if (depth > 16) return;
  const s = deref(root, node, depth);
  out.description ??= s.description;
  out.markdownDescription ??= s.markdownDescription;
  if (out.default === undefined) out.default = s.default;
  out.unit ??= s['x-scalelens']?.unit;
  out.gpu ??= s['x-scalelens']?.gpu;
  if (s.type) out.types.push(...(Array.isArray(s.type) ? s.type : [s.type]));
  else if (s.properties) out.types.push('object');
  if (s.properties) Object.assign(out.properties, s.properties);
  for (const r of s.required ?? []) out.required.add(r);
  if (s.additionalProperties === false) out.closed = true;
  else if (s.additionalProperties && typeof s.additionalProperties === 'object') out.values ??= s.additionalProperties;
  out.items ??= s.items;
  if (s.enum) out.enum = [...(out.enum ?? []), ...s.enum.filter((e) => !out.enum?.includes(e))];
  if (s.const !== undefined && !out.enum?.includes(s.const)) out.enum = [...(out.enum ?? []), s.const];
  for (const b of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])]) merge(root, out, b, depth + 1);
  if (!s.type && out.enum?.length && out.enum.every((e) => typeof e === 'string')) out.types.push('string');
}

/** typeLabel renders the accepted types for a message or hover (`integer`, `string or integer`). */
export function typeLabel(types: string[]): string {
  const t = types.filter((x) => x !== 'null');
  if (t.includes('integer') && t.includes('number')) t.splice(t.indexOf('integer'), 1);
  if (!t.length) return 'any value';
  return t.length === 1 ? t[0] : `${t.slice(0, -1).join(', ')} or ${t[t.length - 1]}`;
}
