/**
 * aibrix-fraction-target-unreachable: an AIBrix PodAutoscaler targets a KV-cache usage fraction (0 to 1) with a
 * value the fraction can never reach, so it never scales out on it.
 */
import { isScalar, isSeq } from 'yaml';
import { get } from '../model';
import { scalarNumber, scalarString } from '../parse';
import type { Fix } from '../types';
import { replaceScalarValue } from '../yamlEdit';
import { nameOf, spanOf, templateInside } from './helpers/autoscaler';
import type { Rule } from './types';

/** The pod metrics AIBrix reads as a fraction of 1 (vLLM's KV-cache gauges: 1 means 100 percent). */
const FRACTIONS = new Set(['gpu_cache_usage_perc', 'kv_cache_usage_perc', 'cpu_cache_usage_perc']);

/** aibrixFractionTargetUnreachable reports fraction metrics whose target the metric cannot reach. */
export const aibrixFractionTargetUnreachable: Rule = {
  id: 'aibrix-fraction-target-unreachable',
  defaultSeverity: 'warning',
  appliesTo: ['PodAutoscaler'],
  docs: {
    summary: 'An AIBrix PodAutoscaler targets a KV-cache usage fraction with a value it can never reach.',
    rationale:
      'vLLM publishes KV-cache usage (`gpu_cache_usage_perc`, `kv_cache_usage_perc`) as a fraction: 1 means the cache is full, despite the `_perc` in the name. ' +
      'AIBrix\'s APA and KPA strategies compare the value read from the pods with `targetValue` as it is, so a target written as a percentage (`50`) is never reached and the workload stays at its minimum however full the cache gets. ' +
      'The HPA strategy is worse off: it hands the metric to a HorizontalPodAutoscaler with the target rounded up to a whole number (`0.5` becomes 1), which a fraction cannot exceed either.',
    remedy:
      'Write the target as a fraction (`0.5` for half full; the quick fix divides a percentage by 100) with the APA or KPA strategy, or scale the HPA strategy on a count such as `num_requests_waiting`.',
    sources: [
      'AIBrix pkg/controller/podautoscaler/hpa_resources.go makeHPAWithBounds (targetValue rounded up with math.Ceil into a Pods AverageValue)',
      'AIBrix pkg/metrics/metrics.go (gpu_cache_usage_perc reads vllm:gpu_cache_usage_perc; kv_cache_usage_perc: 1 means 100 percent usage)',
      'vLLM docs/design/metrics.md (KV-cache usage, 1 means 100 percent)',
    ],
  },
  check(ctx) {
    const obj = ctx.obj;
    const sources = get(obj, ['spec', 'metricsSources']);
    if (!isSeq(sources) || templateInside(obj, ['spec'])) return;
    const strategy = scalarString(get(obj, ['spec', 'scalingStrategy']))?.toUpperCase();
    sources.items.forEach((_s, i) => {
      const base = ['spec', 'metricsSources', i];
      const type = scalarString(get(obj, [...base, 'metricSourceType']));
      if (type !== undefined && type !== 'pod') return;
      const metric = scalarString(get(obj, [...base, 'targetMetric']));
      if (!metric || !FRACTIONS.has(metric)) return;
      const node = get(obj, [...base, 'targetValue']);
      const value = scalarNumber(node);
      if (value === undefined || value <= 0) return;
      const text = scalarString(node);
      const name = nameOf(obj);
      // A percentage written for a fraction, as a fraction; undefined when the value is no percentage.
      const fraction = value > 1 && value <= 100 ? Math.round(value * 1e4) / 1e6 : undefined;
      const targetEdit = fraction !== undefined && isScalar(node) ? replaceScalarValue(node, String(fraction)) : undefined;
      if (strategy === 'HPA') {
        const rounded = Math.ceil(value);
        const strategyNode = get(obj, ['spec', 'scalingStrategy']);
        const edits = isScalar(strategyNode) ? [replaceScalarValue(strategyNode, 'APA'), ...(targetEdit ? [targetEdit] : [])] : [];
        ctx.report({
          ...spanOf(obj, [...base, 'targetValue']),
          message: `PodAutoscaler '${name}' uses the HPA strategy on ${metric}, a fraction of 1, with targetValue ${text}: AIBrix hands the HPA a target rounded up to ${rounded}, which the fraction never exceeds, so the HPA never scales out on it. Use the APA or KPA strategy with a fraction target, or scale on a count such as num_requests_waiting.`,
          fixes: edits.length && (value <= 1 || targetEdit) ? [{ title: `Use the APA strategy${targetEdit ? ` with targetValue ${fraction}` : ''} (AIBrix compares the fraction as it is)`, edits, changesPolicy: true }] : undefined,
        });
        return;
      }
      if (value <= 1) return;
      const fixes: Fix[] = targetEdit ? [{ title: `Write the target as a fraction: ${fraction}`, edits: [targetEdit], isPreferred: true, changesPolicy: true }] : [];
      ctx.report({
        ...spanOf(obj, [...base, 'targetValue']),
        message: `PodAutoscaler '${name}' targets ${metric} at ${text}, but the metric is a fraction of 1 (1 means a full KV cache): it never reaches the target, so the workload stays at its minimum. ${fraction !== undefined ? `For ${text}% write ${fraction}.` : 'Write the target as a fraction between 0 and 1.'}`,
        fixes,
      });
    });
  },
};
