import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cpuPodState, DEFAULT_HPA_OPTIONS, HpaController, HpaReason, MetricReading, PodStatus, storeScaleEvent, tolerancesFor } from '../../server/src/engine/sim/hpa';
import { HpaSpec, MetricSpec, withBehaviorDefaults } from '../../server/src/engine/sim/policy';

const cpu = (pct: number): MetricSpec => ({ type: 'Resource', name: 'cpu', target: { type: 'Utilization', averageUtilization: pct } });

/** pods builds n Running pods that became ready long ago. */
function pods(n: number, overrides: Partial<PodStatus> = {}): PodStatus[] {
  return Array.from({ length: n }, (_, i) => ({ name: `p${i}`, phase: 'Running' as const, ready: true, deleting: false, startTime: -3600, readyTransitionTime: -3600, ...overrides }));
}

/** cpuLoad spreads a total CPU usage over the pods, each requesting 1 CPU. */
function cpuLoad(list: PodStatus[], totalMilli: number): MetricReading {
  const each = Math.trunc(totalMilli / Math.max(list.length, 1));
  return { kind: 'resource', usageMilli: new Map(list.map((p) => [p.name, each])), requestMilli: new Map(list.map((p) => [p.name, 1000])) };
}

interface Step {
  t: number;
  /** Total CPU usage of the workload in milli-CPU. */
  load: number;
  want: number;
  reason?: HpaReason;
}

/** runTimeline reconciles at each step with the previous decision as the current count (pods start at once). */
function runTimeline(spec: HpaSpec, start: number, steps: Step[]): void {
  const hpa = new HpaController(spec);
  let current = start;
  for (const s of steps) {
    const list = pods(current);
    const d = hpa.reconcile(s.t, { specReplicas: current, statusReplicas: current }, list, [cpuLoad(list, s.load)]);
    assert.equal(d.desiredReplicas, s.want, `t=${s.t}: wanted ${s.want}, got ${d.desiredReplicas} (${d.reason})`);
    if (s.reason) assert.equal(d.reason, s.reason, `t=${s.t}`);
    current = d.desiredReplicas;
  }
}

const base: HpaSpec = { minReplicas: 1, maxReplicas: 10, metrics: [cpu(50)], behavior: undefined };

