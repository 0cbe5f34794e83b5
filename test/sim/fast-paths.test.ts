import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { evaluateInstant } from '../../server/src/engine/promql/evaluate';
import { benchmarkInput } from '../../server/src/engine/sim/compare';
import { catalogueFor, Field, RECORD_FIELDS } from '../../server/src/engine/sim/emitted';
import { HpaController, PodStatus, RecommendationWindow, stabilizeRecommendation, stabilizeRecommendationWithBehaviors, TimestampedRecommendation } from '../../server/src/engine/sim/hpa';
import { prometheusQueryResult, prometheusVectorResult } from '../../server/src/engine/sim/keda';
import { withBehaviorDefaults } from '../../server/src/engine/sim/policy';
import type { HpaSpec, MetricSpec, ScaledObjectSpec } from '../../server/src/engine/sim/policy';
import { Rng } from '../../server/src/engine/sim/prng';
import { ScrapeStore, SeriesSource, Up } from '../../server/src/engine/sim/series';
import { simulate, SimulationInput, SimulationResult } from '../../server/src/engine/sim/simulate';
import { arrivalSeries, rateAt, rateSeries, stepTraffic, TrafficSpec } from '../../server/src/engine/sim/traffic';

// The simulator's fast paths (in-place controller state, the store's instant view, the direct prometheus
// result, the traffic cache) must not change what it computes. The hashes below were taken from the
// simulator before those paths existed; a change that is meant to alter the results updates them (the two runs
// whose backlog overflows changed when a client giving up on the backlog stopped counting twice against the SLO;
// all of them when the Poisson sampler moved to tables, diurnal rates to a rotation, the pool's exponentials to
// expFast and its divisions to reciprocals, and Erlang B to its inverse recursion, which change the draws and the
// last bits of rates and latencies).

/** fingerprint hashes everything a run reports, every number written exactly (NaN, ±Infinity and -0 included). */
function fingerprint(r: SimulationResult): string {
  const text = JSON.stringify({ series: r.series, summary: r.summary, events: r.events, triggers: r.triggers, problems: r.problems }, (_k, v: unknown) => {
    if (v instanceof Float64Array) return Array.from(v, (n) => (Object.is(n, -0) ? '-0' : String(n)));
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    return v;
  });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

const base = benchmarkInput();
const keda = base.policy.spec as ScaledObjectSpec;

/** sixHours is the benchmark's world for six busy hours (four times its night traffic) with another policy or other settings. */
function sixHours(over: Partial<SimulationInput> = {}): SimulationInput {
  return { ...base, durationSeconds: 6 * 3600, traffic: { ...base.traffic, scale: 4 }, ...over };
}

function kedaQuery(query: string, over: Partial<ScaledObjectSpec> = {}): SimulationInput {
  const trigger = { ...keda.triggers[0], metadata: { ...keda.triggers[0].metadata, query } };
  return sixHours({ policy: { kind: 'keda', spec: { ...keda, triggers: [trigger], ...over } } });
}

function hpa(metrics: MetricSpec[], behavior: HpaSpec['behavior']): SimulationInput {
  return sixHours({ policy: { kind: 'hpa', spec: { name: 'h', minReplicas: 2, maxReplicas: 12, metrics, behavior } } });
}

const slowDown = withBehaviorDefaults({ scaleUp: { stabilizationWindowSeconds: 60, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }, { type: 'Percent', value: 50, periodSeconds: 120 }] }, scaleDown: { selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }, { type: 'Percent', value: 10, periodSeconds: 60 }] } });
const waitingPerPod: MetricSpec = { type: 'Pods', name: 'vllm:num_requests_waiting', target: { type: 'AverageValue', milli: 3000 } };
const cpu: MetricSpec = { type: 'Resource', name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } };
const running: MetricSpec = { type: 'External', name: 'vllm:num_requests_running', target: { type: 'Value', milli: 60000 } };

