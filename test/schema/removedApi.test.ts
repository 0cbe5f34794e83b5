/**
 * removed-autoscaling-api: findings per API version and the conversions to autoscaling/v2, compared as exact
 * text and re-linted (the rule is silent afterwards and the result passes schema validation).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits, defaultSettings, type Finding } from '../../server/src/engine';
import { lint, schemaFindings } from './helpers';

const RULE = 'removed-autoscaling-api';

function findingsOf(text: string, kubernetesVersion = defaultSettings.kubernetesVersion): Finding[] {
  return lint(text, 'file:///hpa.yaml', { ...defaultSettings, kubernetesVersion }).findings.filter((f) => f.code === RULE);
}

interface Conversion {
  name: string;
  before: string;
  after: string;
  severity: Finding['severity'];
  message: string;
  preferred: boolean;
}

const conversions: Conversion[] = [
  {
    name: 'v2beta2 changes only the apiVersion',
    before: `apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: tgi
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: tgi
  minReplicas: 1
  maxReplicas: 4
  metrics:
    - type: Pods
      pods:
        metric:
          name: tgi_queue_size
        target:
          type: AverageValue
          averageValue: "8"
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 600
`,
    after: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: tgi
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: tgi
  minReplicas: 1
  maxReplicas: 4
  metrics:
    - type: Pods
      pods:
        metric:
          name: tgi_queue_size
        target:
          type: AverageValue
          averageValue: "8"
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 600
`,
    severity: 'error',
    message: '`autoscaling/v2beta2` was removed in Kubernetes 1.26',
    preferred: true,
  },
  {
    name: 'v2beta1 moves targets and metric names into blocks, keeping comments and order',
    before: `apiVersion: "autoscaling/v2beta1"
kind: HorizontalPodAutoscaler
metadata:
  name: vllm
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: vllm
  maxReplicas: 8
  metrics:
  - type: Resource
    resource:
      name: cpu
      targetAverageUtilization: 70 # rarely useful for GPU pods
  - type: Pods
    pods:
      metricName: vllm:num_requests_running
      selector:
        matchLabels:
          model: llama
      targetAverageValue: 500m
  - type: Object
    object:
      target:
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        name: gateway
      metricName: requests_per_second
      targetValue: "100"
  - type: External
    external:
      # queue length summed over all replicas
      metricName: vllm_queue
      metricSelector: {matchLabels: {model: llama}}
      targetAverageValue: "5"
status:
  currentReplicas: 2
  desiredReplicas: 2
  currentMetrics:
  - type: Resource
    resource:
      name: cpu
      currentAverageUtilization: 12
      currentAverageValue: 120m
  - type: External
    external:
      metricName: vllm_queue
      currentValue: "3"
`,
    after: `apiVersion: "autoscaling/v2"
kind: HorizontalPodAutoscaler
metadata:
  name: vllm
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: vllm
  maxReplicas: 8
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 70 # rarely useful for GPU pods
  - type: Pods
    pods:
      metric:
        name: vllm:num_requests_running
        selector:
          matchLabels:
            model: llama
      target:
        type: AverageValue
        averageValue: 500m
  - type: Object
    object:
      describedObject:
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        name: gateway
      metric:
        name: requests_per_second
      target:
        type: Value
        value: "100"
  - type: External
    external:
      # queue length summed over all replicas
      metric:
        name: vllm_queue
        selector: {matchLabels: {model: llama}}
      target:
        type: AverageValue
        averageValue: "5"
status:
  currentReplicas: 2
  desiredReplicas: 2
  currentMetrics:
  - type: Resource
    resource:
      name: cpu
      current:
        averageUtilization: 12
        averageValue: 120m
  - type: External
    external:
      metric:
        name: vllm_queue
      current:
        value: "3"
`,
    severity: 'error',
    message: '`autoscaling/v2beta1` was removed in Kubernetes 1.25',
    preferred: true,
  },
  {
    name: 'v2beta1 in a four-space file with a container resource',
    before: `apiVersion: autoscaling/v2beta1
kind: HorizontalPodAutoscaler
metadata:
    name: triton
spec:
    scaleTargetRef:
        kind: Deployment
        name: triton
    maxReplicas: 3
    metrics:
        - type: ContainerResource
          containerResource:
              name: memory
              container: triton
              targetAverageValue: 30Gi
`,
    after: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
    name: triton
spec:
    scaleTargetRef:
        kind: Deployment
        name: triton
    maxReplicas: 3
    metrics:
        - type: ContainerResource
          containerResource:
              name: memory
              container: triton
              target:
                  type: AverageValue
                  averageValue: 30Gi
`,
    severity: 'error',
    message: 'removed in Kubernetes 1.25',
    preferred: true,
  },
  {
    name: 'v1 turns the CPU target into a metrics entry',
    before: `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: router
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: router
  minReplicas: 2
  maxReplicas: 10
  targetCPUUtilizationPercentage: 70 # router pods are CPU-bound
status:
  currentCPUUtilizationPercentage: 9
  currentReplicas: 2
  desiredReplicas: 2
`,
    after: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: router
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: router
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 70 # router pods are CPU-bound
status:
  currentMetrics:
  - type: Resource
    resource:
      name: cpu
      current:
        averageUtilization: 9
  currentReplicas: 2
  desiredReplicas: 2
`,
    severity: 'info',
    message: '`autoscaling/v1` can only scale on CPU utilization',
    preferred: false,
  },
  {
    name: 'v1 without a CPU target keeps the same default in v2',
    before: `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: router
spec:
  scaleTargetRef:
    kind: Deployment
    name: router
  maxReplicas: 10
`,
    after: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: router
spec:
  scaleTargetRef:
    kind: Deployment
    name: router
  maxReplicas: 10
`,
    severity: 'info',
    message: 'can only scale on CPU',
    preferred: false,
  },
];

for (const c of conversions) {
  test(`conversion: ${c.name}`, () => {
    const [f, ...more] = findingsOf(c.before);
    assert.equal(more.length, 0);
    assert.equal(f.severity, c.severity);
    assert.ok(f.message.includes(c.message), f.message);
    assert.equal(c.before.slice(f.start, f.end).replace(/"/g, ''), c.before.split('\n')[0].replace(/^apiVersion: |"/g, ''));
    const fix = f.fixes?.[0];
    assert.ok(fix, 'a fix is offered');
    assert.equal(fix.isPreferred, c.preferred);
    const after = applyEdits(c.before, fix.edits);
    assert.equal(after, c.after);
    const relinted = lint(after, 'file:///hpa.yaml');
    assert.equal(relinted.file.syntax.length, 0);
    assert.deepEqual(relinted.findings.filter((g) => g.code === RULE), []);
    assert.deepEqual(schemaFindings(relinted.findings).map((g) => g.message), []);
  });
}

const noFix: Array<{ name: string; text: string }> = [
  {
    name: 'a flow-style metric source',
    text: 'apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: 3\n  metrics:\n    - type: Resource\n      resource: {name: cpu, targetAverageUtilization: 50}\n',
  },
  {
    name: 'both a value and an average target (the conversion would drop one)',
    text: 'apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: 3\n  metrics:\n    - type: External\n      external:\n        metricName: q\n        targetValue: "10"\n        targetAverageValue: "2"\n',
  },
  {
    name: 'a field the converter does not know',
    text: 'apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: 3\n  metrics:\n    - type: Pods\n      pods:\n        metricName: q\n        targetAverageValue: "2"\n        extra: 1\n',
  },
  {
    name: 'a metric type without its source block',
    text: 'apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: 3\n  metrics:\n    - type: Pods\n',
  },
  {
    name: 'an edit that would touch a template expression',
    text: 'apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: 3\n  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n        targetAverageUtilization: {{ .Values.cpu }}\n',
  },
];

for (const c of noFix) {
  test(`no fix when the conversion cannot be exact: ${c.name}`, () => {
    const [f, ...more] = findingsOf(c.text);
    assert.equal(more.length, 0);
    assert.equal(f.severity, 'error');
    assert.equal(f.fixes, undefined);
  });
}

const severities: Array<{ version: string; cluster: string; severity: Finding['severity'] }> = [
  { version: 'v2beta1', cluster: '1.24', severity: 'warning' },
  { version: 'v2beta1', cluster: '1.25', severity: 'error' },
  { version: 'v2beta2', cluster: '1.25', severity: 'warning' },
  { version: 'v2beta2', cluster: '1.26', severity: 'error' },
  { version: 'v2beta2', cluster: 'not-a-version', severity: 'error' },
];

for (const c of severities) {
  test(`severity: autoscaling/${c.version} on Kubernetes ${c.cluster} is ${c.severity}`, () => {
    const [f] = findingsOf(`apiVersion: autoscaling/${c.version}\nkind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: 3\n`, c.cluster);
    assert.equal(f.severity, c.severity);
    assert.deepEqual(f.tags, ['deprecated']);
  });
}

test('autoscaling/v2 is left alone', () => {
  assert.deepEqual(findingsOf('apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: 3\n'), []);
});

test('a user severity override still applies to the v1 finding', () => {
  const text = 'apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: 3\n';
  const settings = { ...defaultSettings, rules: { [RULE]: 'warning' as const } };
  assert.deepEqual(lint(text, 'file:///hpa.yaml', settings).findings.filter((f) => f.code === RULE).map((f) => f.severity), ['warning']);
  const off = { ...defaultSettings, rules: { [RULE]: 'off' as const } };
  assert.deepEqual(lint(text, 'file:///hpa.yaml', off).findings.filter((f) => f.code === RULE), []);
});
