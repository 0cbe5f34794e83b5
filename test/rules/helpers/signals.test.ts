import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFile, WorkspaceIndex } from '../../../server/src/engine';
import type { K8sObject } from '../../../server/src/engine/model';
import { autoscalerView, templateInside } from '../../../server/src/engine/rules/helpers/autoscaler';
import { effectiveBehavior, reachableWithin } from '../../../server/src/engine/rules/helpers/behavior';
import { aggregatesPerPod, queueSignal, signalReadsOnlyPods } from '../../../server/src/engine/rules/helpers/metrics';
import { mayProvideAccelerators, poolAdmits } from '../../../server/src/engine/rules/helpers/nodepools';

function objects(text: string): { ws: WorkspaceIndex; objs: K8sObject[] } {
  const ws = new WorkspaceIndex();
  const objs = ws.update(parseFile('file:///w/a.yaml', text));
  return { ws, objs };
}

function scaledObject(triggers: string): K8sObject {
  return objects(`apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: s\nspec:\n  scaleTargetRef:\n    name: t\n  triggers:\n${triggers}`).objs[0];
}

const podOnly: Array<{ name: string; trigger: string; want: boolean }> = [
  { name: 'vLLM queue', trigger: '  - type: prometheus\n    metadata:\n      query: sum(vllm:num_requests_waiting{model_name="x"})\n', want: true },
  { name: 'Triton and TGI together', trigger: '  - type: prometheus\n    metadata:\n      query: sum(nv_inference_pending_request_count) + sum(tgi_queue_size)\n', want: true },
  { name: 'DCGM filtered by pod', trigger: '  - type: prometheus\n    metadata:\n      query: avg(DCGM_FI_DEV_GPU_UTIL{pod=~"llama-.*"})\n', want: true },
  { name: 'DCGM for the node pool', trigger: '  - type: prometheus\n    metadata:\n      query: avg(DCGM_FI_DEV_GPU_UTIL{Hostname="n1"})\n', want: false },
  { name: 'engine queue plus gateway rate', trigger: '  - type: prometheus\n    metadata:\n      query: sum(vllm:num_requests_waiting) + sum(rate(envoy_cluster_upstream_rq_total[1m]))\n', want: false },
  { name: 'llm-d endpoint picker queue (the gateway)', trigger: '  - type: prometheus\n    metadata:\n      query: sum(llm_d_epp_flow_control_queue_size)\n', want: false },
  { name: 'a query that does not parse', trigger: '  - type: prometheus\n    metadata:\n      query: sum(vllm:num_requests_waiting\n', want: false },
  { name: 'cpu', trigger: '  - type: cpu\n    metadata:\n      value: "50"\n', want: true },
  { name: 'a message queue', trigger: '  - type: rabbitmq\n    metadata:\n      queueName: q\n', want: false },
];
for (const c of podOnly) {
  test(`signalReadsOnlyPods: ${c.name}`, () => {
    const view = autoscalerView(scaledObject(c.trigger))!;
    assert.equal(view.signals.every(signalReadsOnlyPods), c.want);
  });
}

const queues: Array<{ name: string; trigger: string; want: string | undefined }> = [
  { name: 'vLLM waiting', trigger: '  - type: prometheus\n    metadata:\n      query: sum(vllm:num_requests_waiting)\n', want: 'vllm:num_requests_waiting' },
  { name: 'TRT-LLM waiting requests', trigger: '  - type: prometheus\n    metadata:\n      query: sum(nv_trt_llm_request_metrics{request_type="waiting"})\n', want: 'nv_trt_llm_request_metrics' },
  { name: 'running requests are not a queue', trigger: '  - type: prometheus\n    metadata:\n      query: sum(vllm:num_requests_running)\n', want: undefined },
  { name: 'a broker backlog', trigger: '  - type: aws-sqs-queue\n    metadata:\n      queueURL: q\n', want: 'the aws-sqs-queue backlog' },
];
for (const c of queues) {
  test(`queueSignal: ${c.name}`, () => {
    assert.equal(queueSignal(autoscalerView(scaledObject(c.trigger))!.signals[0]), c.want);
  });
}

const perPod: Array<[string, boolean]> = [
  ['avg(vllm:num_requests_waiting)', true],
  ['(max by (model_name) (vllm:num_requests_waiting))', true],
  ['sum(vllm:num_requests_waiting)', false],
  ['vllm:num_requests_waiting', false],
  ['sum(vllm:num_requests_waiting) / count(up)', false],
];
for (const [q, want] of perPod) {
  test(`aggregatesPerPod: ${q}`, () => assert.equal(aggregatesPerPod(q), want));
}

function hpa(behavior: string, min = 1, max = 20): K8sObject {
  return objects(`apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: t\n  minReplicas: ${min}\n  maxReplicas: ${max}\n${behavior}`).objs[0];
}

