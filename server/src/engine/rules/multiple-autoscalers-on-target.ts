/**
 * multiple-autoscalers-on-target: two autoscalers (HPAs, ScaledObjects, or one of each) scale the same workload.
 */
import { isSeq } from 'yaml';
import { get, targetRefOf, type K8sObject, type TargetRef } from '../model';
import { getNode, scalarString } from '../parse';
import { autoscalerView, nameOf, targetSpan } from './helpers/autoscaler';
import { folderOf, memoCache, type WorkspaceIndex } from '../workspace';
import type { Rule } from './types';

/** multipleAutoscalersOnTarget reports workloads scaled by more than one autoscaler. */
export const multipleAutoscalersOnTarget: Rule = {
  id: 'multiple-autoscalers-on-target',
  defaultSeverity: 'warning',
  appliesTo: ['HorizontalPodAutoscaler', 'ScaledObject'],
  docs: {
    summary: 'More than one autoscaler targets the same workload.',
    rationale:
      'Each HPA writes the replica count it computes, unaware of the other, so the count flips between their answers on every sync: GPU pods are started and killed in turns, each start paying the model\'s cold start. A ScaledObject is an HPA underneath, so a ScaledObject and an HPA on one target conflict the same way, and KEDA\'s admission webhook rejects the second one when it can see the first. Autoscalers in other folders are taken as overlays or alternatives. In one folder, a kustomization.yaml that lists files under `resources` decides: two autoscalers are applied together only when both their files are listed. Without one, manifests kept side by side as alternatives (pick one) also trip this check: apply only one of them.',
    remedy:
      'Keep one autoscaler per workload and put every signal in it: several metrics in one HPA (it takes the largest proposal), or several triggers in one ScaledObject. To move an HPA under KEDA, use the `scaledobject.keda.sh/transfer-hpa-ownership` annotation with `advanced.horizontalPodAutoscalerConfig.name`.',
    sources: [
      'KEDA scaledobject_webhook.go verifyHpas and verifyScaledObjects ("already managed by")',
      'KEDA FAQ: do not combine a ScaledObject and an HPA on one workload',
      'Kubernetes docs: Horizontal Pod Autoscaling (support for multiple metrics)',
    ],
  },
  check(ctx) {
    if (!autoscalerView(ctx.obj) || ownedByKeda(ctx.obj)) return;
    const ref = targetRefOf(ctx.obj);
    if (!ref) return;
    const others: K8sObject[] = [];
    const listed = kustomizationResources(ctx.ws, folderOf(ctx.obj.file.uri));
    for (const { obj: o, ref: r } of autoscalersNamed(ctx.ws, ref.name)) {
      if (o === ctx.obj || !sameTarget(ctx.obj, ref, o, r)) continue;
      // The same object declared twice (an overlay, a copy) is one autoscaler, not two.
      if (o.kind === ctx.obj.kind && o.name === ctx.obj.name && (o.namespace ?? '') === (ctx.obj.namespace ?? '')) continue;
      // Autoscalers in other folders are usually alternatives or overlays, not applied together.
      if (folderOf(o.file.uri) !== folderOf(ctx.obj.file.uri)) continue;
      // The folder's kustomization builds only the files it lists: one left out is not applied with the others.
      if (listed && o.file.uri !== ctx.obj.file.uri && !(listed.has(pathName(o.file.uri)) && listed.has(pathName(ctx.obj.file.uri)))) continue;
      if (ownedByKeda(o) || takenOverBy(ctx.obj, o) || takenOverBy(o, ctx.obj)) continue;
      others.push(o);
    }
    if (!others.length) return;
    const sameFile = others.some((o) => o.file.uri === ctx.obj.file.uri);
    const names = others.map((o) => `${o.kind} '${nameOf(o)}'${o.file.uri === ctx.obj.file.uri ? '' : ` (${fileName(o.file.uri)})`}`).join(', ');
    ctx.report({
      ...targetSpan(ctx.obj),
      message: sameFile
        ? `${ref.kind} '${ref.name}' is also scaled by ${names}: the autoscalers overwrite each other's replica count. Keep one and merge the signals into it.`
        : listed
          ? `${ref.kind} '${ref.name}' is also scaled by ${names}, listed with this file in the folder's ${listed.fileName}: the autoscalers overwrite each other's replica count. Keep one and merge the signals into it.`
          : `${ref.kind} '${ref.name}' is also scaled by ${names} in this folder: applied together, the autoscalers overwrite each other's replica count. Keep one (or merge the signals into one) if both are deployed.`,
      related: others.flatMap((o) => {
        const n = get(o, ['spec', 'scaleTargetRef', 'name']);
        return n?.range ? [{ uri: o.file.uri, start: n.range[0], end: n.range[1], message: `${o.kind} '${nameOf(o)}' targets the same workload` }] : [];
      }),
    });
  },
};

