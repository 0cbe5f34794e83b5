/**
 * scale-target-not-found: an autoscaler's `scaleTargetRef` matches no object of the manifests next to it, although
 * that folder does define workloads (so the target would be expected there).
 */
import { closest, distance } from 'fastest-levenshtein';
import { isMap, isScalar } from 'yaml';
import { get, targetRefOf, type K8sObject } from '../model';
import { overlapsTemplate, type YPath } from '../parse';
import type { Fix } from '../types';
import { targetSpan } from './helpers/autoscaler';
import { insertIntoMap, replaceScalar } from '../yamlEdit';
import type { Rule } from './types';
import { folderOf, memoCache, type WorkspaceIndex } from '../workspace';

/** Kinds that an autoscaler usually scales, whose presence in a folder means targets are defined there. */
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'LeaderWorkerSet', 'ReplicaSet', 'Rollout']);

/** scaleTargetNotFound reports scale targets missing from a folder that defines workloads. */
export const scaleTargetNotFound: Rule = {
  id: 'scale-target-not-found',
  defaultSeverity: 'info',
  appliesTo: ['HorizontalPodAutoscaler', 'ScaledObject'],
  docs: {
    summary: 'No object in the folder\'s manifests matches the autoscaler\'s `scaleTargetRef`, although the folder defines workloads.',
    rationale:
      'An autoscaler whose target does not exist does nothing: the HPA reports `FailedGetScale` and KEDA marks the ScaledObject not ready, and nothing tells the author at apply time. A renamed Deployment, a typo, the wrong kind (a StatefulSet referenced as the default Deployment) or a namespace mismatch are the usual causes. ScaleLens only looks at the files next to the autoscaler, so it reports this only when those files define workloads of their own, and as information: the target may legitimately live elsewhere.',
    remedy: 'Check the name, `kind` (KEDA defaults it to Deployment), `apiVersion` and namespace of `scaleTargetRef` against the workload. When a workload with a similar name exists, the quick fix uses its name.',
    sources: ['kube-linter dangling-horizontalpodautoscaler; kube-score "HorizontalPodAutoscaler has target"', 'KEDA docs, reference/scaledobject-spec.md#scaletargetref'],
  },
  check(ctx) {
    const ref = targetRefOf(ctx.obj);
    const nameNode = get(ctx.obj, ['spec', 'scaleTargetRef', 'name']);
    if (!ref || !nameNode?.range || overlapsTemplate(ctx.obj.file, nameNode.range[0], nameNode.range[1])) return;
    if (ctx.ws.resolveTarget(ctx.obj)) return;
    const near = candidatesNear(ctx.ws, ctx.obj.file.uri, ref.kind);
    // Only a reference to another autoscaler's kind can list the autoscaler itself among the candidates.
    const neighbours = ctx.obj.kind === ref.kind ? near.filter((o) => o !== ctx.obj) : near;
    if (!neighbours.length) return;
    const sameNamespace = ctx.obj.namespace ? neighbours.filter((o) => !o.namespace || o.namespace === ctx.obj.namespace) : neighbours;
    const kinds = kindsOf(neighbours);
    const where = `No ${ref.kind} '${ref.name}'${ctx.obj.namespace ? ` in namespace '${ctx.obj.namespace}'` : ''} among the manifests of this folder, which define ${kinds} objects`;
    const refMap = get(ctx.obj, ref.path);
    // The right name under another kind: KEDA's default kind (Deployment) is the usual culprit.
    const otherKind = sameNamespace.find((o) => o.name === ref.name && WORKLOAD_KINDS.has(o.kind));
    if (otherKind && isMap(refMap)) {
      const kindNode = refMap.get('kind', true);
      const edit = isScalar(kindNode) ? replaceScalar(kindNode, otherKind.kind) : insertIntoMap(ctx.obj.file, refMap, { kind: otherKind.kind });
      ctx.report({ ...targetSpan(ctx.obj), message: `${where}, but there is a ${otherKind.kind} '${ref.name}': set scaleTargetRef.kind to ${otherKind.kind}.`, fixes: [{ title: `Target ${otherKind.kind} '${ref.name}'`, edits: [edit], isPreferred: true }] });
      return;
    }
    const limit = Math.max(2, Math.floor(ref.name.length / 4));
    // Names whose length differs by more than the limit are further than it: leaving them out keeps the same answer
    // and spares thousands of edit distances in a big rendered chart.
    const sameKind = sameNamespace.filter((o) => o.kind === ref.kind && Math.abs(o.name!.length - ref.name.length) <= limit).map((o) => o.name!);
    const suggestion = sameKind.length ? closest(ref.name, sameKind) : undefined;
    const similar = suggestion !== undefined && distance(ref.name, suggestion) <= limit;
    const fixes: Fix[] = similar && isScalar(nameNode) ? [{ title: `Target ${ref.kind} '${suggestion}'`, edits: [replaceScalar(nameNode, suggestion!)] }] : [];
    ctx.report({
      ...targetSpan(ctx.obj),
      message: `${where}${similar ? `; did you mean '${suggestion}'?` : '.'} An autoscaler without its target does nothing.`,
      fixes,
    });
  },
};

/** The named, untemplated objects of each folder, in workspace order: a rendered chart can hold thousands. */
const folders = memoCache<'all', Map<string, K8sObject[]>>('objects by folder');
/** The candidates of each folder and referenced kind. */
const candidates = memoCache<string, K8sObject[]>('scale target candidates');
/** The kinds of each candidate list, `Deployment/StatefulSet`. */
const kindLists = new WeakMap<K8sObject[], string>();

/** kindsOf lists the kinds of a candidate list in order of appearance, `Deployment/StatefulSet`. */
function kindsOf(objs: K8sObject[]): string {
  let kinds = kindLists.get(objs);
  if (kinds === undefined) kindLists.set(objs, (kinds = [...new Set(objs.map((o) => o.kind))].join('/')));
  return kinds;
}

/** candidatesNear lists the objects of a file's folder that could be the target: workloads, and objects of the referenced kind. */
function candidatesNear(ws: WorkspaceIndex, uri: string, kind: string): K8sObject[] {
  const folder = folderOf(uri);
  return ws.memo(candidates, `${folder}\n${kind}`, () => (objectsByFolder(ws).get(folder) ?? []).filter((o) => WORKLOAD_KINDS.has(o.kind) || o.kind === kind));
}

function objectsByFolder(ws: WorkspaceIndex): Map<string, K8sObject[]> {
  return ws.memo(folders, 'all', () => {
    const byFolder = new Map<string, K8sObject[]>();
    for (const o of ws.all()) {
      if (!o.name || nameTemplated(o)) continue;
      const folder = folderOf(o.file.uri);
      const list = byFolder.get(folder);
      if (list) list.push(o);
      else byFolder.set(folder, [o]);
    }
    return byFolder;
  });
}

function nameTemplated(o: K8sObject): boolean {
  const path: YPath = ['metadata', 'name'];
  const n = get(o, path);
  return !!n?.range && overlapsTemplate(o.file, n.range[0], n.range[1]);
}
