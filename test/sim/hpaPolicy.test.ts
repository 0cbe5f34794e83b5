import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { objectsOf } from '../../server/src/engine/model';
import { parseFile } from '../../server/src/engine/parse';
import { Assumption, HpaSpec, policyFromObject, PolicyResult, quantityToMilli } from '../../server/src/engine/sim/policy';
import { WorkspaceIndex } from '../../server/src/engine/workspace';

const DEPLOYMENT = `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: vllm
spec:
  template:
    spec:
      containers:
        - name: vllm
          image: vllm/vllm-openai
`;

/** read parses a manifest (plus a Deployment named vllm) and reads its first object as a policy. */
function read(yaml: string): PolicyResult {
  const ws = new WorkspaceIndex();
  const file = parseFile('file:///hpa.yaml', yaml + DEPLOYMENT, 1);
  ws.update(file);
  return policyFromObject(objectsOf(file)[0], ws);
}

function hpaOf(r: PolicyResult): { spec: HpaSpec; assumptions: Assumption[] } {
  assert.ok('kind' in r && r.kind === 'hpa', JSON.stringify(r));
  return r;
}

const head = (api = 'autoscaling/v2') => `apiVersion: ${api}
kind: HorizontalPodAutoscaler
metadata:
  name: vllm
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: vllm
`;

