/**
 * value-metric-type-on-queue: a queue-length signal with a `Value` target, which the HPA multiplies by the number
 * of ready pods instead of dividing the queue among them.
 */
import { isMap, isScalar } from 'yaml';
import { get } from '../model';
import { findPair } from '../parse';
import type { TextEdit } from '../types';
import { autoscalerView, signalAnchor, spanOf, type Signal } from './helpers/autoscaler';
import { aggregatesPerPod, queueSignal } from './helpers/metrics';
import { replaceScalar } from '../yamlEdit';
import type { Rule, RuleContext } from './types';

/** valueMetricTypeOnQueue reports queue metrics with a Value target. */
export const valueMetricTypeOnQueue: Rule = {
  id: 'value-metric-type-on-queue',
  defaultSeverity: 'warning',
  appliesTo: ['ScaledObject', 'HorizontalPodAutoscaler'],
  docs: {
    summary: 'A queue-length metric uses a `Value` target instead of `AverageValue`.',
    rationale:
      'With a `Value` target the HPA computes desired = ceil(metric / target × ready pods): it treats the metric as something every pod should bring down to the target by itself. A queue total (waiting requests summed over the pods, messages in a broker) does not shrink per pod that way, so every new replica multiplies the proposal again and the workload runs to its maximum, which for GPU serving means the most expensive outcome. With `AverageValue` (KEDA\'s default) the HPA divides instead: desired = ceil(queue / target), one replica per `target` waiting items. A query that already averages over pods (`avg(...)`) is the one case where `Value` is right, and the check leaves it alone.',
    remedy:
      'Use `metricType: AverageValue` (or leave `metricType` out in KEDA) and read the threshold as "waiting requests per replica". For an HPA Object or External metric, use `target.type: AverageValue` with `averageValue`.',
    sources: [
      'kubernetes/kubernetes replica_calculator.go GetObjectMetricReplicas / GetExternalMetricReplicas (usage ratio × ready pods) and GetExternalPerPodMetricReplicas (ceil(usage / target))',
      'KEDA pkg/scalers/scaler.go GetMetricTargetType (AverageValue by default)',
      'docs/autoscalers.md §2.1: 95 over a threshold of 10 gives 10 replicas as AverageValue, 29 as Value at 3 ready pods',
    ],
  },
  check(ctx) {
    const view = autoscalerView(ctx.obj);
    if (!view) return;
    for (const s of view.signals) {
      if (s.targetType !== 'Value') continue;
      if (view.dialect === 'keda' ? s.source !== 'trigger' : s.source !== 'object' && s.source !== 'external') continue;
      if (s.query && aggregatesPerPod(s.query)) continue;
      const queue = queueSignal(s);
      if (queue) report(ctx, s, queue, view.dialect === 'keda');
    }
  },
};

function report(ctx: RuleContext, s: Signal, queue: string, keda: boolean): void {
  const key = s.source === 'object' ? 'object' : 'external';
  const typeNode = get(ctx.obj, keda ? [...s.path, 'metricType'] : [...s.path, key, 'target', 'type']);
  const target = keda ? undefined : get(ctx.obj, [...s.path, key, 'target']);
  // The HPA keeps the number in `value` for a Value target and in `averageValue` for an AverageValue one.
  const valueKey = isMap(target) ? findPair(target, 'value')?.key : undefined;
  const edits: TextEdit[] = [];
  if (isScalar(typeNode) && (keda || isScalar(valueKey))) {
    edits.push(replaceScalar(typeNode, 'AverageValue'));
    if (isScalar(valueKey)) edits.push(replaceScalar(valueKey, 'averageValue'));
  }
  ctx.report({
    ...(typeNode?.range ? { start: typeNode.range[0], end: typeNode.range[1] } : spanOf(ctx.obj, signalAnchor(s))),
    message: `${queue} is a queue, but the Value target multiplies it by the ready pods (ceil(queue / target × pods)), so each new replica raises the proposal again. Use AverageValue: ceil(queue / target) replicas.`,
    fixes: edits.length ? [{ title: 'Use an AverageValue target (threshold per replica)', edits, changesPolicy: true }] : undefined,
  });
}
