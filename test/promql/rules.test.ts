import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits, defaultSettings, doValidation, parseFile, WorkspaceIndex, type Finding } from '../../server/src/engine';

/** so writes a ScaledObject with one prometheus trigger around a YAML `query:` value (written as is). */
function so(query: string, extra = '', target = 'llama-vllm'): string {
  return `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: s
spec:
  scaleTargetRef:
    name: ${target}
  minReplicaCount: 1
  maxReplicaCount: 4
  triggers:
  - type: prometheus
    metadata:
      serverAddress: http://prometheus:9090
      query: ${query}
      threshold: "5"
${extra}`;
}

function deployment(name: string, image: string, resource = 'nvidia.com/gpu'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
      - name: c
        image: ${image}
        resources:
          limits:
            ${resource}: 1
`;
}

/** lint returns the findings of one rule for a document, with optional other files in the workspace. */
function lint(rule: string, text: string, others: string[] = []): { findings: Finding[]; text: string } {
  const ws = new WorkspaceIndex();
  others.forEach((t, i) => ws.update(parseFile(`file:///other${i}.yaml`, t)));
  const file = parseFile('file:///t.yaml', text);
  ws.update(file);
  const all = doValidation(file, ws, defaultSettings);
  assert.deepEqual(all.filter((f) => f.code === 'internal-error').map((f) => f.message), []);
  return { findings: all.filter((f) => f.code === rule), text };
}

/** fixed applies the first fix of every finding. */
function fixed(r: { findings: Finding[]; text: string }): string {
  return applyEdits(r.text, r.findings.flatMap((f) => f.fixes?.[0]?.edits ?? []));
}

/** spanOf is the text a finding covers. */
function spanOf(r: { findings: Finding[]; text: string }, i = 0): string {
  return r.text.slice(r.findings[i].start, r.findings[i].end);
}

interface Case {
  name: string;
  rule: string;
  doc: string;
  others?: string[];
  /** Texts of the expected findings' spans, in order. */
  spans: string[];
  /** Expected text after the first fixes, or `none` when no fix may be offered, `some` when one is but not compared. */
  after: string | 'none' | 'some';
  message?: RegExp;
}

const vllmTarget = deployment('llama-vllm', 'vllm/vllm-openai:v0.11.0');

