import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { benchmarkInput } from '../../server/src/engine/sim/compare';
import { parallelDraws, PARALLEL_MIN_STEPS, PendingDraws } from '../../server/src/engine/sim/parallelDraws';
import { simWorkerReady, uninstallSimWorker } from '../../server/src/node/simWorker';
import { Rng } from '../../server/src/engine/sim/prng';
import { simulate, SimulationInput } from '../../server/src/engine/sim/simulate';
import { arrivalSeries, forgetTraffic, rateSeries, stepTraffic, TrafficSpec } from '../../server/src/engine/sim/traffic';

// The worker thread must change when the work is done, never what it computes: every run is compared with the same
// run made in the calling thread alone.

const base = benchmarkInput();
/** Means from about 5 to 240 a step (tables) and, scaled up, 1,000 and more (transformed rejection). */
const day: TrafficSpec = base.traffic;
const busyDay: TrafficSpec = { ...day, scale: 40 };

before(async () => assert.equal(await simWorkerReady(), true, 'the worker starts on a machine with two cores'));
after(uninstallSimWorker);

/** alone runs fn with the worker turned off, then turns it back on. */
async function alone<T>(fn: () => T): Promise<T> {
  uninstallSimWorker();
  try {
    return fn();
  } finally {
    await simWorkerReady();
  }
}

describe('arrivals drawn on the worker thread', () => {
  for (const [name, spec] of [['a day of 5–120 requests a step', day], ['a day of 200–4,800 requests a step', busyDay]] as const) {
    test(`${name}: the same draws as in the calling thread`, () => {
      const rates = rateSeries(spec, 86_400, 1);
      const pending = parallelDraws(rates, 1, 4242);
      assert.ok(pending instanceof PendingDraws, 'a day is handed to the worker');
      assert.equal(pending.waitFor(rates.length), rates.length);
      assert.deepEqual(pending.out, arrivalSeries(spec, rates, 1, new Rng(4242)));
    });
  }

  test('a short run draws in the calling thread', () => {
    assert.equal(parallelDraws(rateSeries(day, PARALLEL_MIN_STEPS - 1, 1), 1, 1), undefined);
    assert.equal(stepTraffic(day, 3600, 1, 1).pending, undefined);
  });

  test('a run without noise draws nothing', () => assert.equal(stepTraffic({ ...day, noise: 'none' }, 86_400, 1, 1).pending, undefined));

  test('waitFor returns as soon as the steps asked for are drawn, and never fewer', () => {
    const rates = rateSeries(day, 40_000, 1);
    const pending = parallelDraws(rates, 1, 7)!;
    const first = pending.waitFor(1);
    assert.ok(first >= 1 && first <= rates.length);
    assert.ok(pending.waitFor(30_000) >= 30_000);
    assert.equal(pending.waitFor(40_000), 40_000);
  });
});

describe('a simulation with the worker gives what it gives without', () => {
  const cases: Array<[string, SimulationInput]> = [
    ['the benchmark day', { ...base, seed: 11 }],
    ['a busy day (three times the traffic)', { ...base, seed: 12, traffic: { ...day, scale: 3 } }],
    ['two days at 2 s steps', { ...base, seed: 13, durationSeconds: 2 * 86_400, stepSeconds: 2 }],
  ];
  for (const [name, input] of cases) {
    test(name, async () => {
      forgetTraffic();
      const withWorker = simulate(input);
      assert.ok(stepTraffic(input.traffic, Math.round(input.durationSeconds / input.stepSeconds), input.stepSeconds, input.seed).pending, 'the run took its draws from the worker');
      forgetTraffic();
      const inThread = await alone(() => simulate(input));
      assert.deepEqual(withWorker, inThread);
    });
  }
});

describe('a worker that stops answering', () => {
  test('the calling thread draws the run itself, with the same values', () => {
    const rates = rateSeries(day, 20_000, 1);
    // A job no worker took: its progress never moves.
    const job = { means: rates, scale: 1, seed: 99, out: new Float64Array(new SharedArrayBuffer(rates.length * 8)), progress: new Int32Array(new SharedArrayBuffer(4)) };
    let stalled = 0;
    const pending = new PendingDraws({ kind: 'draw', ...job }, () => stalled++);
    assert.equal(pending.waitFor(10), rates.length);
    assert.deepEqual(pending.out, arrivalSeries(day, rates, 1, new Rng(99)));
    assert.equal(stalled, 1, 'the helper is given up on');
    assert.equal(pending.waitFor(rates.length), rates.length);
  });
});
