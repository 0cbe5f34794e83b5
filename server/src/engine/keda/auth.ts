/** What a trigger's `authenticationRef` provides: the parameters of a TriggerAuthentication found in the workspace. */
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { YAMLMap } from 'yaml';
import type { K8sObject } from '../model';
import { findPair, getNode, scalarString } from '../parse';
import type { WorkspaceIndex } from '../workspace';

/** The result of following an `authenticationRef`. */
export interface AuthLookup {
  /** The `authenticationRef.name` as written. */
  name: string;
  kind: 'TriggerAuthentication' | 'ClusterTriggerAuthentication';
  /** The referenced object, when the workspace holds it. */
  target: K8sObject | undefined;
  /** Parameter names the object provides; `any` when it is not in the workspace or is templated. */
  params: Set<string> | 'any';
}

/** lookupAuth follows the `authenticationRef` of a trigger map; undefined when the trigger has none. */
export function lookupAuth(obj: K8sObject, trigger: YAMLMap, ws: WorkspaceIndex): AuthLookup | undefined {
  const ref = findPair(trigger, 'authenticationRef')?.value;
  if (!isMap(ref)) return undefined;
  const name = scalarString(findPair(ref, 'name')?.value);
  if (!name) return undefined;
  const kind = scalarString(findPair(ref, 'kind')?.value) === 'ClusterTriggerAuthentication' ? 'ClusterTriggerAuthentication' : 'TriggerAuthentication';
  let target: K8sObject | undefined;
  for (const o of ws.named(kind, name)) {
    if (o.known !== kind) continue;
    // A TriggerAuthentication is namespaced: it must sit in the ScaledObject's namespace when both state one.
    if (kind === 'TriggerAuthentication' && obj.namespace && o.namespace && o.namespace !== obj.namespace) continue;
    if (o.file.uri === obj.file.uri) { target = o; break; }
    target ??= o;
  }
  if (!target) return { name, kind, target, params: 'any' };
  const templated = target.file.templates.some((s) => s.start < target!.doc.end && s.end > target!.doc.start);
  if (templated) return { name, kind, target, params: 'any' };
  const params = new Set<string>();
  collectParameters(getNode(target.doc.doc.contents, ['spec']), params);
  return { name, kind, target, params };
}

/**
 * collectParameters gathers every `parameter:` value under a TriggerAuthentication spec: secretTargetRef,
 * env, configMapTargetRef and the secret stores (Vault, Azure Key Vault, AWS/GCP Secret Manager) all use it.
 */
function collectParameters(node: unknown, out: Set<string>): void {
  if (isSeq(node)) {
    for (const item of node.items) collectParameters(item, out);
  } else if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      if (isScalar(pair.key) && pair.key.value === 'parameter') {
        const p = scalarString(pair.value);
        if (p) out.add(p);
      } else collectParameters(pair.value, out);
    }
  }
}
