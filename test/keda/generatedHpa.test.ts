import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatedHpa } from '../../server/src/engine/keda/generatedHpa';
import { objectsOf } from '../../server/src/engine/model';
import { parseFile } from '../../server/src/engine/parse';
import { doHover } from '../../server/src/engine/services/hover';
import { WorkspaceIndex } from '../../server/src/engine/workspace';

/** The parts of a generated HPA manifest these tests read. */
interface Manifest {
  metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    scaleTargetRef: Record<string, string>;
    minReplicas: number;
    maxReplicas: number;
    metrics: Array<{ type: string; external?: { metric: { name: string }; target: unknown } }>;
    behavior?: unknown;
  };
}

/** hpaOf gives the HPA manifest written for the first ScaledObject of a text, or the error. */
function hpaOf(text: string): { manifest?: Manifest; error?: string } {
  const ws = new WorkspaceIndex();
  const file = parseFile('file:///so.yaml', text);
  ws.update(file);
  const obj = objectsOf(file).find((o) => o.known === 'ScaledObject')!;
  const r = generatedHpa(obj, ws);
  return 'error' in r ? { error: r.error } : { manifest: r.manifest as unknown as Manifest };
}

const SCALE_TO_ZERO = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: llama
  namespace: serving
  labels:
    team: inference
spec:
  scaleTargetRef:
    name: llama
  minReplicaCount: 0
  triggers:
  - type: cpu
    metricType: Utilization
    metadata:
      value: "60"
  - {type: prometheus, metadata: {serverAddress: "http://prometheus:9090", query: sum(vllm:num_requests_waiting), threshold: "0.5"}}
`;

test('generated HPA: minimum 1 from 0, default maximum 100, metrics sorted by type with KEDA names and quantities', () => {
  const { manifest, error } = hpaOf(SCALE_TO_ZERO);
  assert.equal(error, undefined);
  assert.equal(manifest!.metadata.name, 'keda-hpa-llama');
  assert.equal(manifest!.metadata.namespace, 'serving');
  // KEDA's labels, then the ScaledObject's own.
  assert.deepEqual(manifest!.metadata.labels, { 'app.kubernetes.io/name': 'keda-hpa-llama', 'app.kubernetes.io/part-of': 'llama', 'app.kubernetes.io/managed-by': 'keda-operator', team: 'inference' });
  assert.deepEqual(manifest!.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama' });
  assert.equal(manifest!.spec.minReplicas, 1);
  assert.equal(manifest!.spec.maxReplicas, 100);
  // KEDA sorts the metric specs by source type: External before Resource, whatever the trigger order.
  assert.deepEqual(manifest!.spec.metrics, [
    { type: 'External', external: { metric: { name: 's1-prometheus', selector: { matchLabels: { 'scaledobject.keda.sh/name': 'llama' } } }, target: { type: 'AverageValue', averageValue: '500m' } } },
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
  ]);
  assert.equal(manifest!.spec.behavior, undefined);
});

test('generated HPA: its own name, a composite metric for scalingModifiers, the written behavior and paused scale-in', () => {
  const text = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: qwen
  annotations:
    autoscaling.keda.sh/paused-scale-in: "true"
spec:
  scaleTargetRef:
    name: qwen
  minReplicaCount: 2
  maxReplicaCount: 6
  advanced:
    horizontalPodAutoscalerConfig:
      name: qwen-hpa
      behavior:
        scaleDown:
          stabilizationWindowSeconds: 600
    scalingModifiers:
      formula: "max(queue / 4, kv / 0.8)"
      target: "1"
      metricType: AverageValue
  triggers:
  - {type: prometheus, name: queue, metadata: {serverAddress: "http://prometheus:9090", query: sum(vllm:num_requests_waiting), threshold: "4"}}
  - {type: prometheus, name: kv, metadata: {serverAddress: "http://prometheus:9090", query: avg(vllm:kv_cache_usage_perc), threshold: "0.8"}}
`;
  const { manifest } = hpaOf(text);
  assert.equal(manifest!.metadata.name, 'qwen-hpa');
  assert.equal(manifest!.spec.minReplicas, 2);
  assert.equal(manifest!.spec.maxReplicas, 6);
  assert.deepEqual(manifest!.spec.metrics.map((m) => m.external?.metric.name), ['composite-metric']);
  assert.deepEqual(manifest!.spec.metrics[0].external?.target, { type: 'AverageValue', averageValue: '1' });
  // KEDA copies the ScaledObject's annotations to the HPA.
  assert.equal(manifest!.metadata.annotations?.['autoscaling.keda.sh/paused-scale-in'], 'true');
  assert.deepEqual(manifest!.spec.behavior, { scaleDown: { stabilizationWindowSeconds: 600, selectPolicy: 'Disabled' } });
});

test('generated HPA: a scaler whose metric name KEDA builds from its metadata is not guessed', () => {
  const text = SCALE_TO_ZERO.replace('- type: cpu\n    metricType: Utilization\n    metadata:\n      value: "60"\n', '- type: kafka\n    metadata:\n      topic: jobs\n      lagThreshold: "10"\n');
  const { error } = hpaOf(text);
  assert.match(error ?? '', /kafka/);
});

test('hover on a ScaledObject kind shows the HPA, elsewhere the usual docs', () => {
  const ws = new WorkspaceIndex();
  const file = parseFile('file:///so.yaml', SCALE_TO_ZERO);
  ws.update(file);
  const onKind = doHover(file, SCALE_TO_ZERO.indexOf('ScaledObject') + 3, ws);
  assert.ok(onKind?.markdown.includes('keda-hpa-llama'), onKind?.markdown);
  assert.ok(onKind?.markdown.includes('between 0 and 1'));
  assert.ok(onKind?.markdown.includes('```yaml'));
  const onKey = doHover(file, SCALE_TO_ZERO.indexOf('minReplicaCount') + 2, ws);
  assert.ok(onKey && !onKey.markdown.includes('keda-hpa-llama'));
});

test('generated HPA: a long name is cut to the 63 characters of a label value, as KEDA does', () => {
  const long = 'llama-3-1-70b-instruct-fp8-serving-on-h100-nodes-in-the-east-region';
  const { manifest } = hpaOf(SCALE_TO_ZERO.replace('name: llama\n  namespace', `name: ${long}\n  namespace`));
  assert.equal(manifest!.metadata.name, `keda-hpa-${long}`.slice(0, 63));
  assert.equal(manifest!.metadata.labels['app.kubernetes.io/part-of'], long.slice(0, 63));
});
