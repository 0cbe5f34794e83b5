/** Schema-driven completion and hover for every kind with a schema, from the project's field documentation. */
import { isMap } from 'yaml';
import { Command, CompletionItem, CompletionItemKind, InsertTextFormat, InsertTextMode } from 'vscode-languageserver-types';
import { getNode, scalarString } from '../parse';
import { indentStyleOf, lineEnd } from '../yamlEdit';
import { toRange } from '../positions';
import type { CursorContext } from '../services/context';
import type { GeneratedKind, JsonSchema } from './jsonSchema';
import { allKinds, helpKind } from './registry';
import { fieldAt, propertyAt, typeLabel, viewOf, type FieldSchema } from './resolve';

/** A hover: markdown and the span it covers. */
export interface HoverResult {
  markdown: string;
  start: number;
  end: number;
}

/** Root keys nobody writes by hand: the cluster fills them in. */
const OUTPUT_ONLY = new Set(['status']);

/** After a key whose value has a fixed set of choices, open the suggestions again to offer them. */
const SUGGEST_AGAIN: Command = { title: 'Suggest values', command: 'editor.action.triggerSuggest' };

/** schemaCompletions proposes keys and values valid at the cursor. */
export function schemaCompletions(ctx: CursorContext): CompletionItem[] {
  const root = ctx.doc.doc.contents;
  const written = (key: string): string | undefined => (isMap(root) ? scalarString(getNode(root, [key])) : undefined);
  if (!ctx.onKey && ctx.path.length === 1 && (ctx.path[0] === 'apiVersion' || ctx.path[0] === 'kind')) {
    return rootValues(ctx, ctx.path[0], written(ctx.path[0] === 'kind' ? 'apiVersion' : 'kind'));
  }
  const kind = kindAt(ctx);
  if (ctx.onKey) {
    if (!kind) return ctx.path.length === 0 ? keyItems(ctx, undefined, { apiVersion: { type: 'string' }, kind: { type: 'string' } }, new Set(['apiVersion', 'kind'])) : [];
    const field = fieldAt(kind, ctx.path);
    if (!field || !field.types.includes('object')) return [];
    return keyItems(ctx, kind, field.properties, field.required);
  }
  const field = kind ? fieldAt(kind, ctx.path) : undefined;
  return field ? valueItems(ctx, field) : [];
}

/** schemaHover explains the key or value under the cursor. */
export function schemaHover(ctx: CursorContext): HoverResult | undefined {
  const kind = kindAt(ctx);
  if (!kind || !ctx.word) return undefined;
  if (ctx.onKey) {
    const declared = propertyAt(kind, ctx.path, ctx.word);
    if (!declared) return undefined;
    return { markdown: describe(ctx.word, viewOf(kind, declared)), start: ctx.wordStart, end: ctx.offset };
  }
  const field = fieldAt(kind, ctx.path);
  const name = [...ctx.path].reverse().find((s): s is string => typeof s === 'string');
  if (!field || name === undefined) return undefined;
  const span = ctx.node?.range && ctx.offset >= ctx.node.range[0] && ctx.offset <= ctx.node.range[1] ? { start: ctx.node.range[0], end: ctx.node.range[1] } : { start: ctx.wordStart, end: ctx.offset };
  return { markdown: describe(name, field), ...span };
}

/** kindAt finds the schema of the cursor's document, also for field-compatible removed API versions. */
function kindAt(ctx: CursorContext): GeneratedKind | undefined {
  return ctx.obj ? helpKind(ctx.obj.apiVersion, ctx.obj.kind) : undefined;
}

const markdownCache = new WeakMap<FieldSchema, Map<string, string>>();

