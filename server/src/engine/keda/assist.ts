/** Completion and hover inside `spec.triggers[]` of a ScaledObject or ScaledJob. */
import { CompletionItem, CompletionItemKind, CompletionItemTag, MarkupKind } from 'vscode-languageserver-types';
import type { Range } from 'vscode-languageserver-types';
import { getNode, scalarString } from '../parse';
import { toRange } from '../positions';
import type { HoverResult } from '../schema/lookup';
import type { CursorContext } from '../services/context';
import { catalogueSource, paramOf, removedEverywhere, ScalerInfo, ScalerParam, scalerByType, scalers, thirdPartyTypes } from './catalogue';

const ENV_SUFFIX = 'FromEnv';
const METRIC_TYPES = ['AverageValue', 'Value', 'Utilization'];

/** The keys of one trigger, with the project's description of each. */
const TRIGGER_KEYS: Array<{ key: string; map?: boolean; doc: string }> = [
  { key: 'type', doc: 'Scaler that produces this trigger\'s metric, e.g. `prometheus` or `metrics-api`.' },
  { key: 'metadata', map: true, doc: 'Parameters of the scaler: a map whose values are all strings.' },
  { key: 'name', doc: 'Name of the trigger, used by `advanced.scalingModifiers.formula` and in the names of KEDA\'s metrics and events.' },
  { key: 'authenticationRef', map: true, doc: 'TriggerAuthentication or ClusterTriggerAuthentication that supplies secrets and cloud identities to the scaler.' },
  { key: 'metricType', doc: 'How the HPA compares the metric with the target: `AverageValue` (default, target per replica), `Value` (target for the metric as a whole) or `Utilization` (cpu and memory only).' },
  { key: 'useCachedMetrics', doc: 'Answer the HPA from the value read at the last polling interval instead of querying the source on every HPA request.' },
];

/** Where the cursor is inside a trigger: its index and the rest of the path below the trigger item. */
interface TriggerPosition {
  index: number;
  rest: Array<string | number>;
}

function triggerPosition(ctx: CursorContext): TriggerPosition | undefined {
  const [spec, triggers, index, ...rest] = ctx.path;
  if (spec !== 'spec' || triggers !== 'triggers' || typeof index !== 'number') return undefined;
  if (!isScalerDocument(ctx)) return undefined;
  return { index, rest };
}

