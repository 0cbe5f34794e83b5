/**
 * unbounded-scale-up-while-loading: the scale-up policy lets the replica count multiply several times over
 * during one cold start, so the autoscaler keeps ordering GPUs before any of the new ones serve.
 */
import { rootOf } from '../model';
import type { Fix } from '../types';
import { keyRangeOf, kindSpan, nameOf, spanOf } from './helpers/autoscaler';
import { reachableWithin } from './helpers/behavior';
import { coldStartScope, describeColdStart } from './helpers/coldstart';
import { ensurePath, mapAt } from '../yamlEdit';
import type { Rule } from './types';

/** GPUs added during one cold start that are worth a warning: half of an 8-GPU node. */
const LARGE_GPU_OVERSHOOT = 4;

/** Cold starts shorter than this are fast enough for the default policies. */
const SLOW_START_SECONDS = 120;

/** The longest policy period the HPA API accepts. */
const MAX_PERIOD = 1800;

/** unboundedScaleUpWhileLoading reports scale-up policies that multiply GPU replicas within one cold start. */
export const unboundedScaleUpWhileLoading: Rule = {
  id: 'unbounded-scale-up-while-loading',
  defaultSeverity: 'warning',
  appliesTo: ['HorizontalPodAutoscaler', 'ScaledObject'],
  docs: {
    summary: 'The scale-up policy lets a slow-starting GPU workload multiply its replicas several times before the first new replica serves.',
    rationale:
      'Without a `behavior.scaleUp` policy the HPA may add 4 pods or double the count every 15 s (both with the API defaults and on the legacy path without `behavior`). A queue metric does not go down while new replicas load their model, so every sync asks for more, and within one cold start of several minutes the workload can reach its maximum, each replica holding GPUs that serve nothing yet. The over-provisioning then has to be scaled back down, paying for GPU time and disturbing the cluster. The check replays the scale-up limits over the estimated cold start from the minimum replica count, and warns when the count more than doubles and the extra replicas hold at least 4 GPUs.',
    remedy:
      'Add a `behavior.scaleUp` policy whose period covers the cold start, for example at most +100 % per cold start (`type: Percent, value: 100, periodSeconds: <cold start>`), or a small `Pods` step. For KEDA it goes under `advanced.horizontalPodAutoscalerConfig.behavior`. The quick fix adds that policy.',
    sources: [
      'vllm-project/aibrix#2670 (pending-replica guard, PR #2671)',
      'kubernetes/kubernetes#28692 and #29989 (pods that are starting drive repeated scale-ups)',
      'docs/autoscalers.md §1.4 and §1.5 (legacy max(2x, 4) per sync; default scaleUp policies 4 pods and 100 % per 15 s)',
    ],
  },
  check(ctx) {
    const scope = coldStartScope(ctx);
    if (!scope || scope.estimate.totalSeconds < SLOW_START_SECONDS) return;
    const { view, resolved, estimate, behavior } = scope;
    const horizon = Math.min(estimate.totalSeconds, MAX_PERIOD);
    const start = behavior.min;
    const reached = reachableWithin(behavior, start, horizon);
    const gpus = resolved.workload.gpusPerPod;
    if (reached <= 2 * start || (reached - start) * gpus < LARGE_GPU_OVERSHOOT) return;
    const policiesPath = [...view.behaviorPath, 'scaleUp', 'policies'];
    const span = keyRangeOf(ctx.obj, policiesPath) ?? keyRangeOf(ctx.obj, [...view.behaviorPath, 'scaleUp']) ?? keyRangeOf(ctx.obj, view.behaviorPath) ?? (view.max.present ? spanOf(ctx.obj, view.max.path) : kindSpan(ctx.obj));
    const policy = behavior.behavior?.scaleUp.policies.map((p) => `${p.type === 'Pods' ? `+${p.value} pods` : `+${p.value} %`} per ${p.periodSeconds} s`).join(', ') ?? 'legacy: max(2x, +4) per 15 s sync';
    const period = Math.min(MAX_PERIOD, Math.ceil(estimate.totalSeconds / 60) * 60);
    const root = mapAt(rootOf(ctx.obj), []);
    const fixes: Fix[] = root ? [{ title: `Limit scale-up to +100 % per ${period} s`, edits: [ensurePath(ctx.obj.file, root, policiesPath.map(String), [{ type: 'Percent', value: 100, periodSeconds: period }])], changesPolicy: true }] : [];
    ctx.report({
      ...span,
      message: `With the scale-up policy (${policy}) the HPA can go from ${start} to ${reached} replicas, ${(reached - start) * gpus} more GPUs, while ${resolved.target.kind} '${nameOf(resolved.target)}' needs ${describeColdStart(estimate)} before a new replica serves. Bound scale-up to the cold start.`,
      fixes,
    });
  },
};
