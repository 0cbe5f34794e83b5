/**
 * PromQL parsing with `@prometheus-io/lezer-promql` (the grammar of Prometheus's own UI), turned into a small
 * typed syntax tree, plus the problems Prometheus would reject the query for: syntax errors from the parser's
 * error nodes, and the type rules the grammar leaves to a later pass (a range on an expression, a function
 * given the wrong kind of argument, an unclosed string). Positions are offsets into the query string.
 * Parses are cached by query text, so a query is parsed once however often it is read.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { AGGREGATIONS, FUNCTIONS, type ValueType } from './functions';

/** A span of the query string. */
export interface Span {
  from: number;
  to: number;
}

/** A label matcher such as `model_name="llama"`. */
export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  /** Span of the label name. */
  labelSpan: Span;
  /** Span of the string literal, quotes included. */
  valueSpan: Span;
}

/** An instant vector selector: a metric name and/or label matchers. */
export interface SelectorExpr extends Span {
  type: 'selector';
  /** The metric name, from the identifier or from a `__name__="..."` matcher. */
  name: string | undefined;
  /** Span of the name: the identifier, or the inside of the `__name__` string. */
  nameSpan: Span | undefined;
  /** True when the name comes from a `__name__` matcher. */
  nameFromMatcher: boolean;
  matchers: Matcher[];
  /** Span of `{...}` if written. */
  matchersSpan: Span | undefined;
}

/** A PromQL expression. */
export type Expr =
  | (Span & { type: 'number'; value: number })
  | (Span & { type: 'string'; value: string })
  | SelectorExpr
  | (Span & { type: 'matrix'; selector: SelectorExpr; rangeMs: number | undefined; rangeSpan: Span })
  | (Span & { type: 'subquery'; expr: Expr; rangeMs: number | undefined; stepMs: number | undefined })
  | (Span & { type: 'call'; func: string; funcSpan: Span; args: Expr[] })
  | (Span & { type: 'aggregate'; op: string; opSpan: Span; grouping: Grouping | undefined; param: Expr | undefined; expr: Expr | undefined })
  | (Span & { type: 'binary'; op: string; opSpan: Span; left: Expr; right: Expr; bool: boolean; matching: VectorMatching | undefined })
  | (Span & { type: 'unary'; op: '-' | '+'; expr: Expr })
  | (Span & { type: 'paren'; expr: Expr })
  | (Span & { type: 'offset'; expr: Expr; offsetMs: number | undefined })
  | (Span & { type: 'at'; expr: Expr; at: number | 'start' | 'end' | undefined })
  | (Span & { type: 'unsupported'; what: string; expr: Expr | undefined });

/** `by (...)` or `without (...)` of an aggregation. */
export interface Grouping extends Span {
  without: boolean;
  labels: string[];
}

/** `on(...)`/`ignoring(...)` and `group_left`/`group_right` of a binary operation. */
export interface VectorMatching {
  on: boolean;
  labels: string[];
  group: 'left' | 'right' | undefined;
  include: string[];
}

/** A problem that makes Prometheus reject the query. */
export interface QueryProblem extends Span {
  message: string;
}

/** The result of parsing one query. */
export interface ParsedQuery {
  text: string;
  /** The tree, when the parser could build one (also with problems, for completion). */
  expr: Expr | undefined;
  problems: QueryProblem[];
}

const CACHE_LIMIT = 1000;
const cache = new Map<string, ParsedQuery>();

