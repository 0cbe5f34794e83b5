/**
 * min-exceeds-max: the minimum replica count is above the maximum (counting each API's defaults).
 */
import { rootOf } from '../model';
import type { Fix } from '../types';
import { autoscalerView, spanOf } from './helpers/autoscaler';
import { mapAt, replaceScalar, setKey } from '../yamlEdit';
import type { Rule } from './types';

/** minExceedsMax reports minimum replica counts above the maximum. */
export const minExceedsMax: Rule = {
  id: 'min-exceeds-max',
  defaultSeverity: 'error',
  appliesTo: ['HorizontalPodAutoscaler', 'ScaledObject'],
  docs: {
    summary: 'The minimum replica count is greater than the maximum.',
    rationale:
      'The Kubernetes API rejects an HPA whose `minReplicas` exceeds `maxReplicas`, and KEDA rejects such a ScaledObject (its maximum defaults to 100, so a large minimum with no maximum also fails). Nothing gets applied, and a GPU service keeps whatever replica count it had, often after a values-file change that swapped the two numbers.',
    remedy: 'Swap the two values, or raise the maximum to the minimum. Remember that the HPA minimum defaults to 1 and KEDA\'s maximum to 100.',
    sources: [
      'Kubernetes API validation of HorizontalPodAutoscalerSpec (minReplicas must be at most maxReplicas)',
      'KEDA scaledobject_types.go CheckReplicaCountBoundsAreValid; the CRD rule requiring min ≤ max',
    ],
  },
  check(ctx) {
    const view = autoscalerView(ctx.obj);
    if (!view) return;
    const min = view.min.effective;
    const max = view.max.effective;
    if (min === undefined || max === undefined || min <= max) return;
    const minKey = view.dialect === 'keda' ? 'minReplicaCount' : 'minReplicas';
    const maxKey = view.dialect === 'keda' ? 'maxReplicaCount' : 'maxReplicas';
    const fixes: Fix[] = [];
    if (view.min.node && view.max.node) {
      fixes.push({ title: `Swap ${minKey} and ${maxKey}`, edits: [replaceScalar(view.min.node, String(max)), replaceScalar(view.max.node, String(min))], changesPolicy: true });
    }
    const spec = mapAt(rootOf(ctx.obj), ['spec']);
    if (spec && (view.max.node || !view.max.present)) {
      fixes.push({ title: `Set ${maxKey} to ${min}`, edits: [view.max.node ? replaceScalar(view.max.node, String(min)) : setKey(ctx.obj.file, spec, maxKey, min, { after: minKey })], changesPolicy: true });
    }
    const span = view.min.present ? spanOf(ctx.obj, view.min.path) : spanOf(ctx.obj, view.max.path);
    const minText = view.min.present ? `${minKey} ${min}` : `${minKey} (${min} by default)`;
    const maxText = view.max.present ? `${maxKey} ${max}` : `${maxKey} (${max} by default)`;
    ctx.report({ ...span, message: `${minText} is greater than ${maxText}: the ${view.dialect === 'keda' ? 'ScaledObject' : 'HPA'} is rejected.`, fixes });
  },
};
