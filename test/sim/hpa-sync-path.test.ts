import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Cluster, ClusterParams, PodPhase, SimPod } from '../../server/src/engine/sim/cluster';
import { convertDesiredReplicasWithBehaviorRate, HpaController, LimitReason, MetricReading, PodStatus, ScaleEvent } from '../../server/src/engine/sim/hpa';
import { KedaController, TriggerResult } from '../../server/src/engine/sim/keda';
import { HpaSpec, ScaledObjectSpec, ScalingRules, withBehaviorDefaults } from '../../server/src/engine/sim/policy';

// The HPA sync path reuses objects and skips work that cannot change a result: these tests pin what that must keep.

describe('behavior rate limits at the edges of the range', () => {
  const onePodPerMinute: ScalingRules = { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] };
  const fourPodsPerMinute: ScalingRules = { ...onePodPerMinute, policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }] };
  const recentDown: ScaleEvent[] = [{ change: 1, time: 90, outdated: false }];
  const cases: Array<{ name: string; current: number; desired: number; min: number; max: number; downEvents?: ScaleEvent[]; want: { replicas: number; reason: LimitReason } }> = [
    { name: 'at minReplicas the range floors a scale-down the policies would allow further', current: 2, desired: 0, min: 2, max: 10, want: { replicas: 2, reason: 'TooFewReplicas' } },
    { name: 'below minReplicas the floor is minReplicas', current: 1, desired: 0, min: 3, max: 10, want: { replicas: 3, reason: 'TooFewReplicas' } },
    { name: 'at maxReplicas the range caps a scale-up the policies would allow further', current: 10, desired: 15, min: 1, max: 10, want: { replicas: 10, reason: 'TooManyReplicas' } },
    { name: 'above maxReplicas the cap is maxReplicas', current: 12, desired: 20, min: 1, max: 10, want: { replicas: 10, reason: 'TooManyReplicas' } },
    { name: 'inside the range the scale-down policy limits', current: 5, desired: 0, min: 2, max: 10, want: { replicas: 4, reason: 'ScaleDownLimit' } },
    { name: "a recent scale-down uses up the period's allowance", current: 5, desired: 0, min: 2, max: 10, downEvents: recentDown, want: { replicas: 5, reason: 'ScaleDownLimit' } },
    { name: 'inside the range the scale-up policy limits', current: 3, desired: 20, min: 1, max: 10, want: { replicas: 7, reason: 'ScaleUpLimit' } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = convertDesiredReplicasWithBehaviorRate({ currentReplicas: c.current, desiredReplicas: c.desired, minReplicas: c.min, maxReplicas: c.max, scaleUp: fourPodsPerMinute, scaleDown: onePodPerMinute, scaleUpEvents: [], scaleDownEvents: c.downEvents ?? [], now: 100 });
      assert.deepEqual(got, c.want);
    });
  }
});

describe("the HPA decision is the controller's own object", () => {
  const spec: HpaSpec = { minReplicas: 1, maxReplicas: 10, metrics: [{ type: 'External', name: 'q', target: { type: 'AverageValue', milli: 1000 } }], behavior: withBehaviorDefaults({}) };
  const pods = (n: number): PodStatus[] => Array.from({ length: n }, (_, i) => ({ name: `p${i}`, phase: 'Running', ready: true, deleting: false, startTime: 0, readyTransitionTime: 0 }));
  const ext = (milli: number): MetricReading => ({ kind: 'external', valuesMilli: [milli] });

  test('a second reconcile rewrites the first decision', () => {
    const hpa = new HpaController(spec);
    hpa.restore({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });
    const first = hpa.reconcile(0, { specReplicas: 2, statusReplicas: 2 }, pods(2), [ext(4000)]);
    assert.deepEqual([first.desiredReplicas, first.reason, first.scaled], [4, 'DesiredWithinRange', true]);
    const second = hpa.reconcile(15, { specReplicas: 0, statusReplicas: 0 }, [], [ext(4000)]);
    assert.equal(second, first);
    assert.deepEqual([second.desiredReplicas, second.reason, second.scaled, second.perMetric.length, second.metricReplicas], [0, 'ScalingDisabled', false, 0, undefined]);
  });

  const errors: Array<{ name: string; spec: HpaSpec; readings: MetricReading[]; reason: string; error: string | undefined }> = [
    { name: 'all metrics read: no error', spec, readings: [ext(1000)], reason: 'DesiredWithinRange', error: undefined },
    { name: 'the only metric fails: nothing scales', spec, readings: [{ kind: 'error', message: 'adapter down' }], reason: 'FailedGetMetrics', error: 'invalid metrics (1 invalid out of 1), first error is: adapter down' },
    {
      name: 'one of two metrics fails: the others still scale up, and the error names the first failure',
      spec: { ...spec, metrics: [spec.metrics[0], { ...spec.metrics[0], name: 'r' }] },
      readings: [{ kind: 'error', message: 'adapter down' }, ext(3000)],
      reason: 'DesiredWithinRange',
      error: 'invalid metrics (1 invalid out of 2), first error is: adapter down',
    },
    { name: 'no metrics at all', spec: { ...spec, metrics: [] }, readings: [], reason: 'FailedGetMetrics', error: 'the HPA has no metrics' },
  ];
  for (const c of errors) {
    test(`metric errors: ${c.name}`, () => {
      const hpa = new HpaController(c.spec);
      hpa.restore({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });
      const d = hpa.reconcile(0, { specReplicas: 2, statusReplicas: 2 }, pods(2), c.readings);
      assert.equal(d.reason, c.reason);
      assert.equal(d.error, c.error);
      assert.equal(d.perMetric.length, c.spec.metrics.length);
    });
  }
});

