/** The trigger checks: each `spec.triggers[]` entry of a ScaledObject or ScaledJob against the scaler catalogue. */
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Node as YNode, Pair, Scalar } from 'yaml';
import { K8sObject, quantityToNumber } from '../model';
import { findPair, overlapsTemplate, ParsedFile, scalarString } from '../parse';
import type { EngineSettings, Finding, Fix, Severity } from '../types';
import type { WorkspaceIndex } from '../workspace';
import { AuthLookup, lookupAuth } from './auth';
import { deprecationState, paramOf, removedEverywhere, ScalerInfo, ScalerParam, scalerByType, scalers, thirdPartyTypes } from './catalogue';
import { deletePairLines, didYouMean, lineStart, nonStringForm, quoteScalar, scalarContentRange } from './text';
import { TriggerNode, triggersOf } from './triggerNodes';

/** triggerSeverity is the default severity of each trigger check. */
export const triggerSeverity = {
  'trigger-unknown-type': 'error',
  'trigger-deprecated-type': 'info',
  'trigger-not-for-scaledjob': 'error',
  'trigger-invalid-metric-type': 'error',
  'trigger-unknown-key': 'warning',
  'trigger-key-not-in-metadata': 'warning',
  'trigger-missing-parameter': 'error',
  'trigger-invalid-value': 'error',
  'trigger-not-a-number': 'error',
  'trigger-value-not-string': 'error',
  'trigger-removed-key': 'error',
  'trigger-deprecated-key': 'warning',
} satisfies Record<string, Severity>;

type TriggerCode = keyof typeof triggerSeverity;

const METRIC_TYPES = ['AverageValue', 'Value', 'Utilization'];
const ENV_SUFFIX = 'FromEnv';

/** What every check of one trigger needs. */
interface Scope {
  file: ParsedFile;
  obj: K8sObject;
  ws: WorkspaceIndex;
  settings: EngineSettings;
  out: Finding[];
}

/** checkTriggers runs every trigger check on one ScaledObject or ScaledJob. */
export function checkTriggers(obj: K8sObject, ws: WorkspaceIndex, settings: EngineSettings): Finding[] {
  const scope: Scope = { file: obj.file, obj, ws, settings, out: [] };
  for (const t of triggersOf(obj)) checkTrigger(scope, t);
  return scope.out;
}

function report(scope: Scope, code: TriggerCode, node: { range?: [number, number, number] | null } | null | undefined, message: string, extra: Partial<Finding> = {}): void {
  if (!node?.range) return;
  scope.out.push({ code, severity: triggerSeverity[code], message, start: node.range[0], end: node.range[1], ...extra });
}

/**
 * templated tells whether a node cannot be judged as written: a template expression stands in it, or a YAML
 * syntax error does (the parser's recovery of a half-typed line yields values nobody wrote).
 */
function templated(scope: Scope, node: { range?: [number, number, number] | null } | null | undefined): boolean {
  if (!node?.range) return false;
  const [start, end] = node.range;
  if (overlapsTemplate(scope.file, start, end)) return true;
  return scope.file.syntax.some((p) => !p.warning && p.start <= end && p.end >= start);
}

function checkTrigger(scope: Scope, t: TriggerNode): void {
  if (!t.typeNode || t.type === undefined || templated(scope, t.typeNode)) return;
  const scaler = scalerByType(t.type);
  if (!scaler) {
    if (!thirdPartyTypes[t.type]) reportUnknownType(scope, t);
    return;
  }
  if (scaler.deprecated) {
    const when = scaler.deprecated.removedIn ? ` and is due to be removed in KEDA ${scaler.deprecated.removedIn}` : '';
    const more = scaler.deprecated.url ? ` (${scaler.deprecated.url})` : '';
    report(scope, 'trigger-deprecated-type', t.typeNode, `KEDA has deprecated the ${scaler.type} scaler${when}${more}; plan a move to another trigger.`, { tags: ['deprecated'] });
  }
  if (scaler.scaledObjectOnly && scope.obj.known === 'ScaledJob') {
    report(scope, 'trigger-not-for-scaledjob', t.typeNode, `The ${scaler.type} scaler works only in a ScaledObject: a ScaledJob cannot scale Jobs on pod ${scaler.type} usage.`);
  }
  checkMetricType(scope, t, scaler);
  // Keys and values standing where a template expression is are skipped one by one (in checkKey); the literal
  // keys around them are what the rendered manifest will hold too.
  for (const pair of t.metadata?.items ?? []) if (isPair(pair)) checkKey(scope, t, scaler, pair as Pair<Scalar, unknown>);
  checkRequired(scope, t, scaler);
}

