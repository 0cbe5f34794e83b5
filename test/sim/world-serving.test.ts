import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RECORD_FIELDS } from '../../server/src/engine/sim/emitted';
import { Point } from '../../server/src/engine/sim/latency';
import { capacityOf, Feed, Served, ServingParams, ServingPool, SloSpec, throughputAt } from '../../server/src/engine/sim/serving';
import { StepLedger } from '../../server/src/engine/sim/stepLedger';

const params = (over: Partial<ServingParams> = {}): ServingParams => ({
  tokensPerSecond: 2000,
  singleStreamTokensPerSecond: 80,
  prefillTokensPerSecond: 20000,
  meanInputTokens: 500,
  meanOutputTokens: 200,
  maxConcurrentSequences: 64,
  kvCacheTokens: 200000,
  requestTimeoutSeconds: 60,
  ...over,
});
const slo: SloSpec = { ttftSeconds: 2, e2eSeconds: undefined, percentile: 95 };

/** steady is a feed of 1 s steps with `rate` requests arriving in each of the first `steps` steps. */
function steady(rate: number, steps: number): Feed {
  return { arrivals: new Float64Array(steps).fill(rate), rates: new Float64Array(steps).fill(rate), dt: 1, drawn: steps };
}

/** ledgerFor gives the pool a ledger (in this thread) for the steps of a feed, one output point a step. */
function ledgerFor(pool: ServingPool, feed: Feed, p: ServingParams = params()): StepLedger {
  const steps = feed.arrivals.length;
  const ledger = StepLedger.open({ serving: p, slo, stepsPerBin: 1 }, pool.cap.maxBatch, steps, steps, undefined);
  pool.logTo(ledger);
  return ledger;
}

/** stepOnce serves step i alone and returns its figures (fresh sums hold just that step; the ledger's point i its latency). */
function stepOnce(pool: ServingPool, ledger: StepLedger, feed: Feed, i: number) {
  const sums = new Float64Array(Served.size);
  const overSloBefore = ledger.arrays.overSlo[0];
  pool.serve(feed, i, i + 1, sums, true);
  ledger.settle(i + 1);
  const { points, sloMet, overSlo } = ledger.arrays;
  const weight = points[i * Point.size + Point.weight];
  const latency = (slot: Point) => (weight > 0 ? points[i * Point.size + slot] / weight : NaN);
  return {
    completed: sums[Served.completed],
    dropped: sums[Served.dropped],
    overSlo: overSlo[0] - overSloBefore,
    queue: sums[Served.pointQueue],
    ttftP50: latency(Point.ttftP50),
    ttftP95: latency(Point.ttftP95),
    e2eP50: latency(Point.e2eP50),
    e2eP95: latency(Point.e2eP95),
    sloMet: sloMet[i] === 1,
  };
}

/** run drives a pool at a constant rate for some seconds and returns it with the last step's outcome. */
function run(pool: ServingPool, rate: number, seconds: number, serving: number, from = 0) {
  const feed = steady(rate, from + seconds);
  const ledger = ledgerFor(pool, feed, pool.params);
  pool.serveWith(serving, 0);
  let dropped = 0;
  let completed = 0;
  let last: ReturnType<typeof stepOnce> | undefined;
  for (let t = from; t < from + seconds; t++) {
    last = stepOnce(pool, ledger, feed, t);
    dropped += last.dropped;
    completed += last.completed;
  }
  assert.ok(last, 'run needs at least one step');
  return { last, dropped, completed };
}

test('serving capacity: the throughput curve meets the saturated and single-stream speeds', () => {
  const p = params();
  const cap = capacityOf(p);
  assert.equal(cap.maxBatch, 64);
  assert.ok(Math.abs(throughputAt(p, cap, cap.maxBatch) - 2000) < 1e-6);
  assert.ok(Math.abs(throughputAt(p, cap, 1) - 80) < 1e-6);
  assert.equal(cap.requestsPerSecond, 10);
});

test('serving capacity: a small KV cache bounds the batch below max sequences', () => {
  // 600 tokens per running request on average (500 in + 200/2 out): 6000 tokens hold 10.
  assert.equal(capacityOf(params({ kvCacheTokens: 6000 })).maxBatch, 10);
});

