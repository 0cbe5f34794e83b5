// The benchmark's inputs: the bundled examples (or, until they exist, manifest fixtures) plus a generated
// 2,000-line multi-document file, copied flat into one folder because the LSP harness reads one folder.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** GENERATED_LINES is the exact line count of the generated file. */
export const GENERATED_LINES = 2000;

/** GENERATED_NAME is the file name of the generated input inside the corpus folder. */
export const GENERATED_NAME = 'generated-2000-lines.yaml';

/** Fixtures are a stand-in for examples; more than this many would make each LSP run minutes long. */
const MAX_FIXTURES = 16;

const MANIFEST = /^apiVersion:\s*\S/m;
const KIND = /^kind:\s*\S/m;

function yamlFilesUnder(dir) {
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return []; }
  const out = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

function isManifest(text) {
  return MANIFEST.test(text) && KIND.test(text);
}

/** evenly keeps at most n items spread over the list, so a cap does not favour one rule's fixtures. */
function evenly(items, n) {
  if (items.length <= n) return items;
  const picked = new Set();
  for (let i = 0; i < n; i++) picked.add(Math.round((i * (items.length - 1)) / (n - 1)));
  return items.filter((_, i) => picked.has(i));
}

/**
 * collectInputs lists the project files the benchmark opens: every manifest under `examples/`, or, while that
 * folder holds none, up to 16 manifest files of `test/fixtures/`.
 */
export function collectInputs(root) {
  const read = (p) => ({ path: p, rel: relative(root, p), text: readFileSync(p, 'utf8') });
  const examples = yamlFilesUnder(join(root, 'examples')).map(read).filter((f) => isManifest(f.text));
  if (examples.length) return { source: 'examples', files: examples };
  const fixtures = yamlFilesUnder(join(root, 'test', 'fixtures')).map(read).filter((f) => isManifest(f.text));
  return { source: fixtures.length ? 'test/fixtures' : 'none', files: evenly(fixtures, MAX_FIXTURES) };
}

/** lineCount counts lines as `wc -l` does, plus a last line without a newline. */
export function lineCount(text) {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.length && !text.endsWith('\n') ? n + 1 : n;
}

/** flatName turns `examples/vllm/keda.yaml` into `examples--vllm--keda.yaml`. */
function flatName(rel) {
  return rel.split(sep).join('--');
}

/**
 * writeCorpus fills `dir` (emptied first) with the inputs and the generated file, and describes each file.
 */
export function writeCorpus(root, dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { source, files } = collectInputs(root);
  const described = [];
  for (const f of files) {
    const name = flatName(f.rel);
    writeFileSync(join(dir, name), f.text);
    described.push({ name, from: f.rel, lines: lineCount(f.text), bytes: Buffer.byteLength(f.text) });
  }
  const generated = generateManifests();
  writeFileSync(join(dir, GENERATED_NAME), generated);
  described.push({ name: GENERATED_NAME, from: 'generated', lines: lineCount(generated), bytes: Buffer.byteLength(generated) });
  return { source, dir, files: described.sort((a, b) => a.name.localeCompare(b.name)) };
}

// ---------------------------------------------------------------- the generated file