function reportUnknownType(scope: Scope, t: TriggerNode): void {
  const guess = didYouMean(t.type!, scalers.map((s) => s.type));
  const content = scalarContentRange(t.typeNode!);
  const fixes: Fix[] = guess && content ? [{ title: `Change the type to \`${guess}\``, edits: [{ start: content[0], end: content[1], newText: guess }], isPreferred: true }] : [];
  report(scope, 'trigger-unknown-type', t.typeNode, `KEDA has no scaler of type \`${t.type}\`, so it cannot build this trigger.${guess ? ` Did you mean \`${guess}\`?` : ''}`, { fixes });
}

function checkMetricType(scope: Scope, t: TriggerNode, scaler: ScalerInfo): void {
  const node = findPair(t.item, 'metricType')?.value;
  const value = scalarString(node);
  if (!isScalar(node) || value === undefined || templated(scope, node)) return;
  const allowed = scaler.metricTypes ?? ['AverageValue', 'Value'];
  if (allowed.includes(value)) return;
  const guess = didYouMean(value, allowed);
  const content = scalarContentRange(node);
  const fixes: Fix[] = guess && content ? [{ title: `Change metricType to \`${guess}\``, edits: [{ start: content[0], end: content[1], newText: guess }], isPreferred: value.toLowerCase() === guess.toLowerCase() }] : [];
  const why = METRIC_TYPES.includes(value)
    ? value === 'Utilization'
      ? 'Utilization (a percentage of the pods\' resource requests) exists only for the cpu and memory scalers'
      : `the ${scaler.type} scaler becomes an HPA Resource metric, which takes Utilization or AverageValue`
    : 'it is none of AverageValue, Value or Utilization';
  report(scope, 'trigger-invalid-metric-type', node, `metricType \`${value}\` is not valid for a ${scaler.type} trigger: ${why}. Use ${allowed.map((a) => `\`${a}\``).join(' or ')}.`, { fixes });
}

function checkKey(scope: Scope, t: TriggerNode, scaler: ScalerInfo, pair: Pair<Scalar, unknown>): void {
  const key = pair.key;
  const name = scalarString(key);
  if (!isScalar(key) || name === undefined || templated(scope, key)) return;
  const value = pair.value as YNode | null;
  const valueIsString = checkValueIsString(scope, pair);

  const param = paramOf(scaler, name);
  if (!param) {
    checkUnlistedKey(scope, t, scaler, pair, name);
    return;
  }
  if (!param.from.includes('metadata')) {
    const ways = [...(param.from.includes('env') ? [`\`${name}${ENV_SUFFIX}\``] : []), ...(param.from.includes('auth') ? ['a TriggerAuthentication'] : [])];
    const where = ways.join(' or ');
    report(scope, 'trigger-key-not-in-metadata', key, `KEDA reads \`${name}\` of a ${scaler.type} trigger only from ${where}, never from metadata, so this value is ignored.`);
    return;
  }
  if (checkDeprecation(scope, t, scaler, pair, name, param)) return;
  if (valueIsString && isScalar(value) && !templated(scope, value)) checkValue(scope, param, value);
}

/** checkValueIsString reports metadata values Kubernetes would not accept as strings; true when the value is a string. */
function checkValueIsString(scope: Scope, pair: Pair<Scalar, unknown>): boolean {
  const value = pair.value as YNode | null;
  const name = scalarString(pair.key);
  if (!value || templated(scope, value)) return false;
  if (isMap(value) || isSeq(value)) {
    report(scope, 'trigger-value-not-string', value, `Trigger metadata holds only strings, but \`${name}\` has a nested ${isMap(value) ? 'map' : 'list'}; the API server rejects the object. Write it as one string (KEDA reads lists and maps as comma-separated text).`);
    return false;
  }
  if (!isScalar(value) || value.value === null || value.value === undefined) return false;
  const form = nonStringForm(value);
  if (!form) return true;
  const source = scope.file.text.slice(value.range![0], value.range![1]);
  report(scope, 'trigger-value-not-string', value, `Trigger metadata values must be strings, but \`${source}\` is a ${form} to Kubernetes, so the API server rejects the object. Quote it.`, {
    fixes: [{ title: `Quote \`${source}\``, edits: [{ start: value.range![0], end: value.range![1], newText: quoteScalar(source) }], isPreferred: true }],
  });
  return false;
}