/** isScalerDocument tells whether the cursor's document is a ScaledObject or ScaledJob, also while it does not parse. */
function isScalerDocument(ctx: CursorContext): boolean {
  if (ctx.obj?.known) return ctx.obj.known === 'ScaledObject' || ctx.obj.known === 'ScaledJob';
  const text = ctx.file.text.slice(ctx.doc.start, ctx.doc.end);
  return /^kind:\s*["']?Scaled(Object|Job)["']?\s*(#.*)?$/m.test(text);
}

/**
 * triggerTypeAt gives the `type` of trigger `index`: from the parse when it has one, otherwise from the text of
 * the sequence item around the cursor (a half-typed key often leaves the document unparsable).
 */
export function triggerTypeAt(ctx: CursorContext, index: number): string | undefined {
  const fromTree = scalarString(getNode(ctx.doc.doc.contents, ['spec', 'triggers', index, 'type']));
  if (fromTree) return fromTree;
  return typeFromText(ctx.file.text, ctx.offset, ctx.doc.start);
}

/**
 * typeFromText finds the `type:` of the sequence item around an offset by indentation alone: the nearest dash
 * above the cursor at a smaller indent starts the item, and `type:` must stand at the item's key column.
 */
export function typeFromText(text: string, offset: number, docStart: number): string | undefined {
  const lines = text.slice(docStart).split('\n');
  const cursorLine = text.slice(docStart, offset).split('\n').length - 1;
  const indentOf = (l: string): number => l.length - l.trimStart().length;
  const current = lines[cursorLine] ?? '';
  const dashOnCursor = /^(\s*)-(\s+|$)/.exec(current);
  let itemLine = dashOnCursor ? cursorLine : -1;
  const contentIndent = indentOf(current);
  // Metadata values are strings, so the nearest dash above at a smaller indent starts the trigger item.
  for (let i = cursorLine - 1; itemLine < 0 && i >= 0; i--) {
    const m = /^(\s*)-(\s+|$)/.exec(lines[i]);
    if (m && m[1].length < contentIndent) itemLine = i;
  }
  if (itemLine < 0) return undefined;
  const dash = /^(\s*)(-\s+)/.exec(lines[itemLine]);
  const dashIndent = indentOf(lines[itemLine]);
  const keyColumn = dash ? dash[1].length + dash[2].length : dashIndent + 2;
  for (let i = itemLine; i < lines.length; i++) {
    const l = lines[i];
    if (i > itemLine && l.trim() && !l.trim().startsWith('#') && indentOf(l) <= dashIndent) break;
    const body = i === itemLine ? l.slice(keyColumn) : indentOf(l) === keyColumn ? l.slice(keyColumn) : undefined;
    const m = body !== undefined ? /^type:\s*["']?([\w.-]+)["']?\s*(#.*)?$/.exec(body.trimEnd()) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** range is what every completion replaces: the word typed so far. */
function range(ctx: CursorContext): Range {
  return toRange(ctx.file, ctx.wordStart, ctx.offset);
}

/**
 * keyEdit inserts a key at the cursor. When the key being edited already has its colon (`thr|eshold: "5"`), the
 * whole old key is replaced and the colon kept, so completing never leaves `threshold: eshold:` behind.
 */
function keyEdit(ctx: CursorContext, key: string, suffix: string): { range: Range; newText: string } {
  const text = ctx.file.text;
  const nl = text.indexOf('\n', ctx.offset);
  const after = text.slice(ctx.offset, nl < 0 ? text.length : nl);
  const m = /^([\w.\-/]*)\s*:/.exec(after);
  if (m) return { range: toRange(ctx.file, ctx.wordStart, ctx.offset + m[1].length), newText: key };
  return { range: range(ctx), newText: `${key}${suffix}` };
}

/** valueText wraps a metadata value in quotes unless the user already opened one. */
function valueText(ctx: CursorContext, value: string): string {
  const before = ctx.file.text[ctx.wordStart - 1];
  if (before === '"' || before === '\'') return ctx.file.text[ctx.offset] === before ? value : `${value}${before}`;
  return `"${value}"`;
}

/** completeTrigger proposes completions inside a trigger, or undefined when the cursor is not in one. */
export function completeTrigger(ctx: CursorContext): CompletionItem[] | undefined {
  const pos = triggerPosition(ctx);
  if (!pos) return undefined;
  const { rest } = pos;
  if (rest.length === 0 && ctx.onKey) return triggerKeyItems(ctx);
  if (rest.length === 1 && rest[0] === 'type' && !ctx.onKey) return typeItems(ctx);
  const scaler = scalerByType(triggerTypeAt(ctx, pos.index) ?? '');
  if (rest.length === 1 && rest[0] === 'metricType' && !ctx.onKey) {
    const allowed = scaler ? scaler.metricTypes ?? ['AverageValue', 'Value'] : METRIC_TYPES;
    return allowed.map((v, i) => ({ label: v, kind: CompletionItemKind.EnumMember, sortText: String(i), textEdit: { range: range(ctx), newText: v } }));
  }
  if (rest.length === 1 && rest[0] === 'useCachedMetrics' && !ctx.onKey) {
    // A real YAML boolean here: this field is typed by the CRD, unlike metadata values.
    return ['true', 'false'].map((v) => ({ label: v, kind: CompletionItemKind.Value, textEdit: { range: range(ctx), newText: v } }));
  }
  if (rest[0] === 'authenticationRef') return authRefItems(ctx, rest);
  if (rest.length === 1 && rest[0] === 'metadata' && ctx.onKey) return scaler ? metadataKeyItems(ctx, scaler) : [];
  if (rest.length === 2 && rest[0] === 'metadata' && !ctx.onKey && scaler) return metadataValueItems(ctx, scaler, String(rest[1]));
  return [];
}

function triggerKeyItems(ctx: CursorContext): CompletionItem[] {
  const column = ctx.wordStart - (ctx.file.text.lastIndexOf('\n', ctx.wordStart - 1) + 1);
  return TRIGGER_KEYS.filter((k) => !ctx.existingKeys.has(k.key)).map((k, i) => ({
    label: k.key,
    kind: CompletionItemKind.Property,
    documentation: { kind: MarkupKind.Markdown, value: k.doc },
    sortText: String(i),
    textEdit: keyEdit(ctx, k.key, k.map ? `:\n${' '.repeat(column + 2)}` : ': '),
  }));
}

function typeItems(ctx: CursorContext): CompletionItem[] {
  return scalers.map((s, i) => ({
    label: s.type,
    kind: CompletionItemKind.EnumMember,
    detail: s.summary,
    documentation: { kind: MarkupKind.Markdown, value: scalerMarkdown(s) },
    sortText: String(i).padStart(3, '0'),
    ...(s.deprecated ? { tags: [CompletionItemTag.Deprecated] } : {}),
    textEdit: { range: range(ctx), newText: s.type },
  }));
}

function detailOf(p: ScalerParam): string {
  const parts: string[] = [p.kind];
  parts.push(p.required ? 'required' : 'optional');
  if (p.default !== undefined) parts.push(`default ${p.default}`);
  return parts.join(' · ');
}

function metadataKeyItems(ctx: CursorContext, scaler: ScalerInfo): CompletionItem[] {
  const items: CompletionItem[] = [];
  const readable = scaler.params.filter((p) => p.from.includes('metadata'));
  readable.forEach((p, i) => {
    if (ctx.existingKeys.has(p.name)) return;
    const group = p.deprecated ? 3 : p.required ? 0 : 1;
    items.push({
      label: p.name,
      kind: CompletionItemKind.Property,
      detail: detailOf(p),
      documentation: { kind: MarkupKind.Markdown, value: paramMarkdown(scaler, p) },
      sortText: `${group}${String(i).padStart(3, '0')}`,
      ...(p.deprecated ? { tags: [CompletionItemTag.Deprecated] } : {}),
      textEdit: keyEdit(ctx, p.name, ': '),
    });
  });
  scaler.params.forEach((p, i) => {
    const key = `${p.name}${ENV_SUFFIX}`;
    if (!p.from.includes('env') || ctx.existingKeys.has(key) || ctx.existingKeys.has(p.name)) return;
    items.push({
      label: key,
      kind: CompletionItemKind.Property,
      detail: `env var name · ${p.required ? 'provides required ' : 'provides '}${p.name}`,
      documentation: { kind: MarkupKind.Markdown, value: envMarkdown(scaler, p) },
      sortText: `2${String(i).padStart(3, '0')}`,
      textEdit: keyEdit(ctx, key, ': '),
    });
  });
  return items;
}

function metadataValueItems(ctx: CursorContext, scaler: ScalerInfo, key: string): CompletionItem[] {
  const p = paramOf(scaler, key);
  if (!p) return [];
  const values = p.allowed ?? (p.kind === 'boolean' ? ['true', 'false'] : []);
  const all = p.default !== undefined && !values.includes(p.default) ? [...values, p.default] : values;
  return all.map((v, i) => ({
    label: v,
    kind: p.allowed ? CompletionItemKind.EnumMember : CompletionItemKind.Value,
    detail: v === p.default ? 'default' : undefined,
    sortText: v === p.default ? '0' : `1${String(i).padStart(3, '0')}`,
    textEdit: { range: range(ctx), newText: valueText(ctx, v) },
  }));
}

function authRefItems(ctx: CursorContext, rest: Array<string | number>): CompletionItem[] {
  if (rest.length === 1 && ctx.onKey) {
    return [
      { key: 'name', doc: 'Name of the TriggerAuthentication (same namespace) or ClusterTriggerAuthentication.' },
      { key: 'kind', doc: '`TriggerAuthentication` (default) or `ClusterTriggerAuthentication`.' },
    ]
      .filter((k) => !ctx.existingKeys.has(k.key))
      .map((k) => ({ label: k.key, kind: CompletionItemKind.Property, documentation: { kind: MarkupKind.Markdown, value: k.doc }, textEdit: keyEdit(ctx, k.key, ': ') }));
  }
  if (rest.length === 2 && rest[1] === 'kind' && !ctx.onKey) {
    return ['TriggerAuthentication', 'ClusterTriggerAuthentication'].map((v) => ({ label: v, kind: CompletionItemKind.EnumMember, textEdit: { range: range(ctx), newText: v } }));
  }
  if (rest.length === 2 && rest[1] === 'name' && !ctx.onKey) {
    const kind = scalarString(getNode(ctx.doc.doc.contents, [...ctx.path.slice(0, -1), 'kind'])) ?? 'TriggerAuthentication';
    const names = new Set<string>();
    for (const o of ctx.ws.all()) if (o.known === kind && o.name) names.add(o.name);
    return [...names].sort().map((n) => ({ label: n, kind: CompletionItemKind.Reference, detail: kind, textEdit: { range: range(ctx), newText: n } }));
  }
  return [];
}

function sourcesLine(p: ScalerParam): string {
  const ways: string[] = [];
  if (p.from.includes('metadata')) ways.push(`metadata \`${p.name}\``);
  if (p.from.includes('env')) ways.push(`an env var of the target container named by \`${p.name}${ENV_SUFFIX}\``);
  if (p.from.includes('auth')) ways.push(`TriggerAuthentication parameter \`${p.name}\``);
  return ways.join(', ');
}

/** paramMarkdown documents one scaler parameter. */
export function paramMarkdown(scaler: ScalerInfo, p: ScalerParam): string {
  const kind = p.kind === 'string' ? 'string' : `${p.kind} (written as a string)`;
  const lines = [`**${p.name}** · \`${scaler.type}\` trigger metadata`, '', p.description, ''];
  lines.push(`- Type: ${kind}`);
  lines.push(`- ${p.required ? 'Required' : 'Optional'}${p.default !== undefined ? `, default \`${p.default}\`` : ''}`);
  if (p.allowed) lines.push(`- Allowed: ${p.allowed.map((a) => `\`${a}\``).join(', ')}${p.kind === 'list' ? ' (comma-separated)' : ''}`);
  if (p.separator) lines.push(`- Several values separated by \`${p.separator}\``);
  lines.push(`- Read from: ${sourcesLine(p)}`);
  if (p.deprecated) {
    const since = p.deprecated.since ? ` since KEDA ${p.deprecated.since}` : '';
    const until = p.deprecated.removedIn ? `, removed in ${p.deprecated.removedIn}` : '';
    lines.push(`- Deprecated${since}${until}. ${p.deprecated.message ?? ''}`.trimEnd());
  }
  if (p.note) lines.push('', `**GPU serving:** ${p.note}`);
  return lines.join('\n');
}

function envMarkdown(scaler: ScalerInfo, p: ScalerParam): string {
  return [
    `**${p.name}${ENV_SUFFIX}** · \`${scaler.type}\` trigger metadata`,
    '',
    `Name of an environment variable of the scale target's container whose value KEDA uses as \`${p.name}\`.`,
    '',
    `\`${p.name}\`: ${p.description}`,
  ].join('\n');
}

/** scalerMarkdown documents one scaler. */
export function scalerMarkdown(s: ScalerInfo): string {
  const required = s.params.filter((p) => p.required).map((p) => `\`${p.name}\``);
  const lines = [`**${s.type}** · KEDA scaler`, '', s.summary];
  if (s.note) lines.push('', s.note);
  lines.push('');
  if (required.length) lines.push(`- Required: ${required.join(', ')}`);
  for (const g of s.oneOf ?? []) lines.push(`- One of: ${g.map((n) => `\`${n}\``).join(', ')}`);
  lines.push(`- metricType: ${(s.metricTypes ?? ['AverageValue', 'Value']).map((m) => `\`${m}\``).join(', ')}`);
  if (s.scaledObjectOnly) lines.push('- ScaledObject only (not in a ScaledJob)');
  if (s.deprecated) lines.push(`- Deprecated by KEDA${s.deprecated.removedIn ? `, to be removed in ${s.deprecated.removedIn}` : ''}${s.deprecated.url ? ` (${s.deprecated.url})` : ''}`);
  lines.push('', `_Parameters from KEDA ${catalogueSource.kedaVersion} @${catalogueSource.commit.slice(0, 7)}._`);
  return lines.join('\n');
}

/** hoverTrigger explains the trigger type or metadata key (or value) under the cursor. */
export function hoverTrigger(ctx: CursorContext): HoverResult | undefined {
  const pos = triggerPosition(ctx);
  if (!pos) return undefined;
  const { rest } = pos;
  const span = { start: ctx.wordStart, end: ctx.offset };
  if (rest.length === 1 && rest[0] === 'type' && !ctx.onKey) {
    const s = scalerByType(ctx.word) ?? scalerByType(triggerTypeAt(ctx, pos.index) ?? '');
    if (s) return { markdown: scalerMarkdown(s), ...span };
    const third = thirdPartyTypes[ctx.word];
    return third ? { markdown: `**${ctx.word}** · ${third}\n\nNot a scaler of upstream KEDA; ScaleLens does not check its metadata.`, ...span } : undefined;
  }
  const key = rest.length === 1 && rest[0] === 'metadata' && ctx.onKey ? ctx.word : rest.length === 2 && rest[0] === 'metadata' && !ctx.onKey ? String(rest[1]) : undefined;
  if (!key) return undefined;
  const scaler = scalerByType(triggerTypeAt(ctx, pos.index) ?? '');
  if (!scaler) return undefined;
  const p = paramOf(scaler, key);
  if (p) return { markdown: paramMarkdown(scaler, p), ...span };
  if (key.endsWith(ENV_SUFFIX)) {
    const base = paramOf(scaler, key.slice(0, -ENV_SUFFIX.length));
    if (base?.from.includes('env')) return { markdown: envMarkdown(scaler, base), ...span };
  }
  const removed = removedEverywhere[key];
  if (removed) {
    return { markdown: `**${key}** · \`${scaler.type}\` trigger metadata\n\nDeprecated in KEDA ${removed.since}, removed in ${removed.removedIn}. ${removed.message ?? ''}`.trimEnd(), ...span };
  }
  return undefined;
}