const ENGINES = [
  {
    engine: 'vllm', image: 'vllm/vllm-openai:v0.10.1', port: 8000, health: '/health',
    args: (m) => ['--model', m.id, '--tensor-parallel-size', String(m.gpus), '--max-model-len', '8192', '--gpu-memory-utilization', '0.92', '--port', '8000'],
    query: (ns, m) => `sum(vllm:num_requests_waiting{namespace="${ns}",model_name="${m.id}"})`,
    pods: 'vllm:num_requests_waiting', target: 4,
  },
  {
    engine: 'tgi', image: 'ghcr.io/huggingface/text-generation-inference:3.3.4', port: 80, health: '/health',
    args: (m) => ['--model-id', m.id, '--num-shard', String(m.gpus), '--max-input-tokens', '4096', '--max-total-tokens', '8192'],
    query: (ns, _m, name) => `sum(tgi_queue_size{namespace="${ns}",pod=~"${name}-.*"})`,
    pods: 'tgi_queue_size', target: 6,
  },
  {
    engine: 'triton', image: 'nvcr.io/nvidia/tritonserver:25.06-trtllm-python-py3', port: 8000, health: '/v2/health/ready',
    args: () => ['tritonserver', '--model-repository=/models', '--http-port=8000', '--metrics-port=8002'],
    query: (ns, m) => `sum(nv_inference_pending_request_count{namespace="${ns}",model="${m.short}"})`,
    pods: 'nv_inference_pending_request_count', target: 8,
  },
  {
    engine: 'sglang', image: 'lmsysorg/sglang:v0.4.9.post6-cu126', port: 30000, health: '/health',
    args: (m) => ['python3', '-m', 'sglang.launch_server', '--model-path', m.id, '--tp', String(m.gpus), '--port', '30000', '--host', '0.0.0.0'],
    query: (ns, m, name) => `sum(sglang:num_queue_reqs{namespace="${ns}",pod=~"${name}-.*"})`,
    pods: 'sglang:num_queue_reqs', target: 5,
  },
];

const MODELS = [
  { id: 'meta-llama/Llama-3.1-8B-Instruct', short: 'llama-3-1-8b', gpus: 1, gpu: 'nvidia-l4', memory: '48Gi', cpu: '8' },
  { id: 'mistralai/Mistral-7B-Instruct-v0.3', short: 'mistral-7b', gpus: 1, gpu: 'nvidia-l4', memory: '40Gi', cpu: '8' },
  { id: 'Qwen/Qwen2.5-32B-Instruct', short: 'qwen2-5-32b', gpus: 2, gpu: 'nvidia-a100-80gb', memory: '160Gi', cpu: '16' },
  { id: 'meta-llama/Llama-3.1-70B-Instruct', short: 'llama-3-1-70b', gpus: 4, gpu: 'nvidia-h100-80gb', memory: '320Gi', cpu: '32' },
];

const NAMESPACES = ['inference', 'llm-serving', 'ml-platform'];

/**
 * The problems planted in some groups, so both servers have something to report. Each is realistic: an
 * unknown field, a quoted number, min above max, a CPU metric for a GPU pod, a removed KEDA key, a replica
 * count fighting the autoscaler, a deprecated vLLM metric.
 */
// Even groups get a ScaledObject and odd groups an HPA (see `group`), so each plant sits on a group of its kind;
// group 12 is a vLLM group, as the deprecated metric is a vLLM one.
const PLANTS = {
  3: 'cpu-hpa', 4: 'typo-field', 7: 'min-above-max', 8: 'quoted-number', 10: 'metric-name-key', 12: 'deprecated-metric', 13: 'fixed-replicas',
};

// Every HPA's behavior starts from the HPA policy snippet that completion offers (its data file, shared with the
// engine), so the benchmark reads the recommended policy users are given, with the additions made below.
const SNIPPETS = JSON.parse(readFileSync(new URL('../../server/src/engine/services/snippets.json', import.meta.url), 'utf8'));

/**
 * snippetBlock returns a key's block (its line and every line indented deeper) from the snippet of a kind, with
 * each placeholder (`${1:default}`) replaced by its default.
 */
function snippetBlock(kind, key) {
  const body = SNIPPETS.find((s) => s.body.includes(`kind: ${kind}`)).body.map((l) => l.replace(/\$\{\d+:([^}]*)\}/g, '$1'));
  const start = body.findIndex((l) => l.trim() === `${key}:`);
  const indent = body[start].search(/\S/);
  let end = start + 1;
  while (end < body.length && body[end].search(/\S/) > indent) end++;
  return body.slice(start, end);
}

const HPA_BEHAVIOR = snippetBlock('HorizontalPodAutoscaler', 'behavior');

