/**
 * Behaviour of the GPU-serving rules beyond their fixtures: bad input never throws, templates keep rules silent,
 * the second quick fixes (composite trigger, wake-up trigger) produce working manifests, and cross-file edits
 * name their file.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits, defaultSettings, doValidation, parseFile, WorkspaceIndex, type Finding } from '../../server/src/engine';
import { rules } from '../../server/src/engine/rules';

/** The rules of this suite (the PromQL rules have their own tests). */
const GPU_RULES = [
  'cpu-metric-on-gpu-workload', 'scale-to-zero-cannot-wake', 'scale-down-faster-than-cold-start', 'unbounded-scale-up-while-loading',
  'missing-startup-probe', 'max-replicas-exceed-gpu-capacity', 'value-metric-type-on-queue', 'replicas-set-on-autoscaled-target',
  'multiple-autoscalers-on-target', 'scale-target-not-found', 'min-exceeds-max', 'idle-replica-count-invalid',
  'activation-ignored-with-min-replicas', 'fallback-invalid', 'duplicate-trigger-name', 'cpu-trigger-without-requests',
  'karpenter-consolidation-evicts-serving', 'kserve-keda-needs-standard-mode', 'kserve-cpu-autoscaling-on-gpu',
  'aibrix-fraction-target-unreachable',
];

function lint(files: Record<string, string>, main: string): { findings: Finding[]; text: string } {
  const ws = new WorkspaceIndex();
  const parsed = Object.entries(files).map(([name, text]) => parseFile(`file:///w/${name}`, text));
  for (const f of parsed) ws.update(f);
  const file = parsed.find((f) => f.uri === `file:///w/${main}`)!;
  return { findings: doValidation(file, ws, defaultSettings), text: file.text };
}

const VLLM = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: llama
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: vllm
        image: vllm/vllm-openai:v0.11.0
        resources:
          limits:
            nvidia.com/gpu: 1
`;

test('every rule of this suite is registered', () => {
  const ids = new Set(rules.map((r) => r.id));
  assert.deepEqual(GPU_RULES.filter((id) => !ids.has(id)), []);
});

const badInputs: Array<{ name: string; text: string }> = [
  { name: 'spec is a number', text: 'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: a}\nspec: 5\n' },
  { name: 'triggers is a map', text: 'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: a}\nspec:\n  scaleTargetRef: {name: llama}\n  triggers: {type: cpu}\n' },
  { name: 'trigger items are scalars', text: 'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: a}\nspec:\n  scaleTargetRef: {name: llama}\n  minReplicaCount: 0\n  fallback: 3\n  triggers: [cpu, 5, null]\n' },
  { name: 'scaleTargetRef is a list', text: 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\nspec:\n  scaleTargetRef: [Deployment, llama]\n  maxReplicas: x\n' },
  { name: 'metrics is a string, behavior a list', text: 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\nspec:\n  scaleTargetRef: {kind: Deployment, name: llama}\n  maxReplicas: 1e9\n  metrics: cpu\n  behavior: [1]\n' },
  { name: 'null everywhere', text: 'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\nspec:\n  scaleTargetRef:\n    name: llama\n  minReplicaCount:\n  idleReplicaCount:\n  advanced:\n    scalingModifiers:\n  triggers:\n  -\n' },
  { name: 'broken YAML', text: 'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nspec:\n  scaleTargetRef: {name: llama\n  triggers:\n  - type: [\n' },
  { name: 'a deployment with odd containers', text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: llama2}\nspec:\n  template:\n    spec:\n      containers: [1, {name: x, resources: {limits: {nvidia.com/gpu: lots}}}, {startupProbe: 3}]\n' },
  { name: 'a LeaderWorkerSet without templates', text: 'apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata: {name: lws}\nspec:\n  leaderWorkerTemplate:\n    size: many\n' },
  { name: 'an InferenceService with odd annotations', text: 'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: m\n  annotations:\n    serving.kserve.io/autoscalerClass: keda\n    serving.kserve.io/deploymentMode: [Serverless]\nspec: 3\n' },
  { name: 'an InferenceService whose annotations are a list', text: 'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  annotations: [serving.kserve.io/autoscalerClass, keda]\n' },
  { name: 'an InferenceService with an odd predictor', text: 'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: m\n  annotations: {serving.kserve.io/deploymentMode: Standard}\nspec:\n  predictor:\n    scaleMetric: [cpu]\n    autoScaling: {metrics: 5}\n    containers: {a: 1}\n    model: {resources: {limits: [nvidia.com/gpu], requests: {nvidia.com/gpu: {n: 1}}}}\n' },
  { name: 'an AIBrix PodAutoscaler with odd metric sources', text: 'apiVersion: autoscaling.aibrix.ai/v1alpha1\nkind: PodAutoscaler\nmetadata: {name: p}\nspec:\n  scaleTargetRef: {kind: Deployment, name: llama}\n  metricsSources: [5, {metricSourceType: pod, targetMetric: [gpu_cache_usage_perc]}, {targetMetric: "vllm:gpu_cache_usage_perc"}, {metricSourceType: pod, targetMetric: gpu_cache_usage_perc_x}]\n' },
  { name: 'a NodePool with odd limits', text: 'apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: p}\nspec:\n  limits: {nvidia.com/gpu: [1]}\n  template:\n    spec:\n      requirements: [{key: a}]\n      taints: 5\n' },
];
for (const c of badInputs) {
  test(`bad input does not break a rule: ${c.name}`, () => {
    const { findings } = lint({ 'target.yaml': VLLM, 'a.yaml': c.text }, 'a.yaml');
    assert.deepEqual(findings.filter((f) => f.code === 'internal-error').map((f) => f.message), []);
  });
}

const HELM_HPA = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "chart.fullname" . }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: llama
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    {{- toYaml .Values.autoscaling.metrics | nindent 4 }}
`;

