/**
 * Karpenter NodePools as the GPU rules see them: whether a workload's pods can land on a pool (node selector
 * against the pool's requirements and labels, tolerations against its taints) and the pool's resource limits.
 */
import { isMap, isSeq } from 'yaml';
import { get, quantityToNumber, type K8sObject, type WorkloadInfo } from '../../model';
import { getNode, scalarString, stringMap } from '../../parse';

/** A requirement of a NodePool template (`spec.template.spec.requirements[]`). */
interface Requirement {
  key: string;
  operator: string;
  values: string[];
}

interface Taint {
  key: string;
  value: string | undefined;
  effect: string | undefined;
}

interface Toleration {
  key: string | undefined;
  operator: string;
  value: string | undefined;
  effect: string | undefined;
}

/** Labels Karpenter puts on every node from the instance it launches, whether or not the pool constrains them. */
const WELL_KNOWN = /^(kubernetes\.io\/(arch|os|hostname)|node\.kubernetes\.io\/instance-type|topology\.kubernetes\.io\/(zone|region)|karpenter\.sh\/capacity-type|karpenter\.k8s\.aws\/.+|karpenter\.azure\.com\/.+|cloud\.google\.com\/.+|nvidia\.com\/gpu\.(product|count|memory))$/;

function list<T>(node: unknown, read: (m: unknown) => T | undefined): T[] {
  if (!isSeq(node)) return [];
  return node.items.map(read).filter((x): x is T => x !== undefined);
}

function requirementsOf(pool: K8sObject): Requirement[] {
  return list(get(pool, ['spec', 'template', 'spec', 'requirements']), (m) => {
    if (!isMap(m)) return undefined;
    const key = scalarString(getNode(m, ['key']));
    const operator = scalarString(getNode(m, ['operator']));
    if (!key || !operator) return undefined;
    return { key, operator, values: list(getNode(m, ['values']), (v) => scalarString(v)) };
  });
}

/** poolAdmits tells whether pods of a workload may be scheduled on nodes of a pool. */
export function poolAdmits(pool: K8sObject, workload: WorkloadInfo): boolean {
  const reqs = requirementsOf(pool);
  const labels = stringMap(get(pool, ['spec', 'template', 'metadata', 'labels']));
  for (const [k, v] of Object.entries(workload.nodeSelector)) {
    if (k === 'karpenter.sh/nodepool') {
      if (v !== pool.name) return false;
      continue;
    }
    if (k in labels) {
      if (labels[k] !== v) return false;
      continue;
    }
    const rs = reqs.filter((r) => r.key === k);
    if (!rs.length && !WELL_KNOWN.test(k)) return false;
    if (!rs.every((r) => satisfies(r, v))) return false;
  }
  const tolerations = list(get(workload.obj, [...workload.podSpecPath, 'tolerations']), (m): Toleration | undefined =>
    isMap(m) ? { key: scalarString(getNode(m, ['key'])), operator: scalarString(getNode(m, ['operator'])) ?? 'Equal', value: scalarString(getNode(m, ['value'])), effect: scalarString(getNode(m, ['effect'])) } : undefined,
  );
  const taints = list(get(pool, ['spec', 'template', 'spec', 'taints']), (m): Taint | undefined => {
    const key = isMap(m) ? scalarString(getNode(m, ['key'])) : undefined;
    return key ? { key, value: scalarString(getNode(m, ['value'])), effect: scalarString(getNode(m, ['effect'])) } : undefined;
  });
  return taints.filter((t) => t.effect !== 'PreferNoSchedule').every((t) => tolerations.some((tol) => tolerates(tol, t)));
}

function satisfies(r: Requirement, v: string): boolean {
  switch (r.operator) {
    case 'In': return r.values.includes(v);
    case 'NotIn': return !r.values.includes(v);
    case 'Exists': return true;
    case 'DoesNotExist': return false;
    case 'Gt': return Number(v) > Number(r.values[0]);
    case 'Lt': return Number(v) < Number(r.values[0]);
    default: return true;
  }
}

function tolerates(tol: Toleration, t: Taint): boolean {
  if (tol.effect && tol.effect !== t.effect) return false;
  if (tol.operator === 'Exists') return !tol.key || tol.key === t.key;
  return tol.key === t.key && (tol.value ?? '') === (t.value ?? '');
}

/** poolLimit returns a pool's limit for a resource: a number, or undefined when the pool does not limit it. */
export function poolLimit(pool: K8sObject, resource: string): number | undefined {
  return quantityToNumber(scalarString(get(pool, ['spec', 'limits', resource])));
}

/** AWS instance categories with accelerators (GPU, Inferentia, Trainium, Gaudi). */
const ACCELERATED_CATEGORIES = new Set(['g', 'p', 'inf', 'trn', 'dl', 'gr']);

/**
 * mayProvideAccelerators tells whether a pool can launch nodes with accelerators at all: a pool restricted to
 * CPU instance categories, or to instances without GPUs, cannot, whatever its limits say.
 */
export function mayProvideAccelerators(pool: K8sObject): boolean {
  for (const r of requirementsOf(pool)) {
    if (r.key === 'karpenter.k8s.aws/instance-category' && r.operator === 'In' && !r.values.some((v) => ACCELERATED_CATEGORIES.has(v))) return false;
    if (r.key === 'karpenter.k8s.aws/instance-gpu-count' && (r.operator === 'DoesNotExist' || (r.operator === 'Lt' && Number(r.values[0]) <= 1) || (r.operator === 'In' && r.values.every((v) => v === '0')))) return false;
  }
  return true;
}
