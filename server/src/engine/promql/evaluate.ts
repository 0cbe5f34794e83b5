/**
 * A PromQL evaluator for instant queries over the simulator's scraped series, with Prometheus's semantics
 * where it matters for autoscaling: the 5-minute lookback and staleness markers of instant selectors, the
 * extrapolation of `rate`/`increase` (including counter resets), `histogram_quantile` over `_bucket` series,
 * aggregation with `by`/`without` and one-to-one vector matching. Anything else is refused with
 * `unsupported: <what>`, never approximated.
 *
 * A query is parsed and compiled once into a tree of closures (cached by text); every poll of a simulation
 * then only runs the closures. Times are in seconds, as in the simulator.
 */
import { addInstant, type InstantSamples, newInstantSamples, type Series, type SeriesSource } from '../sim/series';
import { type Expr, type Matcher, parseQuery, type SelectorExpr, type VectorMatching } from './parse';

/** The result of an instant query: the sample values of the result vector (one for a scalar), or why not. */
export type EvalResult = { ok: true; value: number[] } | { ok: false; reason: string };

type Labels = Record<string, string>;

/** The empty label set of an aggregation without grouping: shared, as label sets are never changed once made. */
const NO_LABELS: Labels = Object.freeze({}) as Labels;

interface Elem {
  labels: Labels;
  v: number;
}

type Value =
  | { kind: 'scalar'; v: number }
  | { kind: 'vector'; elems: Elem[] }
  | { kind: 'matrix'; series: Series[] }
  | { kind: 'string'; s: string };

interface EvalContext {
  src: SeriesSource;
  /** Evaluation time in seconds. */
  t: number;
}

type Plan = (ctx: EvalContext) => Value;

/** A query turned into closures, plus how far back in time it reads. */
interface Compiled {
  plan: Plan;
  /** Seconds before the evaluation time the query can read. */
  window: number;
}

/** Prometheus's default lookback for instant selectors (`--query.lookback-delta`). */
export const LOOKBACK_SECONDS = 300;

class Unsupported extends Error {}

/** EvalError is a query error Prometheus also raises at run time (e.g. duplicate series in one-to-one matching). */
class EvalError extends Error {}

const CACHE_LIMIT = 500;
const compiled = new Map<string, Compiled | { error: string }>();

function compileCached(query: string): Compiled | { error: string } {
  const hit = compiled.get(query);
  if (hit) return hit;
  let result: Compiled | { error: string };
  const parsed = parseQuery(query);
  if (parsed.problems.length || !parsed.expr) result = { error: `syntax: ${parsed.problems[0]?.message ?? 'the query could not be parsed'}` };
  else {
    try {
      const c = new Compiler();
      const plan = c.compile(parsed.expr);
      result = { plan, window: c.window };
    } catch (e) {
      result = { error: e instanceof Unsupported ? `unsupported: ${e.message}` : (e as Error).message };
    }
  }
  if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value as string);
  compiled.set(query, result);
  return result;
}

