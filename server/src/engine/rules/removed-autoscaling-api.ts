/**
 * removed-autoscaling-api: HorizontalPodAutoscalers written against `autoscaling/v2beta1` (removed in Kubernetes
 * 1.25) or `autoscaling/v2beta2` (removed in 1.26), and `autoscaling/v1`, which can only scale on CPU. The fix
 * converts to `autoscaling/v2` with minimal edits: the apiVersion, and for v2beta1 and v1 the metric fields that
 * changed shape. Comments and key order stay; a conversion that cannot be done exactly offers no fix.
 */
import { isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { Node as YNode, Pair, YAMLMap } from 'yaml';
import { get } from '../model';
import { findPair, overlapsTemplate, scalarString } from '../parse';
import type { Fix, Severity, TextEdit } from '../types';
import { columnOf, contentEnd, indentStyleOf, lineEnd, lineStart, replaceScalarValue } from '../yamlEdit';
import type { Rule, RuleContext } from './types';

type Report = Parameters<RuleContext['report']>[0];

/** The Kubernetes release that stopped serving each removed version. */
const REMOVED_IN: Record<string, string> = { v2beta1: '1.25', v2beta2: '1.26' };

export const removedAutoscalingApi: Rule = {
  id: 'removed-autoscaling-api',
  defaultSeverity: 'error',
  appliesTo: ['HorizontalPodAutoscaler'],
  docs: {
    summary: 'An HPA uses `autoscaling/v2beta1` or `autoscaling/v2beta2`, which current Kubernetes no longer serves, or `autoscaling/v1`, which can only scale on CPU.',
    rationale:
      'Kubernetes 1.25 stopped serving `autoscaling/v2beta1` and 1.26 `autoscaling/v2beta2`: applying such a manifest fails, so the workload keeps whatever replica count it had. `autoscaling/v1` still works but only knows CPU utilization, which rarely tracks the load of a GPU model server; queue depth or KV-cache metrics need `autoscaling/v2`.',
    remedy:
      'Use `autoscaling/v2`. From v2beta2 only the apiVersion changes. From v2beta1 the metric targets move into `target:` blocks (`targetAverageUtilization` becomes `target: {type: Utilization, averageUtilization}`) and metric names into `metric:` blocks; from v1, `targetCPUUtilizationPercentage` becomes a Resource entry of `metrics`. The quick fix does exactly this and nothing else; when a manifest cannot be converted without guessing (flow-style blocks, both a value and an average target), it offers no fix. Findings are warnings instead of errors when `kubernetesVersion` is older than the removal.',
    sources: [
      'Kubernetes deprecated API migration guide (v1.25: autoscaling/v2beta1, v1.26: autoscaling/v2beta2)',
      'kubernetes/kubernetes pkg/apis/autoscaling/v2beta1 and v1 conversion functions',
    ],
  },
  check(ctx) {
    const version = ctx.obj.hpaVersion;
    const apiNode = get(ctx.obj, ['apiVersion']);
    if (!version || !isScalar(apiNode) || !apiNode.range) return;
    const span = { start: apiNode.range[0], end: apiNode.range[1] };
    if (version === 'v1') {
      const edits = convertV1(ctx, apiNode);
      report(ctx, 'info', {
        ...span,
        message: '`autoscaling/v1` can only scale on CPU utilization, which says little about the load of a GPU model server. `autoscaling/v2` can scale on queue depth or KV-cache use and adds scaling behavior.',
        fixes: fixOf(ctx, edits, 'Convert to autoscaling/v2 (same CPU target)', false),
      });
      return;
    }
    const removedIn = REMOVED_IN[version];
    if (!removedIn) return;
    const edits = version === 'v2beta2' ? [apiVersionEdit(apiNode)] : convertV2beta1(ctx, apiNode);
    const served = olderThan(ctx.settings.kubernetesVersion, removedIn);
    const what = `\`autoscaling/${version}\` was removed in Kubernetes ${removedIn}`;
    const how = version === 'v2beta2' ? 'Use `autoscaling/v2`, which has the same fields.' : 'Use `autoscaling/v2`: metric targets move into `target:` blocks and metric names into `metric:` blocks.';
    report(ctx, served ? 'warning' : 'error', {
      ...span,
      message: served
        ? `${what}; Kubernetes ${ctx.settings.kubernetesVersion} (your \`kubernetesVersion\` setting) still serves it, newer clusters reject the manifest. ${how}`
        : `${what}: the API server rejects this manifest. ${how}`,
      tags: ['deprecated'],
      fixes: fixOf(ctx, edits, edits && edits.length > 1 ? 'Convert to autoscaling/v2 (move targets into target: and metric: blocks)' : 'Change apiVersion to autoscaling/v2', true),
    });
  },
};

/**
 * report records a finding with its own severity. The runner spreads a report over the rule's default severity,
 * so a `severity` carried by the report wins (the user's per-rule override still applies afterwards).
 */
function report(ctx: RuleContext, severity: Severity, f: Report): void {
  ctx.report(Object.assign(f, { severity }));
}

function fixOf(ctx: RuleContext, edits: TextEdit[] | undefined, title: string, isPreferred: boolean): Fix[] | undefined {
  if (!edits) return undefined;
  // Never rewrite text that a template expression produces.
  if (edits.some((e) => overlapsTemplate(ctx.file, e.start, e.end))) return undefined;
  return [{ title, edits, isPreferred }];
}

/** olderThan compares `major.minor` versions; an unparsable version is treated as current. */
function olderThan(version: string, than: string): boolean {
  const parse = (v: string): [number, number] | undefined => {
    const m = /^v?(\d+)\.(\d+)/.exec(v.trim());
    return m ? [Number(m[1]), Number(m[2])] : undefined;
  };
  const a = parse(version);
  const b = parse(than);
  if (!a || !b) return false;
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

function apiVersionEdit(node: Scalar): TextEdit {
  return replaceScalarValue(node, 'autoscaling/v2');
}

/** One source key moving into a new block, under a new name. */
type Move = [from: string, to: string];
/** A key moving into the `target` block, with the target `type` its presence implies. */
type ValueMove = [from: string, to: string, type?: string];

/** How one metric source of v2beta1 maps to v2: renamed keys, keys regrouped into blocks, keys kept as they are. */
interface SourceRule {
  renames?: Move[];
  metric?: Move[];
  /** The target block (whose `type` depends on which key is present) or the status `current` block. */
  value: { block: 'target' | 'current'; moves: ValueMove[] };
  keep: string[];
  /** Keys of which at most one may be present for an exact conversion. */
  exclusive?: string[];
}

const SPEC: Record<string, SourceRule> = {
  resource: { value: { block: 'target', moves: [['targetAverageUtilization', 'averageUtilization', 'Utilization'], ['targetAverageValue', 'averageValue', 'AverageValue']] }, keep: ['name'], exclusive: ['targetAverageUtilization', 'targetAverageValue'] },
  containerResource: { value: { block: 'target', moves: [['targetAverageUtilization', 'averageUtilization', 'Utilization'], ['targetAverageValue', 'averageValue', 'AverageValue']] }, keep: ['name', 'container'], exclusive: ['targetAverageUtilization', 'targetAverageValue'] },
  pods: { metric: [['metricName', 'name'], ['selector', 'selector']], value: { block: 'target', moves: [['targetAverageValue', 'averageValue', 'AverageValue']] }, keep: [] },
  object: { renames: [['target', 'describedObject']], metric: [['metricName', 'name'], ['selector', 'selector']], value: { block: 'target', moves: [['targetValue', 'value', 'Value'], ['averageValue', 'averageValue', 'AverageValue']] }, keep: [], exclusive: ['targetValue', 'averageValue'] },
  external: { metric: [['metricName', 'name'], ['metricSelector', 'selector']], value: { block: 'target', moves: [['targetValue', 'value', 'Value'], ['targetAverageValue', 'averageValue', 'AverageValue']] }, keep: [], exclusive: ['targetValue', 'targetAverageValue'] },
};

const STATUS: Record<string, SourceRule> = {
  resource: { value: { block: 'current', moves: [['currentAverageUtilization', 'averageUtilization'], ['currentAverageValue', 'averageValue']] }, keep: ['name'] },
  containerResource: { value: { block: 'current', moves: [['currentAverageUtilization', 'averageUtilization'], ['currentAverageValue', 'averageValue']] }, keep: ['name', 'container'] },
  pods: { metric: [['metricName', 'name'], ['selector', 'selector']], value: { block: 'current', moves: [['currentAverageValue', 'averageValue']] }, keep: [] },
  object: { renames: [['target', 'describedObject']], metric: [['metricName', 'name'], ['selector', 'selector']], value: { block: 'current', moves: [['currentValue', 'value'], ['averageValue', 'averageValue']] }, keep: [] },
  external: { metric: [['metricName', 'name'], ['metricSelector', 'selector']], value: { block: 'current', moves: [['currentValue', 'value'], ['currentAverageValue', 'averageValue']] }, keep: [] },
};

const SOURCE_KEY: Record<string, string> = { Resource: 'resource', ContainerResource: 'containerResource', Pods: 'pods', Object: 'object', External: 'external' };

/** convertV2beta1 returns the edits that turn a v2beta1 HPA into v2, or undefined when that cannot be done exactly. */
function convertV2beta1(ctx: RuleContext, apiNode: Scalar): TextEdit[] | undefined {
  const edits: TextEdit[] = [apiVersionEdit(apiNode)];
  for (const [listPath, rules] of [[['spec', 'metrics'], SPEC], [['status', 'currentMetrics'], STATUS]] as const) {
    const list = get(ctx.obj, [...listPath]);
    if (list === undefined || list === null || (isScalar(list) && list.value === null)) continue;
    if (!isSeq(list) || list.flow) return undefined;
    for (const item of list.items) {
      if (!isMap(item) || item.flow) return undefined;
      const type = scalarString(findPair(item, 'type')?.value);
      const key = type ? SOURCE_KEY[type] : undefined;
      const source = key ? findPair(item, key)?.value : undefined;
      if (!key || !isMap(source) || source.flow) return undefined;
      const more = convertSource(ctx.file.text, source, rules[key]);
      if (!more) return undefined;
      edits.push(...more);
    }
  }
  return edits;
}

function convertSource(text: string, map: YAMLMap, rule: SourceRule): TextEdit[] | undefined {
  const known = new Set([...rule.keep, ...(rule.renames ?? []).map((m) => m[0]), ...(rule.metric ?? []).map((m) => m[0]), ...rule.value.moves.map((m) => m[0])]);
  const pairs = map.items as Array<Pair<Scalar, YNode | null>>;
  if (pairs.some((p) => !known.has(String(p.key?.value)))) return undefined;
  const present = (moves: Move[]) => moves.filter(([from]) => findPair(map, from));
  if (rule.exclusive && rule.exclusive.filter((k) => findPair(map, k)).length > 1) return undefined;
  const edits: TextEdit[] = [];
  for (const [from, to] of rule.renames ?? []) {
    const p = findPair(map, from);
    if (p?.key?.range) edits.push({ start: p.key.range[0], end: p.key.range[1], newText: to });
  }
  if (rule.metric) {
    // A v2 `metric:` block needs the name; without one the source is invalid already.
    if (!findPair(map, rule.metric[0][0])) return undefined;
    const e = regroup(text, map, 'metric', present(rule.metric), []);
    if (!e) return undefined;
    edits.push(...e);
  }
  const moves = rule.value.moves.filter(([from]) => findPair(map, from));
  if (rule.value.block === 'target') {
    if (moves.length !== 1) return undefined;
    const e = regroup(text, map, 'target', [[moves[0][0], moves[0][1]]], [['type', moves[0][2]!]]);
    if (!e) return undefined;
    edits.push(...e);
  } else if (moves.length) {
    const e = regroup(text, map, 'current', moves.map(([from, to]): Move => [from, to]), []);
    if (!e) return undefined;
    edits.push(...e);
  }
  return edits;
}

/**
 * regroup moves pairs of a block map into a new nested block that takes the place of the first of them:
 * `metricName: x` + `selector: ...` -> `metric:\n  name: x\n  selector: ...`. Each moved pair keeps its value
 * text and trailing comment; the other moved pairs' lines are removed.
 */
function regroup(text: string, map: YAMLMap, block: string, moves: Move[], added: Array<[string, string]>): TextEdit[] | undefined {
  const pairs = moves.map(([from, to]) => ({ pair: findPair(map, from), to })).filter((m) => m.pair?.key?.range) as Array<{ pair: Pair<Scalar, YNode | null>; to: string }>;
  if (!pairs.length) return [];
  pairs.sort((a, b) => a.pair.key.range![0] - b.pair.key.range![0]);
  const unit = indentStyleOf(text).unit;
  const first = pairs[0].pair.key;
  const col = columnOf(text, first.range![0]);
  const pad = ' '.repeat(col + unit);
  const lines = [`${block}:`, ...added.map(([k, v]) => `${pad}${k}: ${v}`)];
  const edits: TextEdit[] = [];
  for (const { pair, to } of pairs) {
    const keyStart = pair.key.range![0];
    const end = lineEnd(text, pair.value ? contentEnd(text, pair.value) : pair.key.range![1]);
    // A moved pair must own its lines, or removing them would take other content along.
    if (pair !== pairs[0].pair && text.slice(lineStart(text, keyStart), keyStart).trim() !== '') return undefined;
    const body = to + text.slice(pair.key.range![1], end);
    lines.push(pad + body.split('\n').map((l, i) => (i && l.trim() ? ' '.repeat(unit) + l : l)).join('\n'));
    if (pair !== pairs[0].pair) edits.push({ start: lineStart(text, keyStart), end: Math.min(text.length, end + 1), newText: '' });
  }
  const firstEnd = lineEnd(text, pairs[0].pair.value ? contentEnd(text, pairs[0].pair.value) : first.range![1]);
  edits.push({ start: first.range![0], end: firstEnd, newText: lines.join('\n') });
  return edits;
}

/** convertV1 turns `targetCPUUtilizationPercentage` (and its status) into v2 `metrics` (and `currentMetrics`). */
function convertV1(ctx: RuleContext, apiNode: Scalar): TextEdit[] | undefined {
  const edits: TextEdit[] = [apiVersionEdit(apiNode)];
  for (const [path, listKey, block] of [[['spec'], 'metrics', 'target'], [['status'], 'currentMetrics', 'current']] as const) {
    const map = get(ctx.obj, [...path]);
    const key = block === 'target' ? 'targetCPUUtilizationPercentage' : 'currentCPUUtilizationPercentage';
    const pair = isMap(map) ? findPair(map, key) : undefined;
    if (!pair) continue;
    if (map && (map as YAMLMap).flow) return undefined;
    if (!pair.key?.range || !isScalar(pair.value)) return undefined;
    const e = cpuMetric(ctx.file.text, pair, listKey, block);
    if (!e) return undefined;
    edits.push(e);
  }
  return edits;
}

function cpuMetric(text: string, pair: Pair<Scalar, YNode | null>, listKey: string, block: 'target' | 'current'): TextEdit | undefined {
  const keyStart = pair.key.range![0];
  if (text.slice(lineStart(text, keyStart), keyStart).trim() !== '') return undefined;
  const style = indentStyleOf(text);
  const col = columnOf(text, keyStart);
  const dash = ' '.repeat(col + (style.indentSeq ? style.unit : 0));
  const item = `${dash}  `;
  const step = ' '.repeat(style.unit);
  const end = lineEnd(text, contentEnd(text, pair.value!));
  const valueAndComment = text.slice(pair.value!.range![0], end);
  const lines = [
    `${listKey}:`,
    `${dash}- type: Resource`,
    `${item}resource:`,
    `${item}${step}name: cpu`,
    `${item}${step}${block}:`,
    ...(block === 'target' ? [`${item}${step}${step}type: Utilization`] : []),
    `${item}${step}${step}averageUtilization: ${valueAndComment}`,
  ];
  return { start: keyStart, end, newText: lines.join('\n') };
}
