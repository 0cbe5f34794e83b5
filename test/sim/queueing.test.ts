import { test } from 'node:test';
import assert from 'node:assert/strict';
import vectors from '../fixtures/sim/erlang.json';
import { erlangB, erlangC, mmc, probWaitExceeds, staffingForMeanWait, staffingForWaitProbability, waitQuantile } from '../../server/src/engine/sim/queueing';

/** assertClose checks a value within 1% relative error (or 1e-6 absolute for values near zero). */
function assertClose(actual: number, expected: number, what: string): void {
  const tol = Math.max(Math.abs(expected) * 0.01, 1e-6);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected}`);
}

for (const v of vectors.examples) {
  test(`erlang vector: ${v.name}`, () => {
    const r = mmc(v.c, v.lambda, v.mu);
    assert.ok(r, 'queue should be stable');
    assertClose(r.offeredLoad, v.a, 'a');
    assertClose(r.utilization, v.rho, 'rho');
    assertClose(r.pWait, v['P_wait(ErlangC)'], 'P(wait)');
    assertClose(erlangC(v.c, v.a), v.check_direct_sum, 'erlangC direct');
    assertClose(r.wq, v.Wq, 'Wq');
    assertClose(r.w, v.W, 'W');
    assertClose(r.lq, v.Lq, 'Lq');
    assertClose(r.l, v.L, 'L');
    assertClose(probWaitExceeds(v.c, v.lambda, v.mu, 1), v['P(Wq>1s)'], 'P(Wq>1s)');
  });
}

test('erlang staffing: smallest c with P(wait) <= 0.2 and with Wq <= 0.1 s at 24 Erlangs', () => {
  const lambda = 20;
  const mu = lambda / vectors.staffing.a;
  assert.equal(staffingForWaitProbability(lambda, mu, 0.2), vectors.staffing['min_c_pwait_le_0.2']);
  assert.equal(staffingForMeanWait(lambda, mu, 0.1), vectors.staffing['min_c_wq_le_0.1s']);
});

const edgeCases: Array<{ name: string; run: () => unknown; expected: unknown }> = [
  { name: 'unstable queue (a >= c) has no steady state', run: () => mmc(2, 2, 1), expected: undefined },
  { name: 'unstable queue always waits', run: () => erlangC(2, 3), expected: 1 },
  { name: 'no load never waits', run: () => erlangC(4, 0), expected: 0 },
  { name: 'wait quantile is zero when most arrivals never wait', run: () => waitQuantile(10, 1, 1, 0.95), expected: 0 },
  { name: 'wait quantile is infinite when unstable', run: () => waitQuantile(1, 2, 1, 0.5), expected: Infinity },
];
for (const c of edgeCases) test(`erlang edge: ${c.name}`, () => assert.equal(c.run(), c.expected));

test('erlang wait quantile inverts the tail probability', () => {
  // M/M/1 at ρ = 0.8: P(Wq > t) = 0.8·e^{−0.2t}; the 95th percentile solves 0.8·e^{−0.2t} = 0.05.
  assertClose(waitQuantile(1, 0.8, 1, 0.95), Math.log(0.8 / 0.05) / 0.2, 'p95 wait');
  assertClose(probWaitExceeds(1, 0.8, 1, waitQuantile(1, 0.8, 1, 0.95)), 0.05, 'tail at p95');
});

test('Erlang B by its inverse recursion matches the textbook sum, and large fleets need no overflow guard', () => {
  // B(c, a) = (a^c / c!) / Σ_{k≤c} a^k / k!, summed term by term: fine for small c.
  const textbook = (c: number, a: number) => {
    let term = 1;
    let sum = 1;
    for (let k = 1; k <= c; k++) {
      term *= a / k;
      sum += term;
    }
    return term / sum;
  };
  for (const c of [1, 2, 3, 8, 20, 60]) {
    for (const load of [0.05, 0.5, 0.9, 1, 1.3, 4]) {
      const a = c * load;
      const got = erlangB(c, a);
      const want = textbook(c, a);
      // Far below one in 1e16 the recursion stops and answers 0.
      assert.ok(Math.abs(got - want) <= 1e-12 * want || (want < 1e-16 && got === 0), `B(${c}, ${a}) = ${got}, textbook ${want}`);
    }
  }
  // 3,072 slots (12 replicas of 256): a^c/c! overflows, the recursion does not.
  const big = erlangB(3072, 2900);
  assert.ok(big > 0 && big < 0.05, `B(3072, 2900) = ${big}`);
  assert.equal(erlangB(3072, 100), 0);
  assert.equal(erlangB(5, 0), 0);
});
