/**
 * max-replicas-exceed-gpu-capacity: at its maximum, an autoscaler would ask for more GPUs than the Karpenter
 * NodePools its pods can use are allowed to provision, or than the configured GPU budget.
 */
import { isGpuResource, quantityToNumber, type K8sObject, type WorkloadInfo, rootOf } from '../model';
import type { Fix } from '../types';
import { autoscalerView, kindSpan, nameOf, resolveWorkload, spanOf, type AutoscalerView } from './helpers/autoscaler';
import { mayProvideAccelerators, poolAdmits, poolLimit } from './helpers/nodepools';
import { mapAt, replaceScalar, setKey } from '../yamlEdit';
import type { Rule, RuleContext } from './types';

/** maxReplicasExceedGpuCapacity reports maximums that need more GPUs than the NodePools or the budget allow. */
export const maxReplicasExceedGpuCapacity: Rule = {
  id: 'max-replicas-exceed-gpu-capacity',
  defaultSeverity: 'warning',
  appliesTo: ['HorizontalPodAutoscaler', 'ScaledObject'],
  docs: {
    summary: 'The maximum replica count times the GPUs per replica exceeds the GPU limit of the NodePools the pods can use, or the configured GPU budget.',
    rationale:
      'Karpenter stops launching nodes for a NodePool once its `limits` are reached, so replicas beyond that point stay Pending forever: the autoscaler believes it has scaled out, the queue keeps growing, and the Pending pods can block lower-priority work from being placed. The same arithmetic applies to a GPU quota or budget (`scalelens.gpuBudget`). The check counts GPUs per replica from the target\'s pod template (a LeaderWorkerSet replica is a whole group), finds the NodePools whose requirements, labels and taints admit the pods, and adds up their GPU limits; a matching pool without a GPU limit means capacity is unbounded and the check stays silent.',
    remedy: 'Lower `maxReplicas`/`maxReplicaCount` to what the pools can hold, or raise the NodePool limits (and your cloud GPU quota) to match. The quick fix sets the maximum to the largest count that fits.',
    sources: [
      'aws/karpenter-provider-aws#8068 (NodePool limits leave pods Pending)',
      'Karpenter docs: NodePools, spec.limits',
      'LLMKube#658 (GPU capacity planning with Karpenter)',
    ],
  },
  check(ctx) {
    const view = autoscalerView(ctx.obj);
    const max = view?.max.effective;
    if (!view || max === undefined) return;
    const resolved = resolveWorkload(ctx.ws, ctx.obj);
    if (!resolved || resolved.workload.gpusPerPod <= 0) return;
    const { target, workload } = resolved;
    const perReplica = gpusByResource(workload);
    for (const [resource, count] of perReplica) {
      const capacity = poolCapacity(ctx, workload, resource);
      if (!capacity || max * count <= capacity.limit) continue;
      report(ctx, view, `${max} replicas × ${count} ${resource} = ${max * count} GPUs, but the NodePool${capacity.pools.length > 1 ? 's' : ''} ${capacity.pools.map((p) => `'${p.name}'`).join(', ')} that can run ${target.kind} '${nameOf(target)}' ${capacity.pools.length > 1 ? 'are' : 'is'} limited to ${capacity.limit}: replicas beyond ${Math.floor(capacity.limit / count)} stay Pending.`, Math.floor(capacity.limit / count), capacity.pools);
      return;
    }
    const budget = ctx.settings.gpuBudget;
    if (budget > 0 && max * workload.gpusPerPod > budget) {
      report(ctx, view, `${max} replicas × ${workload.gpusPerPod} GPU${workload.gpusPerPod === 1 ? '' : 's'} = ${max * workload.gpusPerPod} GPUs, above the GPU budget of ${budget} (scalelens.gpuBudget).`, Math.floor(budget / workload.gpusPerPod), []);
    }
  },
};

/** gpusByResource counts the accelerators of one replica per resource name (a LeaderWorkerSet group as a whole). */
function gpusByResource(workload: WorkloadInfo): Map<string, number> {
  if (workload.gpuResources.length === 1) return new Map([[workload.gpuResources[0], workload.gpusPerPod]]);
  // Several accelerator kinds in one pod template are rare; each is counted from the containers.
  const out = new Map<string, number>();
  for (const c of workload.containers) {
    for (const name of new Set([...Object.keys(c.requests), ...Object.keys(c.limits)])) {
      if (isGpuResource(name)) out.set(name, (out.get(name) ?? 0) + (quantityToNumber(c.limits[name] ?? c.requests[name]) ?? 0));
    }
  }
  return out;
}

function poolCapacity(ctx: RuleContext, workload: WorkloadInfo, resource: string): { limit: number; pools: K8sObject[] } | undefined {
  const pools = ctx.ws.ofKind('NodePool').filter((o) => o.known === 'NodePool' && poolAdmits(o, workload) && mayProvideAccelerators(o));
  if (!pools.length) return undefined;
  let limit = 0;
  for (const p of pools) {
    const l = poolLimit(p, resource);
    // A pool that admits the pods without limiting this resource can grow without bound.
    if (l === undefined) return undefined;
    limit += l;
  }
  return { limit, pools };
}

function report(ctx: RuleContext, view: AutoscalerView, message: string, fits: number, pools: K8sObject[]): void {
  const key = view.dialect === 'keda' ? 'maxReplicaCount' : 'maxReplicas';
  const spec = mapAt(rootOf(ctx.obj), ['spec']);
  const floor = Math.max(1, view.min.effective ?? 1);
  const fixes: Fix[] = [];
  if (fits >= floor && spec) {
    fixes.push({ title: `Set ${key} to ${fits}`, edits: [view.max.node ? replaceScalar(view.max.node, String(fits)) : setKey(ctx.obj.file, spec, key, fits, { after: view.dialect === 'keda' ? 'minReplicaCount' : 'minReplicas' })], changesPolicy: true });
  }
  ctx.report({
    ...(view.max.present ? spanOf(ctx.obj, view.max.path) : kindSpan(ctx.obj)),
    message: view.max.present ? message : `${key} defaults to ${view.max.effective}: ${message}`,
    related: pools.flatMap((p) => {
      const r = spanOf(p, ['spec', 'limits']);
      return [{ uri: p.file.uri, ...r, message: `NodePool '${p.name}' limits` }];
    }),
    fixes,
  });
}
