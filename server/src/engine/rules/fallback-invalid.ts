/**
 * fallback-invalid: a ScaledObject `fallback` that KEDA refuses or never applies: one with cpu/memory triggers, or
 * with triggers (or scalingModifiers) whose metric type is Value.
 */
import { get, rootOf } from '../model';
import { scalarString } from '../parse';
import { autoscalerView, keyRangeOf } from './helpers/autoscaler';
import { deletePair, mapAt } from '../yamlEdit';
import type { Rule } from './types';

/** fallbackInvalid reports fallbacks KEDA rejects or never applies. */
export const fallbackInvalid: Rule = {
  id: 'fallback-invalid',
  defaultSeverity: 'error',
  appliesTo: ['ScaledObject'],
  docs: {
    summary: '`fallback` is combined with cpu/memory triggers or with a `Value` metric type.',
    rationale:
      'KEDA\'s fallback replaces a failing trigger\'s metric with a synthetic one that yields `fallback.replicas`; that only works for external metrics with an AverageValue target. KEDA\'s admission webhook rejects a ScaledObject that has a fallback and any cpu or memory trigger, or a trigger whose `metricType` is Value, and the operator skips the fallback for a Value target. The safety net the manifest promises for a Prometheus outage is therefore either refused at apply time or silently absent, and a GPU service scaled on a broken query stays wherever it was.',
    remedy:
      'Use AverageValue targets for the triggers that should fall back, and move cpu/memory scaling out of the ScaledObject that has a fallback (or drop the fallback). The quick fix removes the `fallback` block.',
    sources: [
      'KEDA scaledobject_types.go CheckFallbackValid; pkg/fallback/fallback.go (fallback only for AverageValue)',
      'KEDA docs, reference/scaledobject-spec.md#fallback',
    ],
  },
  check(ctx) {
    const view = autoscalerView(ctx.obj);
    const fallback = keyRangeOf(ctx.obj, ['spec', 'fallback']);
    if (!view || !fallback || !get(ctx.obj, ['spec', 'fallback'])) return;
    const problems: string[] = [];
    const related: Array<{ uri: string; start: number; end: number; message: string }> = [];
    for (const s of view.signals) {
      const node = get(ctx.obj, [...s.path, 'type']);
      const why = s.resource ? `${s.resource} trigger` : s.targetType === 'Value' ? `${s.triggerType ?? 'trigger'} trigger with metricType Value` : undefined;
      if (!why) continue;
      problems.push(s.triggerName ? `${why} '${s.triggerName}'` : why);
      if (node?.range) related.push({ uri: ctx.obj.file.uri, start: node.range[0], end: node.range[1], message: why });
    }
    if (scalarString(get(ctx.obj, ['spec', 'advanced', 'scalingModifiers', 'metricType'])) === 'Value') problems.push('scalingModifiers with metricType Value');
    if (!problems.length) return;
    const spec = mapAt(rootOf(ctx.obj), ['spec']);
    const del = spec ? deletePair(ctx.obj.file, spec, 'fallback') : undefined;
    ctx.report({
      ...fallback,
      message: `fallback only works for AverageValue metrics of non-cpu/memory triggers; this ScaledObject has ${list(problems.map((p) => `a ${p}`))}, so KEDA rejects it or never falls back.`,
      related,
      fixes: del ? [{ title: 'Remove the fallback block', edits: [del], changesPolicy: true }] : undefined,
    });
  },
};

/** list joins phrases as `a, b and c`. */
function list(items: string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : items[0];
}
