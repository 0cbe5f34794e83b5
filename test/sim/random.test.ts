import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expFast } from '../../server/src/engine/sim/fastExp';
import { Rng, TABLE_MAX_MEAN } from '../../server/src/engine/sim/prng';

/** logPmf is ln P(X = k) for X ~ Poisson(mean), summed term by term (slow and plain, as a reference). */
function logPmf(k: number, mean: number): number {
  let logFact = 0;
  for (let i = 2; i <= k; i++) logFact += Math.log(i);
  return -mean + k * Math.log(mean) - logFact;
}

/**
 * chiSquare draws n variates and compares their counts with the Poisson law, merging neighbouring values until each
 * bin expects at least 20. Returns the statistic and its degrees of freedom.
 */
function chiSquare(mean: number, n: number, seed: number): { chi2: number; df: number; mean: number; variance: number } {
  const rng = new Rng(seed);
  const counts = new Map<number, number>();
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = rng.poisson(mean);
    assert.ok(Number.isInteger(x) && x >= 0, `draw ${x}`);
    counts.set(x, (counts.get(x) ?? 0) + 1);
    sum += x;
    sumSq += x * x;
  }
  const top = Math.ceil(mean + 12 * Math.sqrt(mean) + 20);
  assert.ok([...counts.keys()].every((k) => k <= top), `a draw beyond ${top}`);
  let chi2 = 0;
  let df = -1;
  let observed = 0;
  let expected = 0;
  for (let k = 0; k <= top; k++) {
    observed += counts.get(k) ?? 0;
    expected += n * Math.exp(logPmf(k, mean));
    if (expected >= 20 || k === top) {
      chi2 += (observed - expected) ** 2 / expected;
      df++;
      observed = 0;
      expected = 0;
    }
  }
  const m = sum / n;
  return { chi2, df, mean: m, variance: sumSq / n - m * m };
}

describe('Poisson draws follow the Poisson law', () => {
  // Means around the table grid (quarters), below 1, on both sides of the switch to PTRS, and large.
  const means = [0.03, 0.2499, 0.25, 0.7, 3.3, 9.99, 10.13, 27.6, 60.875, 60.9, 128.24, TABLE_MAX_MEAN - 0.01, TABLE_MAX_MEAN, 300.5, 1500];
  for (const mean of means) {
    test(`mean ${mean}`, () => {
      const n = 200_000;
      const r = chiSquare(mean, n, 17);
      // z of the statistic: about ±2 for a right sampler; a mean off by a quarter gives hundreds.
      const z = (r.chi2 - r.df) / Math.sqrt(2 * r.df);
      assert.ok(z < 5, `chi² ${r.chi2.toFixed(1)} on ${r.df} degrees of freedom (z ${z.toFixed(1)})`);
      const se = Math.sqrt(mean / n);
      assert.ok(Math.abs(r.mean - mean) < 5 * se, `mean ${r.mean}`);
      assert.ok(Math.abs(r.variance / mean - 1) < 0.03, `variance ${r.variance}`);
    });
  }

  test('a mean of zero, a negative one or NaN draws 0', () => {
    const rng = new Rng(1);
    for (const mean of [0, -3, NaN]) assert.equal(rng.poisson(mean), 0);
  });

  test('draws are a function of the seed and of the means asked, in order', () => {
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 500 }, (_, i) => rng.poisson([0.4, 12.25, 80.6, 700][i % 4]));
    };
    assert.deepEqual(draw(5), draw(5));
    assert.notDeepEqual(draw(5), draw(6));
  });
});

describe('expFast is Math.exp within two units in the last place', () => {
  test('over the whole normal range', () => {
    const rng = new Rng(3);
    let worst = 0;
    for (let i = 0; i < 300_000; i++) {
      // Half the arguments where the simulator uses it (−40..0), half anywhere in the normal range.
      const x = i % 2 === 0 ? -40 * rng.uniform() : -708 + 1417 * rng.uniform();
      const want = Math.exp(x);
      worst = Math.max(worst, Math.abs(expFast(x) - want) / want);
    }
    assert.ok(worst < 1e-15, `worst relative error ${worst}`);
  });

  test('at the points it is exact or leaves to Math.exp', () => {
    assert.equal(expFast(0), 1);
    assert.equal(expFast(-0), 1);
    for (const x of [-708, -708.5, -745.2, -800, 709, 710, -Infinity, Infinity]) assert.equal(expFast(x), Math.exp(x), `x = ${x}`);
    assert.ok(Number.isNaN(expFast(NaN)));
    for (const k of [-20, -1, 1, 20]) assert.ok(Math.abs(expFast(k * Math.LN2) / 2 ** k - 1) < 1e-15, `2^${k}`);
  });
});
