import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompletionItem, TextEdit } from 'vscode-languageserver-types';
import { doComplete, doHover, parseFile, toOffset, WorkspaceIndex } from '../../server/src/engine';
import { promqlCompletions, promqlCompletionsAt, promqlHover, promqlHoverAt } from '../../server/src/engine/promql/assist';
import { cursorContext } from '../../server/src/engine/services/cursor';
import { cursor } from '../support/cursor';

const TARGET = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: llama-vllm
spec:
  template:
    spec:
      containers:
      - name: vllm
        image: vllm/vllm-openai:v0.11.0
        args: ["--model", "meta-llama/Llama-3.1-8B-Instruct", "--served-model-name", "llama"]
        resources:
          limits:
            nvidia.com/gpu: 1
`;

/** so wraps a `query:` value (with `|` marking the cursor) in a ScaledObject that targets the vLLM Deployment. */
function so(query: string): string {
  return `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: s
spec:
  scaleTargetRef:
    name: llama-vllm
  triggers:
  - type: prometheus
    metadata:
      serverAddress: http://prometheus:9090
      query: ${query}
      threshold: "5"
`;
}

/** at parses a document with its last `|` marking the cursor and returns the file, the offset and a workspace with the target. */
function at(src: string) {
  const { text, offset } = cursor(src, { last: true });
  const ws = new WorkspaceIndex();
  ws.update(parseFile('file:///target.yaml', TARGET));
  const file = parseFile('file:///t.yaml', text);
  ws.update(file);
  return { file, offset, ws, text };
}

/** apply applies a completion item's edit and returns the new text. */
function apply(text: string, file: ReturnType<typeof parseFile>, item: CompletionItem): string {
  const e = item.textEdit as TextEdit;
  return text.slice(0, toOffset(file, e.range.start)) + e.newText + text.slice(toOffset(file, e.range.end));
}

const cases: Array<{ name: string; src: string; pick: string; result?: string; first?: string; absent?: string }> = [
  { name: 'metric name in a plain query', src: so('sum(vllm:num_req|)'), pick: 'vllm:num_requests_waiting', result: so('sum(vllm:num_requests_waiting)') },
  { name: "the target engine's metrics rank first", src: so('sum(|)'), pick: 'vllm:num_requests_waiting', first: 'vllm:' },
  { name: 'histograms are offered as their series', src: so('vllm:time_to_first|'), pick: 'vllm:time_to_first_token_seconds_bucket', absent: 'vllm:time_to_first_token_seconds' },
  { name: 'functions and aggregations', src: so('histogram_q|'), pick: 'histogram_quantile', result: so('histogram_quantile($1)') },
  { name: 'label name inside braces', src: so('sum(vllm:num_requests_waiting{mo|})'), pick: 'model_name', result: so('sum(vllm:num_requests_waiting{model_name="$1"})') },
  { name: 'label name inside a double-quoted query is escaped', src: so('"sum(vllm:num_requests_waiting{|})"'), pick: 'model_name', result: so('"sum(vllm:num_requests_waiting{model_name=\\"$1\\"})"') },
  { name: 'label name in by (...)', src: so('sum by (|) (vllm:num_requests_waiting)'), pick: 'model_name', result: so('sum by (model_name) (vllm:num_requests_waiting)') },
  { name: 'le is offered for buckets', src: so('sum by (|) (rate(vllm:e2e_request_latency_seconds_bucket[2m]))'), pick: 'le' },
  { name: 'model label value from the target arguments', src: so('sum(vllm:num_requests_waiting{model_name="|"})'), pick: 'llama' },
  { name: 'inside a block scalar, on a continuation line', src: so('|\n        sum(\n          rate(vllm:generation_tok|'), pick: 'vllm:generation_tokens_total', result: so('|\n        sum(\n          rate(vllm:generation_tokens_total') },
];

for (const c of cases) {
  test(`promql completion: ${c.name}`, () => {
    const { file, offset, ws, text } = at(c.src);
    const items = promqlCompletionsAt(file, offset, ws);
    assert.ok(items, 'not recognised as a query');
    const item = items.find((i) => i.label === c.pick);
    assert.ok(item, `${c.pick} not offered`);
    if (c.result) assert.equal(apply(text, file, item), c.result);
    if (c.first) {
      const sorted = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
      assert.ok(sorted[0].label.startsWith(c.first), `first is ${sorted[0].label}`);
    }
    if (c.absent) assert.ok(!items.some((i) => i.label === c.absent), `${c.absent} offered`);
    // doComplete gives the same items.
    assert.deepEqual(doComplete(file, offset, ws).map((i) => i.label), items.map((i) => i.label));
  });
}

test('promql completion: deprecated metrics are tagged and ranked last', () => {
  const { file, offset, ws } = at(so('vllm:gpu|'));
  const items = promqlCompletionsAt(file, offset, ws)!;
  const old = items.find((i) => i.label === 'vllm:gpu_cache_usage_perc')!;
  assert.deepEqual(old.tags, [1]);
  assert.ok(old.sortText!.startsWith('3'));
});

test('promql completion: an HPA metric name', () => {
  const src = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: h
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: llama-vllm
  minReplicas: 1
  maxReplicas: 2
  metrics:
  - type: Pods
    pods:
      metric:
        name: vllm:kv|
      target:
        type: AverageValue
        averageValue: 800m
`;
  const { file, offset, ws } = at(src);
  const items = promqlCompletionsAt(file, offset, ws)!;
  assert.ok(items.some((i) => i.label === 'vllm:kv_cache_usage_perc'));
  assert.ok(!items.some((i) => i.label === 'rate'), 'functions are not names');
});