describe('HPA timelines', () => {
  const cases: Array<{ name: string; spec: HpaSpec; start: number; steps: Step[] }> = [
    {
      name: 'legacy: scale-down waits until the last high proposal is older than 300 s (age 300 still counts)',
      spec: base,
      start: 4,
      steps: [
        { t: 0, load: 4000, want: 8 },
        { t: 15, load: 400, want: 8, reason: 'ScaleDownStabilized' },
        { t: 150, load: 400, want: 8, reason: 'ScaleDownStabilized' },
        { t: 300, load: 400, want: 8, reason: 'ScaleDownStabilized' },
        { t: 315, load: 400, want: 1, reason: 'DesiredWithinRange' },
      ],
    },
    {
      name: 'legacy: scale-up is capped at max(2x, 4) per sync, then at maxReplicas',
      spec: base,
      start: 1,
      steps: [
        { t: 0, load: 100_000, want: 4, reason: 'ScaleUpLimit' },
        { t: 15, load: 100_000, want: 8, reason: 'ScaleUpLimit' },
        { t: 30, load: 100_000, want: 10, reason: 'TooManyReplicas' },
      ],
    },
    {
      name: 'behavior: Pods 2 / 60 s counts the scale-up events of the last period',
      spec: { ...base, behavior: withBehaviorDefaults({ scaleUp: { policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] } }) },
      start: 2,
      steps: [
        { t: 0, load: 100_000, want: 4, reason: 'ScaleUpLimit' },
        { t: 15, load: 100_000, want: 4, reason: 'ScaleUpLimit' },
        { t: 45, load: 100_000, want: 4 },
        { t: 60, load: 100_000, want: 6, reason: 'ScaleUpLimit' },
        { t: 75, load: 100_000, want: 6 },
        { t: 120, load: 100_000, want: 8 },
      ],
    },
    {
      name: 'behavior: API defaults allow max(+4 pods, +100 %) per 15 s',
      spec: { ...base, maxReplicas: 20, behavior: withBehaviorDefaults({}) },
      start: 1,
      steps: [
        { t: 0, load: 100_000, want: 5, reason: 'ScaleUpLimit' },
        { t: 15, load: 100_000, want: 10, reason: 'ScaleUpLimit' },
        { t: 30, load: 100_000, want: 20, reason: 'TooManyReplicas' },
      ],
    },
    {
      name: 'behavior: 60 s down window, then Percent 50 / 60 s with the down events of the period',
      spec: { ...base, behavior: withBehaviorDefaults({ scaleDown: { stabilizationWindowSeconds: 60, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } }) },
      start: 8,
      steps: [
        { t: 0, load: 100, want: 8, reason: 'ScaleDownStabilized' },
        { t: 15, load: 100, want: 8, reason: 'ScaleDownStabilized' },
        { t: 45, load: 100, want: 8 },
        { t: 60, load: 100, want: 4, reason: 'ScaleDownLimit' },
        { t: 75, load: 100, want: 4, reason: 'ScaleDownLimit' },
        { t: 120, load: 100, want: 2, reason: 'ScaleDownLimit' },
        { t: 180, load: 100, want: 1, reason: 'DesiredWithinRange' },
      ],
    },
    {
      name: 'behavior: scale-up stabilization keeps the lowest proposal of the window (first sight included)',
      spec: { ...base, behavior: withBehaviorDefaults({ scaleUp: { stabilizationWindowSeconds: 30 } }) },
      start: 2,
      steps: [
        { t: 0, load: 2000, want: 2, reason: 'ScaleUpStabilized' },
        { t: 15, load: 2000, want: 2, reason: 'ScaleUpStabilized' },
        { t: 30, load: 2000, want: 4, reason: 'DesiredWithinRange' },
        { t: 45, load: 800, want: 4, reason: 'ScaleDownStabilized' },
        { t: 60, load: 6000, want: 4, reason: 'ScaleUpStabilized' },
        { t: 75, load: 6000, want: 8, reason: 'ScaleUpLimit' },
      ],
    },
    {
      name: 'selectPolicy Disabled on scale-down: never scales in',
      spec: { ...base, behavior: withBehaviorDefaults({ scaleDown: { selectPolicy: 'Disabled', stabilizationWindowSeconds: 0 } }) },
      start: 6,
      steps: [
        { t: 0, load: 100, want: 6, reason: 'ScaleDownLimit' },
        { t: 600, load: 100, want: 6, reason: 'ScaleDownLimit' },
      ],
    },
  ];
  for (const c of cases) test(c.name, () => runTimeline(c.spec, c.start, c.steps));
});

