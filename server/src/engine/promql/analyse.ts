/**
 * Static analysis of a parsed PromQL query: the selectors with their context (range, enclosing functions and
 * aggregations), and how many series the whole query can return, which decides whether KEDA can use it.
 */
import { FUNCTIONS } from './functions';
import { type Expr, type Grouping, type ParsedQuery, type SelectorExpr, type Span, walk } from './parse';

/** A selector and where it stands in the query. */
export interface SelectorUse {
  sel: SelectorExpr;
  /** The range of `sel[5m]`, when the selector is a range vector. */
  range: { ms: number | undefined; span: Span } | undefined;
  /** Enclosing expressions, outermost first. */
  ancestors: Expr[];
}

/** Why a query can return several series. */
export interface ManySeriesCause {
  span: Span;
  /** `selector`: an unaggregated selector; `grouping`: an aggregation `by`/`without` labels; `topk`: k above 1. */
  kind: 'selector' | 'grouping' | 'topk' | 'count_values';
  /** The labels that make series differ, when known. */
  labels: string[];
  /** The selector's metric name, for `selector` causes. */
  metric?: string;
}

/** How many series an expression returns. */
export interface Cardinality {
  scalar: boolean;
  /** Labels whose values can differ between result series; an empty set means at most one series. */
  varying: Set<string> | 'all';
  /** Labels fixed to one value by an equality matcher. */
  pinned: Set<string>;
  cause: ManySeriesCause | undefined;
}

/** A function call or aggregation of the query. */
export interface OperatorUse {
  name: string;
  /** Span of the name. */
  span: Span;
  /** `by`/`without` of an aggregation. */
  grouping?: Grouping;
}

/** Everything the rules need to know about a query. */
export interface QueryAnalysis {
  expr: Expr;
  selectors: SelectorUse[];
  functions: OperatorUse[];
  aggregations: OperatorUse[];
  /** The result's cardinality; `single` is true when KEDA gets at most one element. */
  cardinality: Cardinality;
  single: boolean;
}

/** analyse inspects a parsed query; undefined when it has no tree. */
export function analyse(parsed: ParsedQuery): QueryAnalysis | undefined {
  const expr = parsed.expr;
  if (!expr) return undefined;
  const selectors: SelectorUse[] = [];
  const functions: OperatorUse[] = [];
  const aggregations: OperatorUse[] = [];
  walk(expr, (e, ancestors) => {
    if (e.type === 'call') functions.push({ name: e.func, span: e.funcSpan });
    if (e.type === 'aggregate') aggregations.push({ name: e.op, span: e.opSpan, grouping: e.grouping });
    if (e.type !== 'selector') return;
    const parent = ancestors[ancestors.length - 1];
    const range = parent?.type === 'matrix' ? { ms: parent.rangeMs, span: parent.rangeSpan } : undefined;
    selectors.push({ sel: e, range, ancestors });
  });
  const cardinality = cardinalityOf(expr);
  return { expr, selectors, functions, aggregations, cardinality, single: isSingle(cardinality) };
}

/** isSingle tells whether a cardinality means at most one element. */
export function isSingle(c: Cardinality): boolean {
  return c.scalar || (c.varying !== 'all' && c.varying.size === 0);
}

const SINGLE: Cardinality = { scalar: false, varying: new Set(), pinned: new Set(), cause: undefined };
const SCALAR: Cardinality = { scalar: true, varying: new Set(), pinned: new Set(), cause: undefined };

/** The labels a selector pins to one value: `=` matchers, and `=~` matchers whose regex is a plain word. */
function pinnedBy(sel: SelectorExpr): Set<string> {
  const out = new Set<string>();
  for (const m of sel.matchers) if (m.op === '=' || (m.op === '=~' && /^[\w.:/-]*$/.test(m.value))) out.add(m.label);
  return out;
}

/** cardinalityOf computes how many series an expression can return. */
export function cardinalityOf(e: Expr): Cardinality {
  switch (e.type) {
    case 'number':
    case 'string':
      return SCALAR;
    case 'selector':
      return { scalar: false, varying: 'all', pinned: pinnedBy(e), cause: { span: { from: e.from, to: e.to }, kind: 'selector', labels: [], metric: e.name } };
    case 'matrix':
      return cardinalityOf(e.selector);
    case 'subquery':
    case 'unary':
    case 'paren':
    case 'offset':
    case 'at':
      return cardinalityOf(e.expr);
    case 'unsupported':
      return e.expr ? cardinalityOf(e.expr) : SINGLE;
    case 'call':
      return callCardinality(e.func, e.args);
    case 'aggregate':
      return aggregateCardinality(e.op, e.grouping, e.param, e.expr);
    case 'binary': {
      const l = cardinalityOf(e.left);
      const r = cardinalityOf(e.right);
      if (l.scalar && r.scalar) return SCALAR;
      if (l.scalar) return r;
      if (r.scalar) return l;
      if (e.op === 'and' || e.op === 'unless') return l;
      if (e.op === 'or') {
        if (isSingle(l) && isSingle(r)) return SINGLE;
        return { scalar: false, varying: union(l.varying, r.varying), pinned: intersect(l.pinned, r.pinned), cause: isSingle(l) ? r.cause : l.cause };
      }
      if (e.matching?.group === 'left') return l;
      if (e.matching?.group === 'right') return r;
      // One-to-one matching pairs each series with at most one partner, so one single side bounds the result.
      if (isSingle(l) || isSingle(r)) return SINGLE;
      return l;
    }
  }
}

