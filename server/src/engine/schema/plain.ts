/**
 * YAML nodes -> the plain value the API server would see, and back from a JSON pointer to the YAML node. Both walk
 * the document's read view (`readView.ts`), where aliases are followed and `<<` merge keys applied as Kubernetes'
 * YAML reader does; map entries whose value is null are dropped, as the API server prunes them before validating.
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Node as YNode, Pair, Scalar, YAMLMap } from 'yaml';
import { findPair, scalarString } from '../parse';

/** Documents with more nodes than this (after alias expansion) are not validated: a guard against alias bombs. */
const NODE_BUDGET = 200_000;

/** The node budget ran out, or a structure nested too deeply. */
class TooLarge extends Error {}

interface Conversion {
  /** Nodes left in the budget, counting every use of a node the view shares. */
  left: number;
  /** Converted anchored nodes, so a node used through many aliases is converted once (its size still counts each time). */
  done: Map<YNode, { value: unknown; size: number }>;
}

/** toPlain converts the root of a document's read view to a plain value; undefined when it is too large to validate. */
export function toPlain(root: unknown): unknown {
  const c: Conversion = { left: NODE_BUDGET, done: new Map() };
  try {
    return convert(root, c, 0);
  } catch (e) {
    if (e instanceof TooLarge) return undefined;
    throw e;
  }
}

function convert(node: unknown, c: Conversion, depth: number): unknown {
  if (--c.left < 0 || depth > 256) throw new TooLarge();
  // The view keeps an alias only where it could not follow it (a node inside its own anchor, or past its depth bound).
  if (isAlias(node)) return null;
  if (isScalar(node)) return node.value ?? null;
  if (!isSeq(node) && !isMap(node)) return null;
  const hit = node.anchor ? c.done.get(node) : undefined;
  if (hit) {
    c.left -= hit.size - 1;
    if (c.left < 0) throw new TooLarge();
    return hit.value;
  }
  const before = c.left;
  const value = isSeq(node) ? node.items.map((it) => convert(it, c, depth + 1)) : convertMap(node, c, depth);
  if (node.anchor) c.done.set(node, { value, size: before - c.left + 1 });
  return value;
}

function convertMap(node: YAMLMap, c: Conversion, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const it of node.items) {
    if (!isPair(it)) continue;
    const key = scalarString(it.key);
    // A merge key is still there only where the view read a map as written (it merges itself): it adds nothing.
    if (key === undefined || (key === '<<' && (isAlias(it.value) || isMap(it.value) || isSeq(it.value)))) continue;
    // A repeated key is a syntax error reported elsewhere; the first one counts, as in the object model.
    if (seen.has(key)) continue;
    seen.add(key);
    const v = convert(it.value, c, depth + 1);
    if (v !== null && v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * Where a JSON pointer lands in the read view: the deepest node reached, and the pair holding it when it is a map
 * value. A value that came through an alias or a merge key is found where it is written, at its anchor.
 */
export interface Located {
  node: YNode;
  pair: Pair<Scalar, YNode | null> | undefined;
  /** How many pointer segments were resolved (fewer than all when the path leaves the nodes). */
  depth: number;
}

/** pointerSegments splits a JSON pointer (`/spec/triggers/0`) into unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** locate walks the read view's nodes along pointer segments, stopping where they end. */
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