describe('HPA reconcile special cases', () => {
  const ext = (type: 'Value' | 'AverageValue', milli: number): MetricSpec => ({ type: 'External', name: 's0-prometheus', target: { type, milli } });
  const cases: Array<{ name: string; spec: HpaSpec; spec_: number; status?: number; pods: PodStatus[]; metrics: MetricReading[]; want: number; reason: HpaReason; scaled: boolean }> = [
    { name: 'current 0 with minReplicas 1: scaling disabled (KEDA owns 0 <-> 1)', spec: { ...base, metrics: [ext('AverageValue', 1000)] }, spec_: 0, pods: [], metrics: [{ kind: 'external', valuesMilli: [50_000] }], want: 0, reason: 'ScalingDisabled', scaled: false },
    { name: 'current 0 with minReplicas 0: External Value scales from zero by ceil(ratio)', spec: { ...base, minReplicas: 0, metrics: [ext('Value', 4400)] }, spec_: 0, pods: [], metrics: [{ kind: 'external', valuesMilli: [8600] }], want: 2, reason: 'DesiredWithinRange', scaled: true },
    { name: 'above maxReplicas: clamped at once, metrics not read', spec: base, spec_: 12, pods: pods(12), metrics: [{ kind: 'error', message: 'down' }], want: 10, reason: 'AboveMaxReplicas', scaled: true },
    { name: 'below minReplicas: raised at once', spec: { ...base, minReplicas: 3 }, spec_: 1, pods: pods(1), metrics: [], want: 3, reason: 'BelowMinReplicas', scaled: true },
    { name: 'one broken metric still allows a scale-up', spec: { ...base, metrics: [cpu(50), ext('AverageValue', 1000)] }, spec_: 2, pods: pods(2), metrics: [{ kind: 'error', message: 'adapter down' }, { kind: 'external', valuesMilli: [6000] }], want: 4, reason: 'ScaleUpLimit', scaled: true },
    { name: 'one broken metric blocks a scale-down', spec: { ...base, metrics: [cpu(50), ext('AverageValue', 1000)] }, spec_: 4, pods: pods(4), metrics: [{ kind: 'error', message: 'adapter down' }, { kind: 'external', valuesMilli: [1000] }], want: 4, reason: 'FailedGetMetrics', scaled: false },
    { name: 'all metrics broken: nothing scales', spec: base, spec_: 4, pods: pods(4), metrics: [{ kind: 'error', message: 'no metrics-server' }], want: 4, reason: 'FailedGetMetrics', scaled: false },
    { name: 'a new HPA cannot scale down within its first window (first-sight recommendation)', spec: base, spec_: 5, pods: pods(5), metrics: [cpuLoad(pods(5), 500)], want: 5, reason: 'ScaleDownStabilized', scaled: false },
    {
      name: 'External AverageValue divides by status.replicas: pending GPU pods do not dampen it',
      spec: { ...base, metrics: [ext('AverageValue', 1000)] },
      spec_: 4,
      status: 4,
      pods: [...pods(2), ...pods(2).map((p, i) => ({ ...p, name: `q${i}`, phase: 'Pending' as const, ready: false }))],
      metrics: [{ kind: 'external', valuesMilli: [8000] }],
      want: 8,
      reason: 'DesiredWithinRange',
      scaled: true,
    },
    {
      name: 'Pods metric ignores readiness: not-ready running pods with values count (upstream: 6)',
      spec: { ...base, metrics: [{ type: 'Pods', name: 'queue', target: { type: 'AverageValue', milli: 15000 } }] },
      spec_: 3,
      pods: [{ ...pods(1)[0], ready: false, readyTransitionTime: -3600 }, { ...pods(2)[1] }, { ...pods(3)[2], name: 'p2', ready: false }],
      metrics: [{ kind: 'pods', valueMilli: new Map([['p0', 50000], ['p1', 10000], ['p2', 30000]]) }],
      want: 6,
      reason: 'DesiredWithinRange',
      scaled: true,
    },
    { name: 'a reading of the wrong kind makes the metric invalid', spec: base, spec_: 2, pods: pods(2), metrics: [{ kind: 'external', valuesMilli: [1] }], want: 2, reason: 'FailedGetMetrics', scaled: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const hpa = new HpaController(c.spec);
      // Seed an empty history except for the first-sight case, so proposals are not held by it.
      if (!c.name.includes('first-sight')) hpa.restore({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });
      const d = hpa.reconcile(1000, { specReplicas: c.spec_, statusReplicas: c.status ?? c.spec_ }, c.pods, c.metrics);
      assert.equal(d.desiredReplicas, c.want, JSON.stringify(d));
      assert.equal(d.reason, c.reason);
      assert.equal(d.scaled, c.scaled);
    });
  }

  test('sync cadence: the first reconcile is due at once, then every syncPeriod', () => {
    const hpa = new HpaController(base, { syncPeriod: 30 });
    assert.equal(hpa.dueAt(), -Infinity);
    hpa.reconcile(100, { specReplicas: 1, statusReplicas: 1 }, pods(1), [cpuLoad(pods(1), 500)]);
    assert.equal(hpa.dueAt(), 130);
  });
});