const steadyCases: Array<{ name: string; rate: number; serving: number; queue: 'none' | 'grows'; sloMet: boolean }> = [
  { name: 'half load: no queue, SLO met', rate: 10, serving: 2, queue: 'none', sloMet: true },
  { name: 'overload: the queue grows and the SLO is missed', rate: 30, serving: 2, queue: 'grows', sloMet: false },
];
for (const c of steadyCases) {
  test(`serving steady state: ${c.name}`, () => {
    const pool = new ServingPool(params(), RECORD_FIELDS, []);
    const r = run(pool, c.rate, 600, c.serving);
    if (c.queue === 'none') assert.equal(pool.waiting, 0);
    else assert.ok(pool.waiting > 100, `waiting ${pool.waiting}`);
    assert.equal(r.last.sloMet, c.sloMet);
  });
}

test('serving: after an overload the backlog drains once capacity returns', () => {
  const pool = new ServingPool(params(), RECORD_FIELDS, []);
  run(pool, 30, 120, 2);
  const backlog = pool.waiting;
  assert.ok(backlog > 0);
  run(pool, 10, 600, 4, 120);
  assert.equal(pool.waiting, 0);
});

test('serving: clients that wait past the timeout are dropped', () => {
  const pool = new ServingPool(params({ requestTimeoutSeconds: 10 }), RECORD_FIELDS, []);
  const r = run(pool, 40, 300, 1);
  // One replica drains 10 requests/s: the backlog never exceeds 10 s of it.
  assert.ok(pool.waiting <= 100 + 1e-9, `waiting ${pool.waiting}`);
  assert.ok(r.dropped > 0);
});

test('serving: under steady overload every request misses the SLO once, whether served late or dropped', () => {
  // 1 replica saturates at 10 req/s; 40 req/s for 10 minutes fills the backlog and keeps it at the timeout.
  const pool = new ServingPool(params({ requestTimeoutSeconds: 10 }), RECORD_FIELDS, []);
  const feed = steady(40, 600);
  const ledger = ledgerFor(pool, feed, pool.params);
  const sums = new Float64Array(Served.size);
  pool.serveWith(1, 0);
  pool.serve(feed, 0, 600, sums, true);
  ledger.finish();
  const arrived = sums[Served.arrived];
  const overSlo = ledger.arrays.overSlo[0];
  assert.ok(sums[Served.dropped] > arrived / 2, `dropped ${sums[Served.dropped]} of ${arrived}`);
  // Counted once each: never more misses than requests, and nearly all of them miss.
  assert.ok(overSlo <= arrived + 1e-6, `over SLO ${overSlo} of ${arrived}`);
  assert.ok(overSlo > 0.95 * arrived, `over SLO ${overSlo} of ${arrived}`);
});

const lossCases: Array<{ name: string; serving: number; lostShare: number; droppedShare: number }> = [
  { name: 'no replica serving: everything is dropped', serving: 0, lostShare: 1, droppedShare: 1 },
  { name: 'a quarter routed to a loading pod is dropped', serving: 3, lostShare: 0.25, droppedShare: 0.25 },
];
for (const c of lossCases) {
  test(`serving losses: ${c.name}`, () => {
    const pool = new ServingPool(params(), RECORD_FIELDS, []);
    pool.serveWith(c.serving, c.lostShare);
    const feed = steady(8, 1);
    const o = stepOnce(pool, ledgerFor(pool, feed), feed, 0);
    assert.ok(Math.abs(o.dropped - 8 * c.droppedShare) < 1e-9, `dropped ${o.dropped}`);
  });
}

test('serving latency: p95 is at least p50 and end-to-end includes decoding', () => {
  const pool = new ServingPool(params(), RECORD_FIELDS, []);
  const { last } = run(pool, 15, 300, 2);
  assert.ok(last.ttftP95 >= last.ttftP50);
  assert.ok(last.e2eP50 > last.ttftP50);
  assert.ok(last.e2eP95 > last.e2eP50);
});

test('serving drain: a released replica takes its share out of the pool', () => {
  const pool = new ServingPool(params(), RECORD_FIELDS, []);
  run(pool, 30, 60, 2);
  const before = pool.waiting + pool.running;
  pool.release(2, 60, 30);
  assert.ok(Math.abs(pool.waiting + pool.running - before / 2) < 1e-6);
});
