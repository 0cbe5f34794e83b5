/**
 * deprecated-engine-metric: a query, an HPA metric or an AIBrix PodAutoscaler's target metric names a serving-engine
 * metric that was renamed or removed.
 */
import { isScalar, isSeq } from 'yaml';
import { get } from '../model';
import { scalarString } from '../parse';
import { replaceScalarValue } from '../yamlEdit';
import { spanOf, templateInside } from './helpers/autoscaler';
import { compareVersions, lookupMetric, type MetricChange, type MetricInfo, SOURCES } from '../promql/catalogue';
import { type QuerySite, querySites, rateWindowFor, siteEdit, siteRange, siteTouchesTemplate, targetInfo, type TargetInfo } from '../promql/sites';
import type { SelectorUse } from '../promql/analyse';
import type { Fix } from '../types';
import type { Rule, RuleContext } from './types';

/** deprecatedEngineMetric reports renamed and removed metric names, with a fix that renames them in place. */
export const deprecatedEngineMetric: Rule = {
  id: 'deprecated-engine-metric',
  defaultSeverity: 'warning',
  appliesTo: ['ScaledObject', 'ScaledJob', 'HorizontalPodAutoscaler', 'PodAutoscaler'],
  docs: {
    summary: 'A query or metric name uses a serving-engine metric that has been renamed or removed.',
    rationale:
      'Engines rename metrics between minor versions: vLLM deprecates a name in one version, hides it in the next and deletes it in the one after. ' +
      'After an upgrade the old name returns no series; with KEDA\'s default `ignoreNullValues: true` the trigger then reads 0 and the workload scales in ' +
      'while it is busy, without any error. Examples: `vllm:gpu_cache_usage_perc` (now `vllm:kv_cache_usage_perc`), `vllm:time_per_output_token_seconds` ' +
      '(now `vllm:inter_token_latency_seconds`), `vllm:avg_generation_throughput_toks_per_s` (removed; use `rate(vllm:generation_tokens_total[2m])`). ' +
      'AIBrix PodAutoscalers name vLLM metrics without their prefix (`targetMetric: gpu_cache_usage_perc` reads `vllm:gpu_cache_usage_perc`), so the same renames apply to them. ' +
      'When the scale target\'s image tag shows an engine version older than the deprecation, the old name is still the right one and nothing is reported.',
    remedy:
      'Use the replacement name (the quick fix renames it inside the query, keeping the quoting, or in the PodAutoscaler\'s `targetMetric` when AIBrix knows the new name), and check dashboards and alerts that read the same series.',
    sources: [
      'vLLM PRs #18354, #32661, #15458, #12383',
      'vLLM `docs/usage/metrics.md` (deprecation policy)',
      'kubernetes-sigs/inference-perf PR #277',
      'llm-d EPP metric help text',
      'AIBrix pkg/metrics/metrics.go (the metric names a PodAutoscaler may target and the vLLM series they read)',
    ],
  },
  check(ctx) {
    const target = targetInfo(ctx.obj, ctx.ws);
    if (ctx.obj.known === 'PodAutoscaler') {
      checkPodAutoscaler(ctx, target);
      return;
    }
    for (const site of querySites(ctx.obj)) {
      if (!site.analysis) continue;
      for (const use of site.analysis.selectors) {
        const { sel } = use;
        if (!sel.name || !sel.nameSpan) continue;
        const hit = lookupMetric(sel.name);
        const change = hit?.info.change;
        if (!hit || !change) continue;
        if (siteTouchesTemplate(ctx.obj, site, sel.nameSpan.from, sel.nameSpan.to)) continue;
        const version = versionFor(target, hit.info, change);
        if (version === PREDATES) continue;
        const [start, end] = siteRange(site, sel.nameSpan.from, sel.nameSpan.to);
        // `_bucket`, `_sum` and `_count` series of a renamed histogram are renamed with it.
        const suffix = sel.name.slice(hit.info.name.length);
        const fix = fixFor(site, use, change, suffix, rateWindowFor(target, ctx.ws));
        const subject = suffix ? `\`${sel.name}\` belongs to \`${hit.info.name}\`, which` : `\`${sel.name}\``;
        const instead = change.replacement ? ` Use \`${change.replacement}${suffix}\`.` : change.replacementExpr ? '' : ' Scale on another signal.';
        ctx.report({ start, end, message: messageFor(subject, hit.info, change, version, instead), fixes: fix ? [fix] : undefined, tags: ['deprecated'] });
      }
    }
  },
};

/** What versionFor says of a target whose engine predates the deprecation: there the old name is the current one. */
const PREDATES = Symbol('predates');

/**
 * versionFor is the engine version the target's image shows for the metric's engine (undefined when it shows none),
 * or PREDATES when that version is older than the deprecation and the new name may not exist yet.
 */
function versionFor(target: TargetInfo | undefined, info: MetricInfo, change: MetricChange): string | typeof PREDATES | undefined {
  if (!target?.engineVersion) return undefined;
  if (target.engine !== info.source && !(target.engine === 'llm-d' && info.source === 'vllm')) return undefined;
  return change.deprecatedIn && compareVersions(target.engineVersion, change.deprecatedIn) < 0 ? PREDATES : target.engineVersion;
}