/** parseQuery parses a PromQL query (cached by text); it never throws. */
export function parseQuery(text: string): ParsedQuery {
  const hit = cache.get(text);
  if (hit) return hit;
  let result: ParsedQuery;
  try {
    result = build(text);
  } catch (e) {
    // A stack overflow is the one way a query of a plausible size breaks the parser: say what in the query causes it.
    const why = e instanceof RangeError ? 'it nests too deeply (thousands of parentheses or operators)' : (e as Error).message;
    result = { text, expr: undefined, problems: [{ from: 0, to: text.length, message: `the query could not be read: ${why}` }] };
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(text, result);
  return result;
}

function build(text: string): ParsedQuery {
  const problems: QueryProblem[] = [];
  if (text.trim() === '') return { text, expr: undefined, problems: [{ from: 0, to: text.length, message: 'the query is empty' }] };
  const tree = parser.parse(text);
  tree.iterate({
    enter: (n) => {
      if (!n.type.isError) return;
      problems.push(syntaxProblem(text, n.node));
      return false;
    },
  });
  const syntaxCount = problems.length;
  // Comments are children of the top node too; the expression is the one expression child.
  const top = children(tree.topNode).find((c) => EXPR_NODES.has(c.name));
  const conv = new Converter(text, problems);
  const expr = top ? conv.expr(top) : undefined;
  if (expr && problems.length === 0) conv.checkTypes(expr);
  // Like Prometheus, report the first syntax error only: the parser's recovery after it often flags
  // follow-on tokens that are not mistakes of their own.
  problems.sort((a, b) => a.from - b.from || a.to - b.to);
  return { text, expr, problems: syntaxCount > 0 ? problems.slice(0, 1) : problems };
}

function snippet(s: string): string {
  const t = s.trim();
  return t.length > 24 ? `${t.slice(0, 24)}…` : t;
}

/** syntaxProblem turns a parser error node into a located message in plain words. */
function syntaxProblem(text: string, node: SyntaxNode): QueryProblem {
  const from = node.from;
  const to = node.to;
  const prev = node.prevSibling;
  if (to > from) {
    const bad = text.slice(from, to);
    if (bad.startsWith('(') && prev?.name === 'Identifier') {
      const fn = text.slice(prev.from, prev.to);
      return { from: prev.from, to: prev.to, message: `\`${fn}\` is not a PromQL function` };
    }
    if (prev && (prev.name === 'By' || prev.name === 'Without')) {
      return { from, to, message: `\`${text.slice(prev.from, prev.to)}\` needs its labels in parentheses, e.g. \`by (${snippet(bad)})\`` };
    }
    return { from, to, message: `unexpected \`${snippet(bad)}\`` };
  }
  // A zero-width error: something is missing here.
  const rest = text.slice(from);
  if (rest.trim() === '') {
    const open = unclosed(text);
    if (open) return { from: open.at, to: open.at + 1, message: `\`${open.ch}\` is never closed` };
    const end = text.trimEnd().length;
    return { from: Math.max(0, end - 1), to: Math.max(1, end), message: 'the query ends too early: an expression is missing after this' };
  }
  const lead = rest.length - rest.trimStart().length;
  const m = /^[A-Za-z_:][\w:]*|^\S/.exec(rest.trimStart());
  const tokLen = m ? m[0].length : 1;
  return { from: from + lead, to: from + lead + tokLen, message: `unexpected \`${m ? m[0] : rest.trim()[0]}\`: an operator, a comma or a bracket is missing before it` };
}

/** unclosed finds the first bracket that is never closed, skipping strings. */
function unclosed(text: string): { ch: string; at: number } | undefined {
  const stack: Array<{ ch: string; at: number }> = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return { ch: c, at: i };
      i = close;
    } else if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '(' || c === '[' || c === '{') stack.push({ ch: c, at: i });
    else if (c in pairs && stack.length && stack[stack.length - 1].ch === pairs[c]) stack.pop();
  }
  return stack[0];
}

const BINARY_OPS: Record<string, string> = {
  Pow: '^', Mul: '*', Div: '/', Mod: '%', Atan2: 'atan2', Add: '+', Sub: '-', Eql: '==', Gte: '>=', Gtr: '>', Lte: '<=', Lss: '<', Neq: '!=',
  And: 'and', Unless: 'unless', Or: 'or', TrimUpper: '</', TrimLower: '>/',
};
const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set(['and', 'or', 'unless']);

const EXPR_NODES = new Set(['AggregateExpr', 'BinaryExpr', 'FunctionCall', 'MatrixSelector', 'NumberDurationLiteral', 'OffsetExpr', 'AnchoredExpr', 'SmoothedExpr', 'ParenExpr', 'StringLiteral', 'SubqueryExpr', 'UnaryExpr', 'VectorSelector', 'StepInvariantExpr']);

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** Converts the lezer tree into the typed tree, noting the problems the grammar lets through. */
class Converter {
  constructor(private readonly text: string, private readonly problems: QueryProblem[]) {}

  private src(n: Span): string {
    return this.text.slice(n.from, n.to);
  }

  private problem(from: number, to: number, message: string): void {
    this.problems.push({ from, to, message });
  }