/** objectHead opens a manifest of a group: API version, kind, and the group's name and namespace. */
function objectHead(apiVersion, kind, { name, ns }) {
  return [`apiVersion: ${apiVersion}`, `kind: ${kind}`, 'metadata:', `  name: ${name}`, `  namespace: ${ns}`];
}

/** autoscalerHead opens an autoscaler of a group, down to the Deployment it scales. */
function autoscalerHead(apiVersion, kind, g) {
  return [...objectHead(apiVersion, kind, g), 'spec:', '  scaleTargetRef:', '    apiVersion: apps/v1', '    kind: Deployment', `    name: ${g.name}`];
}

function list(indent, items) {
  return items.map((a) => `${indent}- ${JSON.stringify(a)}`);
}

function deployment(g) {
  const { name, e, m, plant } = g;
  return [
    ...objectHead('apps/v1', 'Deployment', g),
    '  labels:',
    `    app.kubernetes.io/name: ${name}`,
    `    app.kubernetes.io/component: ${e.engine}`,
    'spec:',
    ...(plant === 'fixed-replicas' ? ['  replicas: 2'] : []),
    '  selector:',
    '    matchLabels:',
    `      app.kubernetes.io/name: ${name}`,
    '  strategy:',
    '    type: RollingUpdate',
    '    rollingUpdate:',
    '      maxSurge: 1',
    '      maxUnavailable: 0',
    '  template:',
    '    metadata:',
    '      labels:',
    `        app.kubernetes.io/name: ${name}`,
    '      annotations:',
    '        prometheus.io/scrape: "true"',
    `        prometheus.io/port: "${e.engine === 'triton' ? 8002 : e.port}"`,
    '    spec:',
    '      terminationGracePeriodSeconds: 120',
    '      nodeSelector:',
    `        cloud.google.com/gke-accelerator: ${m.gpu}`,
    '      tolerations:',
    '        - key: nvidia.com/gpu',
    '          operator: Exists',
    '          effect: NoSchedule',
    '      containers:',
    `        - name: ${e.engine}`,
    `          image: ${e.image}`,
    '          args:',
    ...list('            ', e.args(m)),
    '          ports:',
    '            - name: http',
    `              containerPort: ${e.port}`,
    '          env:',
    '            - name: HF_TOKEN',
    '              valueFrom:',
    '                secretKeyRef:',
    '                  name: hf-token',
    '                  key: token',
    '          resources:',
    '            requests:',
    `              cpu: "${m.cpu}"`,
    `              memory: ${m.memory}`,
    `              nvidia.com/gpu: "${m.gpus}"`,
    '            limits:',
    `              memory: ${m.memory}`,
    `              nvidia.com/gpu: "${m.gpus}"`,
    '          startupProbe:',
    '            httpGet:',
    `              path: ${e.health}`,
    '              port: http',
    '            periodSeconds: 10',
    `            failureThreshold: ${m.gpus >= 4 ? 120 : 60}`,
    '          readinessProbe:',
    '            httpGet:',
    `              path: ${e.health}`,
    '              port: http',
    '            periodSeconds: 5',
    '          volumeMounts:',
    '            - name: dshm',
    '              mountPath: /dev/shm',
    '      volumes:',
    '        - name: dshm',
    '          emptyDir:',
    '            medium: Memory',
    '            sizeLimit: 16Gi',
  ];
}

function service(g) {
  return [
    ...objectHead('v1', 'Service', g),
    'spec:',
    '  selector:',
    `    app.kubernetes.io/name: ${g.name}`,
    '  ports:',
    '    - name: http',
    `      port: ${g.e.port}`,
    '      targetPort: http',
  ];
}

