import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { objectsOf } from '../../server/src/engine/model';
import { parseFile } from '../../server/src/engine/parse';
import { hpaSpecForScaledObject } from '../../server/src/engine/sim/keda';
import { Assumption, policyFromObject, PolicyResult, ScaledObjectSpec } from '../../server/src/engine/sim/policy';
import { WorkspaceIndex } from '../../server/src/engine/workspace';

function read(yaml: string): PolicyResult {
  const ws = new WorkspaceIndex();
  const file = parseFile('file:///so.yaml', yaml, 1);
  ws.update(file);
  return policyFromObject(objectsOf(file)[0], ws);
}

function kedaOf(r: PolicyResult): { spec: ScaledObjectSpec; assumptions: Assumption[] } {
  assert.ok('kind' in r && r.kind === 'keda', JSON.stringify(r));
  return r;
}

const SO = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: llama
ANNOTATIONS
spec:
  scaleTargetRef:
    name: llama
SPEC
  triggers:
TRIGGERS
`;

function so(parts: { annotations?: string; spec?: string; triggers?: string }): string {
  return SO.replace('ANNOTATIONS\n', parts.annotations ?? '')
    .replace('SPEC\n', parts.spec ?? '')
    .replace('TRIGGERS', parts.triggers ?? `    - type: prometheus\n      metadata:\n        serverAddress: http://prometheus:9090\n        query: sum(vllm:num_requests_waiting)\n        threshold: "10"`);
}

