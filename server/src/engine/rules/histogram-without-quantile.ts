/** histogram-without-quantile: histogram buckets read without `histogram_quantile`, or a histogram's bare name. */
import { topExpr } from '../promql/analyse';
import { lookupMetric } from '../promql/catalogue';
import type { Expr, SelectorExpr } from '../promql/parse';
import { type QuerySite, querySites, rateWindowFor, siteEdit, siteRange, siteTouchesTemplate, targetInfo } from '../promql/sites';
import type { Fix } from '../types';
import type { Rule } from './types';

const QUANTILE_FUNCTIONS: ReadonlySet<string> = new Set(['histogram_quantile', 'histogram_fraction']);

/** histogramWithoutQuantile reports histograms that are not turned into a quantile. */
export const histogramWithoutQuantile: Rule = {
  id: 'histogram-without-quantile',
  defaultSeverity: 'warning',
  appliesTo: ['ScaledObject', 'ScaledJob'],
  docs: {
    summary: 'A histogram is used without `histogram_quantile`: its `_bucket` series are read directly, or its bare name is queried.',
    rationale:
      'A Prometheus histogram such as `vllm:time_to_first_token_seconds` is stored as cumulative `_bucket` counters (one per `le` bound) plus `_sum` and `_count`. ' +
      'Summing or reading the buckets gives a count of observations, not a latency, and it only grows. The bare name has no series at all for a classic ' +
      'histogram, so the query returns nothing and KEDA reads 0 (with the default `ignoreNullValues`).',
    remedy:
      'Turn the buckets into a latency: `histogram_quantile(0.9, sum by (le) (rate(<name>_bucket[2m])))`. The quick fix writes that expression (90th percentile) ' +
      'when the query is the histogram alone or one aggregation of it; choose the quantile that matches your objective.',
    sources: ['Prometheus docs `practices/histograms.md` and `querying/functions.md` (histogram_quantile)', 'vLLM `docs/design/metrics.md`', 'field AP-7'],
  },
  check(ctx) {
    let window: string | undefined;
    for (const site of querySites(ctx.obj)) {
      if (site.kind !== 'keda-query' || !site.analysis || site.parsed.problems.length) continue;
      for (const use of site.analysis.selectors) {
        const { sel } = use;
        if (!sel.name || !sel.nameSpan) continue;
        const hit = lookupMetric(sel.name);
        const bucket = hit ? hit.part === 'bucket' : /_bucket$/.test(sel.name);
        const bare = hit?.part === 'base' && hit.info.type === 'histogram';
        if (!bucket && !bare) continue;
        if (bucket && use.ancestors.some((a) => a.type === 'call' && QUANTILE_FUNCTIONS.has(a.func))) continue;
        // One bucket picked by `le` counts requests under a bound, the usual way to compute an SLO ratio.
        if (bucket && sel.matchers.some((m) => m.label === 'le' && m.op === '=')) continue;
        if (siteTouchesTemplate(ctx.obj, site, sel.from, sel.to)) continue;
        window ??= rateWindowFor(targetInfo(ctx.obj, ctx.ws), ctx.ws);
        const base = bare ? sel.name : sel.name.replace(/_bucket$/, '');
        const [start, end] = siteRange(site, sel.nameSpan.from, sel.nameSpan.to);
        const suggestion = `histogram_quantile(0.9, sum by (le) (rate(${base}_bucket[${window}])))`;
        const message = bare
          ? `\`${sel.name}\` is a histogram: Prometheus stores it as \`${base}_bucket\`, \`_sum\` and \`_count\`, and the bare name matches no series, so the query returns nothing. Use a quantile, e.g. \`${suggestion}\`.`
          : `\`${sel.name}\` holds cumulative bucket counts: without \`histogram_quantile\` the value counts observations instead of measuring latency, and it only grows. Use a quantile, e.g. \`${suggestion}\`.`;
        const fix = quantileFix(site, sel, base, window);
        ctx.report({ start, end, message, fixes: fix ? [fix] : undefined });
      }
    }
  },
};

/**
 * quantileFix rewrites the whole query as a 90th percentile when it is nothing but the histogram: the selector
 * alone, `rate()`/`increase()` of it, or one aggregation without grouping over either. Anything richer is left
 * to the user, since the intended expression cannot be guessed.
 */
function quantileFix(site: QuerySite, sel: SelectorExpr, base: string, window: string): Fix | undefined {
  let e: Expr = topExpr(site.analysis!.expr);
  if (e.type === 'aggregate' && !e.grouping && !e.param && e.expr) e = topExpr(e.expr);
  if (e.type === 'call' && (e.func === 'rate' || e.func === 'increase') && e.args.length === 1) e = topExpr(e.args[0]);
  let range = window;
  if (e.type === 'matrix') {
    range = site.text.slice(e.rangeSpan.from, e.rangeSpan.to);
    e = e.selector;
  }
  if (e !== sel) return undefined;
  const matchers = sel.matchersSpan && !sel.nameFromMatcher ? site.text.slice(sel.matchersSpan.from, sel.matchersSpan.to) : '';
  if (sel.nameFromMatcher) return undefined;
  const expr = `histogram_quantile(0.9, sum by (le) (rate(${base}_bucket${matchers}[${range}])))`;
  const root = site.analysis!.expr;
  const lead = site.text.length - site.text.trimStart().length;
  const edit = siteEdit(site, Math.max(root.from, lead), root.to, expr);
  return edit ? { title: 'Use the 90th percentile: histogram_quantile(0.9, …)', edits: [edit], changesPolicy: true } : undefined;
}