/** evaluateInstant runs an instant query at time t (seconds) over a series source; it never throws. */
export function evaluateInstant(query: string, src: SeriesSource, t: number): EvalResult {
  const c = compileCached(query);
  if ('error' in c) return { ok: false, reason: c.error };
  try {
    const v = c.plan({ src, t });
    if (v.kind === 'scalar') return { ok: true, value: [v.v] };
    if (v.kind === 'vector') {
      // A plain loop: `map` with a closure showed as most of this function's time at every poll.
      const value: number[] = new Array(v.elems.length);
      for (let i = 0; i < value.length; i++) value[i] = v.elems[i].v;
      return { ok: true, value };
    }
    return { ok: false, reason: `the query returns a ${v.kind === 'matrix' ? 'range vector' : 'string'}, not an instant vector or scalar` };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

/**
 * queryWindowSeconds tells how many seconds before the evaluation time a query reads (ranges, offsets and the
 * lookback), so that a caller can hand it exactly the samples it needs; undefined when it cannot be evaluated.
 */
export function queryWindowSeconds(query: string): number | undefined {
  const c = compileCached(query);
  return 'error' in c ? undefined : c.window;
}

/** Compiles an expression tree into closures, tracking the time window the query reads. */
class Compiler {
  window = 0;
  private offset = 0;

  compile(e: Expr): Plan {
    switch (e.type) {
      case 'number': {
        const v = e.value;
        return () => ({ kind: 'scalar', v });
      }
      case 'string': {
        const s = e.value;
        return () => ({ kind: 'string', s });
      }
      case 'paren':
        return this.compile(e.expr);
      case 'selector':
        return this.instantSelector(e);
      case 'matrix':
        return this.rangeSelector(e.selector, (e.rangeMs ?? NaN) / 1000);
      case 'offset': {
        if (e.offsetMs === undefined) throw new Unsupported('computed offset');
        const secs = e.offsetMs / 1000;
        this.offset += secs;
        const inner = this.compile(e.expr);
        this.offset -= secs;
        return (ctx) => inner({ src: ctx.src, t: ctx.t - secs });
      }
      case 'unary': {
        const inner = this.compile(e.expr);
        if (e.op === '+') return inner;
        return (ctx) => mapValue(inner(ctx), (v) => -v);
      }
      case 'call':
        return this.call(e.func, e.args);
      case 'aggregate':
        return this.aggregate(e.op, e.grouping?.without ?? false, e.grouping?.labels, e.param, e.expr);
      case 'binary':
        return this.binary(e.op, e.bool, e.matching, this.compile(e.left), this.compile(e.right));
      case 'subquery':
        throw new Unsupported('subqueries');
      case 'at':
        throw new Unsupported('the @ modifier');
      case 'unsupported':
        throw new Unsupported(e.what);
    }
  }

  private reads(seconds: number): void {
    this.window = Math.max(this.window, seconds + this.offset);
  }

  private selectorName(sel: SelectorExpr): { name: string; test: (l: Labels) => boolean } {
    if (!sel.name) throw new Unsupported('selectors without a metric name');
    if (sel.nameFromMatcher && sel.matchers.some((m) => m.label === '__name__' && m.op !== '=')) throw new Unsupported('regex metric names');
    const tests = sel.matchers.filter((m) => m.label !== '__name__').map(matcherTest);
    return { name: sel.name, test: (l) => tests.every((f) => f(l)) };
  }

  private instantSelector(sel: SelectorExpr): Plan {
    const read = this.instantValues(sel);
    return (ctx) => {
      const found = read(ctx);
      const elems: Elem[] = [];
      for (let i = 0; i < found.count; i++) elems.push({ labels: found.labels[i], v: found.values[i] });
      return { kind: 'vector', elems };
    };
  }

  /**
   * instantValues compiles an instant selector into a reader of its series' labels and values. It takes the
   * source's `instant` view when evaluating at the source's own time, which builds no series. The list it gives
   * is reused: it is valid until the next read of any selector.
   */
  private instantValues(sel: SelectorExpr): (ctx: EvalContext) => InstantSamples {
    const { name, test } = this.selectorName(sel);
    this.reads(LOOKBACK_SECONDS);
    const out = newInstantSamples();
    return (ctx) => {
      if (ctx.t === ctx.src.now && ctx.src.instant) return ctx.src.instant(name, LOOKBACK_SECONDS, test);
      out.count = 0;
      const from = ctx.t - LOOKBACK_SECONDS;
      for (const s of ctx.src.select(name)) {
        if (!test(s.labels)) continue;
        // The newest sample at or before t within the lookback; a staleness marker (NaN) there means no value.
        const i = lastIndexAtOrBefore(s.samples, ctx.t);
        if (i < 0) continue;
        const smp = s.samples[i];
        if (smp.t <= from || Number.isNaN(smp.v)) continue;
        addInstant(out, s.labels, smp.v);
      }
      return out;
    };
  }

  private rangeSelector(sel: SelectorExpr, range: number): Plan {
    if (!Number.isFinite(range) || range <= 0) throw new Unsupported('computed range durations');
    const { name, test } = this.selectorName(sel);
    this.reads(range);
    return (ctx) => {
      const series: Series[] = [];
      for (const s of ctx.src.select(name)) {
        if (!test(s.labels)) continue;
        // Prometheus 3 ranges are left-open: (t - range, t]; staleness markers are not samples.
        const last = lastIndexAtOrBefore(s.samples, ctx.t);
        const first = lastIndexAtOrBefore(s.samples, ctx.t - range) + 1;
        if (last < first) continue;
        let samples = s.samples.slice(first, last + 1);
        if (samples.some((p) => Number.isNaN(p.v))) samples = samples.filter((p) => !Number.isNaN(p.v));
        if (samples.length) series.push({ labels: s.labels, samples });
      }
      return { kind: 'matrix', series };
    };
  }

  private call(func: string, args: Expr[]): Plan {
    const range = (i: number): { plan: Plan; seconds: number } => {
      const a = args[i];
      const inner = a?.type === 'paren' ? a.expr : a;
      if (inner?.type !== 'matrix') throw new Unsupported(`${func} over a subquery or expression`);
      return { plan: this.compile(inner), seconds: (inner.rangeMs ?? NaN) / 1000 };
    };
    switch (func) {
      case 'rate':
      case 'increase':
      case 'delta': {
        const { plan, seconds } = range(0);
        const counter = func !== 'delta';
        const perSecond = func === 'rate';
        return (ctx) => overRange(plan(ctx), (s) => extrapolatedRate(s.samples, ctx.t - seconds, ctx.t, counter, perSecond));
      }
      case 'irate': {
        const { plan } = range(0);
        return (ctx) => overRange(plan(ctx), (s) => instantRate(s.samples));
      }
      case 'avg_over_time':
      case 'max_over_time':
      case 'min_over_time':
      case 'sum_over_time':
      case 'count_over_time':
      case 'last_over_time': {
        const { plan } = range(0);
        const f = OVER_TIME[func];
        return (ctx) => overRange(plan(ctx), (s) => f(s.samples.map((p) => p.v)), func === 'last_over_time');
      }
      case 'histogram_quantile': {
        const q = this.compile(args[0]);
        const v = this.compile(args[1]);
        return (ctx) => histogramQuantile(scalarOf(q(ctx)), vectorOf(v(ctx)));
      }
      case 'clamp_min':
      case 'clamp_max': {
        const v = this.compile(args[0]);
        const b = this.compile(args[1]);
        const max = func === 'clamp_max';
        return (ctx) => {
          const bound = scalarOf(b(ctx));
          return { kind: 'vector', elems: vectorOf(v(ctx)).map((e) => ({ labels: dropName(e.labels), v: max ? Math.min(e.v, bound) : Math.max(e.v, bound) })) };
        };
      }
      case 'clamp': {
        const v = this.compile(args[0]);
        const lo = this.compile(args[1]);
        const hi = this.compile(args[2]);
        return (ctx) => {
          const a = scalarOf(lo(ctx));
          const b = scalarOf(hi(ctx));
          if (b < a) return { kind: 'vector', elems: [] };
          return { kind: 'vector', elems: vectorOf(v(ctx)).map((e) => ({ labels: dropName(e.labels), v: Math.max(a, Math.min(b, e.v)) })) };
        };
      }
      case 'scalar': {
        const v = this.compile(args[0]);
        return (ctx) => {
          const elems = vectorOf(v(ctx));
          return { kind: 'scalar', v: elems.length === 1 ? elems[0].v : NaN };
        };
      }
      case 'vector': {
        const s = this.compile(args[0]);
        return (ctx) => ({ kind: 'vector', elems: [{ labels: {}, v: scalarOf(s(ctx)) }] });
      }
      case 'absent': {
        const v = this.compile(args[0]);
        const inner = args[0].type === 'paren' ? args[0].expr : args[0];
        const labels: Labels = {};
        if (inner.type === 'selector') for (const m of inner.matchers) if (m.op === '=' && m.label !== '__name__') labels[m.label] = m.value;
        return (ctx) => ({ kind: 'vector', elems: vectorOf(v(ctx)).length ? [] : [{ labels, v: 1 }] });
      }
      case 'time':
        return (ctx) => ({ kind: 'scalar', v: ctx.t });
      case 'sort':
      case 'sort_desc': {
        const v = this.compile(args[0]);
        const dir = func === 'sort' ? 1 : -1;
        return (ctx) => ({ kind: 'vector', elems: [...vectorOf(v(ctx))].sort((a, b) => dir * (a.v - b.v)) });
      }
      default:
        throw new Unsupported(`function ${func}`);
    }
  }

  private aggregate(op: string, without: boolean, labels: string[] | undefined, param: Expr | undefined, expr: Expr | undefined): Plan {
    const fold = AGGREGATORS[op];
    if (!fold || param || !expr) throw new Unsupported(`aggregation ${op}`);
    const direct = unwrap(expr);
    if (labels === undefined && direct.type === 'selector') {
      // The common autoscaling query, `sum(metric{...})`: one group, so the values alone are folded. Its answer is
      // one of two values made here and reused: a plan runs each node once per evaluation, and nothing changes a
      // value it is handed or keeps one past the evaluation (evaluateInstant copies the numbers out).
      const read = this.instantValues(direct);
      const one: Elem = { labels: NO_LABELS, v: 0 };
      const some: Value = { kind: 'vector', elems: [one] };
      const none: Value = { kind: 'vector', elems: [] };
      return (ctx) => {
        const found = read(ctx);
        if (found.count === 0) return none;
        one.v = fold(found.values, found.count);
        return some;
      };
    }
    const inner = this.compile(expr);
    const keep = labels ?? [];
    return (ctx) => {
      const elems = vectorOf(inner(ctx));
      // Without `by`/`without` everything is one group: skip the label bookkeeping at every poll.
      if (labels === undefined) {
        const values = elems.map((e) => e.v);
        return { kind: 'vector', elems: values.length ? [{ labels: {}, v: fold(values, values.length) }] : [] };
      }
      const groups = new Map<string, { labels: Labels; values: number[] }>();
      for (const e of elems) {
        // With `by` the listed labels, in order, identify the group; `without` needs the full sorted key.
        const key = without ? labelKey(groupLabels(e.labels, keep, true)) : keep.map((l) => e.labels[l] ?? '').join('\u0001');
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { labels: groupLabels(e.labels, keep, without), values: [] }));
        g.values.push(e.v);
      }
      return { kind: 'vector', elems: [...groups.values()].map((g) => ({ labels: g.labels, v: fold(g.values, g.values.length) })) };
    };
  }

  private binary(op: string, bool: boolean, matching: VectorMatching | undefined, left: Plan, right: Plan): Plan {
    if (matching?.group) throw new Unsupported('group_left/group_right');
    const arith = ARITHMETIC[op];
    const cmp = COMPARE[op];
    const setOp = op === 'and' || op === 'or' || op === 'unless';
    if (!arith && !cmp && !setOp) throw new Unsupported(`operator ${op}`);
    return (ctx) => {
      const l = left(ctx);
      const r = right(ctx);
      if (l.kind === 'scalar' && r.kind === 'scalar') {
        if (arith) return { kind: 'scalar', v: arith(l.v, r.v) };
        return { kind: 'scalar', v: cmp!(l.v, r.v) ? 1 : 0 };
      }
      if (setOp) return setOperation(op, vectorOf(l), vectorOf(r), matching);
      if (l.kind === 'scalar' || r.kind === 'scalar') {
        const scalarLeft = l.kind === 'scalar';
        const s = scalarLeft ? (l as { v: number }).v : scalarOf(r);
        const elems: Elem[] = [];
        for (const e of vectorOf(scalarLeft ? r : l)) {
          const [a, b] = scalarLeft ? [s, e.v] : [e.v, s];
          if (arith) elems.push({ labels: dropName(e.labels), v: arith(a, b) });
          else if (bool) elems.push({ labels: dropName(e.labels), v: cmp!(a, b) ? 1 : 0 });
          // A filtering comparison keeps the vector's own sample (and name).
          else if (cmp!(a, b)) elems.push(e);
        }
        return { kind: 'vector', elems };
      }
      return oneToOne(vectorOf(l), vectorOf(r), matching, (a, b) => (arith ? { keep: true, v: arith(a, b) } : bool ? { keep: true, v: cmp!(a, b) ? 1 : 0 } : { keep: cmp!(a, b), v: a }), !arith && !bool);
    };
  }
}

