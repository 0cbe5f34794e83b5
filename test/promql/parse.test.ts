import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse, consumerOf } from '../../server/src/engine/promql/analyse';
import { parseDuration, parseNumber, parseQuery } from '../../server/src/engine/promql/parse';

const valid = [
  'vllm:num_requests_waiting',
  'sum(vllm:num_requests_waiting{model_name="llama", pod=~"vllm-.*"})',
  'sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[2m]))',
  'histogram_quantile(0.9, sum(rate(x_bucket[5m])) by (le))',
  'sum(rate(nv_inference_queue_duration_us[1m])) / sum(rate(nv_inference_request_success[1m]))',
  'max(vllm:kv_cache_usage_perc) > bool 0.8',
  'sum(x) or vector(0)',
  'sum({__name__=~"vllm:gpu_cache_usage_perc"})',
  'avg_over_time(x[5m] offset 1m)',
  'max_over_time(rate(x_total[1m])[10m:1m])',
  'count_values("v", x)',
  "x{a='single', b=`raw`}",
  'sum(rate(x_total[1h30m]))',
  'topk(1, x)',
  '# a comment\nsum(x)',
];

for (const q of valid) {
  test(`parse: valid: ${q.replace(/\n/g, ' ')}`, () => {
    const r = parseQuery(q);
    assert.deepEqual(r.problems, []);
    assert.ok(r.expr);
  });
}

/** A problem case: the query, the exact problem text `q.slice(from, to)` and part of the message. */
const invalid: Array<{ q: string; at: string; message: RegExp }> = [
  { q: 'sum(rate(x[5m])', at: '(', message: /never closed/ },
  { q: 'foo(x)', at: 'foo', message: /not a PromQL function/ },
  { q: 'sum(x) by le', at: 'le', message: /labels in parentheses/ },
  { q: 'rate(x)', at: 'x', message: /range vector.*rate\(x\[2m\]\)/ },
  { q: 'rate(x)[5m]', at: '[5m]', message: /subquery/ },
  { q: 'sum(x[5m])', at: 'x[5m]', message: /aggregates an instant vector/ },
  { q: 'x{a="b}', at: '"', message: /never closed/ },
  { q: 'x +', at: '+', message: /ends too early/ },
  { q: 'histogram_quantile(0.9 sum(x))', at: 'sum', message: /missing before it/ },
  { q: 'clamp_min(x)', at: 'clamp_min(x)', message: /takes 2 arguments, got 1/ },
  { q: '{}', at: '{}', message: /metric name or at least one matcher/ },
  { q: '{a=~".*"}', at: '{a=~".*"}', message: /metric name or at least one matcher/ },
  { q: '1 > 2', at: '>', message: /needs `bool`/ },
  { q: 'x and 1', at: 'and', message: /between two instant vectors/ },
  { q: 'topk(x, y)', at: 'x', message: /must be a scalar/ },
  { q: '', at: '', message: /empty/ },
];

for (const c of invalid) {
  test(`parse: problem: ${c.q || '(empty)'}`, () => {
    const r = parseQuery(c.q);
    assert.ok(r.problems.length > 0, 'no problem reported');
    const p = r.problems[0];
    assert.equal(c.q.slice(p.from, p.to), c.at);
    assert.match(p.message, c.message);
  });
}

test('parse: bad input never throws', () => {
  for (const q of ['((((', '}}}', '"', 'sum by', '[5m]', 'x[', 'x offset', '@', '\u0000', 'a'.repeat(5000), '{'.repeat(200)]) {
    assert.doesNotThrow(() => parseQuery(q));
  }
});

test('parse: a query nested past the stack says so, in words about the query', () => {
  const r = parseQuery(`${'('.repeat(20000)}up${')'.repeat(20000)}`);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0].message, /nests too deeply/);
  assert.doesNotMatch(r.problems[0].message, /call stack/i);
});

