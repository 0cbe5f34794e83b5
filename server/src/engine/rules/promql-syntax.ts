/** promql-syntax: a KEDA prometheus trigger whose query Prometheus would reject. */
import { querySites, siteRange } from '../promql/sites';
import type { Rule } from './types';

/** promqlSyntax reports PromQL syntax and type errors on the exact characters of the query. */
export const promqlSyntax: Rule = {
  id: 'promql-syntax',
  defaultSeverity: 'error',
  appliesTo: ['ScaledObject', 'ScaledJob'],
  docs: {
    summary: 'The `query` of a prometheus trigger is not valid PromQL.',
    rationale:
      'KEDA sends the query to Prometheus at every polling interval; a query Prometheus rejects makes every poll fail, so the trigger never scales ' +
      '(or holds the fallback replica count). The error only shows up in the KEDA operator logs and the ScaledObject status, not when the manifest is applied.',
    remedy: 'Fix the query at the marked characters; the message names what the parser expected. Test it in the Prometheus UI before committing.',
    sources: ['Prometheus `promql/parser` (the grammar and type rules)', '@prometheus-io/lezer-promql (the parser of the Prometheus UI)', 'KEDA `pkg/scalers/prometheus_scaler.go` (query sent as is)'],
  },
  check(ctx) {
    for (const site of querySites(ctx.obj)) {
      if (site.kind !== 'keda-query' || site.templated) continue;
      for (const p of site.parsed.problems) {
        const [start, end] = siteRange(site, p.from, p.to);
        ctx.report({ start, end: Math.max(end, start + 1), message: `PromQL: ${p.message}.` });
      }
    }
  },
};
