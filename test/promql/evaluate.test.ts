import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateInstant, queryWindowSeconds } from '../../server/src/engine/promql/evaluate';
import type { Series, SeriesSource } from '../../server/src/engine/sim/series';

/** series builds one series from a metric name, labels and [t, v] pairs. */
function series(name: string, labels: Record<string, string>, points: Array<[number, number]>): Series {
  return { labels: { __name__: name, ...labels }, samples: points.map(([t, v]) => ({ t, v })) };
}

/** source serves series by metric name. */
function source(all: Series[], now = 0): SeriesSource {
  return { now, select: (metric) => all.filter((s) => s.labels.__name__ === metric) };
}

/** counter samples every 15 s from `start`, one value per step. */
function every15(start: number, values: number[]): Array<[number, number]> {
  return values.map((v, i) => [start + 15 * i, v]);
}

const data: Series[] = [
  series('q', { pod: 'a', model_name: 'm1' }, [[0, 1], [15, 2], [30, 3]]),
  series('q', { pod: 'b', model_name: 'm1' }, [[0, 5], [15, 6], [30, 7]]),
  series('q', { pod: 'c', model_name: 'm2' }, [[0, 10], [15, 11], [30, 12]]),
  series('stale', { pod: 'a' }, [[0, 1], [15, NaN]]),
  series('c_total', { pod: 'a' }, every15(0, [100, 115, 130, 145, 160])),
  series('reset_total', { pod: 'a' }, [[15, 50], [30, 60], [45, 5], [60, 15]]),
  series('late_total', { pod: 'a' }, [[30, 100], [45, 130]]),
  series('young_total', { pod: 'a' }, [[30, 1], [45, 16]]),
  series('ready', { pod: 'a' }, [[0, 2], [30, 2]]),
  series('ready', { pod: 'b' }, [[0, 4], [30, 4]]),
  series('dup', { pod: 'a', x: '1' }, [[30, 1]]),
  series('dup', { pod: 'a', x: '2' }, [[30, 2]]),
];

// A latency histogram of one pod: cumulative bucket counts 10 / 30 / 40 / 40 at le 0.1 / 0.5 / 1 / +Inf.
for (const [le, n] of [['0.1', 10], ['0.5', 30], ['1', 40], ['+Inf', 40]] as Array<[string, number]>) {
  data.push(series('lat_bucket', { pod: 'a', le }, [[30, n]]));
}
// The same histogram growing on two pods, for rate + sum by (le): over (0, 60] each pod adds 10/30/40/40.
for (const pod of ['a', 'b']) {
  for (const [le, n] of [['0.1', 10], ['0.5', 30], ['1', 40], ['+Inf', 40]] as Array<[string, number]>) {
    data.push(series('ttft_bucket', { pod, le }, every15(15, [0, n / 3, (2 * n) / 3, n])));
  }
}
// Buckets without +Inf cannot give a quantile.
data.push(series('noinf_bucket', { le: '1' }, [[30, 5]]));

const src = source(data);
const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

