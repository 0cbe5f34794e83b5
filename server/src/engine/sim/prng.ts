/**
 * The simulator's only source of randomness: a seeded xoroshiro128+ generator from `pure-rand`.
 * Same seed, same draws, so a simulation is a pure function of its input.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat32 } from 'pure-rand/distribution/uniformFloat32';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** Rng draws uniform and Poisson variates from a seeded generator. */
export class Rng {
  private readonly gen: RandomGenerator;

  constructor(seed: number) {
    this.gen = xoroshiro128plus(seed | 0);
  }

  /** uniform returns a float in [0, 1) with 24 random bits, one draw of the generator (plenty for arrival counts). */
  uniform(): number {
    return uniformFloat32(this.gen);
  }

  /**
   * poisson draws a Poisson variate of the given mean: inversion for small means, and Hörmann's
   * transformed rejection with squeeze (PTRS, 1993) above 10, which needs O(1) draws at any mean.
   */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean < 10) {
      let k = 0;
      let p = Math.exp(-mean);
      let cdf = p;
      const u = this.uniform();
      while (u > cdf && k < 1000) {
        k++;
        p *= mean / k;
        cdf += p;
      }
      return k;
    }
    const slam = Math.sqrt(mean);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor((2 * a / us + b) * u + mean + 0.43);
      // Most draws are accepted by this squeeze; the constants of the full test are only computed when needed.
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      const invalpha = 1.1239 + 1.1328 / (b - 3.4);
      // log(v) + log(1/alpha) − log(a/us² + b), taken as one logarithm: this test runs on about one draw in seven.
      if (Math.log((v * invalpha) / (a / (us * us) + b)) <= -mean + k * Math.log(mean) - logFactorial(k)) return k;
    }
  }
}

const LOG_FACT_SMALL: number[] = [0];
for (let i = 1; i <= 30; i++) LOG_FACT_SMALL.push(LOG_FACT_SMALL[i - 1] + Math.log(i));

/** logFactorial is ln(k!): a table up to 30, Stirling's series beyond (error below 1e-10 there). */
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

function logFactorial(k: number): number {
  if (k <= 30) return LOG_FACT_SMALL[k];
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + 1 / (12 * x) - 1 / (360 * x * x * x);
}