const runs: Array<{ name: string; input: SimulationInput; hash: string }> = [
  { name: 'the benchmark day', input: base, hash: '51f1bee314b62aa3' },
  { name: 'KEDA on the queue, six hours', input: sixHours(), hash: '4d3bd146421b6a59' },
  { name: 'KEDA on a rate', input: kedaQuery('sum(rate(vllm:request_success_total[1m]))'), hash: 'b782dec031afef13' },
  { name: 'KEDA on a latency quantile', input: kedaQuery('histogram_quantile(0.95, sum(rate(vllm:time_to_first_token_seconds_bucket[2m])) by (le))'), hash: 'e72e14dd913053f4' },
  { name: 'KEDA on an offset query', input: kedaQuery('sum(vllm:num_requests_waiting offset 1m)'), hash: 'e8f00f0d2a39f3bd' },
  { name: 'KEDA falling back on a failing query', input: kedaQuery('vllm:num_requests_waiting', { fallback: { failureThreshold: 3, replicas: 5, behavior: 'static' } }), hash: '897aa26fe6d2e96d' },
  { name: 'KEDA from zero', input: kedaQuery('sum(vllm:num_requests_waiting)', { minReplicaCount: 0 }), hash: '538551037e1afbcd' },
  { name: 'HPA on a pods metric, legacy normalisation', input: hpa([waitingPerPod], undefined), hash: '42b470bbffb8bb47' },
  { name: 'HPA on three metrics with slow policies', input: hpa([cpu, waitingPerPod, running], slowDown), hash: '1c7ee464610ecbe1' },
  { name: 'HPA at 5 s steps', input: { ...hpa([waitingPerPod], slowDown), stepSeconds: 5 }, hash: '544cdb8368f5935c' },
];

describe('simulation results are unchanged by the fast paths', () => {
  for (const r of runs) test(r.name, () => assert.equal(fingerprint(simulate(r.input)), r.hash));
});

describe('prometheusVectorResult is prometheusQueryResult without the HTTP body', () => {
  /** body renders an instant-vector answer as Prometheus does (values as strings, NaN and ±Inf spelled out). */
  const body = (values: number[]) => JSON.stringify({ status: 'success', data: { resultType: 'vector', result: values.map((v) => ({ metric: {}, value: [0, Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v)] })) } });
  const cases: Array<{ name: string; values: number[] }> = [
    { name: 'no series', values: [] },
    { name: 'zero', values: [0] },
    { name: 'minus zero', values: [-0] },
    { name: 'a fraction', values: [1.25] },
    { name: 'a negative value', values: [-3.5] },
    { name: 'a huge value', values: [1e21] },
    { name: 'the smallest value', values: [5e-324] },
    { name: 'a long decimal', values: [0.1 + 0.2] },
    { name: 'NaN', values: [NaN] },
    { name: '+Inf', values: [Infinity] },
    { name: '-Inf', values: [-Infinity] },
    { name: 'two series', values: [1, 2] },
  ];
  for (const c of cases) {
    for (const ignore of [true, false]) {
      test(`${c.name}, ignoreNullValues ${ignore}`, () => {
        const direct = prometheusVectorResult(c.values, ignore);
        const viaBody = prometheusQueryResult(200, body(c.values), ignore);
        assert.deepEqual(direct, viaBody);
        assert.ok(Object.is(direct.value, viaBody.value), `${direct.value} vs ${viaBody.value}`);
      });
    }
  }
});