/** The autoscalers of a workspace by target name, rebuilt when the workspace changes. */
const byTargetName = memoCache<'all', Map<string, Array<{ obj: K8sObject; ref: TargetRef }>>>('autoscalers by target name');

/** autoscalersNamed lists the HPAs and ScaledObjects whose scaleTargetRef names a workload. */
function autoscalersNamed(ws: WorkspaceIndex, name: string): Array<{ obj: K8sObject; ref: TargetRef }> {
  const index = ws.memo(byTargetName, 'all', () => {
    const built = new Map<string, Array<{ obj: K8sObject; ref: TargetRef }>>();
    for (const obj of ws.all()) {
      if (obj.known !== 'HorizontalPodAutoscaler' && obj.known !== 'ScaledObject') continue;
      const ref = targetRefOf(obj);
      if (!ref) continue;
      const list = built.get(ref.name) ?? [];
      list.push({ obj, ref });
      built.set(ref.name, list);
    }
    return built;
  });
  return index.get(name) ?? [];
}

/** The names kustomize reads a folder's kustomization from. */
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** The files of its own folder a kustomization lists under `resources`, and the kustomization's file name. */
interface KustomizationResources {
  fileName: string;
  has(name: string): boolean;
}

const kustomizations = memoCache<string, KustomizationResources | null>('kustomization resources by folder');

/**
 * kustomizationResources reads the folder's kustomization: the files of the folder itself that its `resources` list
 * (`x.yaml` or `./x.yaml`). Undefined when the folder has none, or when it lists no file of its own (only folders or
 * remote bases): it then says nothing of the files beside it.
 */
function kustomizationResources(ws: WorkspaceIndex, folder: string): KustomizationResources | undefined {
  return (
    ws.memo(kustomizations, folder, () => {
      for (const name of KUSTOMIZATION_FILES) {
        const file = ws.file(`${folder}/${name}`);
        if (!file) continue;
        const files = new Set<string>();
        for (const { doc } of file.docs) {
          const resources = getNode(doc.contents, ['resources']);
          if (!isSeq(resources)) continue;
          for (const item of resources.items) {
            const path = scalarString(item)?.replace(/^(\.\/)+/, '');
            if (path && !path.includes('/')) files.add(path);
          }
        }
        return files.size ? { fileName: name, has: (n: string) => files.has(n) } : null;
      }
      return null;
    }) ?? undefined
  );
}

/** pathName is a file URI's last segment as a path spells it (URIs escape spaces and the like). */
function pathName(uri: string): string {
  const name = fileName(uri);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

function fileName(uri: string): string {
  return uri.slice(uri.lastIndexOf('/') + 1);
}

/** sameTarget compares two scale target references, with KEDA's defaults and namespaces that may be unset. */
function sameTarget(a: K8sObject, ra: TargetRef, b: K8sObject, rb: TargetRef): boolean {
  if (ra.kind !== rb.kind || ra.name !== rb.name) return false;
  if (a.namespace && b.namespace && a.namespace !== b.namespace) return false;
  const group = (v: string | undefined): string => (v ?? 'apps/v1').split('/')[0];
  return group(ra.apiVersion) === group(rb.apiVersion);
}

/** ownedByKeda tells whether an HPA was generated by KEDA (dumped from a cluster next to its ScaledObject). */
function ownedByKeda(obj: K8sObject): boolean {
  if (obj.known !== 'HorizontalPodAutoscaler') return false;
  if (scalarString(get(obj, ['metadata', 'labels', 'scaledobject.keda.sh/name']))) return true;
  const owners = get(obj, ['metadata', 'ownerReferences']);
  return !!owners && JSON.stringify(owners.toJSON()).includes('"kind":"ScaledObject"');
}

/** takenOverBy tells whether a ScaledObject adopts an HPA through KEDA's ownership transfer. */
function takenOverBy(so: K8sObject, hpa: K8sObject): boolean {
  if (so.known !== 'ScaledObject' || hpa.known !== 'HorizontalPodAutoscaler') return false;
  const transfer = scalarString(get(so, ['metadata', 'annotations', 'scaledobject.keda.sh/transfer-hpa-ownership']));
  const name = scalarString(get(so, ['spec', 'advanced', 'horizontalPodAutoscalerConfig', 'name']));
  return transfer === 'true' && name === hpa.name;
}