const cases: Array<{ name: string; query: string; t: number; expect: number[] | 'empty' }> = [
  { name: 'instant selector takes the newest sample', query: 'q{pod="a"}', t: 40, expect: [3] },
  { name: 'lookback: a sample just inside 5 minutes counts', query: 'q{pod="a"}', t: 329, expect: [3] },
  { name: 'lookback: a sample exactly 5 minutes old does not', query: 'q{pod="a"}', t: 330, expect: 'empty' },
  { name: 'a staleness marker ends the series', query: 'stale', t: 20, expect: 'empty' },
  { name: 'before the marker the value is there', query: 'stale', t: 10, expect: [1] },
  { name: 'matcher !=', query: 'sum(q{pod!="a"})', t: 30, expect: [19] },
  { name: 'matcher =~ is anchored', query: 'sum(q{pod=~"a|b"})', t: 30, expect: [10] },
  { name: 'matcher !~', query: 'sum(q{pod!~"a|b"})', t: 30, expect: [12] },
  { name: 'sum by model_name', query: 'sort(sum by (model_name) (q))', t: 30, expect: [10, 12] },
  { name: 'sort_desc', query: 'sort_desc(q)', t: 30, expect: [12, 7, 3] },
  { name: 'avg without pod', query: 'avg without (pod) (q{model_name="m1"})', t: 30, expect: [5] },
  { name: 'max and min', query: 'max(q) - min(q)', t: 30, expect: [9] },
  { name: 'count', query: 'count(q)', t: 30, expect: [3] },
  { name: 'rate of a steady counter', query: 'rate(c_total[1m])', t: 60, expect: [1] },
  { name: 'increase of a steady counter', query: 'increase(c_total[1m])', t: 60, expect: [60] },
  { name: 'rate across a counter reset', query: 'rate(reset_total[1m])', t: 60, expect: [25 / 45] },
  { name: 'increase across a counter reset', query: 'increase(reset_total[1m])', t: 60, expect: [(25 * 60) / 45] },
  { name: 'increase extrapolates half an interval where samples stop short', query: 'increase(late_total[1m])', t: 60, expect: [75] },
  { name: 'increase stops extrapolating at zero for a young counter', query: 'increase(young_total[1m])', t: 60, expect: [31] },
  { name: 'rate needs two samples', query: 'rate(c_total[10s])', t: 60, expect: 'empty' },
  { name: 'irate uses the last two samples', query: 'irate(c_total[1m])', t: 60, expect: [1] },
  { name: 'irate after a reset counts from zero', query: 'irate(reset_total[1m])', t: 45, expect: [5 / 15] },
  { name: 'delta of a gauge', query: 'delta(ready{pod="a"}[1m])', t: 30, expect: [0] },
  { name: 'avg_over_time over (t - 1m, t]', query: 'avg_over_time(q{pod="a"}[1m])', t: 30, expect: [2] },
  { name: 'max_over_time', query: 'max_over_time(q{pod="c"}[1m])', t: 30, expect: [12] },
  { name: 'histogram_quantile: median interpolates inside its bucket', query: 'histogram_quantile(0.5, lat_bucket)', t: 30, expect: [0.3] },
  { name: 'histogram_quantile: p99', query: 'histogram_quantile(0.99, lat_bucket)', t: 30, expect: [0.98] },
  { name: 'histogram_quantile: rank in +Inf gives the highest finite bound', query: 'histogram_quantile(1, lat_bucket)', t: 30, expect: [1] },
  { name: 'histogram_quantile: q above 1 is +Inf', query: 'histogram_quantile(1.5, lat_bucket)', t: 30, expect: [Infinity] },
  { name: 'histogram_quantile: no +Inf bucket is NaN', query: 'histogram_quantile(0.5, noinf_bucket)', t: 30, expect: [NaN] },
  { name: 'histogram_quantile over summed rates of two pods', query: 'histogram_quantile(0.5, sum by (le) (rate(ttft_bucket[1m])))', t: 60, expect: [0.3] },
  { name: 'vector / vector needs identical label sets', query: 'q{pod="a"} / ready', t: 30, expect: 'empty' },
  { name: 'vector / vector ignoring the extra label', query: 'q{pod="a"} / ignoring(model_name) ready', t: 30, expect: [1.5] },
  { name: 'sum / sum', query: 'sum(q) / sum(ready)', t: 30, expect: [22 / 6] },
  { name: 'on() matching', query: 'sum(q) / on() sum(ready)', t: 30, expect: [22 / 6] },
  { name: 'ignoring a label', query: 'q{pod="a"} - ignoring(model_name) ready', t: 30, expect: [1] },
  { name: 'filtering comparison keeps the left value', query: 'q > 6', t: 30, expect: [7, 12] },
  { name: 'bool comparison gives 0 or 1', query: 'q > bool 6', t: 30, expect: [0, 1, 1] },
  { name: 'scalar arithmetic', query: '2 * 3 + 1', t: 30, expect: [7] },
  { name: 'scalar comparison with bool', query: '1 < bool 2', t: 30, expect: [1] },
  { name: 'unary minus', query: '-sum(ready)', t: 30, expect: [-6] },
  { name: 'or vector(0) fills an empty result', query: 'sum(missing) or vector(0)', t: 30, expect: [0] },
  { name: 'and keeps matched left series', query: 'q and q > 6', t: 30, expect: [7, 12] },
  { name: 'unless drops matched left series', query: 'q unless q > 6', t: 30, expect: [3] },
  { name: 'clamp_min', query: 'clamp_min(q{pod="a"}, 5)', t: 30, expect: [5] },
  { name: 'clamp_max', query: 'clamp_max(q{pod="c"}, 5)', t: 30, expect: [5] },
  { name: 'clamp', query: 'clamp(q, 4, 8)', t: 30, expect: [4, 7, 8] },
  { name: 'scalar of one element', query: 'scalar(sum(ready))', t: 30, expect: [6] },
  { name: 'scalar of several elements is NaN', query: 'scalar(ready)', t: 30, expect: [NaN] },
  { name: 'absent of a missing metric', query: 'absent(missing{job="x"})', t: 30, expect: [1] },
  { name: 'absent of a present metric', query: 'absent(q)', t: 30, expect: 'empty' },
  { name: 'time()', query: 'time()', t: 42, expect: [42] },
  { name: 'offset shifts the evaluation time', query: 'q{pod="a"} offset 15s', t: 30, expect: [2] },
  { name: 'sum of nothing is empty, not 0', query: 'sum(missing)', t: 30, expect: 'empty' },
];