describe("the store's instant view answers as its series do", () => {
  const labels = (pod: string) => ({ engine: { namespace: 'ns', pod, model_name: 'm' }, gpus: [{ gpu: '0', pod }, { gpu: '1', pod }], container: { namespace: 'ns', pod, container: 'vllm' } });
  /**
   * store holds pod a (scraped every 15 s up to 300, GPU exporter missing at 90), pod b (gone after 30) and pod c
   * (engine down from 240). Views reach back 360 s, past the 300 s lookback: at 620 s pod a's last scrape is in
   * the view but too old for an instant selector.
   */
  function store(): ScrapeStore {
    const s = new ScrapeStore(catalogueFor('vllm'), undefined, 600);
    const [a, b, c] = ['a', 'b', 'c'].map((p) => s.addTarget(labels(p)));
    const rec = new Float64Array(RECORD_FIELDS);
    for (let t = 0; t <= 300; t += 15) {
      rec[Field.waiting] = t / 15;
      rec[Field.gpuBusy] = (t % 60) / 60;
      s.record(a, t, Up.engine | Up.container | (t === 90 ? 0 : Up.gpu), rec);
      if (t <= 30) s.record(b, t, Up.engine | Up.gpu | Up.container, rec);
      if (t === 45) s.record(b, t, 0, rec);
      rec[Field.waiting] = NaN;
      if (t >= 60) s.record(c, t, Up.gpu | Up.container | (t < 240 ? Up.engine : 0), rec);
    }
    return s;
  }
  const queries = [
    'sum(vllm:num_requests_waiting)',
    'vllm:num_requests_waiting',
    'sum(vllm:num_requests_waiting{pod="a"}) + sum(vllm:num_requests_waiting{pod="b"})',
    'count(DCGM_FI_DEV_GPU_UTIL)',
    'max(DCGM_FI_DEV_GPU_UTIL{gpu="1"})',
    'avg(vllm:num_requests_waiting) by (pod)',
    'sum(vllm:num_requests_waiting offset 15s)',
    'sum(no_such_metric)',
  ];
  for (const t of [0, 30, 45, 90, 250, 300, 400, 620, 700]) {
    test(`at ${t} s`, () => {
      const s = store();
      for (const q of queries) {
        const view = s.source(t, 360);
        // The same store seen only through `select`, the way any other source is read.
        const plain: SeriesSource = { now: t, select: (m) => s.select(m, t, 360) };
        assert.deepEqual(evaluateInstant(q, view, t), evaluateInstant(q, plain, t), q);
      }
    });
  }
});

describe('stepTraffic remembers the traffic it draws, and only for the same scenario', () => {
  const day: TrafficSpec = base.traffic;
  test('it gives what rateSeries and arrivalSeries give', () => {
    const rates = rateSeries(day, 7200, 1);
    const got = stepTraffic(day, 7200, 1, 11);
    assert.deepEqual(got.rates, rates);
    assert.deepEqual(got.arrivals, arrivalSeries(day, rates, 1, new Rng(11)));
  });
  test('the same scenario again gives the same arrays', () => assert.equal(stepTraffic(day, 7200, 1, 11), stepTraffic({ ...day }, 7200, 1, 11)));
  test('another seed draws new arrivals around the same rates', () => {
    const a = stepTraffic(day, 7200, 1, 11);
    const b = stepTraffic({ ...day }, 7200, 1, 13);
    assert.equal(b.rates, a.rates);
    assert.notDeepEqual(b.arrivals, a.arrivals);
    assert.deepEqual(b.arrivals, arrivalSeries(day, rateSeries(day, 7200, 1), 1, new Rng(13)));
  });
  test('other steps do not take the rates of a shorter run', () => assert.equal(stepTraffic(day, 7201, 1, 13).rates.length, 7201));
  const others: Array<{ name: string; spec: TrafficSpec; steps?: number; seed?: number }> = [
    { name: 'another seed', spec: day, seed: 12 },
    { name: 'other steps', spec: day, steps: 7201 },
    { name: 'a scale of +Infinity', spec: { ...day, scale: Infinity } },
    { name: 'a scale of NaN', spec: { ...day, scale: NaN } },
    { name: 'a spike at -0', spec: { ...day, spikes: [{ atSeconds: -0, durationSeconds: 60, multiplier: 2 }] } },
    { name: 'a spike at 0', spec: { ...day, spikes: [{ atSeconds: 0, durationSeconds: 60, multiplier: 2 }] } },
  ];
  for (const o of others) {
    test(`${o.name} is another scenario`, () => {
      const got = stepTraffic(o.spec, o.steps ?? 7200, 1, o.seed ?? 11);
      assert.notEqual(got, stepTraffic(day, 7200, 1, 11));
      assert.deepEqual(got.arrivals, arrivalSeries(o.spec, rateSeries(o.spec, o.steps ?? 7200, 1), 1, new Rng(o.seed ?? 11)));
    });
  }
});