const ARITHMETIC: Record<string, ((a: number, b: number) => number) | undefined> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '^': (a, b) => a ** b,
};

const COMPARE: Record<string, ((a: number, b: number) => boolean) | undefined> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
};

/** An aggregation over the first n values, folded left to right as Prometheus does. */
type Fold = (values: ArrayLike<number>, n: number) => number;

const AGGREGATORS: Record<string, Fold | undefined> = {
  sum: sumOf,
  avg: (vs, n) => sumOf(vs, n) / n,
  max: (vs, n) => {
    let m = NaN;
    for (let i = 0; i < n; i++) if (Number.isNaN(m) || vs[i] > m) m = vs[i];
    return m;
  },
  min: (vs, n) => {
    let m = NaN;
    for (let i = 0; i < n; i++) if (Number.isNaN(m) || vs[i] < m) m = vs[i];
    return m;
  },
  count: (_vs, n) => n,
  group: () => 1,
};

function sumOf(vs: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += vs[i];
  return s;
}

const OVER_TIME: Record<string, (values: number[]) => number> = {
  avg_over_time: (vs) => vs.reduce((s, v) => s + v, 0) / vs.length,
  // Folds, not Math.max(...vs): a long range (`[30d]` at 15 s is 172,800 samples) passes more arguments than the
  // stack holds. NaN samples are dropped before these run.
  max_over_time: (vs) => vs.reduce((a, b) => (b > a ? b : a), -Infinity),
  min_over_time: (vs) => vs.reduce((a, b) => (b < a ? b : a), Infinity),
  sum_over_time: (vs) => vs.reduce((s, v) => s + v, 0),
  count_over_time: (vs) => vs.length,
  last_over_time: (vs) => vs[vs.length - 1],
};