describe('KEDA answers an unchanged External value with the same reading', () => {
  const spec: ScaledObjectSpec = { name: 'llm', pollingInterval: 30, cooldownPeriod: 300, initialCooldownPeriod: 0, minReplicaCount: 0, maxReplicaCount: 10, triggers: [{ type: 'prometheus', name: 'q', metricType: undefined, metadata: { threshold: 10, activationThreshold: 0, query: 'sum(q)', ignoreNullValues: true, raw: {} } }], pausedScaleIn: false, pausedScaleOut: false, paused: false, forceActivation: false };
  const cases: Array<{ name: string; first: TriggerResult; second: TriggerResult; same: boolean; secondMilli?: number }> = [
    { name: 'the same value: the same reading', first: { value: 3 }, second: { value: 3 }, same: true, secondMilli: 3000 },
    { name: 'a new value: a new reading', first: { value: 3 }, second: { value: 4 }, same: false, secondMilli: 4000 },
    { name: '-0 after 0: a new reading (results keep the sign of a zero)', first: { value: 0 }, second: { value: -0.0001 }, same: false, secondMilli: -0 },
    { name: 'an error: an error reading', first: { value: 3 }, second: { value: -1, error: 'down' }, same: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const k = new KedaController(spec, 0);
      const [first] = k.hpaMetrics(0, [c.first], 1, 1);
      const kept = JSON.stringify(first);
      const [second] = k.hpaMetrics(15, [c.second], 1, 1);
      assert.equal(second === first, c.same);
      // The first reading is never changed by a later query.
      assert.equal(JSON.stringify(first), kept);
      if (c.secondMilli === undefined) assert.equal(second.kind, 'error');
      else assert.ok(second.kind === 'external' && Object.is(second.valuesMilli[0], c.secondMilli), JSON.stringify(second));
    });
  }

  test('readings go into the array given, which takes the metrics count', () => {
    const k = new KedaController(spec, 0);
    const into: MetricReading[] = [{ kind: 'error', message: 'stale' }, { kind: 'error', message: 'stale' }];
    assert.equal(k.hpaMetrics(0, [{ value: 2 }], 1, 1, undefined, into), into);
    assert.deepEqual(into, [{ kind: 'external', valuesMilli: [2000] }]);
  });
});

describe('the cluster counts and deletes pods as the one-by-one rules do', () => {
  const params = (over: Partial<ClusterParams> = {}): ClusterParams => ({ gpusPerNode: 2, gpusPerReplica: 1, nodeProvisionSeconds: 300, nodeScaleDownDelaySeconds: 600, maxNodes: Infinity, initialNodes: 0, minNodes: 0, imagePullSeconds: 100, imageCachedPerNode: false, modelLoadSeconds: 20, engineStartSeconds: 30, readyWhen: 'model', terminationGracePeriodSeconds: 30, ...over });
  const rank: Record<PodPhase, number> = { unschedulable: 0, pulling: 1, loading: 2, serving: 3, terminating: 9, gone: 9 };
  /** deletionOrder is the ReplicaSet's order written as a sort, the reference for the cluster's one-at-a-time choice. */
  const deletionOrder = (pods: SimPod[]) => pods.filter((p) => p.phase !== 'terminating').sort((a, b) => rank[a.phase] - rank[b.phase] || b.createdAt - a.createdAt || b.index - a.index);
  const tallyMatches = (c: Cluster, when: string) => {
    const t = c.tally({ serving: 0, ready: 0, pending: 0, loading: 0, active: 0 });
    const count = (test: (p: SimPod) => boolean) => c.pods.filter(test).length;
    const inPhase = (...phases: PodPhase[]) => count((p) => phases.includes(p.phase));
    assert.deepEqual(t, { serving: inPhase('serving'), ready: count((p) => c.isReady(p)), pending: inPhase('unschedulable', 'pulling'), loading: inPhase('loading'), active: c.activeCount() }, when);
  };
  const cases: Array<{ name: string; over?: Partial<ClusterParams>; growTo: number; shrinkTo: number }> = [
    { name: 'pending, pulling and serving pods, down to one', growTo: 7, shrinkTo: 1 },
    { name: 'down by one: the newest pending pod goes', growTo: 6, shrinkTo: 5 },
    { name: 'without a probe loading pods are ready', over: { readyWhen: 'container', imagePullSeconds: 0 }, growTo: 5, shrinkTo: 2 },
    { name: 'down to zero', growTo: 4, shrinkTo: 0 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const drained: string[] = [];
      const onDrain = (p: SimPod): number => {
        drained.push(p.name);
        return 5;
      };
      const cluster = new Cluster(params(c.over), 'llm', { onContainerStart: () => undefined, onDrain });
      cluster.start(2);
      tallyMatches(cluster, 'start');
      cluster.scaleTo(c.growTo - 1, 10);
      for (let t = 11; t <= 420; t++) cluster.advance(t);
      cluster.scaleTo(c.growTo, 420);
      for (let t = 421; t <= 430; t++) cluster.advance(t);
      tallyMatches(cluster, 'grown');
      const order = deletionOrder(cluster.pods);
      const victims = order.slice(0, order.length - c.shrinkTo);
      cluster.scaleTo(c.shrinkTo, 431);
      tallyMatches(cluster, 'shrunk');
      assert.deepEqual(drained, victims.filter((p) => p.phase === 'terminating').map((p) => p.name));
      assert.deepEqual(deletionOrder(cluster.pods).map((p) => p.name), order.slice(victims.length).map((p) => p.name));
    });
  }
});