function checkUnlistedKey(scope: Scope, t: TriggerNode, scaler: ScalerInfo, pair: Pair<Scalar, unknown>, name: string): void {
  if (name.endsWith(ENV_SUFFIX) && name.length > ENV_SUFFIX.length) {
    const base = paramOf(scaler, name.slice(0, -ENV_SUFFIX.length));
    if (base?.from.includes('env')) return;
    if (base) {
      report(scope, 'trigger-unknown-key', pair.key, `KEDA does not read \`${base.name}\` of a ${scaler.type} trigger from an environment variable, so \`${name}\` is ignored.`);
      return;
    }
  }
  const removed = removedEverywhere[name];
  if (removed) {
    const state = deprecationState(removed, scope.settings.kedaVersion);
    if (state) reportDeprecated(scope, t, pair, name, state, removed.since, removed.removedIn, removed.message);
    return;
  }
  if (scaler.openMetadata) return;
  const candidates = scaler.params.filter((p) => p.from.includes('metadata') && !isRemoved(scope, p)).map((p) => p.name);
  for (const p of scaler.params) if (p.from.includes('env')) candidates.push(`${p.name}${ENV_SUFFIX}`);
  const guess = didYouMean(name, candidates);
  const fixes: Fix[] = [];
  const content = scalarContentRange(pair.key);
  if (guess && content && !t.metadata!.items.some((p) => isPair(p) && scalarString(p.key) === guess)) {
    fixes.push({ title: `Rename to \`${guess}\``, edits: [{ start: content[0], end: content[1], newText: guess }], isPreferred: guess.toLowerCase() === name.toLowerCase() });
  }
  report(scope, 'trigger-unknown-key', pair.key, `\`${name}\` is not a parameter of the ${scaler.type} scaler, so KEDA ignores it.${guess ? ` Did you mean \`${guess}\`?` : ''}`, { fixes });
}

function isRemoved(scope: Scope, p: ScalerParam): boolean {
  return deprecationState(p.deprecated, scope.settings.kedaVersion) === 'removed';
}

/** checkDeprecation reports a deprecated or removed key; true when the key was removed (its value is not judged). */
function checkDeprecation(scope: Scope, t: TriggerNode, scaler: ScalerInfo, pair: Pair<Scalar, unknown>, name: string, param: ScalerParam): boolean {
  const d = param.deprecated;
  const state = deprecationState(d, scope.settings.kedaVersion);
  if (!d || !state) return false;
  reportDeprecated(scope, t, pair, name, state, d.since, d.removedIn, d.message, typeMove(scope, t, scaler, pair));
  return state === 'removed';
}

function reportDeprecated(scope: Scope, t: TriggerNode, pair: Pair<Scalar, unknown>, name: string, state: 'removed' | 'deprecated', since: string | undefined, removedIn: string | undefined, advice: string | undefined, preferredFix?: Fix): void {
  const deletion = deletePairLines(scope.file.text, t.metadata!, pair);
  const fixes: Fix[] = [];
  if (preferredFix) fixes.push(preferredFix);
  if (deletion) fixes.push({ title: `Remove \`${name}\``, edits: [deletion], isPreferred: !preferredFix && state === 'removed' });
  const sinceText = since ? ` (deprecated since KEDA ${since})` : '';
  if (state === 'removed') {
    report(scope, 'trigger-removed-key', pair.key, `\`${name}\` was removed in KEDA ${removedIn}${sinceText}. ${advice ?? ''}`.trim(), { fixes, tags: ['deprecated'] });
  } else {
    const from = since ? ` since KEDA ${since}` : '';
    const until = removedIn ? `; KEDA ${removedIn} removes it` : '';
    report(scope, 'trigger-deprecated-key', pair.key, `\`${name}\` is deprecated${from}${until}. ${advice ?? ''}`.trim(), { fixes, tags: ['deprecated'] });
  }
}

/**
 * typeMove builds the fix for the old cpu/memory `metadata.type`: the same value moves to the trigger-level
 * `metricType` (KEDA rejects a trigger that sets both).
 */
function typeMove(scope: Scope, t: TriggerNode, scaler: ScalerInfo, pair: Pair<Scalar, unknown>): Fix | undefined {
  if (!scaler.metricTypes || scalarString(pair.key) !== 'type' || findPair(t.item, 'metricType')) return undefined;
  const value = scalarString(pair.value);
  const metaKey = t.metadataPair?.key as Scalar | undefined;
  if (!value || !scaler.metricTypes.includes(value) || !metaKey?.range) return undefined;
  const text = scope.file.text;
  const ls = lineStart(text, metaKey.range[0]);
  if (!/^\s*(- +)?$/.test(text.slice(ls, metaKey.range[0]))) return undefined;
  const deletion = deletePairLines(text, t.metadata!, pair);
  if (!deletion) return undefined;
  const indent = ' '.repeat(metaKey.range[0] - ls);
  return {
    title: `Move \`type: ${value}\` to the trigger's \`metricType\``,
    edits: [{ start: metaKey.range[0], end: metaKey.range[0], newText: `metricType: ${value}\n${indent}` }, deletion],
    isPreferred: true,
  };
}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const INTEGER = /^[-+]?\d+$/;

