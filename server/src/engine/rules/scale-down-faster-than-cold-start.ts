/**
 * scale-down-faster-than-cold-start: a GPU workload may lose a replica (or drop to zero) sooner after a load
 * peak than a new replica takes to start, so a dip in traffic costs a full cold start when it comes back.
 */
import { rootOf } from '../model';
import type { Fix } from '../types';
import { keyRangeOf, kindSpan, nameOf, spanOf } from './helpers/autoscaler';
import { scaleDownWindow } from './helpers/behavior';
import { coldStartScope, describeColdStart, windowCovering } from './helpers/coldstart';
import { ensurePath, mapAt, setKey } from '../yamlEdit';
import type { Rule } from './types';

/** The longest scale-down window the HPA API accepts: a cold start beyond it cannot be covered by one. */
const MAX_WINDOW = 3600;

/** scaleDownFasterThanColdStart reports scale-down windows and cooldowns shorter than the cold start. */
export const scaleDownFasterThanColdStart: Rule = {
  id: 'scale-down-faster-than-cold-start',
  defaultSeverity: 'warning',
  appliesTo: ['HorizontalPodAutoscaler', 'ScaledObject'],
  docs: {
    summary: 'The scale-down stabilization window (or KEDA cooldown to zero) is shorter than the GPU workload\'s estimated cold start.',
    rationale:
      'A new GPU replica may need a node (minutes for an 8-GPU machine to boot and expose its GPUs), an image pull (often 10 GB or more) and the model load and engine warm-up. If the HPA may remove a replica after a shorter quiet spell (300 s by default, both with and without a `behavior` block), or KEDA may drop to zero after its `cooldownPeriod` (300 s by default), then ordinary traffic dips make the workload flap: each return of load waits through a full cold start while the queue builds up. The estimate comes from the simulator: model size and tensor parallelism read from the manifest, documented defaults for node, image and load times, or the values of a ServingProfile that targets the workload.',
    remedy:
      'Set `behavior.scaleDown.stabilizationWindowSeconds` (for KEDA under `advanced.horizontalPodAutoscalerConfig`) and, when scaling to zero, `cooldownPeriod` to at least the cold start; or shorten the cold start (pre-pulled images, local weight caches, warm nodes) and record it in a ServingProfile. The quick fix sets the window to the estimate rounded up to the minute.',
    sources: [
      'docs/autoscalers.md §1.5 and §1.7 (HPA scale-down window 300 s by default) and §2.2 (KEDA cooldownPeriod 300 s)',
      'vllm-project/vllm PR #45551 (about 40 s for a 7B model, about 17 min for a 72B model at TP=4)',
      'tensorfuse-examples#1; aws-samples/comfyui-on-eks#9 (node, image and weights on the cold path)',
    ],
  },
  check(ctx) {
    const scope = coldStartScope(ctx);
    if (!scope) return;
    const { view, resolved, estimate, behavior } = scope;
    const needed = Math.min(estimate.totalSeconds, MAX_WINDOW);
    const cover = windowCovering(estimate.totalSeconds);
    const root = mapAt(rootOf(ctx.obj), []);
    const what = `${resolved.target.kind} '${nameOf(resolved.target)}' needs ${describeColdStart(estimate)} to start a replica`;

    const window = scaleDownWindow(behavior);
    if (window !== undefined && window < needed) {
      const windowPath = [...view.behaviorPath, 'scaleDown', 'stabilizationWindowSeconds'];
      const present = keyRangeOf(ctx.obj, windowPath) !== undefined;
      const span = present ? spanOf(ctx.obj, windowPath) : keyRangeOf(ctx.obj, [...view.behaviorPath, 'scaleDown']) ?? keyRangeOf(ctx.obj, view.behaviorPath) ?? kindSpan(ctx.obj);
      const fixes: Fix[] = root ? [{ title: `Set the scale-down window to ${cover} s`, edits: [ensurePath(ctx.obj.file, root, windowPath.map(String), cover)], changesPolicy: true }] : [];
      ctx.report({ ...span, message: `Replicas can be removed after ${window} s${present ? '' : ' (the default window)'} of lower load, but ${what}: a dip in traffic costs a full cold start when it returns.`, fixes });
    }

    if (view.dialect === 'keda' && view.min.effective === 0 && !behavior.noScaleIn) {
      const cooldown = view.cooldown.effective;
      if (cooldown === undefined || cooldown >= needed) return;
      const spec = mapAt(rootOf(ctx.obj), ['spec']);
      const span = view.cooldown.present ? spanOf(ctx.obj, view.cooldown.path) : view.min.present ? spanOf(ctx.obj, view.min.path) : kindSpan(ctx.obj);
      const fixes: Fix[] = spec ? [{ title: `Set cooldownPeriod to ${cover} s`, edits: [setKey(ctx.obj.file, spec, 'cooldownPeriod', cover, { after: 'pollingInterval' })], changesPolicy: true }] : [];
      ctx.report({ ...span, message: `KEDA scales to zero ${cooldown} s${view.cooldown.present ? '' : ' (the default cooldownPeriod)'} after the last activity, but ${what}: the first request after a pause waits that long.`, fixes });
    }
  },
};