const cases: Case[] = [
  {
    name: 'deprecated: a name in a __name__ matcher is renamed inside its string',
    rule: 'deprecated-engine-metric',
    doc: so(`'sum({__name__=~"vllm:gpu_cache_usage_perc"})'`),
    spans: ['vllm:gpu_cache_usage_perc'],
    after: so(`'sum({__name__=~"vllm:kv_cache_usage_perc"})'`),
  },
  {
    name: 'deprecated: a removed name without replacement has no fix',
    rule: 'deprecated-engine-metric',
    doc: so('sum(vllm:num_requests_swapped)'),
    spans: ['vllm:num_requests_swapped'],
    message: /there is no replacement\..*Scale on another signal/,
    after: 'none',
  },
  {
    name: 'deprecated: the old name on a server older than the deprecation is not reported',
    rule: 'deprecated-engine-metric',
    doc: so('sum(vllm:gpu_cache_usage_perc)'),
    others: [deployment('llama-vllm', 'vllm/vllm-openai:v0.9.1')],
    spans: [],
    after: 'none',
  },
  {
    name: 'deprecated: a name behind a Helm template is not reported',
    rule: 'deprecated-engine-metric',
    doc: so('sum({{ .Values.metric }})'),
    spans: [],
    after: 'none',
  },
  {
    name: 'deprecated: a name in a Google Managed Prometheus HPA metric',
    rule: 'deprecated-engine-metric',
    doc: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: h
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: llama-vllm
  minReplicas: 1
  maxReplicas: 3
  metrics:
  - type: Pods
    pods:
      metric:
        name: prometheus.googleapis.com|vllm:gpu_cache_usage_perc|gauge
      target:
        type: AverageValue
        averageValue: 800m
`,
    spans: ['vllm:gpu_cache_usage_perc'],
    after: 'some',
  },
  {
    name: 'counter: inside avg_over_time it is reported without a fix',
    rule: 'counter-without-rate',
    doc: so('sum(avg_over_time(vllm:prompt_tokens_total[5m]))'),
    spans: ['vllm:prompt_tokens_total'],
    message: /inside `avg_over_time`/,
    after: 'none',
  },
  {
    name: 'counter: with an offset there is no fix',
    rule: 'counter-without-rate',
    doc: so('sum(vllm:prompt_tokens_total offset 5m)'),
    spans: ['vllm:prompt_tokens_total'],
    after: 'none',
  },
  {
    name: 'counter: a *_total series outside the catalogue is not judged (exporters put the suffix on gauges too)',
    rule: 'counter-without-rate',
    doc: so('sum(starrocks_fe_connection_total)'),
    spans: [],
    after: 'none',
  },
  {
    name: 'counter: _count of a histogram is a counter',
    rule: 'counter-without-rate',
    doc: so('sum(vllm:e2e_request_latency_seconds_count)'),
    spans: ['vllm:e2e_request_latency_seconds_count'],
    after: so('sum(rate(vllm:e2e_request_latency_seconds_count[2m]))'),
  },
  {
    name: 'counter: a ServiceMonitor scraping every 30 s gives a 2m window, 10 s gives 1m',
    rule: 'counter-without-rate',
    doc: so('sum(vllm:prompt_tokens_total)'),
    others: [
      `${deployment('llama-vllm', 'vllm/vllm-openai:v0.11.0')}---
apiVersion: v1
kind: Service
metadata:
  name: llama
  labels:
    svc: llama
spec:
  selector:
    app: llama
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: llama
spec:
  selector:
    matchLabels:
      svc: llama
  endpoints:
  - port: http
    interval: 10s
`.replace('  template:\n    spec:', '  template:\n    metadata:\n      labels:\n        app: llama\n    spec:'),
    ],
    spans: ['vllm:prompt_tokens_total'],
    after: so('sum(rate(vllm:prompt_tokens_total[1m]))'),
  },
  {
    name: 'histogram: a richer query is reported without a fix',
    rule: 'histogram-without-quantile',
    doc: so('sum(rate(vllm:time_to_first_token_seconds_bucket[2m])) / 2'),
    spans: ['vllm:time_to_first_token_seconds_bucket'],
    after: 'none',
  },
  {
    name: 'histogram: an unknown _bucket series outside histogram_quantile',
    rule: 'histogram-without-quantile',
    doc: so('sum(rate(my_latency_bucket[2m]))'),
    spans: ['my_latency_bucket'],
    after: so('histogram_quantile(0.9, sum by (le) (rate(my_latency_bucket[2m])))'),
  },
  {
    name: 'histogram: one bucket picked by le is an SLO ratio, not a mistake',
    rule: 'histogram-without-quantile',
    doc: so('sum(rate(my_latency_bucket{le="0.5"}[5m])) / sum(rate(my_latency_count[5m]))'),
    spans: [],
    after: 'none',
  },
  {
    name: 'many series: a query with a PromQL comment is reported without a fix',
    rule: 'query-returns-many-series',
    doc: so('|\n        # per pod\n        vllm:num_requests_waiting'),
    spans: ['vllm:num_requests_waiting'],
    after: 'none',
  },
  {
    name: 'many series: a templated query is not judged',
    rule: 'query-returns-many-series',
    doc: so('{{ .Values.query | quote }}'),
    spans: [],
    after: 'none',
  },
  {
    name: 'many series: a folded block gets sum() around its content',
    rule: 'query-returns-many-series',
    doc: so('>-\n        max(vllm:num_requests_running)\n        by (pod)'),
    spans: ['by (pod)'],
    after: so('>-\n        sum(max(vllm:num_requests_running)\n        by (pod))'),
  },
  {
    name: 'syntax: a templated query is not checked',
    rule: 'promql-syntax',
    doc: so('sum({{ .Values.metric }}'),
    spans: [],
    after: 'none',
  },
  {
    name: 'syntax: an empty query',
    rule: 'promql-syntax',
    doc: so('""'),
    spans: ['"'],
    message: /empty/,
    after: 'none',
  },
  {
    name: 'null as zero: a templated spec may add the fallback',
    rule: 'prometheus-null-as-zero',
    doc: so('sum(vllm:num_requests_waiting)', '  {{- with .Values.fallback }}\n  fallback: {{ toYaml . | nindent 4 }}\n  {{- end }}\n'),
    spans: [],
    after: 'none',
  },
  {
    name: 'null as zero: minReplicaCount 0 gives a fallback of 1',
    rule: 'prometheus-null-as-zero',
    doc: so('sum(vllm:num_requests_waiting)').replace('minReplicaCount: 1', 'minReplicaCount: 0'),
    spans: ['prometheus'],
    message: /replicas: 1}/,
    after: 'some',
  },
  {
    name: 'model label: production-stack style filter with a templated value',
    rule: 'model-label-mismatch',
    doc: so('vllm:num_requests_waiting{model="{{ $modelSpec.name }}"}'),
    spans: ['model'],
    after: 'some',
  },
  {
    name: 'model label: SGLang carries model_name too',
    rule: 'model-label-mismatch',
    doc: so('sum(sglang:num_queue_reqs{model="qwen"})'),
    spans: ['model'],
    after: so('sum(sglang:num_queue_reqs{model_name="qwen"})'),
  },
  {
    name: 'shared GPU: without a resolvable target nothing is said',
    rule: 'per-pod-gpu-metric-on-shared-gpu',
    doc: so('avg(DCGM_FI_DEV_GPU_UTIL{pod="x"})', '', 'missing'),
    spans: [],
    after: 'none',
  },
  {
    name: 'gpu only: a templated trigger keeps the rule silent',
    rule: 'gpu-utilization-only-signal',
    doc: so('avg(DCGM_FI_DEV_GPU_UTIL{pod="{{ .Release.Name }}"})'),
    spans: [],
    after: 'none',
  },
  {
    name: 'gpu only: a non-prometheus trigger is a load signal',
    rule: 'gpu-utilization-only-signal',
    doc: so('avg(DCGM_FI_DEV_GPU_UTIL)', '  - type: rabbitmq\n    metadata:\n      queueName: jobs\n      value: "10"\n'),
    spans: [],
    after: 'none',
  },
];

for (const c of cases) {
  test(`rule ${c.name}`, () => {
    const r = lint(c.rule, c.doc, c.others ?? [vllmTarget]);
    assert.deepEqual(r.findings.map((_, i) => spanOf(r, i)), c.spans);
    if (c.message) assert.match(r.findings[0].message, c.message);
    if (c.spans.length === 0) return;
    if (c.after === 'none') return assert.ok(r.findings.every((f) => f.fixes === undefined), 'unexpected fix');
    assert.ok(r.findings.every((f) => f.fixes?.length), 'no fix offered');
    if (c.after === 'some') return;
    assert.equal(fixed(r), c.after);
    const again = lint(c.rule, c.after, c.others ?? [vllmTarget]);
    assert.deepEqual(again.findings.map((f) => f.message), [], 'the fix did not remove the finding');
  });
}

test('rules: broken and hostile queries never throw', () => {
  for (const q of ['"((((("', "'", '|\n        }}}}', '"{__name__=~\\"(\\"}"', `"${'sum('.repeat(300)}x${')'.repeat(300)}"`, '"x{a=~\\"[\\"}"', '123', '[a, b]', '{a: b}']) {
    assert.doesNotThrow(() => lint('promql-syntax', so(q)));
  }
});