test('HPA history is a snapshot: later reconciles, which update the history in place, do not change it', () => {
  const spec: HpaSpec = { minReplicas: 1, maxReplicas: 10, metrics: [{ type: 'External', name: 'q', target: { type: 'AverageValue', milli: 1000 } }], behavior: slowDown };
  const pods: PodStatus[] = [1, 2, 3].map((i) => ({ name: `p${i}`, phase: 'Running', ready: true, deleting: false, startTime: 0, readyTransitionTime: 0 }));
  const h = new HpaController(spec);
  let current = 3;
  const snapshots: string[] = [];
  const kept: Array<ReturnType<HpaController['history']>> = [];
  for (let i = 0; i < 80; i++) {
    const d = h.reconcile(i * 15, { specReplicas: current, statusReplicas: current }, pods, [{ kind: 'external', valuesMilli: [(i % 20) * 700] }]);
    if (d.scaled) current = d.desiredReplicas;
    const snapshot = h.history();
    kept.push(snapshot);
    snapshots.push(JSON.stringify(snapshot));
  }
  kept.forEach((k, i) => assert.equal(JSON.stringify(k), snapshots[i], `snapshot ${i}`));
  // Stabilization slots were reused along the way (the list stays bounded by the windows).
  assert.ok(h.history().recommendations!.length < 80);
});

describe("the HPA controller's proposal window decides as upstream's list does", () => {
  // Random histories: syncs forward in time (sometimes at the same instant), proposals jumping around, windows
  // fixed per history as in a controller, the first proposals restored out of order.
  const histories = (seed: number, rule: (w: RecommendationWindow, list: TimestampedRecommendation[], up: number, down: number, current: number, desired: number, now: number) => [number, number]) => {
    const rng = new Rng(seed);
    const int = (n: number) => Math.floor(rng.uniform() * n);
    for (let h = 0; h < 200; h++) {
      const up = [0, 15, 60, 180][int(4)];
      const down = [0, 30, 300, 600][int(4)];
      const list: TimestampedRecommendation[] = Array.from({ length: int(6) }, () => ({ replicas: 1 + int(20), time: int(200) }));
      const w = new RecommendationWindow(list);
      let now = 200;
      for (let i = 0; i < 120; i++) {
        now += [0, 1, 15, 15, 15, 40, 400][int(7)];
        const current = 1 + int(20);
        const desired = 1 + int(20);
        const [got, want] = rule(w, list, up, down, current, desired, now);
        assert.equal(got, want, `history ${h}, sync ${i} (up ${up} s, down ${down} s)`);
      }
    }
  };

  test('two-sided (behavior) windows', () => {
    histories(3, (w, list, up, down, current, desired, now) => {
      const want = stabilizeRecommendationWithBehaviors({ recommendations: list, currentReplicas: current, desiredReplicas: desired, upWindowSeconds: up, downWindowSeconds: down, now });
      list.splice(0, list.length, ...want.recommendations);
      return [w.stabilizeTwoSided(current, desired, now, up, down), want.replicas];
    });
  });

  test('the legacy window', () => {
    histories(5, (w, list, _up, down, _current, desired, now) => {
      const want = stabilizeRecommendation(list, desired, now, down);
      list.splice(0, list.length, ...want.recommendations);
      return [w.stabilizeLegacy(desired, now, down), want.replicas];
    });
  });

  test('it holds no proposal older than every window', () => {
    const w = new RecommendationWindow([]);
    for (let i = 0; i < 1000; i++) w.stabilizeTwoSided(3, 1 + (i % 7), i * 15, 60, 600);
    const kept = w.toArray();
    assert.equal(kept.length, 41);
    assert.deepEqual(kept.map((r) => r.time), Array.from({ length: 41 }, (_, k) => (959 + k) * 15));
  });
});