function checkValue(scope: Scope, param: ScalerParam, node: Scalar): void {
  const raw = scalarString(node);
  if (raw === undefined) return;
  const v = raw.trim();
  // An empty value counts as absent for KEDA; the required-parameter check covers it.
  if (v === '') return;
  if (param.allowed && (param.kind === 'enum' || param.kind === 'list')) {
    const bad = v.split(',').map((s) => s.trim()).filter((s) => !param.allowed!.includes(s));
    if (!bad.length) return;
    const guess = bad.length === 1 && !v.includes(',') ? didYouMean(v, param.allowed) : undefined;
    const content = scalarContentRange(node);
    const fixes: Fix[] = guess && content ? [{ title: `Change to \`${guess}\``, edits: [{ start: content[0], end: content[1], newText: guess }], isPreferred: guess.toLowerCase() === v.toLowerCase() }] : [];
    report(scope, 'trigger-invalid-value', node, `\`${bad.join(', ')}\` is not a valid \`${param.name}\`; KEDA accepts ${param.allowed.map((a) => `\`${a}\``).join(', ')}${param.kind === 'list' ? ' (comma-separated)' : ''}.${guess ? ` Did you mean \`${guess}\`?` : ''}`, { fixes });
    return;
  }
  if (param.kind === 'boolean' && v !== 'true' && v !== 'false') {
    const lower = v.toLowerCase();
    const guess = lower === 'true' || lower === 'false' ? lower : undefined;
    const content = scalarContentRange(node);
    const fixes: Fix[] = guess && content ? [{ title: `Change to \`${guess}\``, edits: [{ start: content[0], end: content[1], newText: guess }], isPreferred: true }] : [];
    report(scope, 'trigger-invalid-value', node, `\`${param.name}\` takes \`true\` or \`false\`; KEDA cannot read \`${v}\` as a boolean.`, { fixes });
    return;
  }
  const bad =
    (param.kind === 'number' && !NUMBER.test(v)) ||
    (param.kind === 'integer' && !INTEGER.test(v)) ||
    (param.kind === 'quantity' && quantityToNumber(v) === undefined);
  if (bad) {
    const what = param.kind === 'integer' ? 'a whole number' : param.kind === 'quantity' ? 'a number or a Kubernetes quantity (e.g. `500m`, `2Gi`)' : 'a number';
    report(scope, 'trigger-not-a-number', node, `\`${param.name}\` must be ${what}; KEDA cannot parse \`${v}\`, so the trigger fails.`);
  }
}

/** present tells whether a metadata key holds a value KEDA sees (KEDA skips empty strings; Kubernetes drops nulls). */
function present(t: TriggerNode, name: string): boolean {
  const node = t.metadata ? findPair(t.metadata, name)?.value : undefined;
  if (!node) return false;
  if (!isScalar(node)) return true;
  return node.value !== null && node.value !== undefined && String(node.value).trim() !== '';
}

function provided(t: TriggerNode, p: ScalerParam | undefined, name: string, auth: AuthLookup | undefined): boolean {
  if (present(t, name)) return true;
  if (!p) return false;
  if (p.from.includes('env') && present(t, `${name}${ENV_SUFFIX}`)) return true;
  if (p.from.includes('auth') && auth && (auth.params === 'any' || auth.params.has(name))) return true;
  return false;
}

function checkRequired(scope: Scope, t: TriggerNode, scaler: ScalerInfo): void {
  // A template inside the trigger may add any key when rendered.
  if (templated(scope, t.item)) return;
  const auth = lookupAuth(scope.obj, t.item, scope.ws);
  const anchor = (t.metadataPair?.key as Scalar | undefined) ?? t.typeNode;
  const related: Finding['related'] = auth?.target ? [{ uri: auth.target.file.uri, start: auth.target.doc.start, end: auth.target.doc.start, message: `${auth.kind} ${auth.name}` }] : undefined;
  for (const p of scaler.params) {
    if (!p.required || provided(t, p, p.name, auth)) continue;
    report(scope, 'trigger-missing-parameter', anchor, `The ${scaler.type} trigger needs \`${p.name}\`${whereFrom(p, auth)}.`, related ? { related } : {});
  }
  for (const group of scaler.oneOf ?? []) {
    if (group.some((name) => provided(t, paramOf(scaler, name), name, auth))) continue;
    report(scope, 'trigger-missing-parameter', anchor, `The ${scaler.type} trigger needs one of ${group.map((n) => `\`${n}\``).join(', ')}.`, related ? { related } : {});
  }
}

function whereFrom(p: ScalerParam, auth: AuthLookup | undefined): string {
  const ways: string[] = [];
  if (p.from.includes('metadata')) ways.push('in metadata');
  if (p.from.includes('env')) ways.push(`as \`${p.name}${ENV_SUFFIX}\` naming an env var of the target`);
  if (p.from.includes('auth')) ways.push(auth?.target ? `in ${auth.kind} \`${auth.name}\`, which does not provide it` : 'from a TriggerAuthentication');
  return ways.length ? ` (${ways.join(', or ')})` : '';
}
