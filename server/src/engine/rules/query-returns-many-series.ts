/** query-returns-many-series: a prometheus trigger query that can return more than one series. */
import type { ManySeriesCause } from '../promql/analyse';
import { type QuerySite, querySites, siteInsert, siteRange } from '../promql/sites';
import type { Fix } from '../types';
import type { Rule } from './types';

/** queryReturnsManySeries reports queries KEDA cannot read as one value, with a fix that wraps them in `sum(...)`. */
export const queryReturnsManySeries: Rule = {
  id: 'query-returns-many-series',
  defaultSeverity: 'warning',
  appliesTo: ['ScaledObject', 'ScaledJob'],
  docs: {
    summary: 'The query of a prometheus trigger can return several series, but KEDA needs exactly one value.',
    rationale:
      'KEDA\'s prometheus scaler fails when the result holds more than one series, whatever `ignoreNullValues` says. An unaggregated selector returns one ' +
      'series per scraped pod, and `sum by (pod)` or `topk(3, ...)` keep several on purpose, so the query works with one replica and breaks as soon as the ' +
      'workload scales out: the trigger errors exactly when it is needed.',
    remedy:
      'Aggregate to one series: `sum(...)` of a per-pod value divided by the default AverageValue target gives the per-replica mean, which is what the ' +
      'threshold usually means; use `max(...)` with a `Value` target to follow the busiest replica. A `by` label is harmless when a matcher pins it to one value.',
    sources: ['KEDA docs `scalers/prometheus.md` ("query must return a vector/scalar single element response")', 'KEDA `pkg/scalers/prometheus_scaler.go` (more than one series is an error)'],
  },
  check(ctx) {
    for (const site of querySites(ctx.obj)) {
      if (site.kind !== 'keda-query' || site.templated || !site.analysis || site.parsed.problems.length || site.analysis.single) continue;
      const cause = site.analysis.cardinality.cause ?? { span: { from: site.analysis.expr.from, to: site.analysis.expr.to }, kind: 'selector', labels: [] };
      const [start, end] = siteRange(site, cause.span.from, cause.span.to);
      const fix = wrapFix(site);
      ctx.report({ start, end, message: messageFor(cause, site.text.slice(cause.span.from, cause.span.to)), fixes: fix ? [fix] : undefined });
    }
  },
};

function messageFor(cause: ManySeriesCause, text: string): string {
  const tail = 'KEDA fails on a result with more than one series. Aggregate to one value, e.g. wrap the query in `sum(...)`.';
  switch (cause.kind) {
    case 'selector':
      return `\`${cause.metric ?? text}\` is not aggregated: it returns one series per scraped pod (and per other label value). ${tail}`;
    case 'grouping':
      return `\`${text}\` keeps one series per value of ${cause.labels.map((l) => `\`${l}\``).join(', ') || 'the remaining labels'}. ${tail} Or pin the label with a matcher.`;
    case 'topk':
      return `\`${text}\` asks for more than one series. ${tail}`;
    case 'count_values':
      return `\`count_values\` returns one series per distinct value. ${tail}`;
  }
}

/** wrapFix wraps the whole query in `sum(...)`, keeping surrounding white space and the scalar's quoting. */
function wrapFix(site: QuerySite): Fix | undefined {
  // A PromQL comment would swallow the closing parenthesis.
  if (site.text.includes('#')) return undefined;
  const first = site.text.length - site.text.trimStart().length;
  const last = site.text.trimEnd().length;
  const open = siteInsert(site, first, 'sum(');
  const close = siteInsert(site, last, ')');
  return open && close ? { title: 'Wrap the query in sum(...)', edits: [open, close], isPreferred: true, changesPolicy: true } : undefined;
}