  private exprChildren(node: SyntaxNode): SyntaxNode[] {
    return children(node).filter((c) => EXPR_NODES.has(c.name));
  }

  expr(node: SyntaxNode): Expr | undefined {
    const span = { from: node.from, to: node.to };
    switch (node.name) {
      case 'NumberDurationLiteral': {
        const value = parseNumber(this.src(span));
        if (value === undefined) this.problem(span.from, span.to, `\`${this.src(span)}\` is not a number`);
        return { type: 'number', value: value ?? NaN, ...span };
      }
      case 'StringLiteral':
        return { type: 'string', value: this.string(node), ...span };
      case 'VectorSelector':
        return this.selector(node);
      case 'MatrixSelector': {
        const [inner] = this.exprChildren(node);
        const dur = node.getChild('DurationExpr');
        const sub = inner ? this.expr(inner) : undefined;
        const rangeSpan = dur ? { from: dur.from, to: dur.to } : span;
        const rangeMs = dur ? this.duration(dur) : undefined;
        if (sub && sub.type !== 'selector') {
          this.problem(rangeSpan.from - 1, rangeSpan.to + 1, 'a range `[...]` can only follow a metric selector; for an expression use a subquery such as `[5m:1m]`');
          return { type: 'unsupported', what: 'range on an expression', expr: sub, ...span };
        }
        if (!sub) return undefined;
        return { type: 'matrix', selector: sub, rangeMs, rangeSpan, ...span };
      }
      case 'SubqueryExpr': {
        const [inner] = this.exprChildren(node);
        const durs = node.getChildren('DurationExpr');
        const sub = inner ? this.expr(inner) : undefined;
        if (!sub) return undefined;
        return { type: 'subquery', expr: sub, rangeMs: durs[0] ? this.duration(durs[0]) : undefined, stepMs: durs[1] ? this.duration(durs[1]) : undefined, ...span };
      }
      case 'FunctionCall': {
        const id = node.getChild('FunctionIdentifier');
        const body = node.getChild('FunctionCallBody');
        const func = id ? this.src(id) : '';
        const args = body ? this.exprChildren(body).map((c) => this.expr(c)).filter((e): e is Expr => e !== undefined) : [];
        return { type: 'call', func, funcSpan: id ? { from: id.from, to: id.to } : span, args, ...span };
      }
      case 'AggregateExpr': {
        const opNode = node.getChild('AggregateOp');
        const op = opNode ? this.src(opNode) : '';
        const mod = node.getChild('AggregateModifier');
        const body = node.getChild('FunctionCallBody');
        const args = body ? this.exprChildren(body).map((c) => this.expr(c)).filter((e): e is Expr => e !== undefined) : [];
        const hasParam = AGGREGATIONS.get(op)?.param !== undefined;
        let grouping: Grouping | undefined;
        if (mod) grouping = { without: mod.getChild('Without') !== null, labels: this.groupingLabels(mod.getChild('GroupingLabels')), from: mod.from, to: mod.to };
        const param = hasParam ? args[0] : undefined;
        const expr = hasParam ? args[1] : args[0];
        const expected = hasParam ? 2 : 1;
        if (args.length !== expected && body) this.problem(body.from, body.to, `\`${op}\` takes ${hasParam ? 'a parameter and a vector' : 'one vector'}, got ${args.length} argument${args.length === 1 ? '' : 's'}`);
        return { type: 'aggregate', op, opSpan: opNode ? { from: opNode.from, to: opNode.to } : span, grouping, param, expr, ...span };
      }
      case 'BinaryExpr': {
        const kids = children(node);
        const exprs = kids.filter((c) => EXPR_NODES.has(c.name));
        const opNode = kids.find((c) => c.name in BINARY_OPS);
        const left = exprs[0] ? this.expr(exprs[0]) : undefined;
        const right = exprs[1] ? this.expr(exprs[1]) : undefined;
        if (!left || !right || !opNode) return left ?? right;
        const clause = node.getChild('MatchingModifierClause');
        let matching: VectorMatching | undefined;
        if (clause) {
          const groups = clause.getChildren('GroupingLabels');
          const group = clause.getChild('GroupLeft') ? 'left' : clause.getChild('GroupRight') ? 'right' : undefined;
          matching = { on: clause.getChild('On') !== null, labels: this.groupingLabels(groups[0] ?? null), group, include: this.groupingLabels(groups[1] ?? null) };
        }
        if (node.getChild('FillModifier')) return { type: 'unsupported', what: 'fill modifiers', expr: undefined, ...span };
        return { type: 'binary', op: BINARY_OPS[opNode.name], opSpan: { from: opNode.from, to: opNode.to }, left, right, bool: node.getChild('BoolModifier') !== null, matching, ...span };
      }
      case 'UnaryExpr': {
        const [inner] = this.exprChildren(node);
        const sub = inner ? this.expr(inner) : undefined;
        if (!sub) return undefined;
        return { type: 'unary', op: this.src(node.getChild('UnaryOp') ?? span).trim() === '-' ? '-' : '+', expr: sub, ...span };
      }
      case 'ParenExpr': {
        const [inner] = this.exprChildren(node);
        const sub = inner ? this.expr(inner) : undefined;
        return sub ? { type: 'paren', expr: sub, ...span } : undefined;
      }
      case 'OffsetExpr': {
        const [inner] = this.exprChildren(node);
        const sub = inner ? this.expr(inner) : undefined;
        const dur = node.getChild('OffsetDurationExpr');
        return sub ? { type: 'offset', expr: sub, offsetMs: dur ? this.duration(dur) : undefined, ...span } : undefined;
      }
      case 'StepInvariantExpr': {
        const [inner] = this.exprChildren(node);
        const sub = inner ? this.expr(inner) : undefined;
        if (!sub) return undefined;
        const num = node.getChild('NumberDurationLiteral');
        const pre = node.getChild('AtModifierPreprocessors');
        const at = num ? parseNumber(this.src(num)) : pre ? (this.src(pre) === 'start' ? 'start' : 'end') : undefined;
        return { type: 'at', expr: sub, at, ...span };
      }
      case 'AnchoredExpr':
      case 'SmoothedExpr': {
        const [inner] = this.exprChildren(node);
        return { type: 'unsupported', what: node.name === 'AnchoredExpr' ? 'anchored ranges' : 'smoothed ranges', expr: inner ? this.expr(inner) : undefined, ...span };
      }
      default:
        return undefined;
    }
  }