function callCardinality(func: string, args: Expr[]): Cardinality {
  if (func === 'vector' || func === 'absent' || func === 'absent_over_time') return SINGLE;
  const info = FUNCTIONS.get(func);
  if (info?.returns === 'scalar') return SCALAR;
  if (func === 'histogram_quantile' || func === 'histogram_fraction') {
    const inner = cardinalityOf(args[args.length - 1] ?? { type: 'number', value: 0, from: 0, to: 0 });
    if (inner.varying === 'all') return inner;
    const varying = new Set(inner.varying);
    varying.delete('le');
    // `le` is consumed by the quantile; the other grouping labels still split the result.
    const cause = varying.size && inner.cause ? { ...inner.cause, labels: inner.cause.labels.filter((l) => l !== 'le') } : undefined;
    return { ...inner, varying, cause };
  }
  const vec = args.find((a) => cardinalityOf(a).scalar === false);
  return vec ? cardinalityOf(vec) : SINGLE;
}

function aggregateCardinality(op: string, grouping: Grouping | undefined, param: Expr | undefined, expr: Expr | undefined): Cardinality {
  const inner = expr ? cardinalityOf(expr) : SINGLE;
  const span = grouping ? { from: grouping.from, to: grouping.to } : expr ? { from: expr.from, to: expr.to } : { from: 0, to: 0 };
  if (op === 'count_values') return { scalar: false, varying: 'all', pinned: new Set(), cause: { span, kind: 'count_values', labels: [] } };
  let groups: Cardinality;
  if (!grouping) groups = SINGLE;
  else if (grouping.without) {
    const varying = inner.varying === 'all' ? 'all' : new Set([...inner.varying].filter((l) => !grouping.labels.includes(l)));
    groups = { scalar: false, varying, pinned: inner.pinned, cause: { span, kind: 'grouping', labels: grouping.labels } };
  } else {
    const kept = grouping.labels.filter((l) => !inner.pinned.has(l) && (inner.varying === 'all' || inner.varying.has(l)));
    groups = { scalar: false, varying: new Set(kept), pinned: new Set(grouping.labels.filter((l) => inner.pinned.has(l))), cause: kept.length ? { span, kind: 'grouping', labels: kept } : undefined };
  }
  if ((op === 'topk' || op === 'bottomk' || op === 'limitk') && !(param?.type === 'number' && param.value <= 1)) {
    return { scalar: false, varying: 'all', pinned: groups.pinned, cause: { span: param ? { from: param.from, to: param.to } : span, kind: 'topk', labels: [] } };
  }
  if (op === 'topk' || op === 'bottomk' || op === 'limitk' || op === 'limit_ratio') {
    // Each group keeps whole input series, so their labels survive, but k = 1 leaves one per group.
    return isSingle(groups) ? SINGLE : groups;
  }
  return isSingle(groups) ? SINGLE : groups;
}

function union(a: Set<string> | 'all', b: Set<string> | 'all'): Set<string> | 'all' {
  if (a === 'all' || b === 'all') return 'all';
  return new Set([...a, ...b]);
}

function intersect(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a].filter((x) => b.has(x)));
}

/**
 * consumerOf returns the nearest enclosing function or aggregation that reads a selector, looking through
 * parentheses, ranges, offsets and `@`; undefined when the selector stands at the top or in an operator.
 */
export function consumerOf(use: SelectorUse): { kind: 'call' | 'aggregate'; name: string } | undefined {
  for (let i = use.ancestors.length - 1; i >= 0; i--) {
    const a = use.ancestors[i];
    if (a.type === 'paren' || a.type === 'matrix' || a.type === 'offset' || a.type === 'at') continue;
    if (a.type === 'call') return { kind: 'call', name: a.func };
    if (a.type === 'aggregate') return { kind: 'aggregate', name: a.op };
    return undefined;
  }
  return undefined;
}

/** topExpr strips parentheses from the top of an expression. */
export function topExpr(e: Expr): Expr {
  let cur = e;
  while (cur.type === 'paren') cur = cur.expr;
  return cur;
}