for (const c of cases) {
  test(`evaluate: ${c.name}`, () => {
    const r = evaluateInstant(c.query, src, c.t);
    assert.ok(r.ok, `not ok: ${!r.ok ? r.reason : ''}`);
    if (c.expect === 'empty') return assert.deepEqual(r.value, []);
    assert.equal(r.value.length, c.expect.length, `values ${JSON.stringify(r.value)}`);
    c.expect.forEach((v, i) => assert.ok(Number.isNaN(v) ? Number.isNaN(r.value[i]) : near(r.value[i], v) || r.value[i] === v, `value ${i}: ${r.value[i]} != ${v}`));
  });
}

const refused: Array<{ name: string; query: string; reason: RegExp }> = [
  { name: 'topk', query: 'topk(1, q)', reason: /^unsupported: aggregation topk/ },
  { name: 'subquery', query: 'max_over_time(q[5m:1m])', reason: /^unsupported: / },
  { name: 'label_replace', query: 'label_replace(q, "a", "$1", "pod", "(.*)")', reason: /^unsupported: function label_replace/ },
  { name: 'group_left', query: 'q * on(pod) group_left ready', reason: /^unsupported: group_left/ },
  { name: 'regex metric name', query: '{__name__=~"q|ready"}', reason: /^unsupported: / },
  { name: 'syntax error', query: 'sum(q', reason: /^syntax: / },
  { name: 'many-to-many', query: 'ready / ignoring(x) dup', reason: /many-to-many|duplicate/ },
  { name: 'a range vector result', query: 'q[1m]', reason: /range vector/ },
];

for (const c of refused) {
  test(`evaluate refuses: ${c.name}`, () => {
    const r = evaluateInstant(c.query, src, 30);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reason, c.reason);
  });
}

const windows: Array<{ query: string; seconds: number | undefined }> = [
  { query: 'q', seconds: 300 },
  { query: 'rate(c_total[2m])', seconds: 120 },
  { query: 'sum(rate(c_total[10m])) / sum(q)', seconds: 600 },
  { query: 'q offset 1m', seconds: 360 },
  { query: 'topk(1, q)', seconds: undefined },
];

for (const c of windows) {
  test(`queryWindowSeconds: ${c.query}`, () => assert.equal(queryWindowSeconds(c.query), c.seconds));
}

test('evaluate: a cached plan gives the same answer at another time', () => {
  const a = evaluateInstant('sum(q)', src, 0);
  const b = evaluateInstant('sum(q)', src, 30);
  assert.deepEqual(a, { ok: true, value: [16] });
  assert.deepEqual(b, { ok: true, value: [22] });
});

test('evaluate: an answer stays as it was when the same query is evaluated again', () => {
  // Plans reuse their intermediate values from one evaluation to the next; answers must not share them.
  const queries = ['sum(q)', 'sum(q) > bool 20', 'max(q) + sum(q)', 'sum(q) > 0'];
  for (const q of queries) {
    const first = evaluateInstant(q, src, 0);
    const copy = structuredClone(first);
    evaluateInstant(q, src, 30);
    assert.deepEqual(first, copy, q);
  }
  assert.deepEqual(evaluateInstant('sum(q) > bool 20', src, 0), { ok: true, value: [0] });
  assert.deepEqual(evaluateInstant('sum(q) > bool 20', src, 30), { ok: true, value: [1] });
  const max = evaluateInstant('max(q)', src, 30);
  assert.ok(max.ok);
  assert.deepEqual(evaluateInstant('max(q) + sum(q)', src, 30), { ok: true, value: [max.value[0] + 22] });
});

test('evaluate: *_over_time over a long range (200,000 samples) answers, as a loop would', () => {
  const n = 200_000;
  const points: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) points.push([i * 15, ((i * 7919) % 1000) - 500]);
  const long = source([series('g', { pod: 'a' }, points)], (n - 1) * 15);
  const t = (n - 1) * 15;
  assert.deepEqual(evaluateInstant('max_over_time(g[40d])', long, t), { ok: true, value: [499] });
  assert.deepEqual(evaluateInstant('min_over_time(g[40d])', long, t), { ok: true, value: [-500] });
  assert.deepEqual(evaluateInstant('count_over_time(g[40d])', long, t), { ok: true, value: [n] });
});
