/** Small text helpers of the trigger checks: suggestions, YAML value forms and line-exact edits. */
import { distance } from 'fastest-levenshtein';
import type { Pair, Scalar, YAMLMap } from 'yaml';
import type { TextEdit } from '../types';

/** didYouMean picks the candidate closest to a misspelt word: a case-insensitive match first, else a small edit distance. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c.toLowerCase() === lower) return c;
    const d = distance(lower, c.toLowerCase());
    if (d < bestDistance) { best = c; bestDistance = d; }
  }
  const limit = word.length <= 4 ? 1 : word.length <= 10 ? 2 : 3;
  return bestDistance <= limit ? best : undefined;
}

// Plain scalars that kubectl (YAML 1.1 rules) reads as booleans, numbers or null even where YAML 1.2 sees text.
const YAML11_BOOL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const YAML11_NUMBER = /^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9_]+([eE][-+]?[0-9]+)?|\.(inf|Inf|INF))$|^\.(nan|NaN|NAN)$/;

/** nonStringForm tells what a YAML scalar is to Kubernetes when it is not a string: a number or a boolean (undefined: a string). */
export function nonStringForm(node: Scalar): 'number' | 'boolean' | undefined {
  if (typeof node.value === 'number' || typeof node.value === 'bigint') return 'number';
  if (typeof node.value === 'boolean') return 'boolean';
  if (typeof node.value !== 'string' || node.type !== 'PLAIN') return undefined;
  if (YAML11_BOOL.test(node.value)) return 'boolean';
  if (YAML11_NUMBER.test(node.value)) return 'number';
  return undefined;
}

/** quoteScalar turns a plain scalar's source text into a double-quoted YAML string with the same characters. */
export function quoteScalar(source: string): string {
  return `"${source.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** scalarContentRange gives the range of a scalar's characters without its quotes; undefined for block scalars. */
export function scalarContentRange(node: Scalar): [number, number] | undefined {
  if (!node.range) return undefined;
  const [start, end] = node.range;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return [start + 1, end - 1];
  if (node.type === 'PLAIN') return [start, end];
  return undefined;
}

/** lineStart gives the offset where the line holding `offset` begins. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * deletePairLines removes a key with its value as whole lines (trailing comment and newline included), or
 * returns undefined when that cannot be done cleanly: a flow map, another key on the same line, or the map's only key.
 */
export function deletePairLines(text: string, map: YAMLMap, pair: Pair): TextEdit | undefined {
  if (map.flow || map.items.length < 2) return undefined;
  const key = pair.key as Scalar | null;
  if (!key?.range) return undefined;
  const start = lineStart(text, key.range[0]);
  if (text.slice(start, key.range[0]).trim() !== '') return undefined;
  const value = pair.value as Scalar | null;
  let last = Math.max(key.range[1], value?.range ? value.range[1] : 0);
  if (text[last - 1] === '\n') return { start, end: last, newText: '' };
  const nl = text.indexOf('\n', last);
  last = nl < 0 ? text.length : nl + 1;
  return { start, end: last, newText: '' };
}
