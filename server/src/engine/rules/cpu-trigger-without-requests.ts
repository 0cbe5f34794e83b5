/**
 * cpu-trigger-without-requests: a CPU or memory utilization signal on a workload whose containers do not request
 * that resource, so there is nothing to compute a utilization against.
 */
import { get, rootOf } from '../model';
import { getNode, scalarString } from '../parse';
import { autoscalerView, nameOf, resolveWorkload, signalAnchor, spanOf, templateInside } from './helpers/autoscaler';
import type { Rule } from './types';

/** cpuTriggerWithoutRequests reports CPU/memory utilization signals on containers without requests. */
export const cpuTriggerWithoutRequests: Rule = {
  id: 'cpu-trigger-without-requests',
  defaultSeverity: 'warning',
  appliesTo: ['ScaledObject', 'HorizontalPodAutoscaler'],
  docs: {
    summary: 'A cpu or memory trigger (or HPA utilization metric) targets containers that do not request that resource.',
    rationale:
      'Utilization is usage divided by the pods\' requests. When a container has no request for the resource (and no limit, which would default it), the HPA cannot compute the metric and reports it invalid, and KEDA\'s admission webhook rejects a ScaledObject with a cpu/memory trigger on such a Deployment or StatefulSet unless a LimitRange in the namespace supplies a default. GPU serving images are often deployed with only `nvidia.com/gpu` under `resources`, which hits exactly this.',
    remedy:
      'Add `resources.requests` for the resource to every container of the pod template (or only the one named by the trigger\'s `containerName` / the metric\'s `container`), or rely on a LimitRange default. For a GPU model server, consider a queue metric instead of CPU altogether (see cpu-metric-on-gpu-workload).',
    sources: [
      'KEDA scaledobject_webhook.go verifyCPUMemoryScalers ("doesn\'t have the … request defined")',
      'kubernetes/kubernetes metrics/utilization.go and replica_calculator.go (missing request for the resource)',
    ],
  },
  check(ctx) {
    const view = autoscalerView(ctx.obj);
    if (!view) return;
    const resolved = resolveWorkload(ctx.ws, ctx.obj);
    if (!resolved) return;
    const { target, workload } = resolved;
    if (templateInside(target, [...workload.podSpecPath, 'containers'])) return;
    for (const s of view.signals) {
      if (s.source === 'default-cpu' || !s.resource || (s.resource !== 'cpu' && s.resource !== 'memory')) continue;
      // The HPA needs requests only to compute a utilization; KEDA's webhook checks every cpu/memory trigger.
      if (view.dialect === 'hpa' && s.targetType !== 'Utilization') continue;
      const only = view.dialect === 'keda' ? scalarString(get(ctx.obj, [...s.path, 'metadata', 'containerName'])) : s.source === 'containerResource' ? scalarString(get(ctx.obj, [...s.path, 'containerResource', 'container'])) : undefined;
      const missing = workload.containers.filter((c) => (!only || c.name === only) && !positive(c.requests[s.resource!]) && !positive(c.limits[s.resource!]));
      if (!missing.length) continue;
      const span = spanOf(ctx.obj, signalAnchor(s));
      const names = missing.map((c) => `'${c.name ?? '?'}'`).join(', ');
      ctx.report({
        ...span,
        message: `${s.resource} utilization needs a ${s.resource} request, but container${missing.length > 1 ? 's' : ''} ${names} of ${target.kind} '${nameOf(target)}' ${missing.length > 1 ? 'have' : 'has'} none: the metric cannot be computed${view.dialect === 'keda' && (target.kind === 'Deployment' || target.kind === 'StatefulSet') ? ' and KEDA rejects the ScaledObject (unless a LimitRange sets a default)' : ''}.`,
        related: missing.flatMap((c) => {
          const n = getNode(rootOf(target), [...c.path, 'name']);
          return n?.range ? [{ uri: target.file.uri, start: n.range[0], end: n.range[1], message: `no ${s.resource} request` }] : [];
        }),
      });
    }
  },
};

function positive(q: string | undefined): boolean {
  if (q === undefined) return false;
  const n = Number.parseFloat(q);
  return !(Number.isFinite(n) && n === 0);
}
