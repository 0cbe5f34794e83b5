import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateFormula } from '../../server/src/engine/sim/formula';
import { HpaController } from '../../server/src/engine/sim/hpa';
import { doFallback, hpaSpecForScaledObject, KedaController, KedaStep, prometheusQueryResult, TriggerResult } from '../../server/src/engine/sim/keda';
import { FallbackSpec, HpaSpec, ScaledObjectSpec, TriggerSpec } from '../../server/src/engine/sim/policy';

function prom(threshold = 10, activationThreshold = 5, name?: string, metricType?: TriggerSpec['metricType']): TriggerSpec {
  return { type: 'prometheus', name, metricType, metadata: { threshold, activationThreshold, query: 'sum(q)', ignoreNullValues: true, raw: {} } };
}

function cpuTrigger(value = '60', containerName?: string): TriggerSpec {
  return { type: 'cpu', name: undefined, metricType: 'Utilization', metadata: { activationThreshold: 0, ignoreNullValues: true, value, containerName, raw: {} } };
}

function so(over: Partial<ScaledObjectSpec> = {}): ScaledObjectSpec {
  return { name: 'llm', pollingInterval: 30, cooldownPeriod: 300, initialCooldownPeriod: 0, minReplicaCount: 0, maxReplicaCount: 10, triggers: [prom()], pausedScaleIn: false, pausedScaleOut: false, paused: false, forceActivation: false, ...over };
}

interface Poll {
  t: number;
  current: number;
  results: TriggerResult[];
  scaleTo?: number;
  step: KedaStep;
  active?: boolean;
}

/** runPolls polls at each step and checks what KEDA wrote and why. */
function runPolls(spec: ScaledObjectSpec, createdAt: number, polls: Poll[]): KedaController {
  const k = new KedaController(spec, createdAt);
  for (const p of polls) {
    const r = k.poll(p.t, p.current, p.results);
    assert.equal(r.step, p.step, `t=${p.t}: ${JSON.stringify(r)}`);
    assert.equal(r.scaleTo, p.scaleTo, `t=${p.t}: scaleTo`);
    if (p.active !== undefined) assert.equal(r.active, p.active, `t=${p.t}: active`);
  }
  return k;
}

const v = (value: number): TriggerResult[] => [{ value }];
const err: TriggerResult[] = [{ value: -1, error: 'connection refused' }];

