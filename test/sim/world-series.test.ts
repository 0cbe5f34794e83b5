import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogueFor, Field, Histograms, RECORD_FIELDS, seriesNamesOf } from '../../server/src/engine/sim/emitted';
import { ScrapeStore, Up } from '../../server/src/engine/sim/series';

const labels = (pod: string) => ({ engine: { namespace: 'ns', pod, model_name: 'm' }, gpus: [{ gpu: '0', pod }, { gpu: '1', pod }], container: { namespace: 'ns', pod, container: 'vllm' } });

/** store records three scrapes of pod a (waiting = 1, 2, 3) and one of pod b that then disappears. */
function store(keep?: string[]) {
  const s = new ScrapeStore(catalogueFor('vllm'), keep, 600);
  const a = s.addTarget(labels('a'));
  const b = s.addTarget(labels('b'));
  const rec = new Float64Array(RECORD_FIELDS);
  for (const [t, w] of [[0, 1], [15, 2], [30, 3]]) {
    rec[Field.waiting] = w;
    rec[Field.gpuBusy] = 0.5;
    s.record(a, t, Up.engine | Up.gpu | Up.container, rec);
  }
  rec[Field.waiting] = 9;
  s.record(b, 0, Up.engine | Up.gpu | Up.container, rec);
  s.record(b, 15, 0, rec);
  return s;
}

test('series: select gives each pod its samples in the window, with its labels', () => {
  const got = store().select('vllm:num_requests_waiting', 30, 300);
  assert.deepEqual(got.map((s) => [s.labels.pod, s.labels.__name__, s.labels.model_name, s.samples.map((x) => x.v)]), [
    ['a', 'vllm:num_requests_waiting', 'm', [1, 2, 3]],
    ['b', 'vllm:num_requests_waiting', 'm', [9, NaN]],
  ]);
});

const windowCases: Array<{ name: string; t: number; window: number; latestOnly: boolean; expected: number[][] }> = [
  { name: 'the window cuts older samples (the staleness marker at 15 stays)', t: 30, window: 20, latestOnly: false, expected: [[2, 3], [NaN]] },
  { name: 'a pod gone before the window has no series', t: 30, window: 10, latestOnly: false, expected: [[3]] },
  { name: 'nothing after t is visible', t: 15, window: 300, latestOnly: false, expected: [[1, 2], [9, NaN]] },
  { name: 'latest only keeps the newest sample, a staleness marker included', t: 30, window: 300, latestOnly: true, expected: [[3], [NaN]] },
];
for (const c of windowCases) {
  test(`series window: ${c.name}`, () => {
    const got = store().select('vllm:num_requests_waiting', c.t, c.window, c.latestOnly);
    assert.deepEqual(got.map((s) => s.samples.map((x) => x.v)), c.expected);
  });
}

test('series: a GPU metric gives one series per GPU, scaled to a percentage', () => {
  const got = store().select('DCGM_FI_DEV_GPU_UTIL', 30, 20);
  assert.deepEqual(got.map((s) => [s.labels.pod, s.labels.gpu, s.samples.map((x) => x.v)]), [['a', '0', [50, 50]], ['a', '1', [50, 50]], ['b', '0', [NaN]], ['b', '1', [NaN]]]);
});

test('series: only kept names are stored, unknown names select nothing', () => {
  const s = store(['vllm:num_requests_waiting']);
  assert.equal(s.keeps(Field.waiting), true);
  assert.equal(s.keeps(Field.running), false);
  assert.deepEqual(s.select('vllm:num_requests_running', 30, 300), []);
  assert.deepEqual(s.select('no_such_metric', 30, 300), []);
});

test('series: a histogram expands to cumulative buckets with le labels, _sum and _count', () => {
  const names = seriesNamesOf(catalogueFor('vllm'));
  const buckets = names.get('vllm:time_to_first_token_seconds_bucket')!;
  assert.equal(buckets.length, Histograms.ttft.bounds.length + 1);
  assert.deepEqual([buckets[0].le, buckets[11].le, buckets[buckets.length - 1].le], ['0.001', '1.0', '+Inf']);
  assert.equal(names.get('vllm:time_to_first_token_seconds_sum')![0].field, Field.ttftSum);
  assert.equal(names.get('vllm:time_to_first_token_seconds_count')![0].field, Field.started);
});

const engineCases: Array<{ engine: Parameters<typeof catalogueFor>[0]; has: string[]; lacks: string[] }> = [
  { engine: 'vllm', has: ['vllm:num_requests_waiting', 'vllm:kv_cache_usage_perc', 'vllm:prompt_tokens_total', 'DCGM_FI_DEV_GPU_UTIL', 'container_cpu_usage_seconds_total'], lacks: ['vllm:gpu_cache_usage_perc', 'tgi_queue_size'] },
  { engine: 'triton', has: ['nv_inference_pending_request_count', 'nv_inference_queue_duration_us', 'nv_gpu_utilization'], lacks: ['vllm:num_requests_waiting'] },
  { engine: 'tgi', has: ['tgi_queue_size', 'tgi_batch_current_size', 'tgi_request_queue_duration_bucket'], lacks: ['tgi_time_to_first_token'] },
  { engine: 'sglang', has: ['sglang:num_queue_reqs', 'sglang:token_usage'], lacks: [] },
];
for (const c of engineCases) {
  test(`series catalogue: what ${c.engine} pods expose`, () => {
    const names = seriesNamesOf(catalogueFor(c.engine));
    for (const n of c.has) assert.ok(names.has(n), n);
    for (const n of c.lacks) assert.ok(!names.has(n), n);
  });
}