/** describe renders a field for hover and completion documentation: type, default, unit, text and GPU note. */
function describe(name: string, f: FieldSchema): string {
  let perName = markdownCache.get(f);
  if (!perName) markdownCache.set(f, (perName = new Map()));
  const hit = perName.get(name);
  if (hit) return hit;
  const facts = [typeLabel(f.types)];
  if (f.default !== undefined) facts.push(`default \`${formatValue(f.default)}\``);
  if (f.unit) facts.push(f.unit);
  const parts = [`\`${name}\`: ${facts.join(' · ')}`];
  if (f.description) parts.push(f.description);
  if (f.gpu) parts.push(`**GPU serving:** ${f.gpu}`);
  if (f.enum?.length) parts.push(`Allowed: ${f.enum.map((v) => `\`${formatValue(v)}\``).join(', ')}.`);
  const md = parts.join('\n\n');
  perName.set(name, md);
  return md;
}

function formatValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function keyItems(ctx: CursorContext, kind: GeneratedKind | undefined, properties: Record<string, JsonSchema>, required: Set<string>): CompletionItem[] {
  const text = ctx.file.text;
  const column = ctx.wordStart - (text.lastIndexOf('\n', ctx.wordStart - 1) + 1);
  const style = indentStyleOf(text);
  const pad = ' '.repeat(column + style.unit);
  const dashPad = ' '.repeat(column + (style.indentSeq ? style.unit : 0));
  // Renaming an existing key (`min|Replicas: 1`): the whole old name is replaced, the colon and value stay.
  const rest = /^([\w.\-/]*)\s*:/.exec(text.slice(ctx.offset, lineEnd(text, ctx.offset)));
  const keyFollows = rest !== null;
  const range = toRange(ctx.file, ctx.wordStart, ctx.offset + (rest ? rest[1].length : 0));
  const items: CompletionItem[] = [];
  for (const [name, declared] of Object.entries(properties)) {
    if (ctx.existingKeys.has(name) || (ctx.path.length === 0 && OUTPUT_ONLY.has(name))) continue;
    const f = kind ? viewOf(kind, declared) : undefined;
    const types = f?.types ?? [];
    const container = types.length === 1 && (types[0] === 'object' || types[0] === 'array');
    let newText = `${name}: `;
    if (keyFollows) newText = name;
    else if (container && types[0] === 'object' && !f?.enum) newText = `${name}:\n${pad}`;
    else if (container && types[0] === 'array') newText = `${name}:\n${dashPad}- `;
    const choices = !keyFollows && (kind === undefined || (f && !container && (f.enum?.length || types.includes('boolean'))));
    items.push({
      label: name,
      kind: CompletionItemKind.Property,
      detail: f ? detailOf(f) : undefined,
      documentation: f ? { kind: 'markdown', value: describe(name, f) } : undefined,
      sortText: `${required.has(name) ? 0 : f?.description ? 1 : 2}${name}`,
      filterText: name,
      insertTextFormat: InsertTextFormat.PlainText,
      insertTextMode: InsertTextMode.asIs,
      textEdit: { range, newText },
      command: choices ? SUGGEST_AGAIN : undefined,
    });
  }
  return items;
}

function detailOf(f: FieldSchema): string {
  const parts = [typeLabel(f.types)];
  if (f.default !== undefined && (typeof f.default !== 'object' || f.default === null)) parts.push(`default ${formatValue(f.default)}`);
  if (f.unit) parts.push(f.unit);
  return parts.join(' · ');
}

function valueItems(ctx: CursorContext, f: FieldSchema): CompletionItem[] {
  const range = toRange(ctx.file, ctx.wordStart, ctx.offset);
  const out: CompletionItem[] = [];
  const add = (value: unknown, detail: string, rank: number): void => {
    const label = formatValue(value);
    if (out.some((i) => i.label === label)) return;
    out.push({ label, kind: CompletionItemKind.Value, detail, sortText: `${rank}${label}`, textEdit: { range, newText: label }, insertTextFormat: InsertTextFormat.PlainText });
  };
  for (const v of f.enum ?? []) add(v, v === f.default ? 'default' : typeLabel(f.types), 0);
  if (!f.enum && f.types.includes('boolean')) for (const v of [true, false]) add(v, v === f.default ? 'default' : 'boolean', 0);
  if (f.default !== undefined && (typeof f.default !== 'object' || f.default === null)) add(f.default, 'default', 1);
  return out;
}

/** rootValues proposes `apiVersion` values (for the kind already written, if any) or `kind` values (for the apiVersion). */
function rootValues(ctx: CursorContext, key: 'apiVersion' | 'kind', other: string | undefined): CompletionItem[] {
  const range = toRange(ctx.file, ctx.wordStart, ctx.offset);
  const rows = allKinds().filter((k) => !other || (key === 'apiVersion' ? k.kind === other : k.apiVersion === other));
  const values = [...new Set(rows.map((k) => (key === 'apiVersion' ? k.apiVersion : k.kind)))];
  return values.map((v) => ({
    label: v,
    kind: CompletionItemKind.Value,
    detail: key === 'apiVersion' ? rows.filter((k) => k.apiVersion === v).map((k) => k.kind).join(', ') : rows.filter((k) => k.kind === v).map((k) => k.apiVersion).join(', '),
    textEdit: { range, newText: v },
    insertTextFormat: InsertTextFormat.PlainText,
  }));
}
