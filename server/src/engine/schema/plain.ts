/**
 * YAML nodes -> the plain value the API server would see, and back from a JSON pointer to the YAML node.
 * Aliases are followed and `<<` merge keys applied (Kubernetes' YAML reader does both), and map entries
 * whose value is null are dropped, as the API server prunes them before validating.
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Alias, Document, Node as YNode, Pair, Scalar, YAMLMap } from 'yaml';
import { findPair, scalarString } from '../parse';

/** Documents with more nodes than this (after alias expansion) are not validated: a guard against alias bombs. */
const NODE_BUDGET = 200_000;

/** The node budget ran out, or a structure nested too deeply. */
class TooLarge extends Error {}

interface Conversion {
  doc: Document;
  /** Nodes left in the budget, counting every expansion of an alias. */
  left: number;
  /** Anchored nodes by name, in document order; collected at the first alias. */
  anchors?: Map<string, YNode[]>;
  /** Converted anchored nodes, so an alias used many times is converted once (its size still counts each time). */
  done: Map<YNode, { value: unknown; size: number }>;
}

/** toPlain converts a document's root to a plain value; undefined when it is too large to validate. */
export function toPlain(root: unknown, doc: Document): unknown {
  const c: Conversion = { doc, left: NODE_BUDGET, done: new Map() };
  try {
    return convert(root, c, 0);
  } catch (e) {
    if (e instanceof TooLarge) return undefined;
    throw e;
  }
}

/** resolveAlias finds the node an alias refers to: the last node with that anchor before it. */
function resolveAlias(c: Conversion, alias: Alias): YNode | undefined {
  if (!c.anchors) {
    const anchors = new Map<string, YNode[]>();
    // Depth-first in source order, so each list is in document order.
    const walk = (n: unknown): void => {
      if (!n || isAlias(n)) return;
      const anchor = (n as YNode).anchor;
      if (anchor) anchors.set(anchor, [...(anchors.get(anchor) ?? []), n as YNode]);
      if (isMap(n)) for (const it of n.items) { walk(it.key); walk(it.value); }
      else if (isSeq(n)) for (const it of n.items) walk(it);
    };
    walk(c.doc.contents);
    c.anchors = anchors;
  }
  const at = alias.range?.[0] ?? Infinity;
  const candidates = c.anchors.get(alias.source) ?? [];
  for (let i = candidates.length - 1; i >= 0; i--) if ((candidates[i].range?.[0] ?? 0) < at) return candidates[i];
  return undefined;
}

function convert(node: unknown, c: Conversion, depth: number): unknown {
  if (--c.left < 0 || depth > 256) throw new TooLarge();
  if (isAlias(node)) {
    const target = resolveAlias(c, node);
    if (!target) return null;
    const hit = c.done.get(target);
    if (hit) {
      c.left -= hit.size;
      if (c.left < 0) throw new TooLarge();
      return hit.value;
    }
    return convert(target, c, depth + 1);
  }
  if (isScalar(node)) return node.value ?? null;
  const before = c.left;
  let value: unknown = null;
  if (isSeq(node)) value = node.items.map((it) => convert(it, c, depth + 1));
  else if (isMap(node)) value = convertMap(node, c, depth);
  if ((isSeq(node) || isMap(node)) && node.anchor) c.done.set(node, { value, size: before - c.left });
  return value;
}

function convertMap(node: YAMLMap, c: Conversion, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const merged: Array<Record<string, unknown>> = [];
  const seen = new Set<string>();
  for (const it of node.items) {
    if (!isPair(it)) continue;
    const key = scalarString(it.key);
    if (key === undefined) continue;
    if (key === '<<' && (isAlias(it.value) || isMap(it.value) || isSeq(it.value))) {
      const v = convert(it.value, c, depth + 1);
      for (const m of Array.isArray(v) ? v : [v]) if (m && typeof m === 'object' && !Array.isArray(m)) merged.push(m as Record<string, unknown>);
      continue;
    }
    // A repeated key is a syntax error reported elsewhere; the first one counts, as in the object model.
    if (seen.has(key)) continue;
    seen.add(key);
    const v = convert(it.value, c, depth + 1);
    if (v !== null && v !== undefined) out[key] = v;
  }
  // Explicit keys win over merged ones; earlier merge sources win over later ones.
  for (const m of merged.reverse()) for (const [k, v] of Object.entries(m)) if (!(k in out)) out[k] = v;
  return out;
}

/** Where a JSON pointer lands in the YAML: the deepest node reached, and the pair holding it when it is a map value. */
export interface Located {
  node: YNode;
  pair: Pair<Scalar, YNode | null> | undefined;
  /** How many pointer segments were resolved (fewer than all when the path runs through an alias or merge). */
  depth: number;
}

/** pointerSegments splits a JSON pointer (`/spec/triggers/0`) into unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** locate walks the YAML nodes along pointer segments, stopping where the source no longer holds them directly. */
export function locate(root: YNode, segments: string[]): Located {
  let cur: YNode = root;
  let pair: Pair<Scalar, YNode | null> | undefined;
  let depth = 0;
  for (const seg of segments) {
    let next: YNode | undefined;
    let nextPair: Pair<Scalar, YNode | null> | undefined;
    if (isMap(cur)) {
      nextPair = findPair(cur, seg);
      next = nextPair?.value ?? undefined;
      // A key with an empty value still locates the key.
      if (nextPair && !next) return { node: nextPair.key, pair: nextPair, depth: depth + 1 };
    } else if (isSeq(cur) && /^\d+$/.test(seg)) {
      next = (cur.items[Number(seg)] as YNode | null) ?? undefined;
      nextPair = undefined;
    }
    if (!next || isAlias(next)) {
      if (nextPair) return { node: nextPair.key, pair: nextPair, depth: depth + 1 };
      break;
    }
    cur = next;
    pair = nextPair;
    depth++;
  }
  return { node: cur, pair, depth };
}