describe('KEDA activation and cooldown timelines', () => {
  const cases: Array<{ name: string; spec: ScaledObjectSpec; createdAt: number; polls: Poll[] }> = [
    {
      name: 'activation is strict, 0 -> 1, then cooldown to 0 only after lastActive + 300 s (strictly)',
      spec: so(),
      createdAt: 0,
      polls: [
        { t: 0, current: 0, results: v(5), step: 'NoChange', active: false },
        { t: 30, current: 0, results: v(6), step: 'ActivatedFromZeroOrIdle', scaleTo: 1, active: true },
        { t: 60, current: 3, results: v(7), step: 'Active' },
        { t: 90, current: 3, results: v(0), step: 'ScalerCooldown', active: false },
        { t: 360, current: 1, results: v(0), step: 'ScalerCooldown' },
        { t: 390, current: 1, results: v(0), step: 'Deactivated', scaleTo: 0 },
      ],
    },
    {
      name: 'minReplicaCount 2: activation goes to 2; KEDA never scales in above it (the HPA does)',
      spec: so({ minReplicaCount: 2 }),
      createdAt: 0,
      polls: [
        { t: 0, current: 0, results: v(9), step: 'ActivatedFromZeroOrIdle', scaleTo: 2 },
        { t: 600, current: 5, results: v(0), step: 'NoChange' },
        { t: 630, current: 1, results: v(0), step: 'SetToMinReplicas', scaleTo: 2 },
      ],
    },
    {
      name: 'never active: initialCooldownPeriod protects a fresh deployment, then it goes to 0',
      spec: so({ initialCooldownPeriod: 120 }),
      createdAt: 100,
      polls: [
        { t: 100, current: 2, results: v(0), step: 'ScalerCooldown' },
        { t: 220, current: 2, results: v(0), step: 'ScalerCooldown' },
        { t: 250, current: 2, results: v(0), step: 'Deactivated', scaleTo: 0 },
      ],
    },
    {
      name: 'idleReplicaCount 0 with min 2: idle when inactive, straight to min when active',
      spec: so({ minReplicaCount: 2, idleReplicaCount: 0, cooldownPeriod: 60 }),
      createdAt: 0,
      polls: [
        { t: 0, current: 0, results: v(9), step: 'ActivatedFromZeroOrIdle', scaleTo: 2 },
        { t: 30, current: 4, results: v(0), step: 'ScalerCooldown' },
        { t: 90, current: 4, results: v(0), step: 'Deactivated', scaleTo: 0 },
      ],
    },
    {
      name: 'errors: partial error keeps lastActiveTime, inactive error without fallback is TriggerError',
      spec: so({ triggers: [prom(10, 5), prom(10, 5)] }),
      createdAt: 0,
      polls: [
        { t: 0, current: 0, results: [{ value: 9 }, { value: 0 }], step: 'ActivatedFromZeroOrIdle', scaleTo: 1 },
        { t: 300, current: 1, results: [{ value: 9 }, { value: -1, error: 'timeout' }], step: 'PartialTriggerError' },
        { t: 330, current: 1, results: [{ value: -1, error: 'timeout' }, { value: 0 }], step: 'TriggerError', active: false },
        { t: 360, current: 1, results: [{ value: 0 }, { value: 0 }], step: 'Deactivated', scaleTo: 0 },
      ],
    },
    {
      name: 'errors with a fallback: KEDA does not scale to zero, it waits for the HPA',
      spec: so({ fallback: { failureThreshold: 3, replicas: 4, behavior: 'static' } }),
      createdAt: 0,
      polls: [{ t: 1000, current: 2, results: err, step: 'FallbackPending' }],
    },
    {
      name: 'only cpu/memory triggers: always active, so never to zero',
      spec: so({ triggers: [cpuTrigger()] }),
      createdAt: 0,
      polls: [
        { t: 0, current: 0, results: [], step: 'ActivatedFromZeroOrIdle', scaleTo: 1, active: true },
        { t: 3600, current: 3, results: [], step: 'Active', active: true },
      ],
    },
    {
      name: 'paused-scale-in: no deactivation; paused-scale-out: no activation',
      spec: so({ pausedScaleIn: true, pausedScaleOut: true }),
      createdAt: 0,
      polls: [
        { t: 0, current: 2, results: v(0), step: 'ScaleInPaused' },
        { t: 30, current: 0, results: v(9), step: 'ScaleOutPaused' },
      ],
    },
    {
      name: 'paused-replicas: the count is enforced and nothing else happens',
      spec: so({ pausedReplicas: 3 }),
      createdAt: 0,
      polls: [
        { t: 0, current: 0, results: v(9), step: 'Paused', scaleTo: 3 },
        { t: 30, current: 3, results: v(0), step: 'Paused' },
      ],
    },
    {
      name: 'scalingModifiers: the composite decides activation (strictly above activationTarget)',
      spec: so({ triggers: [prom(10, 0, 'queue'), prom(10, 0, 'running')], scalingModifiers: { formula: 'queue + running', target: '10', activationTarget: 5, metricType: 'AverageValue' } }),
      createdAt: 0,
      polls: [
        { t: 0, current: 0, results: [{ value: 2 }, { value: 3 }], step: 'NoChange', active: false },
        { t: 30, current: 0, results: [{ value: 2 }, { value: 3.5 }], step: 'ActivatedFromZeroOrIdle', scaleTo: 1, active: true },
        // Any trigger error forces the composite inactive, so this is an inactive error, not a partial one.
        { t: 60, current: 1, results: [{ value: 20 }, { value: -1, error: 'x' }], step: 'TriggerError', active: false },
      ],
    },
  ];
  for (const c of cases) test(c.name, () => { runPolls(c.spec, c.createdAt, c.polls); });

  test('polling cadence: first poll at creation, then every pollingInterval', () => {
    const k = new KedaController(so({ pollingInterval: 15 }), 50);
    assert.equal(k.dueAt(), 50);
    k.poll(50, 0, v(0));
    assert.equal(k.dueAt(), 65);
  });
});