test('promql completion: outside a query there is none', () => {
  const { file, offset, ws } = at(so('sum(x)').replace('threshold: "5"', 'threshold: "|5"'));
  assert.equal(promqlCompletionsAt(file, offset, ws), undefined);
});

const hovers: Array<{ name: string; src: string; span: string; says: RegExp[] }> = [
  { name: 'a metric name', src: so('sum(vllm:num_requ|ests_waiting)'), span: 'vllm:num_requests_waiting', says: [/gauge/, /For scaling/, /model_name/] },
  { name: 'a deprecated metric', src: so('sum(vllm:gpu_cache|_usage_perc)'), span: 'vllm:gpu_cache_usage_perc', says: [/Removed/, /vllm:kv_cache_usage_perc/, /0\.12/] },
  { name: 'a bucket series', src: so('rate(vllm:e2e_request_latency_seconds_buc|ket[2m])'), span: 'vllm:e2e_request_latency_seconds_bucket', says: [/_bucket` series of this histogram/] },
  { name: 'a function', src: so('sum(ra|te(x_total[2m]))'), span: 'rate', says: [/rate\(range-vector\) → instant-vector/, /counter/] },
  { name: 'an aggregation', src: so('su|m(x)'), span: 'sum', says: [/aggregation/] },
  { name: 'a Triton counter in double quotes', src: so('"rate(nv_inference_queue_dur|ation_us{model=\\"m\\"}[1m])"'), span: 'nv_inference_queue_duration_us', says: [/counter/, /cumulative/] },
];

for (const h of hovers) {
  test(`promql hover: ${h.name}`, () => {
    const { file, offset, ws, text } = at(h.src);
    const r = promqlHoverAt(file, offset, ws);
    assert.ok(r, 'no hover');
    assert.equal(text.slice(r.start, r.end), h.span);
    for (const re of h.says) assert.match(r.markdown, re);
    assert.deepEqual(doHover(file, offset, ws), r);
  });
}

test('promql hover: a label name gives nothing from PromQL', () => {
  const { file, offset, ws } = at(so('sum(x{mod|el_name="a"})'));
  assert.equal(promqlHoverAt(file, offset, ws), undefined);
});

test('promqlCompletions and promqlHover take a cursor context', () => {
  const { file, offset, ws } = at(so('sum(vllm:num_requests_wa|iting)'));
  const ctx = cursorContext(file, offset, ws)!;
  assert.ok(promqlCompletions(ctx)?.some((i) => i.label === 'vllm:num_requests_waiting'));
  assert.match(promqlHover(ctx)!.markdown, /vllm:num_requests_waiting/);
});

test('promql completion and hover never throw, at any offset of awkward queries', () => {
  const doc = [
    so('"sum(x{a=\\"b\\"}[5m]) \\u00e9"'),
    so("'x{a=''b''} or'"),
    so('|\n        sum(rate(\n\n          x[5m]'),
    so('>-\n        a\n\n        {b="'),
    so('sum({{ .Values.q }})'),
    so('"unterminated'),
  ].join('---\n');
  const ws = new WorkspaceIndex();
  ws.update(parseFile('file:///target.yaml', TARGET));
  const file = parseFile('file:///t.yaml', doc);
  ws.update(file);
  for (let offset = 0; offset <= doc.length; offset++) {
    assert.doesNotThrow(() => promqlCompletionsAt(file, offset, ws), `completion at ${offset}`);
    assert.doesNotThrow(() => promqlHoverAt(file, offset, ws), `hover at ${offset}`);
  }
});