  private selector(node: SyntaxNode): SelectorExpr {
    const id = node.getChild('Identifier');
    const lm = node.getChild('LabelMatchers');
    const matchers: Matcher[] = [];
    let name = id ? this.src(id) : undefined;
    let nameSpan: Span | undefined = id ? { from: id.from, to: id.to } : undefined;
    let nameFromMatcher = false;
    if (lm) {
      for (const m of children(lm)) {
        if (m.name === 'QuotedLabelName') {
          // `{"metric.name"}`: a quoted metric name (UTF-8 names of Prometheus 3).
          const lit = m.getChild('StringLiteral');
          if (lit) {
            name = this.string(lit);
            nameSpan = { from: lit.from + 1, to: lit.to - 1 };
            nameFromMatcher = true;
          }
          continue;
        }
        if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher') continue;
        const labelNode = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
        const opNode = m.getChild('MatchOp');
        const valueNode = m.getChildren('StringLiteral').filter((s) => s.parent?.name !== 'QuotedLabelName').pop();
        if (!labelNode || !opNode || !valueNode) continue;
        const label = labelNode.name === 'QuotedLabelName' ? this.string(labelNode.getChild('StringLiteral') ?? labelNode) : this.src(labelNode);
        const op = this.src(opNode) as Matcher['op'];
        const value = this.string(valueNode);
        matchers.push({ label, op, value, labelSpan: { from: labelNode.from, to: labelNode.to }, valueSpan: { from: valueNode.from, to: valueNode.to } });
        if (label === '__name__' && !name && (op === '=' || (op === '=~' && /^[\w:]+$/.test(value)))) {
          name = value;
          nameSpan = { from: valueNode.from + 1, to: valueNode.to - 1 };
          nameFromMatcher = true;
        }
      }
      if (!name && !matchers.some((m) => !matchesEmpty(m))) {
        this.problem(lm.from, lm.to, 'a selector needs a metric name or at least one matcher that does not match the empty string');
      }
    }
    return { type: 'selector', name, nameSpan, nameFromMatcher, matchers, matchersSpan: lm ? { from: lm.from, to: lm.to } : undefined, from: node.from, to: node.to };
  }

