/**
 * karpenter-consolidation-evicts-serving: GPU model-serving pods can land on a Karpenter NodePool that consolidates
 * under-utilized nodes, and nothing protects them from being evicted for it.
 */
import { isMap } from 'yaml';
import { detectEngine, get, type K8sObject, rootOf } from '../model';
import { scalarString, type YPath } from '../parse';
import type { TextEdit } from '../types';
import { kindSpan, nameOf, spanOf, templateInside } from './helpers/autoscaler';
import { mayProvideAccelerators, poolAdmits } from './helpers/nodepools';
import { ensurePath, mapAt } from '../yamlEdit';
import type { Rule } from './types';

const DO_NOT_DISRUPT = 'karpenter.sh/do-not-disrupt';

/** karpenterConsolidationEvictsServing reports GPU serving pods exposed to Karpenter consolidation. */
export const karpenterConsolidationEvictsServing: Rule = {
  id: 'karpenter-consolidation-evicts-serving',
  defaultSeverity: 'warning',
  appliesTo: ['Deployment', 'StatefulSet', 'LeaderWorkerSet'],
  docs: {
    summary: 'GPU serving pods can run on a Karpenter NodePool that consolidates under-utilized nodes, and they are not marked `karpenter.sh/do-not-disrupt`.',
    rationale:
      'With `consolidationPolicy: WhenEmptyOrUnderutilized` (the default of `karpenter.sh/v1`, `WhenUnderutilized` in v1beta1) Karpenter drains nodes it judges under-used to pack pods tighter. Its utilization view is CPU and memory requests, not GPU activity, so a busy model server on a node with few CPU requests looks like a good candidate: the pod is evicted, in-flight requests fail, and the replacement pays a full cold start (node, image, weights) while its share of the traffic queues elsewhere. The check follows the workload to the NodePools in the workspace whose requirements, labels and taints admit its pods.',
    remedy:
      'Annotate the pod template with `karpenter.sh/do-not-disrupt: "true"` (Karpenter then leaves the node alone while the pod runs), or give the GPU NodePool `consolidationPolicy: WhenEmpty` or a disruption budget of `nodes: "0"` during serving hours. A PodDisruptionBudget also slows consolidation down. The quick fix adds the annotation.',
    sources: [
      'LLMKube#658 (the default utilization-based policy consolidates busy GPU nodes)',
      'Karpenter docs: Disruption (consolidation policies, karpenter.sh/do-not-disrupt, budgets)',
    ],
  },
  check(ctx) {
    const workload = ctx.ws.workload(ctx.obj);
    if (!workload || workload.gpusPerPod <= 0) return;
    if (detectEngine(workload.containers) === 'unknown' && ctx.ws.autoscalersOf(ctx.obj).length === 0) return;
    const templates = podTemplates(ctx.obj);
    if (templates.some((t) => templateInside(ctx.obj, [...t, 'metadata', 'annotations']))) return;
    if (templates.every((t) => scalarString(get(ctx.obj, [...t, 'metadata', 'annotations', DO_NOT_DISRUPT])) === 'true')) return;
    const pools = ctx.ws.ofKind('NodePool').filter((p) => p.known === 'NodePool' && consolidatesBusyNodes(p) && mayProvideAccelerators(p) && poolAdmits(p, workload));
    if (!pools.length) return;
    const root = mapAt(rootOf(ctx.obj), []);
    const edits: TextEdit[] = root ? templates.filter((t) => scalarString(get(ctx.obj, [...t, 'metadata', 'annotations', DO_NOT_DISRUPT])) !== 'true').map((t) => ensurePath(ctx.obj.file, root, [...t, 'metadata', 'annotations', DO_NOT_DISRUPT].map(String), 'true')) : [];
    ctx.report({
      ...kindSpan(ctx.obj),
      message: `${ctx.obj.kind} '${nameOf(ctx.obj)}' runs GPU serving pods that NodePool ${pools.map((p) => `'${nameOf(p)}'`).join(', ')} may evict to consolidate nodes (Karpenter judges utilization by CPU and memory requests, not GPU load). Annotate the pod template with ${DO_NOT_DISRUPT}: "true".`,
      related: pools.map((p) => ({ uri: p.file.uri, ...spanOf(p, ['spec', 'disruption']), message: `NodePool '${nameOf(p)}' consolidates under-utilized nodes` })),
      fixes: edits.length ? [{ title: `Add the ${DO_NOT_DISRUPT} annotation to the pod template`, edits }] : undefined,
    });
  },
};

/** podTemplates lists the pod templates of a workload (both of a LeaderWorkerSet with a leader template). */
function podTemplates(obj: K8sObject): YPath[] {
  if (obj.known !== 'LeaderWorkerSet') return [['spec', 'template']];
  const lwt: YPath = ['spec', 'leaderWorkerTemplate'];
  return isMap(get(obj, [...lwt, 'leaderTemplate'])) ? [[...lwt, 'leaderTemplate'], [...lwt, 'workerTemplate']] : [[...lwt, 'workerTemplate']];
}

/** consolidatesBusyNodes tells whether a NodePool may drain nodes that still run pods. */
function consolidatesBusyNodes(pool: K8sObject): boolean {
  const policy = scalarString(get(pool, ['spec', 'disruption', 'consolidationPolicy']));
  if (policy === 'WhenEmpty') return false;
  // A budget of zero nodes stops voluntary disruption altogether.
  const budgets = get(pool, ['spec', 'disruption', 'budgets']);
  const json = budgets ? JSON.stringify(budgets.toJSON()) : '';
  return !/"nodes":"0%?"/.test(json) || /"schedule"/.test(json);
}

