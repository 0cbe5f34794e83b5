/**
 * Completion and hover inside PromQL: the `query` of a KEDA prometheus trigger and the metric name of an HPA
 * External/Object/Pods metric. Metric names come from the catalogue, those of the scale target's engine first;
 * label names follow the metric at the cursor; function and aggregation names carry their description.
 */
import { CompletionItem, CompletionItemKind, CompletionItemTag, InsertTextFormat, MarkupKind } from 'vscode-languageserver-types';
import { docAt, type ParsedFile } from '../parse';
import { toRange } from '../positions';
import type { HoverResult } from '../schema/lookup';
import type { CursorContext } from '../services/context';
import type { WorkspaceIndex } from '../workspace';
import { lookupMetric, type MetricInfo, METRICS, sourcesForEngine, SOURCES, vllmPolicy } from './catalogue';
import { encodeFor, fromYamlOffset } from './embed';
import { AGGREGATIONS, FUNCTIONS, type FunctionInfo } from './functions';
import { type QuerySite, querySites, siteRange, targetInfo, type TargetInfo } from './sites';

/** promqlCompletions proposes metric, label and function names inside a query; undefined when not in a query. */
export function promqlCompletions(ctx: CursorContext): CompletionItem[] | undefined {
  return promqlCompletionsAt(ctx.file, ctx.offset, ctx.ws);
}

/** promqlHover explains the metric, function or aggregation under the cursor inside a query. */
export function promqlHover(ctx: CursorContext): HoverResult | undefined {
  return promqlHoverAt(ctx.file, ctx.offset, ctx.ws);
}

/** Where the cursor is inside a query. */
interface QueryCursor {
  site: QuerySite;
  /** Cursor position in the site's query text. */
  pos: number;
  target: TargetInfo | undefined;
}

function queryCursor(file: ParsedFile, offset: number, ws: WorkspaceIndex): QueryCursor | undefined {
  const doc = docAt(file, offset);
  const obj = ws.ensure(file).find((o) => o.doc === doc);
  if (!obj) return undefined;
  for (const site of querySites(obj)) {
    const q = site.embedded;
    if (!q.exact || offset < q.start || offset > q.end) continue;
    const at = fromYamlOffset(q, offset);
    if (at === undefined) continue;
    const pos = at - site.base;
    if (pos < 0 || pos > site.text.length) continue;
    return { site, pos, target: targetInfo(obj, ws) };
  }
  return undefined;
}

/** promqlCompletionsAt is `promqlCompletions` for a file and offset, usable before the cursor context is built. */
export function promqlCompletionsAt(file: ParsedFile, offset: number, ws: WorkspaceIndex): CompletionItem[] | undefined {
  const cur = queryCursor(file, offset, ws);
  if (!cur) return undefined;
  const { site, pos } = cur;
  const before = site.text.slice(0, pos);
  const word = /[A-Za-z_:][\w:]*$/.exec(before)?.[0] ?? '';
  const [startOffset] = siteRange(site, pos - word.length, pos);
  const range = toRange(file, startOffset, offset);
  const edit = (newText: string, snippet: boolean): Pick<CompletionItem, 'textEdit' | 'insertTextFormat'> => {
    const encoded = encodeFor(site.embedded.style, newText, site.base + pos - word.length === 0) ?? newText;
    return { textEdit: { range, newText: encoded }, insertTextFormat: snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText };
  };

  if (site.kind === 'hpa-metric') return metricItems(cur.target, edit);
  const where = syntacticPlace(before);
  if (where.kind === 'string') return labelValueItems(where.label, cur.target, edit);
  if (where.kind === 'matcher') return labelItems(labelsOf(where.metric ? [where.metric] : []), edit, true);
  if (where.kind === 'grouping') {
    const names = (site.analysis?.selectors ?? []).map((u) => u.sel.name).filter((n): n is string => n !== undefined);
    return labelItems(labelsOf(names), edit, false);
  }
  return [...metricItems(cur.target, edit), ...functionItems(edit)];
}

type Place =
  | { kind: 'expr' }
  | { kind: 'matcher'; metric: string | undefined }
  | { kind: 'string'; label: string | undefined }
  | { kind: 'grouping' };