  private groupingLabels(node: SyntaxNode | null): string[] {
    if (!node) return [];
    return children(node)
      .filter((c) => c.name === 'LabelName' || c.name === 'QuotedLabelName')
      .map((c) => (c.name === 'LabelName' ? this.src(c) : this.string(c.getChild('StringLiteral') ?? c)));
  }

  private string(node: SyntaxNode): string {
    const raw = this.src(node);
    const q = raw[0];
    if (raw.length < 2 || raw[raw.length - 1] !== q) {
      this.problem(node.from, node.to, 'this string is never closed');
      return raw.slice(1);
    }
    const body = raw.slice(1, -1);
    if (q === '`') return body;
    return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_m, e: string) => {
      if (e.length > 1 && 'uUx'.includes(e[0])) return String.fromCodePoint(parseInt(e.slice(1), 16));
      if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
      return ({ n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' } as Record<string, string>)[e] ?? e;
    });
  }

  private duration(node: SyntaxNode): number | undefined {
    const ms = evalDuration(this.text, node);
    if (ms === undefined && !/step|range|min_of|max_of/.test(this.src(node))) this.problem(node.from, node.to, `\`${this.src(node)}\` is not a duration (examples: \`30s\`, \`2m\`, \`1h30m\`)`);
    return ms;
  }

  /** checkTypes applies the type rules of Prometheus's parser that the grammar does not encode. */
  checkTypes(e: Expr): ValueType {
    switch (e.type) {
      case 'number':
        return 'scalar';
      case 'string':
        return 'string';
      case 'selector':
        return 'vector';
      case 'matrix':
        return 'matrix';
      case 'subquery': {
        const t = this.checkTypes(e.expr);
        if (t !== 'vector') this.problem(e.from, e.to, `a subquery needs an instant vector inside, not ${aTypeName(t)}`);
        return 'matrix';
      }
      case 'call': {
        const info = FUNCTIONS.get(e.func);
        const types = e.args.map((a) => this.checkTypes(a));
        if (!info) return 'vector';
        const min = info.args.length - info.optional - (info.variadic ? 1 : 0);
        const max = info.variadic ? Infinity : info.args.length;
        if (types.length < min || types.length > max) {
          const want = info.args.length === 0 ? 'no argument' : `${min === max ? min : `${min} to ${info.variadic ? 'any number of' : max}`} argument${max === 1 ? '' : 's'}`;
          this.problem(e.funcSpan.from, e.to, `\`${e.func}\` takes ${want}, got ${types.length}`);
          return info.returns;
        }
        types.forEach((t, i) => {
          const want = info.args[Math.min(i, info.args.length - 1)];
          if (t !== want && !(want === 'scalar' && t === 'scalar')) {
            const a = e.args[i];
            const hint = want === 'matrix' && t === 'vector' ? `, e.g. \`${e.func}(${this.src(a).trim()}[2m])\`` : '';
            this.problem(a.from, a.to, `\`${e.func}\` needs ${aTypeName(want)} here, not ${aTypeName(t)}${hint}`);
          }
        });
        return info.returns;
      }
      case 'aggregate': {
        const info = AGGREGATIONS.get(e.op);
        if (e.param) {
          const t = this.checkTypes(e.param);
          if (info?.param && t !== info.param) this.problem(e.param.from, e.param.to, `the first argument of \`${e.op}\` must be ${aTypeName(info.param)}`);
        }
        if (e.expr) {
          const t = this.checkTypes(e.expr);
          if (t !== 'vector') this.problem(e.expr.from, e.expr.to, `\`${e.op}\` aggregates an instant vector, not ${aTypeName(t)}${t === 'matrix' ? ` (wrap it in a function such as \`rate(...)\` first)` : ''}`);
        }
        return 'vector';
      }
      case 'binary': {
        const l = this.checkTypes(e.left);
        const r = this.checkTypes(e.right);
        for (const [t, side] of [[l, e.left], [r, e.right]] as Array<[ValueType, Expr]>) {
          if (t === 'matrix' || t === 'string') this.problem(side.from, side.to, `operators work on instant vectors and scalars, not on ${aTypeName(t)}`);
        }
        if (SET_OPS.has(e.op) && (l === 'scalar' || r === 'scalar')) this.problem(e.opSpan.from, e.opSpan.to, `\`${e.op}\` works only between two instant vectors`);
        if (COMPARISONS.has(e.op) && l === 'scalar' && r === 'scalar' && !e.bool) this.problem(e.opSpan.from, e.opSpan.to, `comparing two scalars needs \`bool\`, e.g. \`1 ${e.op} bool 2\``);
        return l === 'scalar' && r === 'scalar' ? 'scalar' : 'vector';
      }
      case 'unary':
      case 'paren':
      case 'offset':
      case 'at':
        return this.checkTypes(e.expr);
      case 'unsupported':
        return e.expr ? this.checkTypes(e.expr) : 'vector';
    }
  }
}

function typeName(t: ValueType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}

/** aTypeName is a type name with its article ("an instant vector"). */
function aTypeName(t: ValueType): string {
  return t === 'vector' ? 'an instant vector' : `a ${typeName(t)}`;
}

/** matchesEmpty tells whether a matcher accepts a missing label (Prometheus needs one that does not). */
function matchesEmpty(m: Matcher): boolean {
  if (m.op === '=') return m.value === '';
  if (m.op === '!=') return m.value !== '';
  try {
    const re = new RegExp(`^(?:${m.value})$`);
    return m.op === '=~' ? re.test('') : !re.test('');
  } catch {
    return false;
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** parseDuration reads a PromQL duration (`90s`, `1h30m`) or a number of seconds, in milliseconds. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  if (!/^(\d+(ms|[smhdwy]))+$/.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+)(ms|[smhdwy])/g)) total += Number(m[1]) * UNIT_MS[m[2]];
  return total;
}

