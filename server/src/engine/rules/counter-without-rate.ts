/** counter-without-rate: a counter read as if it were a level, so the trigger value only ever grows. */
import { consumerOf } from '../promql/analyse';
import { lookupMetric } from '../promql/catalogue';
import { COUNTER_FUNCTIONS, PRESENCE_FUNCTIONS } from '../promql/functions';
import { querySites, rateWindowFor, siteInsert, siteRange, siteTouchesTemplate, targetInfo } from '../promql/sites';
import type { Fix } from '../types';
import type { Rule } from './types';

/** counterWithoutRate reports counters used without `rate()`/`increase()`, with a fix that wraps them in `rate()`. */
export const counterWithoutRate: Rule = {
  id: 'counter-without-rate',
  defaultSeverity: 'warning',
  appliesTo: ['ScaledObject', 'ScaledJob'],
  docs: {
    summary: 'A counter is used raw in a prometheus trigger query, without `rate()` or `increase()`.',
    rationale:
      'A counter only grows (and drops to 0 when the process restarts). Read raw, the trigger value climbs with the age of the pods, not with the load: ' +
      'the autoscaler scales out and never scales back in, then collapses on a restart. Triton\'s latency metrics such as `nv_inference_queue_duration_us` ' +
      'are such counters (cumulative microseconds), as are the engines\' `*_total` series and the `_sum`/`_count` series of histograms. ' +
      'The rule judges only metrics of its catalogue (vLLM, SGLang, Triton, TGI, DCGM, llm-d): a `_total` suffix alone is not proof, since some exporters put it on gauges.',
    remedy:
      'Read counters with `rate(metric[window])` (per second) or `increase(...)`. The quick fix wraps the selector in `rate(...)` with a window of four ' +
      'scrape intervals, taken from a PodMonitor or ServiceMonitor that selects the target\'s pods, or `2m` (four scrapes at 30 s) when none is found: ' +
      'a shorter window can hold fewer than two samples after a missed scrape and then returns nothing. For Triton latencies, divide the rate of the ' +
      'duration by the rate of `nv_inference_request_success` to get a mean latency.',
    sources: ['Prometheus docs `querying/functions.md` (rate)', 'Triton `docs/user_guide/metrics.md` ("cumulative")', 'OpenMetrics counter `_total` suffix', 'field AP-7'],
  },
  check(ctx) {
    let window: string | undefined;
    for (const site of querySites(ctx.obj)) {
      if (site.kind !== 'keda-query' || !site.analysis || site.parsed.problems.length) continue;
      for (const use of site.analysis.selectors) {
        const { sel } = use;
        if (!sel.name || !sel.nameSpan) continue;
        const hit = lookupMetric(sel.name);
        // Only metrics whose type is known: the `_total` suffix alone is not trusted, because real exporters put it
        // on gauges (the corpus has `starrocks_fe_connection_total`, a connection count).
        const isCounter = !!hit && (hit.info.type === 'counter' || hit.part === 'sum' || hit.part === 'count');
        if (!isCounter || (hit?.info.type === 'histogram' && hit.part === 'base')) continue;
        const consumer = consumerOf(use);
        if (consumer && (COUNTER_FUNCTIONS.has(consumer.name) || PRESENCE_FUNCTIONS.has(consumer.name))) continue;
        if (siteTouchesTemplate(ctx.obj, site, sel.from, sel.to)) continue;
        window ??= rateWindowFor(targetInfo(ctx.obj, ctx.ws), ctx.ws);
        const [start, end] = siteRange(site, sel.nameSpan.from, sel.nameSpan.to);
        const what = hit?.info.unit.includes('cumulative') ? ` (cumulative ${hit.info.unit.replace(' (cumulative)', '')})` : '';
        const inside = consumer ? ` inside \`${consumer.name}\`` : '';
        const parent = use.ancestors[use.ancestors.length - 1];
        let fix: Fix | undefined;
        if (!use.range && parent?.type !== 'offset' && parent?.type !== 'at') {
          const open = siteInsert(site, sel.from, 'rate(');
          const close = siteInsert(site, sel.to, `[${window}])`);
          if (open && close) fix = { title: `Wrap in rate(…[${window}])`, edits: [open, close], isPreferred: true, changesPolicy: true };
        }
        const subject = `\`${sel.name}\` is a counter${what}`;
        ctx.report({
          start,
          end,
          message:
            `${subject}: used raw${inside}, the trigger value only grows with the pods' age, so the workload scales out and never back in. ` +
            `Read it as a rate, e.g. \`rate(${sel.name}[${window}])\`.`,
          fixes: fix ? [fix] : undefined,
        });
      }
    }
  },
};
