/** The explicit registry of lint rules. Add a rule: create `<id>.ts` exporting a `Rule`, then list it here. */
import { counterWithoutRate } from './counter-without-rate';
import { deprecatedEngineMetric } from './deprecated-engine-metric';
import { gpuUtilizationOnlySignal } from './gpu-utilization-only-signal';
import { histogramWithoutQuantile } from './histogram-without-quantile';
import { modelLabelMismatch } from './model-label-mismatch';
import { perPodGpuMetricOnSharedGpu } from './per-pod-gpu-metric-on-shared-gpu';
import { prometheusNullAsZero } from './prometheus-null-as-zero';
import { promqlSyntax } from './promql-syntax';
import { queryReturnsManySeries } from './query-returns-many-series';
import { removedAutoscalingApi } from './removed-autoscaling-api';
import type { Rule } from './types';

export const rules: Rule[] = [
  promqlSyntax,
  deprecatedEngineMetric,
  counterWithoutRate,
  histogramWithoutQuantile,
  queryReturnsManySeries,
  gpuUtilizationOnlySignal,
  prometheusNullAsZero,
  perPodGpuMetricOnSharedGpu,
  modelLabelMismatch,
  removedAutoscalingApi,
];

/** ruleById finds a rule. */
export function ruleById(id: string): Rule | undefined {
  return rules.find((r) => r.id === id);
}