describe('KEDA fallback', () => {
  const fallback: FallbackSpec = { failureThreshold: 2, replicas: 6, behavior: 'static' };

  test('failures are counted per HPA query, reset by a success, and the HPA then lands on fallback.replicas', () => {
    const k = new KedaController(so({ fallback }), 0);
    const hpa = new HpaController(k.hpaSpec);
    hpa.restore({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });
    const query = (results: TriggerResult[]) => k.hpaMetrics(0, results, 3, 3)[0];
    const seen = [err, err, err, v(40), err].map((r) => {
      const reading = query(r);
      return { kind: reading.kind, failures: k.failuresOf(0), reading };
    });
    assert.deepEqual(seen.map((s) => [s.kind, s.failures]), [['error', 1], ['error', 2], ['external', 3], ['external', 0], ['error', 1]]);
    assert.deepEqual(seen[2].reading, { kind: 'external', valuesMilli: [60_000] });
    assert.deepEqual(seen[3].reading, { kind: 'external', valuesMilli: [40_000] });
    const d = hpa.reconcile(0, { specReplicas: 3, statusReplicas: 3 }, [], [seen[2].reading]);
    assert.equal(d.desiredReplicas, 6);
  });

  const behaviors: Array<{ behavior: FallbackSpec['behavior']; current: number; milli: number }> = [
    { behavior: 'static', current: 4, milli: 60_000 },
    { behavior: 'currentReplicas', current: 4, milli: 40_000 },
    { behavior: 'currentReplicasIfHigher', current: 4, milli: 60_000 },
    { behavior: 'currentReplicasIfHigher', current: 9, milli: 90_000 },
    { behavior: 'currentReplicasIfLower', current: 4, milli: 40_000 },
    { behavior: 'currentReplicasIfLower', current: 9, milli: 60_000 },
  ];
  for (const b of behaviors) {
    test(`behavior ${b.behavior} with ${b.current} current replicas reports ${b.milli / 1000}`, () => {
      assert.deepEqual(doFallback({ ...fallback, behavior: b.behavior }, { type: 'AverageValue', value: 10 }, b.current, 4), { milli: b.milli });
    });
  }

  test('a Value target is divided by the ready pods; with none it is an error', () => {
    assert.deepEqual(doFallback(fallback, { type: 'Value', value: 10 }, 2, 4), { milli: 15_000 });
    assert.ok('error' in doFallback(fallback, { type: 'Value', value: 10 }, 2, 0));
  });

  test('the composite metric falls back with the modifiers target', () => {
    const spec = so({ fallback: { failureThreshold: 0, replicas: 5, behavior: 'static' }, triggers: [prom(10, 0, 'q')], scalingModifiers: { formula: 'q * 2', target: '4', activationTarget: 0, metricType: 'AverageValue' } });
    const k = new KedaController(spec, 0);
    assert.deepEqual(k.hpaMetrics(0, [{ value: 3 }], 1, 1), [{ kind: 'external', valuesMilli: [6000] }]);
    assert.deepEqual(k.hpaMetrics(0, err, 1, 1), [{ kind: 'external', valuesMilli: [20_000] }]);
  });
});

describe('hpaSpecForScaledObject', () => {
  const cases: Array<{ name: string; spec: ScaledObjectSpec; check: (h: HpaSpec) => void }> = [
    { name: 'minReplicaCount 0 gives an HPA minimum of 1, no behavior (legacy path)', spec: so(), check: (h) => { assert.equal(h.minReplicas, 1); assert.equal(h.maxReplicas, 10); assert.equal(h.behavior, undefined); } },
    { name: 'threshold becomes an AverageValue target in milli, truncated like int64(f*1000)', spec: so({ triggers: [prom(1.001)] }), check: (h) => assert.deepEqual(h.metrics, [{ type: 'External', name: 's0-prometheus', target: { type: 'AverageValue', milli: 1000 } }]) },
    { name: 'metricType Value gives a Value target', spec: so({ triggers: [prom(10, 0, undefined, 'Value')] }), check: (h) => assert.deepEqual(h.metrics[0].target, { type: 'Value', milli: 10_000 }) },
    {
      name: 'cpu triggers become Resource (or ContainerResource) metrics, sorted by type',
      spec: so({ triggers: [cpuTrigger('70'), prom(), cpuTrigger('50', 'vllm')] }),
      check: (h) => assert.deepEqual(h.metrics.map((m) => m.type), ['ContainerResource', 'External', 'Resource']),
    },
    {
      name: 'paused-scale-in disables scale-down, and the rest takes the API defaults',
      spec: so({ pausedScaleIn: true }),
      check: (h) => {
        assert.equal(h.behavior?.scaleDown.selectPolicy, 'Disabled');
        assert.equal(h.behavior?.scaleUp.selectPolicy, 'Max');
        assert.equal(h.behavior?.scaleUp.policies.length, 2);
      },
    },
    { name: 'paused-replicas pins the HPA (never below 1)', spec: so({ pausedReplicas: 0 }), check: (h) => assert.deepEqual([h.minReplicas, h.maxReplicas], [1, 1]) },
    {
      name: 'scalingModifiers replace External metrics by one composite, keeping Resource but not ContainerResource',
      spec: so({ triggers: [cpuTrigger('70'), prom(10, 0, 'a'), cpuTrigger('50', 'vllm')], scalingModifiers: { formula: 'a', target: '2.5', activationTarget: 0, metricType: 'Value' } }),
      check: (h) => assert.deepEqual(h.metrics.map((m) => [m.type, m.name, m.target]), [['Resource', 'cpu', { type: 'Utilization', averageUtilization: 70 }], ['External', 'composite-metric', { type: 'Value', milli: 2500 }]]),
    },
  ];
  for (const c of cases) test(c.name, () => c.check(hpaSpecForScaledObject(c.spec)));
});