/** messageFor says what became of a metric; `subject` names it as written, `instead` says what to use. */
function messageFor(subject: string, info: MetricInfo, change: MetricChange, version: string | undefined, instead: string): string {
  const title = SOURCES.get(info.source)?.title ?? info.source;
  const steps: string[] = [];
  if (change.deprecatedIn) steps.push(`deprecated in ${title} ${change.deprecatedIn}`);
  if (change.hiddenIn) steps.push(`hidden by default from ${change.hiddenIn}`);
  if (change.removedIn) steps.push(`removed in ${change.removedIn}`);
  const history = steps.length ? steps.join(', ') : change.removed ? `removed from ${title}` : `deprecated in ${title}`;
  let onImage = '';
  if (version) {
    if (change.removedIn && compareVersions(version, change.removedIn) >= 0) onImage = ` The target runs ${title} ${version}, where the name matches no series.`;
    else if (change.hiddenIn && compareVersions(version, change.hiddenIn) >= 0) onImage = ` The target runs ${title} ${version}, which no longer publishes it by default.`;
  }
  return `${subject} is ${history}: ${change.note}.${onImage}${instead}`;
}

function fixFor(site: QuerySite, use: SelectorUse, change: MetricChange, suffix: string, window: string): Fix | undefined {
  const { sel } = use;
  if (change.replacement && sel.nameSpan) {
    const name = change.replacement + suffix;
    const edit = siteEdit(site, sel.nameSpan.from, sel.nameSpan.to, name);
    return edit ? { title: `Rename to ${name}`, edits: [edit], isPreferred: true } : undefined;
  }
  // A removed gauge computed from a counter: replace the whole instant selector by the expression.
  if (change.replacementExpr && !suffix && site.kind === 'keda-query' && !use.range && !sel.nameFromMatcher) {
    const matchers = sel.matchersSpan ? site.text.slice(sel.matchersSpan.from, sel.matchersSpan.to) : '';
    const expr = change.replacementExpr.template.replace('$SEL', change.replacementExpr.metric + matchers).replace('[2m]', `[${window}]`);
    const edit = siteEdit(site, sel.from, sel.to, expr);
    return edit ? { title: `Replace with ${expr}`, edits: [edit], isPreferred: true, changesPolicy: true } : undefined;
  }
  return undefined;
}

/**
 * The vLLM metric names an AIBrix PodAutoscaler may target, as AIBrix writes them (it reads `vllm:<name>`): a rename is
 * offered only to a name AIBrix knows.
 */
const AIBRIX_VLLM_NAMES = new Set([
  'num_requests_running',
  'num_requests_waiting',
  'kv_cache_usage_perc',
  'inter_token_latency_seconds',
  'time_to_first_token_seconds',
  'e2e_request_latency_seconds',
  'request_queue_time_seconds',
  'generation_tokens_total',
  'prompt_tokens_total',
]);

/** checkPodAutoscaler reports AIBrix pod metrics (`spec.metricsSources[].targetMetric`) that vLLM renamed or removed. */
function checkPodAutoscaler(ctx: RuleContext, target: TargetInfo | undefined): void {
  const obj = ctx.obj;
  const sources = get(obj, ['spec', 'metricsSources']);
  if (!isSeq(sources) || templateInside(obj, ['spec', 'metricsSources'])) return;
  // AIBrix maps the names to the engine it finds; only vLLM's old names are known here.
  if (target && target.engine !== 'vllm' && target.engine !== 'unknown') return;
  sources.items.forEach((_s, i) => {
    const base = ['spec', 'metricsSources', i];
    const type = scalarString(get(obj, [...base, 'metricSourceType']));
    if (type !== undefined && type !== 'pod') return;
    const node = get(obj, [...base, 'targetMetric']);
    const name = scalarString(node);
    if (!name || !isScalar(node) || name.includes(':')) return;
    const hit = lookupMetric(`vllm:${name}`);
    const change = hit?.info.change;
    if (!hit || !change || hit.info.name !== `vllm:${name}`) return;
    const version = versionFor(target, hit.info, change);
    if (version === PREDATES) return;
    const renamed = change.replacement?.startsWith('vllm:') ? change.replacement.slice('vllm:'.length) : undefined;
    const known = renamed !== undefined && AIBRIX_VLLM_NAMES.has(renamed);
    const fix: Fix | undefined = known ? { title: `Rename to ${renamed} (AIBrix reads vllm:${renamed})`, edits: [replaceScalarValue(node, renamed)], isPreferred: true } : undefined;
    const instead = known ? ` Use \`${renamed}\`.` : change.replacement ? ` vLLM publishes it as \`${change.replacement}\` now, a name this check does not know AIBrix to read.` : ' Scale on another signal.';
    const subject = `\`${name}\` (AIBrix reads \`vllm:${name}\`)`;
    ctx.report({ ...spanOf(obj, [...base, 'targetMetric']), message: messageFor(subject, hit.info, change, version, instead), fixes: fix ? [fix] : undefined, tags: ['deprecated'] });
  });
}