describe('policyFromObject: HPA', () => {
  test('autoscaling/v2 with a partial behavior: API defaults fill the rest and are listed', () => {
    const { spec, assumptions } = hpaOf(read(`${head()}  maxReplicas: 8
  metrics:
    - type: Pods
      pods:
        metric:
          name: vllm:num_requests_waiting
        target:
          type: AverageValue
          averageValue: "5"
    - type: External
      external:
        metric:
          name: queue_depth
        target:
          type: Value
          value: 500m
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 600
      policies:
        - type: Pods
          value: 1
          periodSeconds: 120
    scaleUp:
      tolerance: "0.05"
`));
    assert.deepEqual(spec, {
      name: 'vllm',
      minReplicas: 1,
      maxReplicas: 8,
      metrics: [
        { type: 'Pods', name: 'vllm:num_requests_waiting', target: { type: 'AverageValue', milli: 5000 } },
        { type: 'External', name: 'queue_depth', target: { type: 'Value', milli: 500 } },
      ],
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
        scaleDown: { stabilizationWindowSeconds: 600, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] },
      },
      tolerance: { up: 0.05 },
    });
    const defaults = assumptions.filter((a) => a.origin === 'default').map((a) => `${a.name}=${a.value}@${a.where}`);
    assert.deepEqual(defaults, [
      'minReplicas=1@spec.minReplicas',
      'scaleUp.stabilizationWindowSeconds=0@spec.behavior.scaleUp.stabilizationWindowSeconds',
      'scaleUp.selectPolicy=Max@spec.behavior.scaleUp.selectPolicy',
      'scaleUp.policies=Pods 4 / 15s, Percent 100% / 15s@spec.behavior.scaleUp.policies',
      'scaleDown.selectPolicy=Max@spec.behavior.scaleDown.selectPolicy',
    ]);
    assert.ok(assumptions.some((a) => a.name === 'scaleTarget' && a.value === 'Deployment/vllm' && a.origin === 'manifest'));
  });

  const cases: Array<{ name: string; yaml: string; check: (spec: HpaSpec, assumptions: Assumption[]) => void }> = [
    {
      name: 'no metrics: CPU at 80 %; no behavior: the legacy path, both reported',
      yaml: `${head()}  minReplicas: 2\n  maxReplicas: 4\n`,
      check: (spec, a) => {
        assert.deepEqual(spec.metrics, [{ type: 'Resource', name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } }]);
        assert.equal(spec.behavior, undefined);
        assert.deepEqual(a.filter((x) => x.origin === 'default').map((x) => x.name), ['metrics', 'behavior']);
      },
    },
    {
      name: 'autoscaling/v1: targetCPUUtilizationPercentage',
      yaml: `${head('autoscaling/v1')}  maxReplicas: 4\n  targetCPUUtilizationPercentage: 70\n`,
      check: (spec) => assert.deepEqual(spec.metrics, [{ type: 'Resource', name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } }]),
    },
    {
      name: 'Resource with both targets: averageValue wins, as in the controller',
      yaml: `${head()}  maxReplicas: 4\n  metrics:\n    - type: Resource\n      resource:\n        name: memory\n        target:\n          type: Utilization\n          averageUtilization: 60\n          averageValue: 30Gi\n`,
      check: (spec) => assert.deepEqual(spec.metrics[0].target, { type: 'AverageValue', milli: 30 * 1024 ** 3 * 1000 }),
    },
    {
      name: 'ContainerResource and Object AverageValue',
      yaml: `${head('autoscaling/v2beta2')}  maxReplicas: 4\n  metrics:\n    - type: ContainerResource\n      containerResource:\n        name: cpu\n        container: vllm\n        target:\n          type: Utilization\n          averageUtilization: 50\n    - type: Object\n      object:\n        metric:\n          name: rps\n        describedObject:\n          kind: Service\n          name: vllm\n        target:\n          type: AverageValue\n          averageValue: "20"\n`,
      check: (spec) => assert.deepEqual(spec.metrics, [
        { type: 'ContainerResource', name: 'cpu', container: 'vllm', target: { type: 'Utilization', averageUtilization: 50 } },
        { type: 'Object', name: 'rps', describedObject: 'Service/vllm', target: { type: 'AverageValue', milli: 20000 } },
      ]),
    },
    {
      name: 'autoscaling/v2beta1 is read as its v2 equivalent',
      yaml: `${head('autoscaling/v2beta1')}  maxReplicas: 4\n  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n        targetAverageUtilization: 70\n    - type: External\n      external:\n        metricName: queue\n        targetAverageValue: "30"\n    - type: Object\n      object:\n        metricName: rps\n        target:\n          kind: Service\n          name: vllm\n        targetValue: 2k\n`,
      check: (spec, a) => {
        assert.deepEqual(spec.metrics, [
          { type: 'Resource', name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
          { type: 'External', name: 'queue', target: { type: 'AverageValue', milli: 30000 } },
          { type: 'Object', name: 'rps', describedObject: 'Service/vllm', target: { type: 'Value', milli: 2_000_000 } },
        ]);
        assert.ok(a.some((x) => x.name === 'apiVersion' && String(x.value).includes('v2beta1')));
      },
    },
    {
      name: 'a templated minReplicas falls back to the default, with a note',
      yaml: `${head()}  minReplicas: {{ .Values.min }}\n  maxReplicas: 4\n`,
      check: (spec, a) => {
        assert.equal(spec.minReplicas, 1);
        assert.deepEqual(a.find((x) => x.name === 'minReplicas'), { name: 'minReplicas', value: 1, origin: 'default', where: 'spec.minReplicas', note: 'the manifest value is a template expression ({{ .Values.min }})' });
      },
    },
    {
      name: 'a scale target outside the workspace is noted',
      yaml: head().replace(/name: vllm\n$/, 'name: elsewhere\n') + '  maxReplicas: 3\n',
      check: (_s, a) => assert.ok(a.some((x) => x.name === 'scaleTarget' && String(x.value).includes('not found'))),
    },
  ];
  for (const c of cases) test(c.name, () => { const { spec, assumptions } = hpaOf(read(c.yaml)); c.check(spec, assumptions); });

  const errors: Array<{ name: string; yaml: string; error: RegExp }> = [
    { name: 'maxReplicas missing', yaml: head(), error: /spec\.maxReplicas is not set/ },
    { name: 'maxReplicas templated', yaml: `${head()}  maxReplicas: {{ .Values.max }}\n`, error: /spec\.maxReplicas is a template expression \(\{\{ \.Values\.max \}\}\)/ },
    { name: 'min above max', yaml: `${head()}  minReplicas: 5\n  maxReplicas: 2\n`, error: /minReplicas \(5\) is above maxReplicas \(2\)/ },
    { name: 'a templated target', yaml: `${head()}  maxReplicas: 2\n  metrics:\n    - type: Pods\n      pods:\n        metric:\n          name: x\n        target:\n          type: AverageValue\n          averageValue: "{{ .Values.target }}"\n`, error: /averageValue is a template expression/ },
    { name: 'an Object metric without a target type', yaml: `${head()}  maxReplicas: 2\n  metrics:\n    - type: Object\n      object:\n        metric:\n          name: x\n`, error: /needs target.type Value or AverageValue/ },
    { name: 'a zero target', yaml: `${head()}  maxReplicas: 2\n  metrics:\n    - type: External\n      external:\n        metric:\n          name: x\n        target:\n          type: AverageValue\n          averageValue: "0"\n`, error: /must be positive/ },
    { name: 'an unknown selectPolicy', yaml: `${head()}  maxReplicas: 2\n  behavior:\n    scaleUp:\n      selectPolicy: Fastest\n`, error: /must be Max, Min or Disabled/ },
    { name: 'an unknown metric type', yaml: `${head()}  maxReplicas: 2\n  metrics:\n    - type: Magic\n`, error: /'Magic' is not a metric source type/ },
    { name: 'not an autoscaler', yaml: DEPLOYMENT.replace('---\n', ''), error: /is not an HPA or a ScaledObject/ },
  ];
  for (const c of errors) {
    test(`error: ${c.name}`, () => {
      const r = read(c.yaml);
      assert.ok('error' in r, JSON.stringify(r));
      assert.match(r.error, c.error);
    });
  }
});

describe('quantityToMilli', () => {
  const cases: Array<[string | number, number | undefined]> = [
    ['100m', 100],
    ['0.1', 100],
    ['1', 1000],
    ['1.5', 1500],
    ['.5', 500],
    ['2Ki', 2048000],
    ['1Gi', 1073741824000],
    ['1e3', 1000000],
    ['1k', 1000000],
    ['0.0001', 1],
    ['1.0001', 1001],
    [10, 10000],
    ['abc', undefined],
    ['', undefined],
    ['5 m', undefined],
  ];
  for (const [q, want] of cases) test(`${JSON.stringify(q)} -> ${want}`, () => assert.equal(quantityToMilli(q), want));
});
