import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { benchmarkInput } from '../../server/src/engine/sim/compare';
import { HelperJob, HelperThread, PARALLEL_MAX_STEPS, PARALLEL_MIN_STEPS, useHelperThread } from '../../server/src/engine/sim/helperThread';
import { drawJob, parallelDraws, PendingDraws } from '../../server/src/engine/sim/parallelDraws';
import { accountJob, Ctl } from '../../server/src/engine/sim/stepLedger';
import { newAccountArrays } from '../../server/src/engine/sim/latency';
import { simWorkerReady, uninstallSimWorker } from '../../server/src/node/simWorker';
import { Rng } from '../../server/src/engine/sim/prng';
import { simulate, SimulationInput } from '../../server/src/engine/sim/simulate';
import { arrivalSeries, forgetTraffic, rateSeries, stepTraffic, TrafficSpec } from '../../server/src/engine/sim/traffic';

// The worker thread must change when the work is done, never what it computes: every run is compared with the same
// run made in the calling thread alone. It draws a long run's arrivals and keeps its latency account (stepLedger.ts).

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

  test('a short run, and a very long one, draw in the calling thread', () => {
    assert.equal(parallelDraws(rateSeries(day, PARALLEL_MIN_STEPS - 1, 1), 1, 1), undefined);
    assert.equal(parallelDraws(rateSeries(day, PARALLEL_MAX_STEPS + 1, 1), 1, 1), undefined);
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
    // More steps than the step log's ring holds (65,536): the pool writes over rows the helper accounted for.
    ['a week at 5 s steps, a point every 10 minutes', { ...base, seed: 14, durationSeconds: 7 * 86_400, stepSeconds: 5, outputResolutionSeconds: 600 }],
    ['a day without an end-to-end objective, at 99 %', { ...base, seed: 15, slo: { ttftSeconds: 1, e2eSeconds: undefined, percentile: 99 } }],
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
    const pending = new PendingDraws({ kind: 'draw', ...job }, rates, () => stalled++);
    assert.equal(pending.waitFor(10), rates.length);
    assert.deepEqual(pending.out, arrivalSeries(day, rates, 1, new Rng(99)));
    assert.equal(stalled, 1, 'the helper is given up on');
    assert.equal(pending.waitFor(rates.length), rates.length);
  });
});

describe('a helper that takes jobs and never does them', () => {
  /** A helper that draws at once, in the calling thread, and takes the latency account but never keeps it. */
  function idleAccountant(): HelperThread & { failed: number } {
    let failed = 0;
    return {
      ready: () => failed === 0,
      post(job: HelperJob) {
        if (job.kind === 'draw') drawJob(job);
        return true;
      },
      fail() {
        failed++;
      },
      get failed() {
        return failed;
      },
    };
  }

  test('the run is made again in the calling thread, with the same results, and the helper is given up on', async () => {
    const input = { ...base, seed: 21 };
    forgetTraffic();
    const inThread = await alone(() => simulate(input));
    forgetTraffic();
    const helper = idleAccountant();
    useHelperThread(helper);
    try {
      assert.deepEqual(simulate(input), inThread);
      assert.equal(helper.failed, 1);
    } finally {
      useHelperThread(undefined);
      await simWorkerReady();
    }
  });
});

describe("the helper's side of the latency account", () => {
  const setup = { serving: base.serving, slo: base.slo, stepsPerBin: 60 };

  test('an abandoned run lets the helper go', () => {
    const control = new Int32Array(new SharedArrayBuffer(Ctl.size * 4));
    Atomics.store(control, Ctl.cancelled, 1);
    const started = Date.now();
    accountJob({ kind: 'account', setup, maxBatch: 256, steps: 600, arrays: newAccountArrays(600, 10, 1024, true), control });
    assert.ok(Date.now() - started < 500, 'it returned without waiting for steps that never come');
    assert.equal(Atomics.load(control, Ctl.consumed), 0);
  });

  test('it accounts for the steps published, and no further', () => {
    const control = new Int32Array(new SharedArrayBuffer(Ctl.size * 4));
    const arrays = newAccountArrays(600, 10, 1024, true);
    // Steps 0–299 logged with one replica serving (arrived, rate, time per token, waiting, gave up, dropped,
    // serving, lost share); the run was abandoned after publishing them.
    for (let i = 0; i < 300; i++) arrays.log.set([10, 10, 0.01, 0, 0, 0, 1, 0], i * 8);
    Atomics.store(control, Ctl.produced, 300);
    Atomics.store(control, Ctl.cancelled, 1);
    accountJob({ kind: 'account', setup, maxBatch: 256, steps: 600, arrays, control });
    assert.equal(Atomics.load(control, Ctl.consumed), 300);
    assert.equal(arrays.sloMet.subarray(0, 300).every((m) => m === 1), true);
    assert.equal(arrays.sloMet.subarray(300).some((m) => m === 1), false);
    assert.ok(arrays.points[4] > 0 && arrays.points[5 * 5 + 4] === 0, 'the first five points have their weights, the sixth none');
  });
});
