/**
 * idle-replica-count-invalid: `idleReplicaCount` that KEDA rejects (not below `minReplicaCount`) or that does not
 * work (anything but 0).
 */
import { rootOf } from '../model';
import type { Fix } from '../types';
import { autoscalerView, spanOf } from './helpers/autoscaler';
import { deletePair, mapAt, replaceScalar } from '../yamlEdit';
import type { Rule } from './types';

/** idleReplicaCountInvalid reports idleReplicaCount values KEDA rejects or cannot honour. */
export const idleReplicaCountInvalid: Rule = {
  id: 'idle-replica-count-invalid',
  defaultSeverity: 'error',
  appliesTo: ['ScaledObject'],
  docs: {
    summary: '`idleReplicaCount` is not below `minReplicaCount`, or is not 0.',
    rationale:
      'KEDA\'s admission webhook rejects a ScaledObject whose `idleReplicaCount` is greater than or equal to `minReplicaCount` (which defaults to 0), so `idleReplicaCount: 0` with no minimum is refused. Values other than 0 pass the webhook but do not work: the HPA that KEDA drives cannot hold a count below its own minimum, and KEDA documents 0 as the only supported value.',
    remedy:
      'For scale to zero, either drop `idleReplicaCount` and use `minReplicaCount: 0`, or keep `idleReplicaCount: 0` with a `minReplicaCount` of at least 1 (zero when idle, that minimum when active). The quick fix removes a redundant `idleReplicaCount: 0` or sets a non-zero value to 0.',
    sources: [
      'KEDA scaledobject_types.go CheckReplicaCountBoundsAreValid ("IdleReplicaCount=… must be less than MinReplicaCount=…")',
      'KEDA docs, reference/scaledobject-spec.md: only 0 is supported for idleReplicaCount (kedacore/keda#2314)',
    ],
  },
  check(ctx) {
    const view = autoscalerView(ctx.obj);
    if (!view || view.idle.value === undefined || view.min.effective === undefined) return;
    const idle = view.idle.value;
    const min = view.min.effective;
    const problems: string[] = [];
    if (idle >= min) problems.push(`must be less than minReplicaCount (${view.min.present ? min : `${min} by default`})`);
    if (idle !== 0) problems.push('KEDA only supports 0');
    if (!problems.length) return;
    const spec = mapAt(rootOf(ctx.obj), ['spec']);
    const fixes: Fix[] = [];
    if (spec && min === 0) {
      // With minReplicaCount 0 the workload already scales to zero when idle: the key adds nothing.
      const del = deletePair(ctx.obj.file, spec, 'idleReplicaCount');
      if (del) fixes.push({ title: 'Remove idleReplicaCount (minReplicaCount 0 already scales to zero)', edits: [del], isPreferred: idle === 0 });
    } else if (view.idle.node && idle !== 0) {
      fixes.push({ title: 'Set idleReplicaCount to 0', edits: [replaceScalar(view.idle.node, '0')], changesPolicy: true });
    }
    ctx.report({ ...spanOf(ctx.obj, view.idle.path), message: `idleReplicaCount ${idle} ${problems.join(', and ')}.`, fixes });
  },
};