/** syntacticPlace reads the query before the cursor: inside `{...}`, inside a string, inside `by (...)`, or in an expression. */
function syntacticPlace(before: string): Place {
  const stack: Array<{ ch: string; at: number }> = [];
  for (let i = 0; i < before.length; i++) {
    const c = before[i];
    if (c === '"' || c === "'" || c === '`') {
      const close = before.indexOf(c, i + 1);
      if (close < 0) {
        const label = /([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)\s*$/.exec(before.slice(0, i))?.[1];
        return { kind: 'string', label };
      }
      i = close;
    } else if (c === '(' || c === '{' || c === '[') stack.push({ ch: c, at: i });
    else if ((c === ')' || c === '}' || c === ']') && stack.length) stack.pop();
  }
  const top = stack[stack.length - 1];
  if (top?.ch === '{') return { kind: 'matcher', metric: /([A-Za-z_:][\w:]*)\s*$/.exec(before.slice(0, top.at))?.[1] };
  if (top?.ch === '(' && /\b(by|without|on|ignoring|group_left|group_right)\s*$/.test(before.slice(0, top.at))) return { kind: 'grouping' };
  return { kind: 'expr' };
}

type EditFn = (newText: string, snippet: boolean) => Pick<CompletionItem, 'textEdit' | 'insertTextFormat'>;

function metricDoc(info: MetricInfo): string {
  const source = SOURCES.get(info.source);
  const lines = [`**${info.name}** — ${info.type}${info.unit ? `, ${info.unit}` : ''} (${source?.title ?? info.source})`, '', info.help, '', `*For scaling:* ${info.scaling}`];
  if (info.labels.length) lines.push('', `Labels: ${info.labels.map((l) => `\`${l}\``).join(', ')}`);
  const c = info.change;
  if (c) {
    const steps = [c.deprecatedIn && `deprecated in ${c.deprecatedIn}`, c.hiddenIn && `hidden from ${c.hiddenIn}`, c.removedIn && `removed in ${c.removedIn}`].filter(Boolean).join(', ');
    lines.push('', `**${c.removed ? 'Removed' : 'Deprecated'}**${steps ? ` (${steps})` : ''}: ${c.note}.${c.replacement ? ` Use \`${c.replacement}\`.` : ''}`);
    if (info.source === 'vllm') lines.push('', vllmPolicy);
    lines.push('', `Source: ${c.source}.`);
  }
  if (source) lines.push('', `Reference: ${source.reference}.`);
  return lines.join('\n');
}

/** metricItems lists catalogue metrics, the target engine's first and deprecated ones last; histograms as their series. */
function metricItems(target: TargetInfo | undefined, edit: EditFn): CompletionItem[] {
  const preferred = new Set(target ? sourcesForEngine(target.engine) : []);
  const items: CompletionItem[] = [];
  for (const info of METRICS.values()) {
    const rank = info.change ? 3 : preferred.has(info.source) ? 0 : preferred.size ? 2 : 1;
    const names = info.type === 'histogram' ? [`${info.name}_bucket`, `${info.name}_sum`, `${info.name}_count`] : [info.name];
    for (const name of names) {
      items.push({
        label: name,
        kind: CompletionItemKind.Field,
        detail: `${info.type}${info.unit ? ` · ${info.unit}` : ''} · ${SOURCES.get(info.source)?.title ?? info.source}`,
        documentation: { kind: MarkupKind.Markdown, value: metricDoc(info) },
        tags: info.change ? [CompletionItemTag.Deprecated] : undefined,
        sortText: `${rank}${name}`,
        ...edit(name, false),
      });
    }
  }
  return items;
}

function signature(f: FunctionInfo): string {
  const names: Record<string, string> = { vector: 'instant-vector', matrix: 'range-vector', scalar: 'scalar', string: 'string' };
  const args = f.args.map((a, i) => {
    const optional = i >= f.args.length - f.optional;
    const variadic = f.variadic && i === f.args.length - 1;
    return `${names[a]}${variadic ? '...' : ''}${optional ? '?' : ''}`;
  });
  return `${f.name}(${args.join(', ')}) → ${names[f.returns]}`;
}

function functionItems(edit: EditFn): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const f of FUNCTIONS.values()) {
    items.push({ label: f.name, kind: CompletionItemKind.Function, detail: signature(f), documentation: { kind: MarkupKind.Markdown, value: f.summary }, sortText: `5${f.name}`, ...edit(f.args.length ? `${f.name}($1)` : `${f.name}()`, true) });
  }
  for (const a of AGGREGATIONS.values()) {
    items.push({ label: a.name, kind: CompletionItemKind.Operator, detail: `aggregation${a.param ? ` (${a.param}, instant-vector)` : ''}`, documentation: { kind: MarkupKind.Markdown, value: a.summary }, sortText: `4${a.name}`, ...edit(a.param ? `${a.name}($1, $2)` : `${a.name}($1)`, true) });
  }
  return items;
}

/** labelsOf collects the labels of the named series (histogram buckets add `le`). */
function labelsOf(names: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of names) {
    const hit = lookupMetric(n);
    if (!hit) continue;
    for (const l of hit.info.labels) if (!out.has(l)) out.set(l, hit.info.name);
    if (hit.part === 'bucket') out.set('le', `${hit.info.name} (bucket upper bound)`);
    if (hit.info.type === 'summary' && hit.part === 'base') out.set('quantile', `${hit.info.name} (summary quantile)`);
  }
  for (const l of ['namespace', 'pod', 'job', 'instance']) if (!out.has(l)) out.set(l, 'added by the Prometheus scrape');
  return out;
}

function labelItems(labels: Map<string, string>, edit: EditFn, matcher: boolean): CompletionItem[] {
  return [...labels].map(([label, from], i) => ({
    label,
    kind: CompletionItemKind.Property,
    detail: `label of ${from}`,
    sortText: String(i).padStart(3, '0'),
    ...edit(matcher ? `${label}="$1"` : label, matcher),
  }));
}

/** labelValueItems proposes the model the target serves for a model label, read from its arguments. */
function labelValueItems(label: string | undefined, target: TargetInfo | undefined, edit: EditFn): CompletionItem[] {
  if (!target || (label !== 'model_name' && label !== 'model')) return [];
  const names = new Set<string>();
  for (const c of target.workload.containers) {
    const args = [...c.command, ...c.args];
    args.forEach((a, i) => {
      const eq = /^--(served-model-name|model)=(.+)$/.exec(a);
      if (eq) names.add(eq[2]);
      else if ((a === '--served-model-name' || a === '--model') && args[i + 1]) names.add(args[i + 1]);
      else if (a === 'serve' && args[i + 1] && !args[i + 1].startsWith('-')) names.add(args[i + 1]);
    });
  }
  return [...names].map((n) => ({ label: n, kind: CompletionItemKind.Value, detail: 'model served by the scale target', ...edit(n, false) }));
}

/** promqlHoverAt is `promqlHover` for a file and offset. */
export function promqlHoverAt(file: ParsedFile, offset: number, ws: WorkspaceIndex): HoverResult | undefined {
  const cur = queryCursor(file, offset, ws);
  if (!cur) return undefined;
  const { site, pos } = cur;
  const text = site.text;
  let a = pos;
  let b = pos;
  while (a > 0 && /[\w:]/.test(text[a - 1])) a--;
  while (b < text.length && /[\w:]/.test(text[b])) b++;
  if (a === b) return undefined;
  const word = text.slice(a, b);
  const [start, end] = siteRange(site, a, b);
  const hit = lookupMetric(word);
  if (hit) {
    const part = hit.part === 'base' ? '' : `\`${word}\` is the \`_${hit.part}\` series of this ${hit.info.type}.\n\n`;
    return { markdown: part + metricDoc(hit.info), start, end };
  }
  const next = text.slice(b).trimStart();
  const f = FUNCTIONS.get(word);
  if (f && next.startsWith('(')) return { markdown: `**${signature(f)}**\n\n${f.summary}`, start, end };
  const agg = AGGREGATIONS.get(word);
  if (agg) return { markdown: `**${agg.name}** (aggregation)\n\n${agg.summary}`, start, end };
  return undefined;
}