function scaledObject(g) {
  const { name, ns, e, m, plant } = g;
  const query = plant === 'deprecated-metric'
    ? `avg(vllm:gpu_cache_usage_perc{namespace="${ns}",model_name="${m.id}"})`
    : e.query(ns, m, name);
  return [
    ...autoscalerHead('keda.sh/v1alpha1', 'ScaledObject', g),
    plant === 'typo-field' ? '  pollingIntervall: 15' : '  pollingInterval: 15',
    '  cooldownPeriod: 600',
    '  minReplicaCount: 1',
    plant === 'quoted-number' ? '  maxReplicaCount: "8"' : `  maxReplicaCount: ${m.gpus >= 4 ? 4 : 8}`,
    '  fallback:',
    '    failureThreshold: 3',
    '    replicas: 2',
    '  advanced:',
    '    horizontalPodAutoscalerConfig:',
    '      behavior:',
    '        scaleUp:',
    '          stabilizationWindowSeconds: 0',
    '          policies:',
    '            - type: Pods',
    '              value: 1',
    '              periodSeconds: 120',
    '        scaleDown:',
    '          stabilizationWindowSeconds: 900',
    '          policies:',
    '            - type: Pods',
    '              value: 1',
    '              periodSeconds: 300',
    '  triggers:',
    '    - type: prometheus',
    '      name: queue-depth',
    '      metadata:',
    '        serverAddress: http://prometheus-operated.monitoring.svc:9090',
    ...(plant === 'metric-name-key' ? ['        metricName: queue_depth'] : []),
    `        query: '${query}'`,
    `        threshold: "${plant === 'deprecated-metric' ? '0.8' : e.target}"`,
    '        ignoreNullValues: "false"',
  ];
}

function hpa(g) {
  const { e, m, plant } = g;
  const metric = plant === 'cpu-hpa'
    ? ['    - type: Resource', '      resource:', '        name: cpu', '        target:', '          type: Utilization', '          averageUtilization: 70']
    : ['    - type: Pods', '      pods:', '        metric:', `          name: ${e.pods.replace(':', '_')}`, '        target:', '          type: AverageValue', `          averageValue: "${e.target}"`];
  return [
    ...autoscalerHead('autoscaling/v2', 'HorizontalPodAutoscaler', g),
    plant === 'min-above-max' ? '  minReplicas: 4' : '  minReplicas: 1',
    `  maxReplicas: ${plant === 'min-above-max' ? 2 : m.gpus >= 4 ? 4 : 8}`,
    '  metrics:',
    ...metric,
    ...HPA_BEHAVIOR,
    '      policies:',
    '        - type: Percent',
    '          value: 25',
    '          periodSeconds: 120',
  ];
}

function group(i) {
  const e = ENGINES[i % ENGINES.length];
  const m = MODELS[Math.floor(i / ENGINES.length) % MODELS.length];
  const g = { e, m, ns: NAMESPACES[i % NAMESPACES.length], name: `${e.engine}-${m.short}-${String(i).padStart(2, '0')}`, plant: PLANTS[i] };
  const docs = [deployment(g), service(g), i % 2 === 1 ? hpa(g) : scaledObject(g)];
  return docs.map((d) => ['---', ...d].join('\n')).join('\n');
}

/** The filler closing the file: a ConfigMap of model aliases, so the file ends at exactly 2,000 lines. */
function filler(lines) {
  const head = ['---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: model-aliases', '  namespace: inference', 'data:'];
  const body = [];
  for (let k = 0; body.length < lines - head.length; k++) body.push(`  alias-${String(k).padStart(3, '0')}: ${MODELS[k % MODELS.length].id}`);
  return [...head, ...body].join('\n');
}

/**
 * generateManifests writes GPU model-serving groups (Deployment, Service, ScaledObject or HPA) until the next
 * group would pass 2,000 lines, then closes with a ConfigMap filler. Deterministic: no randomness, no clock.
 */
export function generateManifests() {
  const header = '# Generated by scripts/bench/corpus.mjs for `npm run bench`: GPU serving Deployments with KEDA and HPA autoscalers.';
  const parts = [header];
  let lines = 1;
  for (let i = 0; ; i++) {
    const g = group(i);
    const n = g.split('\n').length;
    if (lines + n > GENERATED_LINES - 8) break;
    parts.push(g);
    lines += n;
  }
  parts.push(filler(GENERATED_LINES - lines));
  return parts.join('\n') + '\n';
}