describe('evaluateFormula (expr-lang subset)', () => {
  const env = { a: 1, b: 3, PI: 2, sin: 4 };
  const ok: Array<[string, number]> = [
    ['a + b * 2', 7],
    ['(a + b) / 2', 2],
    ['a > 0 && b > 2 ? 10 : 20', 10],
    ['!(a > 2) || b == 0 ? 1 : 0', 1],
    ['not (a > 0) and true ? 1 : 0', 0],
    ['b ** 2 + 2 ^ 3', 17],
    ['-b ** 2', -9],
    ['a ?? 5', 1],
    ['a ?? b * 2', 2],
    ['max(a, b, 2) + min(a, b) + abs(-4)', 8],
    ['round(2.5) + round(-2.5)', 0],
    ['int(7.9) + float(a)', 8],
    ['ceil(a / 2) + floor(b / 2)', 2],
    ['b % 2', 1],
    ['PI + sin', 6],
    ['1_000 + 0.5', 1000.5],
  ];
  for (const [formula, want] of ok) test(`${formula} = ${want}`, () => assert.deepEqual(evaluateFormula(formula, env), { ok: true, value: want }));

  const bad: Array<[string, RegExp]> = [
    ['a + unknown', /unknown name 'unknown'/],
    ['len(a)', /'len'.*not supported/],
    ['sqrt(a)', /function 'sqrt'.*not supported/],
    ['a in b', /'in'.*not supported/],
    ['"text"', /unsupported character '"'/],
    ['a.b', /unsupported character '\.'/],
    ['a ?. b', /'\?\.'.*not supported/],
    ['a > 1', /boolean/],
    ['a / 0', /not a finite number/],
    ['(a + b', /unbalanced/],
    ['a ??', /right operand/],
  ];
  for (const [formula, want] of bad) {
    test(`${formula} is reported`, () => {
      const r = evaluateFormula(formula, env);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, want);
    });
  }
});

describe('prometheusQueryResult (beyond the upstream vectors)', () => {
  const body = (value: unknown) => JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, value] }] } });
  const cases: Array<{ name: string; status: number; body: string; ignore: boolean; want: TriggerResult | 'error' }> = [
    { name: 'a plain sample', status: 200, body: body('42.5'), ignore: true, want: { value: 42.5 } },
    { name: 'exponent notation', status: 200, body: body('1e3'), ignore: false, want: { value: 1000 } },
    { name: 'a null sample leaves -1 without an error (upstream quirk)', status: 200, body: body(null), ignore: false, want: { value: -1 } },
    { name: 'a numeric (non-string) sample is an error', status: 200, body: body(7), ignore: true, want: 'error' },
    { name: 'not JSON', status: 200, body: '<html>', ignore: true, want: 'error' },
    { name: 'a 503', status: 503, body: body('1'), ignore: true, want: 'error' },
    { name: 'an empty result without ignoreNullValues', status: 200, body: JSON.stringify({ data: { result: [] } }), ignore: false, want: 'error' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = prometheusQueryResult(c.status, c.body, c.ignore);
      if (c.want === 'error') {
        assert.equal(r.value, -1);
        assert.equal(typeof r.error, 'string');
      } else assert.deepEqual(r, c.want);
    });
  }
});