const HELM_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: llama
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: 2
  {{- end }}
  template:
    spec:
      containers:
      - name: vllm
        image: vllm/vllm-openai:v0.11.0
        {{- with .Values.probes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        resources:
          limits:
            nvidia.com/gpu: 1
`;

test('templates: metrics, replicas and probes rendered by Helm do not count as missing', () => {
  const hpa = lint({ 'deployment.yaml': HELM_DEPLOYMENT, 'hpa.yaml': HELM_HPA }, 'hpa.yaml').findings.map((f) => f.code);
  for (const code of ['cpu-metric-on-gpu-workload', 'replicas-set-on-autoscaled-target', 'min-exceeds-max']) assert.ok(!hpa.includes(code), `${code} fired on a template`);
  const deployment = lint({ 'deployment.yaml': HELM_DEPLOYMENT, 'hpa.yaml': HELM_HPA }, 'deployment.yaml').findings.map((f) => f.code);
  assert.ok(!deployment.includes('missing-startup-probe'));
});

const CPU_HPA = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: llama
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: llama
  maxReplicas: 6
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 3600
`;

test('cpu-metric-on-gpu-workload: the composite fix writes a queue-and-KV ScaledObject that the rule accepts', () => {
  const { findings, text } = lint({ 'target.yaml': VLLM, 'hpa.yaml': CPU_HPA }, 'hpa.yaml');
  const f = findings.find((x) => x.code === 'cpu-metric-on-gpu-workload');
  assert.ok(f, 'a CPU HPA without metrics on a GPU Deployment is reported');
  assert.match(f.message, /defaults to CPU utilization/);
  const composite = f.fixes?.find((x) => /KV-cache/.test(x.title));
  assert.ok(composite);
  const out = applyEdits(text, composite.edits);
  for (const want of ['kind: ScaledObject', 'minReplicaCount: 1', 'maxReplicaCount: 6', 'stabilizationWindowSeconds: 3600', 'formula: max(queue / 5, kv / 0.8)', 'name: kv', 'vllm:kv_cache_usage_perc']) {
    assert.ok(out.includes(want), `missing ${want} in\n${out}`);
  }
  const after = lint({ 'target.yaml': VLLM, 'hpa.yaml': out }, 'hpa.yaml').findings;
  assert.deepEqual(after.filter((x) => x.code === 'cpu-metric-on-gpu-workload' || x.severity === 'error').map((x) => x.message), []);
});

test('cpu-metric-on-gpu-workload: no fix for an engine ScaleLens does not know, and no finding without GPUs', () => {
  const unknown = VLLM.replace('vllm/vllm-openai:v0.11.0', 'ghcr.io/acme/server:1');
  const f = lint({ 'target.yaml': unknown, 'hpa.yaml': CPU_HPA }, 'hpa.yaml').findings.find((x) => x.code === 'cpu-metric-on-gpu-workload');
  assert.ok(f);
  assert.equal(f.fixes, undefined);
  const cpuOnly = VLLM.replace(/ {8}resources:\n {10}limits:\n {12}nvidia.com\/gpu: 1\n/, '');
  assert.equal(lint({ 'target.yaml': cpuOnly, 'hpa.yaml': CPU_HPA }, 'hpa.yaml').findings.filter((x) => x.code === 'cpu-metric-on-gpu-workload').length, 0);
});

const ZERO = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: llama
spec:
  scaleTargetRef:
    name: llama
  idleReplicaCount: 0
  minReplicaCount: 1
  triggers:
    - type: prometheus
      metadata:
        serverAddress: http://prometheus:9090
        query: sum(vllm:num_requests_waiting)
        threshold: "5"
`;

test('scale-to-zero-cannot-wake: idleReplicaCount 0 counts, and the wake-up fix adds a gateway trigger', () => {
  const { findings, text } = lint({ 'target.yaml': VLLM, 'so.yaml': ZERO }, 'so.yaml');
  const f = findings.find((x) => x.code === 'scale-to-zero-cannot-wake');
  assert.ok(f);
  assert.match(f.message, /idleReplicaCount is 0/);
  const [warm, wake] = f.fixes ?? [];
  assert.ok(!applyEdits(text, warm.edits).includes('idleReplicaCount'), 'keeping a warm replica removes idleReplicaCount');
  const woken = applyEdits(text, wake.edits);
  assert.match(woken, /\n {4}- type: prometheus\n {6}name: wake-up\n/);
  assert.match(woken, /query: sum\(rate\(EDIT_ME_gateway_requests_total\{service="llama"\}\[2m\]\)\) # edit:/);
  assert.deepEqual(lint({ 'target.yaml': VLLM, 'so.yaml': woken }, 'so.yaml').findings.filter((x) => x.code === 'scale-to-zero-cannot-wake'), []);
});

test('scale-to-zero-cannot-wake: an HPA with minReplicas 0 on a pod metric', () => {
  const hpa = CPU_HPA.replace('  maxReplicas: 6\n', '  minReplicas: 0\n  maxReplicas: 6\n  metrics:\n  - type: Object\n    object:\n      metric:\n        name: vllm:num_requests_waiting\n      describedObject: {apiVersion: v1, kind: Service, name: llama}\n      target: {type: AverageValue, averageValue: "5"}\n');
  const f = lint({ 'target.yaml': VLLM, 'hpa.yaml': hpa }, 'hpa.yaml').findings.find((x) => x.code === 'scale-to-zero-cannot-wake');
  assert.ok(f);
  assert.match(f.message, /minReplicas is 0/);
});

test('replicas-set-on-autoscaled-target: the fix edits the target file, or this one when the target is here', () => {
  const other = lint({ 'target.yaml': VLLM, 'hpa.yaml': CPU_HPA }, 'hpa.yaml').findings.find((x) => x.code === 'replicas-set-on-autoscaled-target');
  assert.equal(other?.fixes?.[0].edits[0].uri, 'file:///w/target.yaml');
  const same = lint({ 'both.yaml': `${VLLM}---\n${CPU_HPA}` }, 'both.yaml');
  const f = same.findings.find((x) => x.code === 'replicas-set-on-autoscaled-target');
  assert.equal(f?.fixes?.[0].edits[0].uri, undefined);
  assert.ok(!applyEdits(same.text, f!.fixes![0].edits).includes('replicas: 3'));
});

const LWS = `apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata:
  name: vllm
spec:
  leaderWorkerTemplate:
    size: 2
    leaderTemplate:
      spec:
        containers:
        - name: leader
          image: vllm/vllm-openai:v0.11.0
          resources:
            limits:
              nvidia.com/gpu: 8
    workerTemplate:
      spec:
        containers:
        - name: worker
          image: vllm/vllm-openai:v0.11.0
          resources:
            limits:
              nvidia.com/gpu: 8
`;

test('missing-startup-probe: in a LeaderWorkerSet only the serving leader needs the probe', () => {
  const found = lint({ 'lws.yaml': LWS }, 'lws.yaml').findings.filter((x) => x.code === 'missing-startup-probe');
  assert.deepEqual(found.map((f) => f.message.match(/container '(\w+)'/)?.[1]), ['leader']);
});

test('templates: an InferenceService whose annotations Helm renders gets no deployment-mode finding', () => {
  const isvc = `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llama
  annotations:
    serving.kserve.io/autoscalerClass: keda
    serving.kserve.io/deploymentMode: {{ .Values.deploymentMode }}
spec:
  predictor:
    model:
      modelFormat:
        name: huggingface
`;
  const codes = lint({ 'isvc.yaml': isvc }, 'isvc.yaml').findings.map((f) => f.code);
  assert.ok(!codes.includes('kserve-keda-needs-standard-mode'), codes.join(', '));
  // The same text with the mode written out is reported: the template alone keeps the rule silent.
  const plain = lint({ 'isvc.yaml': isvc.replace('{{ .Values.deploymentMode }}', 'Serverless') }, 'isvc.yaml').findings.map((f) => f.code);
  assert.ok(plain.includes('kserve-keda-needs-standard-mode'), plain.join(', '));
});

describe('multiple-autoscalers-on-target: what is applied together', () => {
  const hpa = (name: string) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: ${name}}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: llama}
  minReplicas: 1
  maxReplicas: 4
  metrics: [{type: Pods, pods: {metric: {name: vllm_num_requests_waiting}, target: {type: AverageValue, averageValue: "5"}}}]
`;
  const kustomization = (...resources: string[]) => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
${resources.map((r) => `- ${r}`).join('\n')}
`;
  const conflicts = (files: Record<string, string>, main = 'a.yaml') => lint({ 'deployment.yaml': VLLM, ...files }, main).findings.filter((f) => f.code === 'multiple-autoscalers-on-target');

  test('two files of one folder without a kustomization: reported, as maybe applied together', () => {
    const found = conflicts({ 'a.yaml': hpa('a'), 'b.yaml': hpa('b') });
    assert.equal(found.length, 1);
    assert.match(found[0].message, /in this folder: applied together/);
  });

  test('a kustomization that lists both files: reported, as applied together', () => {
    for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
      const found = conflicts({ 'a.yaml': hpa('a'), 'b.yaml': hpa('b'), [name]: kustomization('deployment.yaml', './a.yaml', 'b.yaml') });
      assert.equal(found.length, 1, name);
      assert.match(found[0].message, new RegExp(`listed with this file in the folder's ${name}`));
    }
  });

  test('a kustomization that leaves one file out: the two are alternatives, nothing is reported', () => {
    const files = { 'a.yaml': hpa('a'), 'b.yaml': hpa('b'), 'kustomization.yaml': kustomization('deployment.yaml', 'a.yaml') };
    assert.deepEqual(conflicts(files, 'a.yaml'), []);
    assert.deepEqual(conflicts(files, 'b.yaml'), []);
  });

  test('a kustomization that lists no file of its own says nothing of the files beside it', () => {
    const found = conflicts({ 'a.yaml': hpa('a'), 'b.yaml': hpa('b'), 'kustomization.yaml': kustomization('../base', 'https://example.com/x') });
    assert.equal(found.length, 1);
    assert.match(found[0].message, /in this folder: applied together/);
  });

  test('two autoscalers in one file are reported whatever the kustomization lists', () => {
    const found = conflicts({ 'a.yaml': `${hpa('a')}---\n${hpa('b')}`, 'kustomization.yaml': kustomization('deployment.yaml') });
    assert.equal(found.length, 2);
  });

  test('a file name the URI escapes is matched as the kustomization spells it', () => {
    const files = { 'a%20one.yaml': hpa('a'), 'b.yaml': hpa('b'), 'kustomization.yaml': kustomization('a one.yaml', 'b.yaml') };
    assert.equal(conflicts(files, 'a%20one.yaml').length, 1);
  });
});