describe('the store reads a target whenever it has a recent scrape', () => {
  const labels = (pod: string) => ({ engine: { namespace: 'ns', pod }, gpus: [], container: { namespace: 'ns', pod } });
  const waiting = (v: number) => {
    const rec = new Float64Array(RECORD_FIELDS);
    rec[Field.waiting] = v;
    return rec;
  };
  const sum = (s: ScrapeStore, t: number) => evaluateInstant('sum(vllm:num_requests_waiting)', s.source(t, 300, true), t);

  test('a pod whose container starts between scrapes, with a query read before its first scrape', () => {
    const s = new ScrapeStore(catalogueFor('vllm'), undefined, 300);
    const a = s.addTarget(labels('a'));
    s.record(a, 0, Up.engine, waiting(2));
    const b = s.addTarget(labels('b'));
    // A poll between scrapes (KEDA's pollingInterval need not divide the scrape interval) reads only pod a.
    assert.deepEqual(sum(s, 7), { ok: true, value: [2] });
    s.record(a, 15, Up.engine, waiting(2));
    s.record(b, 15, Up.engine, waiting(5));
    assert.deepEqual(sum(s, 15), { ok: true, value: [7] });
  });

  test('a pod scraped less often than the retention comes back at its next scrape', () => {
    const s = new ScrapeStore(catalogueFor('vllm'), undefined, 300);
    const a = s.addTarget(labels('a'));
    s.record(a, 0, Up.engine, waiting(3));
    assert.deepEqual(sum(s, 600), { ok: true, value: [] });
    s.record(a, 900, Up.engine, waiting(4));
    assert.deepEqual(sum(s, 900), { ok: true, value: [4] });
  });

  test('a finished target pruned and its arrays reused does not disturb the targets that follow', () => {
    const s = new ScrapeStore(catalogueFor('vllm'), undefined, 300);
    const gone = s.addTarget(labels('gone'));
    for (let t = 0; t <= 60; t += 15) s.record(gone, t, Up.engine, waiting(9));
    s.record(gone, 75, 0, waiting(0));
    s.finish(gone);
    const a = s.addTarget(labels('a'));
    for (let t = 75; t <= 1200; t += 15) {
      s.record(a, t, Up.engine, waiting(t));
      // Every poll reads one value: pod a's newest scrape.
      assert.deepEqual(sum(s, t), { ok: true, value: [t] }, `at ${t} s`);
      const b = s.addTarget(labels(`b${t}`));
      s.record(b, t, Up.engine, waiting(1));
      s.record(b, t + 5, 0, waiting(0));
      s.finish(b);
    }
  });

  test('the ids of targets no query reaches any more are given again, so pods that come and go keep few ids', () => {
    const s = new ScrapeStore(catalogueFor('vllm'), undefined, 300);
    const ids = new Set<number>();
    for (let t = 0; t <= 36_000; t += 15) {
      const b = s.addTarget(labels(`b${t}`));
      ids.add(b);
      s.record(b, t, Up.engine, waiting(1));
      s.record(b, t + 5, 0, waiting(0));
      s.finish(b);
      // Each poll reads the one pod scraped now: a reused id carries nothing of the pod it had before.
      assert.deepEqual(sum(s, t), { ok: true, value: [1] }, `at ${t} s`);
    }
    // 2,401 pods; at most the retention's worth (300 s of pods every 15 s, and a quarter more until the next prune) hold an id at once.
    assert.ok(ids.size <= 30, `${ids.size} ids`);
  });
});

