/**
 * activation-ignored-with-min-replicas: a ScaledObject sets activation thresholds although it never scales to
 * zero, so KEDA ignores them.
 */
import { isMap, isSeq } from 'yaml';
import type { YAMLMap } from 'yaml';
import { get } from '../model';
import { findPair, scalarString } from '../parse';
import { autoscalerView, templateInside } from './helpers/autoscaler';
import { deletePair, mapAt } from '../yamlEdit';
import type { Rule, RuleContext } from './types';

/** activationIgnoredWithMinReplicas reports activation settings that a minimum of 1 or more makes void. */
export const activationIgnoredWithMinReplicas: Rule = {
  id: 'activation-ignored-with-min-replicas',
  defaultSeverity: 'info',
  appliesTo: ['ScaledObject'],
  docs: {
    summary: 'An activation threshold is set on a ScaledObject whose minReplicaCount is 1 or more.',
    rationale:
      'Activation decides only the step between zero and one replica (or idle and minimum): KEDA wakes the workload when a trigger goes above its activation value and lets it go back to zero when all are below. With `minReplicaCount` of 1 or more and no `idleReplicaCount` that step never happens, so `activationThreshold` (and `activationTarget` of `scalingModifiers`) has no effect. Readers of the manifest, though, will believe that small loads are ignored, which they are not: the HPA still scales on `threshold` from the first request.',
    remedy: 'Remove the activation setting, or set `minReplicaCount: 0` if the intent was to let the GPU workload sleep when idle.',
    sources: ['KEDA docs, concepts/scaling-deployments.md: activation is ignored when the minimum replica count is 1 or more'],
  },
  check(ctx) {
    const view = autoscalerView(ctx.obj);
    if (!view || view.min.effective === undefined || view.min.effective < 1 || view.idle.present) return;
    const triggers = get(ctx.obj, ['spec', 'triggers']);
    if (isSeq(triggers)) {
      triggers.items.forEach((t, i) => {
        const metadata = mapAt(t, ['metadata']);
        if (metadata) for (const key of activationKeys(metadata)) report(ctx, metadata, key, ['spec', 'triggers', i, 'metadata', key], view.min.effective!);
      });
    }
    const modifiers = get(ctx.obj, ['spec', 'advanced', 'scalingModifiers']);
    if (isMap(modifiers) && findPair(modifiers, 'activationTarget')) report(ctx, modifiers, 'activationTarget', ['spec', 'advanced', 'scalingModifiers', 'activationTarget'], view.min.effective);
  },
};

/** activationKeys lists the activation settings of a trigger (`activationThreshold`, `activationLagThreshold`, ...). */
function activationKeys(metadata: YAMLMap): string[] {
  return metadata.items.map((it) => scalarString(it.key) ?? '').filter((k) => /^activation[A-Z]/.test(k));
}

function report(ctx: RuleContext, map: YAMLMap, key: string, path: Array<string | number>, min: number): void {
  const k = findPair(map, key)?.key;
  if (!k?.range || templateInside(ctx.obj, path)) return;
  const del = deletePair(ctx.obj.file, map, key);
  ctx.report({
    start: k.range[0],
    end: k.range[1],
    message: `${key} has no effect: minReplicaCount is ${min}, so the workload never scales to zero and KEDA skips activation.`,
    tags: ['unnecessary'],
    fixes: del ? [{ title: `Remove ${key}`, edits: [del], isPreferred: true }] : undefined,
  });
}