function matcherTest(m: Matcher): (l: Labels) => boolean {
  const label = m.label;
  const value = m.value;
  switch (m.op) {
    case '=':
      return (l) => (l[label] ?? '') === value;
    case '!=':
      return (l) => (l[label] ?? '') !== value;
    default: {
      let re: RegExp;
      try {
        // PromQL regexes are anchored at both ends.
        re = new RegExp(`^(?:${value})$`);
      } catch {
        throw new EvalError(`invalid regular expression in ${label}${m.op}"${value}"`);
      }
      return m.op === '=~' ? (l) => re.test(l[label] ?? '') : (l) => !re.test(l[label] ?? '');
    }
  }
}

/** unwrap removes the parentheses around an expression. */
function unwrap(e: Expr): Expr {
  return e.type === 'paren' ? unwrap(e.expr) : e;
}

function lastIndexAtOrBefore(samples: Series['samples'], t: number): number {
  let lo = 0;
  let hi = samples.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid].t <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

const withoutName = new WeakMap<Labels, Labels>();

/** dropName removes the metric name; cached per label set, since the same series come back at every poll. */
function dropName(labels: Labels): Labels {
  if (!('__name__' in labels)) return labels;
  let out = withoutName.get(labels);
  if (!out) {
    const { __name__: _drop, ...rest } = labels;
    out = rest;
    withoutName.set(labels, out);
  }
  return out;
}

