/** Locating the triggers of a ScaledObject or ScaledJob in the YAML tree. */
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Pair, Scalar, YAMLMap } from 'yaml';
import { rootOf, type K8sObject } from '../model';
import { findPair, scalarString } from '../parse';

/** One entry of `spec.triggers`, with the nodes the trigger checks read. */
export interface TriggerNode {
  /** Index in its `triggers` sequence. */
  index: number;
  item: YAMLMap;
  /** The `type` value, when it is a scalar. */
  typeNode: Scalar | undefined;
  type: string | undefined;
  metadataPair: Pair<Scalar, unknown> | undefined;
  /** The `metadata` map; undefined when absent, empty (`metadata:`) or not a map. */
  metadata: YAMLMap | undefined;
}

/**
 * triggersOf lists the triggers of an object. Every `triggers` key of `spec` is read, because a Helm
 * template often holds two of them in the branches of an if/else, which a parse of the template sees side by side.
 */
export function triggersOf(obj: K8sObject): TriggerNode[] {
  const spec = findPair(rootOf(obj), 'spec')?.value;
  if (!isMap(spec)) return [];
  const out: TriggerNode[] = [];
  for (const pair of spec.items) {
    if (!isPair(pair) || !isScalar(pair.key) || pair.key.value !== 'triggers' || !isSeq(pair.value)) continue;
    pair.value.items.forEach((item, index) => {
      if (!isMap(item)) return;
      const typePair = findPair(item, 'type');
      const typeNode = isScalar(typePair?.value) ? (typePair!.value as Scalar) : undefined;
      const metadataPair = findPair(item, 'metadata') as Pair<Scalar, unknown> | undefined;
      out.push({
        index,
        item,
        typeNode,
        type: scalarString(typeNode),
        metadataPair,
        metadata: isMap(metadataPair?.value) ? (metadataPair!.value as YAMLMap) : undefined,
      });
    });
  }
  return out;
}
