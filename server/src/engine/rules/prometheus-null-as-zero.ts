/** prometheus-null-as-zero: an empty Prometheus result silently becomes 0 and scales the workload in. */
import { isMap, isSeq } from 'yaml';
import type { YAMLMap } from 'yaml';
import { get, hasPath, type K8sObject } from '../model';
import { findPair, getNode, overlapsTemplate, scalarNumber, scalarString } from '../parse';
import type { Fix, TextEdit } from '../types';
import { insertIntoMap, setKey } from '../yamlEdit';
import type { Rule } from './types';

/** prometheusNullAsZero reports prometheus triggers that read an empty result as 0, with a fix that makes it an error with a fallback. */
export const prometheusNullAsZero: Rule = {
  id: 'prometheus-null-as-zero',
  defaultSeverity: 'warning',
  appliesTo: ['ScaledObject'],
  docs: {
    summary: 'A prometheus trigger leaves `ignoreNullValues` at its default (true) and the ScaledObject has no `fallback`: an empty query result counts as 0.',
    rationale:
      'Series disappear for ordinary reasons: the exporter or Prometheus restarts, pods are replaced, a metric is renamed by an engine upgrade, or the ' +
      'workload sits at zero replicas and nothing publishes the metric. With `ignoreNullValues: true`, KEDA reads an empty result as 0 and the HPA scales ' +
      'in, possibly to the minimum, while the service is busy; nothing is logged as an error.',
    remedy:
      'Set `ignoreNullValues: "false"` so an empty result is an error, and add a `fallback` (`failureThreshold: 3`, `replicas`: a count that can carry ' +
      'normal traffic) so that KEDA holds that many replicas after three failed polls. The quick fix uses `minReplicaCount` (at least 1, at most ' +
      '`maxReplicaCount`). KEDA rejects a `fallback` on ScaledObjects with cpu or memory triggers or with `metricType: Value` triggers in many versions, ' +
      'so there the fix only sets `ignoreNullValues`; an empty result then fails the metric and the HPA keeps the current replica count.',
    sources: ['KEDA `pkg/scalers/prometheus_scaler.go` (ignoreNullValues, default true)', 'KEDA `pkg/fallback/fallback.go`', 'KEDA `CheckFallbackValid`', 'porter-dev/porter-charts PR #1491', 'llm-d/llm-d PR #2492', 'field AP-4'],
  },
  check(ctx) {
    const { obj, file } = ctx;
    if (hasPath(obj, ['spec', 'fallback'])) return;
    const spec = get(obj, ['spec']);
    const triggers = get(obj, ['spec', 'triggers']);
    if (!isMap(spec) || !isSeq(triggers)) return;
    // A template can add `fallback` or metadata keys this parse cannot see.
    if (spec.range && overlapsTemplate(file, spec.range[0], spec.range[1])) return;
    const types = triggers.items.map((t) => (isMap(t) ? scalarString(getNode(t, ['type'])) : undefined));
    const fallbackAllowed = !types.some((t) => t === 'cpu' || t === 'memory') && !triggers.items.some((t) => isMap(t) && scalarString(getNode(t, ['metricType'])) === 'Value');
    const replicas = safeReplicas(obj);
    triggers.items.forEach((t, i) => {
      if (!isMap(t) || types[i] !== 'prometheus') return;
      const metadata = getNode(t, ['metadata']);
      if (!isMap(metadata) || findPair(metadata, 'ignoreNullValues')) return;
      const typePair = findPair(t, 'type');
      const at = typePair?.value?.range ?? typePair?.key.range;
      if (!at) return;
      const edits: TextEdit[] = [setKey(file, metadata, 'ignoreNullValues', 'false')];
      if (fallbackAllowed) edits.push(insertIntoMap(file, spec, { fallback: { failureThreshold: 3, replicas } }, { after: anchorKey(spec) }));
      const fix: Fix = {
        title: fallbackAllowed ? `Set ignoreNullValues: "false" and add a fallback of ${replicas} replica${replicas === 1 ? '' : 's'}` : 'Set ignoreNullValues: "false"',
        edits,
        changesPolicy: true,
      };
      ctx.report({
        start: at[0],
        end: at[1],
        message:
          'This prometheus trigger reads an empty query result as 0 (`ignoreNullValues` defaults to true and there is no `fallback`): when the series vanish ' +
          '(exporter restart, renamed metric, zero replicas) KEDA scales in while the service may be busy. Set `ignoreNullValues: "false"`' +
          (fallbackAllowed ? ` and add \`fallback: {failureThreshold: 3, replicas: ${replicas}}\` to hold ${replicas} replica${replicas === 1 ? '' : 's'} while the metric is missing.` : '; KEDA allows no `fallback` next to cpu/memory or `metricType: Value` triggers, so the HPA will keep the current count.'),
        fixes: [fix],
      });
    });
  },
};

/** safeReplicas is the fallback count: `minReplicaCount`, at least 1 (0 would scale a busy service to zero), at most the maximum. */
function safeReplicas(obj: K8sObject): number {
  const min = scalarNumber(get(obj, ['spec', 'minReplicaCount'])) ?? 0;
  const max = scalarNumber(get(obj, ['spec', 'maxReplicaCount'])) ?? 100;
  return Math.max(1, Math.min(Math.floor(min), Math.max(1, Math.floor(max))));
}

/** anchorKey picks the key the `fallback` block goes after: beside the replica bounds, before `triggers`. */
function anchorKey(spec: YAMLMap): string | undefined {
  for (const k of ['maxReplicaCount', 'minReplicaCount', 'idleReplicaCount', 'cooldownPeriod', 'pollingInterval', 'scaleTargetRef']) if (findPair(spec, k)) return k;
  return undefined;
}