describe('CPU readiness (groupPods)', () => {
  const opts = DEFAULT_HPA_OPTIONS; // cpuInitializationPeriod 300, delayOfInitialReadinessStatus 30
  const now = 1000;
  const cases: Array<{ name: string; pod: Partial<PodStatus>; sample: number; want: 'ready' | 'unready' }> = [
    { name: 'no Ready condition yet', pod: { readyTransitionTime: undefined }, sample: now, want: 'unready' },
    { name: 'no start time', pod: { startTime: undefined }, sample: now, want: 'unready' },
    { name: 'young and not ready', pod: { startTime: 900, ready: false, readyTransitionTime: 900 }, sample: now, want: 'unready' },
    { name: 'young, ready, but the sample predates a full window after readiness', pod: { startTime: 900, readyTransitionTime: 990 }, sample: 1000, want: 'unready' },
    { name: 'young, ready, and a full window of samples since', pod: { startTime: 900, readyTransitionTime: 980 }, sample: 1000, want: 'ready' },
    { name: 'old and never became ready', pod: { startTime: 0, ready: false, readyTransitionTime: 10 }, sample: now, want: 'unready' },
    { name: 'old, was ready, now failing its probe: still counted', pod: { startTime: 0, ready: false, readyTransitionTime: 500 }, sample: now, want: 'ready' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const pod: PodStatus = { name: 'p', phase: 'Running', ready: true, deleting: false, startTime: 0, readyTransitionTime: 0, ...c.pod };
      assert.equal(cpuPodState(pod, c.sample, 15, now, opts), c.want);
    });
  }

  test('a hot (just started) pod is counted as 0 on scale-up', () => {
    // Three pods at 60 % with a target of 30 %; one started 10 s ago and has no fresh sample.
    const list = pods(3);
    list[0] = { ...list[0], startTime: 990, readyTransitionTime: 995 };
    const hpa = new HpaController({ ...base, metrics: [cpu(30)] });
    hpa.restore({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });
    const d = hpa.reconcile(1000, { specReplicas: 3, statusReplicas: 3 }, list, [cpuLoad(list, 1800)]);
    assert.equal(d.desiredReplicas, 4);
  });
});

describe('tolerances', () => {
  const cases: Array<{ name: string; spec: HpaSpec; gate: boolean; want: { up: number; down: number } }> = [
    { name: 'legacy HPA: the cluster flag in both directions', spec: { ...base, tolerance: { up: 0.02 } }, gate: true, want: { up: 0.1, down: 0.1 } },
    { name: 'behavior with an up tolerance: asymmetric', spec: { ...base, behavior: withBehaviorDefaults({}), tolerance: { up: 0.02 } }, gate: true, want: { up: 0.02, down: 0.1 } },
    { name: 'gate off: the spec tolerance is ignored', spec: { ...base, behavior: withBehaviorDefaults({}), tolerance: { up: 0.02, down: 0.3 } }, gate: false, want: { up: 0.1, down: 0.1 } },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(tolerancesFor(c.spec, { ...DEFAULT_HPA_OPTIONS, configurableTolerance: c.gate }), c.want));

  test('a 5 % rise scales up only with a tighter up tolerance', () => {
    // 4 pods at 52.5 % of requests, target 50 %: ratio 1.04 (utilization truncates to 52).
    const run = (tolerance?: { up: number }) => {
      const hpa = new HpaController({ ...base, behavior: withBehaviorDefaults({}), tolerance });
      hpa.restore({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });
      return hpa.reconcile(0, { specReplicas: 4, statusReplicas: 4 }, pods(4), [cpuLoad(pods(4), 2100)]).desiredReplicas;
    };
    assert.equal(run(), 4);
    assert.equal(run({ up: 0.03 }), 5);
  });
});

describe('storeScaleEvent', () => {
  const behavior = withBehaviorDefaults({ scaleUp: { policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }] } });
  test('reuses the slot of an event older than the longest period', () => {
    const first = storeScaleEvent(behavior, { up: [], down: [] }, 1, 3, 0);
    const second = storeScaleEvent(behavior, first, 3, 5, 30);
    const third = storeScaleEvent(behavior, second, 5, 6, 100);
    // Both earlier events are outdated at t=100; upstream reuses the last outdated slot.
    assert.deepEqual(third.up.map((e) => [e.change, e.time]), [[2, 0], [1, 100]]);
    assert.deepEqual(third.down, []);
  });
  test('keeps nothing without a behavior', () => {
    assert.deepEqual(storeScaleEvent(undefined, { up: [], down: [] }, 1, 3, 0), { up: [], down: [] });
  });
});