test('parse: selectors carry names, matchers and spans', () => {
  const q = 'sum(vllm:num_requests_waiting{model_name="llama"}) / sum({__name__="vllm:num_requests_running", pod!="x"})';
  const a = analyse(parseQuery(q))!;
  const [first, second] = a.selectors;
  assert.equal(first.sel.name, 'vllm:num_requests_waiting');
  assert.equal(q.slice(first.sel.nameSpan!.from, first.sel.nameSpan!.to), 'vllm:num_requests_waiting');
  assert.deepEqual(first.sel.matchers.map((m) => [m.label, m.op, m.value]), [['model_name', '=', 'llama']]);
  assert.equal(q.slice(first.sel.matchers[0].valueSpan.from, first.sel.matchers[0].valueSpan.to), '"llama"');
  assert.equal(second.sel.name, 'vllm:num_requests_running');
  assert.ok(second.sel.nameFromMatcher);
  assert.equal(q.slice(second.sel.nameSpan!.from, second.sel.nameSpan!.to), 'vllm:num_requests_running');
});

test('analyse: functions and aggregations with their grouping', () => {
  const q = 'histogram_quantile(0.9, sum by (le, model_name) (rate(x_bucket[2m]))) / max without (pod) (y)';
  const a = analyse(parseQuery(q))!;
  assert.deepEqual(a.functions.map((f) => [f.name, q.slice(f.span.from, f.span.to)]), [['histogram_quantile', 'histogram_quantile'], ['rate', 'rate']]);
  assert.deepEqual(a.aggregations.map((g) => [g.name, g.grouping?.without, g.grouping?.labels]), [['sum', false, ['le', 'model_name']], ['max', true, ['pod']]]);
});

test('parse: range vectors, consumers and durations', () => {
  const a = analyse(parseQuery('sum(rate(x_total[90s])) + y'))!;
  assert.equal(a.selectors[0].range?.ms, 90_000);
  assert.deepEqual(consumerOf(a.selectors[0]), { kind: 'call', name: 'rate' });
  assert.equal(consumerOf(a.selectors[1]), undefined);
});

const cardinality: Array<{ q: string; single: boolean; cause?: string }> = [
  { q: 'vllm:num_requests_waiting', single: false, cause: 'vllm:num_requests_waiting' },
  { q: 'sum(vllm:num_requests_waiting)', single: true },
  { q: 'sum by (model_name) (vllm:num_requests_waiting)', single: false, cause: 'by (model_name)' },
  { q: 'sum by (model_name) (vllm:num_requests_waiting{model_name="m"})', single: true },
  { q: 'sum(x) by (pod)', single: false, cause: 'by (pod)' },
  { q: 'sum without (pod) (x)', single: false, cause: 'without (pod)' },
  { q: 'histogram_quantile(0.9, sum by (le) (rate(x_bucket[2m])))', single: true },
  { q: 'histogram_quantile(0.9, sum by (le, pod) (rate(x_bucket[2m])))', single: false, cause: 'by (le, pod)' },
  { q: 'histogram_quantile(0.9, rate(x_bucket[2m]))', single: false, cause: 'x_bucket' },
  { q: 'sum(a) / sum(b)', single: true },
  { q: 'a / sum(b)', single: true },
  { q: 'a / b', single: false, cause: 'a' },
  { q: 'max(x) > 3', single: true },
  { q: 'sum(x) or vector(0)', single: true },
  { q: 'x or vector(0)', single: false, cause: 'x' },
  { q: 'topk(1, x)', single: true },
  { q: 'topk(3, x)', single: false, cause: '3' },
  { q: 'count_values("v", x)', single: false },
  { q: 'scalar(x)', single: true },
  { q: '42', single: true },
  { q: 'rate(x_total[2m])', single: false, cause: 'x_total' },
  { q: '(sum(x))', single: true },
  { q: 'avg(x) * on() group_left x', single: true },
  { q: 'x * on() group_left avg(x)', single: false, cause: 'x' },
];

for (const c of cardinality) {
  test(`analyse: ${c.single ? 'one series' : 'many series'}: ${c.q}`, () => {
    const a = analyse(parseQuery(c.q))!;
    assert.equal(a.single, c.single);
    if (c.cause) {
      const span = a.cardinality.cause!.span;
      assert.equal(c.q.slice(span.from, span.to), c.cause);
    }
  });
}

test('parseDuration and parseNumber', () => {
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('90'), 90_000);
  assert.equal(parseDuration('5x'), undefined);
  assert.equal(parseNumber('0x1F'), 31);
  assert.equal(parseNumber('1_000'), 1000);
  assert.equal(parseNumber('-Inf'), -Infinity);
  assert.ok(Number.isNaN(parseNumber('NaN')!));
  assert.equal(parseNumber('2m'), 120);
});