function labelKey(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}\u0000${labels[k]}`).join('\u0001');
}

function groupLabels(labels: Labels, list: string[], without: boolean): Labels {
  const out: Labels = {};
  if (without) {
    for (const [k, v] of Object.entries(labels)) if (k !== '__name__' && !list.includes(k)) out[k] = v;
  } else for (const k of list) if (labels[k] !== undefined && labels[k] !== '') out[k] = labels[k];
  return out;
}

/** matchLabels is the signature two series must share to be matched: all labels but the name, or per `on`/`ignoring`. */
function matchLabels(labels: Labels, matching: VectorMatching | undefined): Labels {
  if (matching?.on) return groupLabels(labels, matching.labels, false);
  return groupLabels(labels, matching?.labels ?? [], true);
}

function scalarOf(v: Value): number {
  if (v.kind === 'scalar') return v.v;
  throw new EvalError(`expected a scalar, got ${v.kind === 'vector' ? 'an instant vector' : v.kind}`);
}

function vectorOf(v: Value): Elem[] {
  if (v.kind === 'vector') return v.elems;
  throw new EvalError(`expected an instant vector, got ${v.kind}`);
}

function mapValue(v: Value, f: (x: number) => number): Value {
  if (v.kind === 'scalar') return { kind: 'scalar', v: f(v.v) };
  return { kind: 'vector', elems: vectorOf(v).map((e) => ({ labels: dropName(e.labels), v: f(e.v) })) };
}

function overRange(v: Value, f: (s: Series) => number | undefined, keepName = false): Value {
  if (v.kind !== 'matrix') throw new EvalError('expected a range vector');
  const elems: Elem[] = [];
  for (const s of v.series) {
    const x = f(s);
    if (x !== undefined) elems.push({ labels: keepName ? s.labels : dropName(s.labels), v: x });
  }
  return { kind: 'vector', elems };
}

/**
 * extrapolatedRate is Prometheus's `extrapolatedRate` (promql/functions.go): the change over the samples of
 * (rangeStart, rangeEnd], corrected for counter resets, then extrapolated towards the range edges, by at most
 * half a sample interval when the series does not reach the edge, and never below zero for a counter.
 */
export function extrapolatedRate(samples: Series['samples'], rangeStart: number, rangeEnd: number, isCounter: boolean, isRate: boolean): number | undefined {
  if (samples.length < 2) return undefined;
  const first = samples[0];
  const last = samples[samples.length - 1];
  let result = last.v - first.v;
  if (isCounter) {
    // A drop means the process restarted and the counter began again from zero.
    for (let i = 1; i < samples.length; i++) if (samples[i].v < samples[i - 1].v) result += samples[i - 1].v;
  }
  let durationToStart = first.t - rangeStart;
  let durationToEnd = rangeEnd - last.t;
  const sampled = last.t - first.t;
  const averageInterval = sampled / (samples.length - 1);
  const threshold = averageInterval * 1.1;
  if (durationToStart >= threshold) durationToStart = averageInterval / 2;
  if (isCounter && result > 0 && first.v >= 0) {
    // A counter cannot have been below zero: stop extrapolating where it would have been 0.
    const durationToZero = sampled * (first.v / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = averageInterval / 2;
  let factor = (sampled + durationToStart + durationToEnd) / sampled;
  if (isRate) factor /= rangeEnd - rangeStart;
  return result * factor;
}

/** instantRate is `irate`: the per-second change between the last two samples (a drop counts from zero). */
function instantRate(samples: Series['samples']): number | undefined {
  if (samples.length < 2) return undefined;
  const a = samples[samples.length - 2];
  const b = samples[samples.length - 1];
  const dt = b.t - a.t;
  if (dt <= 0) return undefined;
  return (b.v < a.v ? b.v : b.v - a.v) / dt;
}

/**
 * histogramQuantile is Prometheus's `bucketQuantile` (promql/quantile.go) over classic `_bucket` series grouped
 * by all labels but `le`: linear interpolation inside the bucket that holds the rank, NaN without a `+Inf`
 * bucket, the upper bound of the second-highest bucket when the rank falls in `+Inf`.
 */
function histogramQuantile(q: number, elems: Elem[]): Value {
  const groups = new Map<string, { labels: Labels; buckets: Array<{ upper: number; count: number }> }>();
  for (const e of elems) {
    const le = e.labels.le;
    if (le === undefined) continue;
    const upper = le === '+Inf' || le === 'Inf' ? Infinity : Number(le);
    if (Number.isNaN(upper)) continue;
    const { le: _le, ...rest } = dropName(e.labels);
    const key = labelKey(rest);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels: rest, buckets: [] }));
    g.buckets.push({ upper, count: e.v });
  }
  return { kind: 'vector', elems: [...groups.values()].map((g) => ({ labels: g.labels, v: bucketQuantile(q, g.buckets) })) };
}

function bucketQuantile(q: number, input: Array<{ upper: number; count: number }>): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const buckets = [...input].sort((a, b) => a.upper - b.upper);
  if (buckets.length < 2 || buckets[buckets.length - 1].upper !== Infinity) return NaN;
  // Bucket counts are cumulative; rounding in rate() can make them dip, which Prometheus smooths over.
  for (let i = 1; i < buckets.length; i++) if (buckets[i].count < buckets[i - 1].count) buckets[i] = { ...buckets[i], count: buckets[i - 1].count };
  const observations = buckets[buckets.length - 1].count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  const b = buckets.findIndex((x) => x.count >= rank);
  if (b === buckets.length - 1) return buckets[buckets.length - 2].upper;
  if (b === 0 && buckets[0].upper <= 0) return buckets[0].upper;
  let start = 0;
  const end = buckets[b].upper;
  let count = buckets[b].count;
  if (b > 0) {
    start = buckets[b - 1].upper;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return start + (end - start) * (rank / count);
}

/**
 * oneToOne pairs each left series with the right series of the same signature. Result labels follow
 * Prometheus's `resultMetric`: `on` keeps only its labels, `ignoring` drops its labels, and arithmetic or `bool`
 * drops the metric name, while a filtering comparison keeps it.
 */
function oneToOne(left: Elem[], right: Elem[], matching: VectorMatching | undefined, combine: (a: number, b: number) => { keep: boolean; v: number }, keepName: boolean): Value {
  const byKey = new Map<string, Elem>();
  for (const e of right) {
    const key = labelKey(matchLabels(e.labels, matching));
    if (byKey.has(key)) throw new EvalError('many-to-many matching not allowed: the right side has several series for one match group');
    byKey.set(key, e);
  }
  const seen = new Set<string>();
  const elems: Elem[] = [];
  for (const e of left) {
    const key = labelKey(matchLabels(e.labels, matching));
    const partner = byKey.get(key);
    if (!partner) continue;
    if (seen.has(key)) throw new EvalError('found duplicate series for the match group on the left side');
    seen.add(key);
    const r = combine(e.v, partner.v);
    if (!r.keep) continue;
    let labels = keepName ? e.labels : dropName(e.labels);
    if (matching?.on) labels = groupLabels(labels, matching.labels, false);
    else if (matching) labels = Object.fromEntries(Object.entries(labels).filter(([k]) => !matching.labels.includes(k)));
    elems.push({ labels, v: r.v });
  }
  return { kind: 'vector', elems };
}

function setOperation(op: string, left: Elem[], right: Elem[], matching: VectorMatching | undefined): Value {
  const rightKeys = new Set(right.map((e) => labelKey(matchLabels(e.labels, matching))));
  if (op === 'and') return { kind: 'vector', elems: left.filter((e) => rightKeys.has(labelKey(matchLabels(e.labels, matching)))) };
  if (op === 'unless') return { kind: 'vector', elems: left.filter((e) => !rightKeys.has(labelKey(matchLabels(e.labels, matching)))) };
  const leftKeys = new Set(left.map((e) => labelKey(matchLabels(e.labels, matching))));
  return { kind: 'vector', elems: [...left, ...right.filter((e) => !leftKeys.has(labelKey(matchLabels(e.labels, matching))))] };
}