const growth: Array<{ name: string; behavior: string; seconds: number; want: number }> = [
  // Legacy path: max(2x, 4) per 15 s sync: 1 -> 4 -> 8 -> 16 -> 20.
  { name: 'legacy path', behavior: '', seconds: 60, want: 20 },
  { name: 'legacy path, one sync', behavior: '', seconds: 15, want: 4 },
  // API defaults: max(+4 pods, +100 %) per 15 s: 1 -> 5 -> 10 (an event exactly one period old no longer counts).
  { name: 'behavior with default scale-up', behavior: 'behavior:\n  scaleDown:\n    stabilizationWindowSeconds: 600\n', seconds: 30, want: 10 },
  { name: 'one doubling per 600 s', behavior: 'behavior:\n  scaleUp:\n    policies:\n    - type: Percent\n      value: 100\n      periodSeconds: 600\n', seconds: 600, want: 2 },
  { name: 'two pods per minute', behavior: 'behavior:\n  scaleUp:\n    policies:\n    - type: Pods\n      value: 2\n      periodSeconds: 60\n', seconds: 300, want: 11 },
  { name: 'scale-up disabled', behavior: 'behavior:\n  scaleUp:\n    selectPolicy: Disabled\n', seconds: 900, want: 1 },
];
for (const c of growth) {
  test(`reachableWithin: ${c.name}`, () => {
    const obj = hpa(c.behavior.replace(/^/gm, '  ').replace(/^ {2}$/gm, ''));
    const b = effectiveBehavior(obj, new WorkspaceIndex())!;
    assert.equal(reachableWithin(b, 1, c.seconds), c.want);
  });
}

const pool = `apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: gpu
spec:
  template:
    metadata:
      labels:
        team: ml
    spec:
      requirements:
      - key: karpenter.k8s.aws/instance-family
        operator: In
        values: ["p5", "p4d"]
      taints:
      - key: nvidia.com/gpu
        effect: NoSchedule
  limits:
    nvidia.com/gpu: 16
`;

function deployment(podSpec: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n${podSpec.replace(/^/gm, '      ')}\n      containers:\n      - name: c\n        resources:\n          limits:\n            nvidia.com/gpu: 1\n`;
}

const admits: Array<{ name: string; pod: string; want: boolean }> = [
  { name: 'tolerates the taint', pod: 'tolerations:\n- key: nvidia.com/gpu\n  operator: Exists', want: true },
  { name: 'does not tolerate the taint', pod: 'nodeSelector:\n  team: ml', want: false },
  { name: 'selects a family the pool offers', pod: 'nodeSelector:\n  karpenter.k8s.aws/instance-family: p5\ntolerations:\n- operator: Exists', want: true },
  { name: 'selects a family the pool excludes', pod: 'nodeSelector:\n  karpenter.k8s.aws/instance-family: g6\ntolerations:\n- operator: Exists', want: false },
  { name: 'selects a label the pool sets', pod: 'nodeSelector:\n  team: ml\ntolerations:\n- operator: Exists', want: true },
  { name: 'selects a label the pool cannot set', pod: 'nodeSelector:\n  team: web\ntolerations:\n- operator: Exists', want: false },
  { name: 'selects the pool by name', pod: 'nodeSelector:\n  karpenter.sh/nodepool: other\ntolerations:\n- operator: Exists', want: false },
];
for (const c of admits) {
  test(`poolAdmits: ${c.name}`, () => {
    const { ws, objs } = objects(`${pool}---\n${deployment(c.pod)}`);
    assert.equal(poolAdmits(objs[0], ws.workload(objs[1])!), c.want);
  });
}

test('mayProvideAccelerators: a pool limited to CPU instance categories cannot', () => {
  const cpu = objects(pool.replace('karpenter.k8s.aws/instance-family', 'karpenter.k8s.aws/instance-category').replace('["p5", "p4d"]', '["c", "m"]')).objs[0];
  assert.equal(mayProvideAccelerators(cpu), false);
  assert.equal(mayProvideAccelerators(objects(pool).objs[0]), true);
});

const templated: Array<{ name: string; text: string; want: boolean }> = [
  { name: 'a Helm block that can render keys', text: 'spec:\n  containers:\n  - name: c\n    {{- toYaml .Values.probes | nindent 4 }}\n', want: true },
  { name: 'an inline value placeholder', text: 'spec:\n  containers:\n  - name: c\n    image: {{ .Values.image }}\n', want: false },
  { name: 'an envsubst placeholder', text: 'spec:\n  containers:\n  - name: c\n    image: ${IMAGE}\n', want: false },
  { name: 'no template', text: 'spec:\n  containers:\n  - name: c\n', want: false },
];
for (const c of templated) {
  test(`templateInside: ${c.name}`, () => {
    const obj = objects(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n${c.text}`).objs[0];
    assert.equal(templateInside(obj, ['spec', 'containers', 0, 'startupProbe']), c.want);
  });
}