describe('policyFromObject: ScaledObject', () => {
  test('a minimal prometheus ScaledObject: every KEDA default is applied and listed', () => {
    const { spec, assumptions } = kedaOf(read(so({})));
    assert.deepEqual(spec, {
      name: 'llama',
      pollingInterval: 30,
      cooldownPeriod: 300,
      initialCooldownPeriod: 0,
      minReplicaCount: 0,
      maxReplicaCount: 100,
      triggers: [{
        type: 'prometheus',
        name: undefined,
        metricType: undefined,
        metadata: {
          threshold: 10,
          activationThreshold: 0,
          query: 'sum(vllm:num_requests_waiting)',
          serverAddress: 'http://prometheus:9090',
          ignoreNullValues: true,
          raw: { serverAddress: 'http://prometheus:9090', query: 'sum(vllm:num_requests_waiting)', threshold: '10' },
        },
      }],
      pausedScaleIn: false,
      pausedScaleOut: false,
      paused: false,
      forceActivation: false,
    });
    assert.deepEqual(assumptions.filter((a) => a.origin === 'default').map((a) => `${a.name}=${a.value}`), [
      'pollingInterval=30',
      'cooldownPeriod=300',
      'initialCooldownPeriod=0',
      'minReplicaCount=0',
      'maxReplicaCount=100',
      'horizontalPodAutoscalerConfig.behavior=none: the HPA uses legacy normalisation',
      'trigger 0 (prometheus) activationThreshold=0',
      'trigger 0 (prometheus) ignoreNullValues=true',
      'trigger 0 (prometheus) metricType=AverageValue',
    ]);
  });

  test('a full ScaledObject: fallback, modifiers, behavior as written, annotations', () => {
    const { spec } = kedaOf(read(so({
      annotations: '  annotations:\n    autoscaling.keda.sh/paused-scale-in: "true"\n',
      spec: `  pollingInterval: 15
  cooldownPeriod: 600
  minReplicaCount: 1
  maxReplicaCount: 4
  idleReplicaCount: 0
  fallback:
    failureThreshold: 3
    replicas: 2
  advanced:
    scalingModifiers:
      formula: "queue / running"
      target: "2"
      activationTarget: "0.5"
    horizontalPodAutoscalerConfig:
      behavior:
        scaleDown:
          stabilizationWindowSeconds: 900
`,
      triggers: `    - type: prometheus
      name: queue
      metadata:
        query: sum(q)
        threshold: "4"
        activationThreshold: "1"
        ignoreNullValues: "false"
    - type: cpu
      metricType: Utilization
      metadata:
        value: "70"
        containerName: vllm`,
    })));
    assert.equal(spec.pollingInterval, 15);
    assert.equal(spec.idleReplicaCount, 0);
    assert.deepEqual(spec.fallback, { failureThreshold: 3, replicas: 2, behavior: 'static' });
    assert.deepEqual(spec.scalingModifiers, { formula: 'queue / running', target: '2', activationTarget: 0.5, metricType: 'AverageValue' });
    assert.deepEqual(spec.behavior, { scaleDown: { stabilizationWindowSeconds: 900 } });
    assert.equal(spec.pausedScaleIn, true);
    assert.deepEqual(spec.triggers.map((t) => [t.type, t.name, t.metricType, t.metadata.activationThreshold, t.metadata.ignoreNullValues, t.metadata.containerName]), [
      ['prometheus', 'queue', undefined, 1, false, undefined],
      ['cpu', undefined, 'Utilization', 0, true, 'vllm'],
    ]);
    // The HPA KEDA would create from it: behavior defaulted by the API, scale-down disabled by the annotation.
    const hpa = hpaSpecForScaledObject(spec);
    assert.equal(hpa.behavior?.scaleDown.stabilizationWindowSeconds, 900);
    assert.equal(hpa.behavior?.scaleDown.selectPolicy, 'Disabled');
    assert.deepEqual([hpa.minReplicas, hpa.maxReplicas], [1, 4]);
  });

  test('a templated activationThreshold falls back to 0, with a note', () => {
    const { spec, assumptions } = kedaOf(read(so({ triggers: '    - type: prometheus\n      metadata:\n        query: up\n        threshold: "3"\n        activationThreshold: "{{ .Values.act }}"' })));
    assert.equal(spec.triggers[0].metadata.activationThreshold, 0);
    assert.equal(assumptions.find((a) => a.name === 'trigger 0 (prometheus) activationThreshold')?.note, 'the manifest value is a template expression ({{ .Values.act }})');
  });

  test('paused-replicas is read as a count', () => {
    const { spec } = kedaOf(read(so({ annotations: '  annotations:\n    autoscaling.keda.sh/paused-replicas: "0"\n' })));
    assert.equal(spec.pausedReplicas, 0);
  });

  const errors: Array<{ name: string; yaml: string; error: RegExp }> = [
    { name: 'a trigger type the simulator does not model', yaml: so({ triggers: '    - type: kafka\n      metadata:\n        lagThreshold: "5"' }), error: /prometheus, cpu and memory triggers only/ },
    { name: 'a cpu trigger without metricType', yaml: so({ triggers: '    - type: cpu\n      metadata:\n        value: "50"' }), error: /metricType must be Utilization or AverageValue/ },
    { name: 'a prometheus trigger without threshold', yaml: so({ triggers: '    - type: prometheus\n      metadata:\n        query: up' }), error: /metadata\.threshold is not set/ },
    { name: 'a non-numeric threshold', yaml: so({ triggers: '    - type: prometheus\n      metadata:\n        query: up\n        threshold: ten' }), error: /'ten' is not a number/ },
    { name: 'Utilization on a prometheus trigger', yaml: so({ triggers: '    - type: prometheus\n      metricType: Utilization\n      metadata:\n        query: up\n        threshold: "1"' }), error: /only for cpu and memory/ },
    { name: 'min above max', yaml: so({ spec: '  minReplicaCount: 5\n  maxReplicaCount: 2\n' }), error: /minReplicaCount \(5\) is above maxReplicaCount \(2\)/ },
    { name: 'a paused-replicas annotation that is not a count', yaml: so({ annotations: '  annotations:\n    autoscaling.keda.sh/paused-replicas: "some"\n' }), error: /is not a replica count/ },
    { name: 'a fallback behavior the simulator does not model', yaml: so({ spec: '  fallback:\n    failureThreshold: 3\n    replicas: 2\n    behavior: triggerScoped\n' }), error: /'triggerScoped' is not simulated/ },
    { name: 'no triggers', yaml: so({ triggers: '' }), error: /spec\.triggers is empty/ },
    { name: 'a templated threshold', yaml: so({ triggers: '    - type: prometheus\n      metadata:\n        query: up\n        threshold: "{{ .Values.threshold }}"' }), error: /metadata\.threshold is a template expression/ },
    { name: 'a query with a template inside', yaml: so({ triggers: '    - type: prometheus\n      metadata:\n        query: sum(q{ns="{{ .Release.Namespace }}"})\n        threshold: "1"' }), error: /metadata\.query is a template expression/ },
    { name: 'no scale target', yaml: so({}).replace('  scaleTargetRef:\n    name: llama\n', ''), error: /scaleTargetRef\.name is not set/ },
  ];
  for (const c of errors) {
    test(`error: ${c.name}`, () => {
      const r = read(c.yaml);
      assert.ok('error' in r, JSON.stringify(r));
      assert.match(r.error, c.error);
    });
  }

  /** Anchors, aliases and merge keys, which the API server expands: the simulator reads the values they lend. */
  const shared: Array<{ name: string; yaml: string; min: number; max: number; thresholds: number[] }> = [
    {
      name: 'a trigger repeated by alias',
      yaml: so({ triggers: '    - &q\n      type: prometheus\n      metadata:\n        query: up\n        threshold: "4"\n    - *q' }),
      min: 0,
      max: 100,
      thresholds: [4, 4],
    },
    {
      name: 'a trigger merged from another, with its own metadata merged and overridden',
      yaml: so({ triggers: '    - &q\n      type: prometheus\n      metadata: &m\n        query: up\n        threshold: "4"\n    - <<: *q\n      metadata:\n        <<: *m\n        threshold: "9"' }),
      min: 0,
      max: 100,
      thresholds: [4, 9],
    },
    {
      name: 'replica bounds merged into spec from a list of maps, the first one winning',
      yaml: so({ spec: '  <<: [{minReplicaCount: 2}, {minReplicaCount: 3, maxReplicaCount: 6}]\n' }),
      min: 2,
      max: 6,
      thresholds: [10],
    },
  ];
  for (const c of shared) {
    test(`aliases and merge keys: ${c.name}`, () => {
      const { spec } = kedaOf(read(c.yaml));
      assert.deepEqual([spec.minReplicaCount, spec.maxReplicaCount], [c.min, c.max]);
      assert.deepEqual(spec.triggers.map((t) => t.metadata.threshold), c.thresholds);
    });
  }

  test('broken YAML and odd shapes give an error or a spec, never an exception', () => {
    for (const text of [so({}).replace('threshold: "10"', 'threshold: [1, 2'), so({ spec: '  fallback: 3\n' }), so({ triggers: '    - 42' })]) {
      const file = parseFile('file:///x.yaml', text, 1);
      const ws = new WorkspaceIndex();
      ws.update(file);
      for (const obj of objectsOf(file)) assert.doesNotThrow(() => policyFromObject(obj, ws));
    }
  });
});
