/** The explicit registry of lint rules. Add a rule: create `<id>.ts` exporting a `Rule`, then list it here. */
import { activationIgnoredWithMinReplicas } from './activation-ignored-with-min-replicas';
import { aibrixFractionTargetUnreachable } from './aibrix-fraction-target-unreachable';
import { cpuMetricOnGpuWorkload } from './cpu-metric-on-gpu-workload';
import { cpuTriggerWithoutRequests } from './cpu-trigger-without-requests';
import { duplicateTriggerName } from './duplicate-trigger-name';
import { fallbackInvalid } from './fallback-invalid';
import { idleReplicaCountInvalid } from './idle-replica-count-invalid';
import { karpenterConsolidationEvictsServing } from './karpenter-consolidation-evicts-serving';
import { kserveCpuAutoscalingOnGpu } from './kserve-cpu-autoscaling-on-gpu';
import { kserveKedaNeedsStandardMode } from './kserve-keda-needs-standard-mode';
import { maxReplicasExceedGpuCapacity } from './max-replicas-exceed-gpu-capacity';
import { minExceedsMax } from './min-exceeds-max';
import { missingStartupProbe } from './missing-startup-probe';
import { multipleAutoscalersOnTarget } from './multiple-autoscalers-on-target';
import { replicasSetOnAutoscaledTarget } from './replicas-set-on-autoscaled-target';
import { scaleDownFasterThanColdStart } from './scale-down-faster-than-cold-start';
import { scaleTargetNotFound } from './scale-target-not-found';
import { scaleToZeroCannotWake } from './scale-to-zero-cannot-wake';
import { unboundedScaleUpWhileLoading } from './unbounded-scale-up-while-loading';
import { valueMetricTypeOnQueue } from './value-metric-type-on-queue';
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
  cpuMetricOnGpuWorkload,
  scaleToZeroCannotWake,
  scaleDownFasterThanColdStart,
  unboundedScaleUpWhileLoading,
  missingStartupProbe,
  maxReplicasExceedGpuCapacity,
  karpenterConsolidationEvictsServing,
  kserveKedaNeedsStandardMode,
  kserveCpuAutoscalingOnGpu,
  aibrixFractionTargetUnreachable,
  valueMetricTypeOnQueue,
  replicasSetOnAutoscaledTarget,
  multipleAutoscalersOnTarget,
  scaleTargetNotFound,
  minExceedsMax,
  idleReplicaCountInvalid,
  activationIgnoredWithMinReplicas,
  fallbackInvalid,
  duplicateTriggerName,
  cpuTriggerWithoutRequests,
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