describe('rateSeries gives rateAt at the middle of every step', () => {
  const spikes = [
    { atSeconds: 600, durationSeconds: 900, multiplier: 3 },
    { atSeconds: 1000, durationSeconds: 200.5, multiplier: 0.5 },
    // Edges on a step's middle at 1 s steps: 2000.5 is in, 2010.5 is out.
    { atSeconds: 2000.5, durationSeconds: 10, multiplier: 2 },
  ];
  const shapes: Array<{ name: string; shape: TrafficSpec['shape'] }> = [
    { name: 'diurnal', shape: { kind: 'diurnal', minRps: 3, maxRps: 71.3, peakAtSeconds: 1234.5, periodSeconds: 3000 } },
    { name: 'constant', shape: { kind: 'constant', rps: 12.7 } },
    { name: 'step', shape: { kind: 'step', fromRps: 4, toRps: 40, atSeconds: 777 } },
    { name: 'ramp', shape: { kind: 'ramp', fromRps: 1, toRps: 90, startSeconds: 100, endSeconds: 2500 } },
    { name: 'replay', shape: { kind: 'replay', interpolation: 'linear', points: [{ t: 0, rps: 5 }, { t: 900, rps: 60 }, { t: 1800, rps: 7 }] } },
  ];
  // A diurnal series turns its angle step by step (exact again every 64 steps): within 1e-14 of its amplitude, as
  // scaled and spiked at that step (rateAt of a constant 1 is that factor). The others are rateAt bit for bit.
  const agrees = (spec: TrafficSpec, t: number, got: number) => {
    const want = rateAt(spec, t);
    if (spec.shape.kind !== 'diurnal') return Object.is(got, want);
    const factor = rateAt({ ...spec, shape: { kind: 'constant', rps: 1 } }, t);
    return Math.abs(got - want) <= 1e-14 * ((spec.shape.maxRps - spec.shape.minRps) / 2) * factor;
  };
  for (const { name, shape } of shapes) {
    for (const dt of [1, 0.7, 5]) {
      test(`${name} with overlapping spikes at ${dt} s steps`, () => {
        const spec: TrafficSpec = { shape, spikes, noise: 'none', scale: 1.3 };
        const steps = Math.ceil(3600 / dt);
        const got = rateSeries(spec, steps, dt);
        for (let i = 0; i < steps; i++) assert.ok(agrees(spec, (i + 0.5) * dt, got[i]), `step ${i}: ${got[i]} vs ${rateAt(spec, (i + 0.5) * dt)}`);
      });
    }
  }
  test('a diurnal day at 1 s steps, as a run draws it', () => {
    const spec = base.traffic;
    const got = rateSeries(spec, 86400, 1);
    for (let i = 0; i < 86400; i++) assert.ok(agrees(spec, i + 0.5, got[i]), `step ${i}: ${got[i]} vs ${rateAt(spec, i + 0.5)}`);
  });
  const odd: Array<{ name: string; spike: { atSeconds: number; durationSeconds: number; multiplier: number } }> = [
    { name: 'a spike at NaN', spike: { atSeconds: NaN, durationSeconds: 60, multiplier: 2 } },
    { name: 'a spike lasting forever', spike: { atSeconds: 100, durationSeconds: Infinity, multiplier: 2 } },
    { name: 'a spike from -Infinity', spike: { atSeconds: -Infinity, durationSeconds: Infinity, multiplier: 2 } },
    { name: 'a spike before the start', spike: { atSeconds: -500, durationSeconds: 510, multiplier: 2 } },
    { name: 'a spike after the end', spike: { atSeconds: 1e6, durationSeconds: 10, multiplier: 2 } },
  ];
  for (const { name, spike } of odd) {
    test(name, () => {
      const spec: TrafficSpec = { shape: { kind: 'constant', rps: 5 }, spikes: [spike], noise: 'none', scale: 1 };
      const got = rateSeries(spec, 600, 1);
      for (let i = 0; i < 600; i++) assert.ok(Object.is(got[i], rateAt(spec, i + 0.5)), `step ${i}: ${got[i]} vs ${rateAt(spec, i + 0.5)}`);
    });
  }
});