function evalDuration(text: string, node: SyntaxNode): number | undefined {
  const kids = children(node);
  if (node.name === 'NumberDurationLiteralInDurationContext') return parseDuration(text.slice(node.from, node.to));
  if (kids.length === 1) return evalDuration(text, kids[0]);
  if (kids.length === 2 && kids[0].name === 'UnaryOp') {
    const v = evalDuration(text, kids[1]);
    return v === undefined ? undefined : text.slice(kids[0].from, kids[0].to) === '-' ? -v : v;
  }
  if (kids.length === 3 && kids[1].name in BINARY_OPS) {
    const a = evalDuration(text, kids[0]);
    const b = evalDuration(text, kids[2]);
    if (a === undefined || b === undefined) return undefined;
    // Duration arithmetic works in seconds.
    const x = a / 1000;
    const y = b / 1000;
    const op = BINARY_OPS[kids[1].name];
    const r = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' ? x / y : op === '%' ? x % y : op === '^' ? x ** y : NaN;
    return Number.isFinite(r) ? r * 1000 : undefined;
  }
  return undefined;
}

/** parseNumber reads a PromQL number literal: decimal, hex, `Inf`, `NaN`, `_` separators, or a duration in seconds. */
export function parseNumber(text: string): number | undefined {
  let t = text.replace(/\s+/g, '');
  let sign = 1;
  if (t.startsWith('-') || t.startsWith('+')) {
    if (t[0] === '-') sign = -1;
    t = t.slice(1);
  }
  const lower = t.toLowerCase();
  if (lower === 'inf') return sign * Infinity;
  if (lower === 'nan') return NaN;
  if (/^0x[0-9a-f]+$/i.test(t)) return sign * parseInt(t, 16);
  const plain = t.replace(/_/g, '');
  if (/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(plain)) return sign * Number(plain);
  const d = parseDuration(t);
  return d === undefined ? undefined : (sign * d) / 1000;
}

/** walk visits an expression and its sub-expressions depth first, with the chain of ancestors. */
export function walk(e: Expr, visit: (e: Expr, ancestors: Expr[]) => void, ancestors: Expr[] = []): void {
  visit(e, ancestors);
  const next = [...ancestors, e];
  for (const c of childExprs(e)) walk(c, visit, next);
}

/** childExprs lists the direct sub-expressions of an expression. */
export function childExprs(e: Expr): Expr[] {
  switch (e.type) {
    case 'matrix':
      return [e.selector];
    case 'subquery':
    case 'unary':
    case 'paren':
    case 'offset':
    case 'at':
      return [e.expr];
    case 'call':
      return e.args;
    case 'aggregate':
      return [e.param, e.expr].filter((x): x is Expr => x !== undefined);
    case 'binary':
      return [e.left, e.right];
    case 'unsupported':
      return e.expr ? [e.expr] : [];
    default:
      return [];
  }
}
