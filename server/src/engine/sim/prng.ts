/**
 * The simulator's only source of randomness: a seeded xoroshiro128+ generator from `pure-rand`, and the Poisson
 * sampler that draws each step's arrivals from it. Same seed, same draws, so a simulation is a pure function of its
 * input.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat32 } from 'pure-rand/distribution/uniformFloat32';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { expFast } from './fastExp';

/** 2^-32: turns a 32-bit draw into a float in [0, 1). */
const TWO_POW_MINUS_32 = 2 ** -32;
const TWO_POW_32 = 2 ** 32;

/** Rng draws uniform and Poisson variates from a seeded generator. */
export class Rng {
  private readonly gen: RandomGenerator;

  constructor(seed: number) {
    this.gen = xoroshiro128plus(seed | 0);
  }

  /** uniform returns a float in [0, 1) with 24 random bits, one draw of the generator. */
  uniform(): number {
    return uniformFloat32(this.gen);
  }

  /**
   * poisson draws a Poisson variate of the given mean, from two draws of the generator.
   *
   * Up to TABLE_MAX_MEAN the mean is split as `base + rest`, with `base` on a grid of quarters, and the variate is
   * Poisson(base) + Poisson(rest), the sum of two independent Poisson variates being Poisson of the summed means.
   * Poisson(base) is read from a table of its distribution function (inversion, see `PoissonTable`); Poisson(rest),
   * rest < 1/4, is 0 unless the second draw passes 1 − rest (below e^−rest, so no exponential is needed then), and
   * otherwise found by inversion. Tables are built on first use and kept for the process: a run between 5 and 120
   * requests a step uses about 460 of them, and all 1,024 take about 3 MB. Larger means use Hörmann's transformed
   * rejection with squeeze (PTRS, 1993), which needs O(1) draws at any mean. Against the transformed rejection alone,
   * this took about a third of the time on the benchmark day: that one takes up to three logarithms on about 40% of the draws
   * at means below 60.
   */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean >= TABLE_MAX_MEAN) return this.ptrs(mean);
    const slot = Math.floor(mean * GRID);
    const rest = mean - slot / GRID;
    let k = 0;
    if (slot > 0) {
      const table = TABLES[slot] ?? buildTable(slot);
      const u = this.gen.next() >>> 0;
      const cut = table.cut;
      let j = table.guide[u >>> GUIDE_SHIFT];
      while (u >= cut[j]) j++;
      k = table.first + j;
    }
    const v = (this.gen.next() >>> 0) * TWO_POW_MINUS_32;
    if (v < 1 - rest) return k;
    // Inversion for Poisson(rest): rest < 1/4, so this loop ends after a step or two.
    let p = expFast(-rest);
    let cdf = p;
    let n = 0;
    while (v >= cdf && n < 30) {
      n++;
      p *= rest / n;
      cdf += p;
    }
    return k + n;
  }

  /** ptrs is Hörmann's PTRS for means of at least TABLE_MAX_MEAN (it is valid from 10). */
  private ptrs(mean: number): number {
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
      // log(v) + log(1/alpha) − log(a/us² + b), taken as one logarithm.
      if (Math.log((v * invalpha) / (a / (us * us) + b)) <= -mean + k * Math.log(mean) - logFactorial(k)) return k;
    }
  }
}

/**
 * drawPoisson fills steps [from, to) of `out` with Poisson variates of mean `means[i] × scale`, in step order: the
 * draws of a run made in pieces (a worker thread filling it chunk by chunk) are those of one pass.
 */
export function drawPoisson(means: Float64Array, scale: number, rng: Rng, out: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) out[i] = rng.poisson(means[i] * scale);
}

/** Means below this are drawn with tables; from it on, with PTRS. */
export const TABLE_MAX_MEAN = 256;
/** Table means are on a grid of 1/GRID. */
const GRID = 4;
/** The guide has 2^GUIDE_BITS entries, indexed by the top bits of the 32-bit draw. */
const GUIDE_BITS = 8;
const GUIDE_SHIFT = 32 - GUIDE_BITS;
/** Probabilities below this are left out of a table's ends (they are far below the 2^-32 a draw can tell apart). */
const TAIL = 1e-20;

/**
 * The distribution function of Poisson(mean) as 32-bit thresholds: a draw u in [0, 2^32) gives `first + j` for the
 * smallest j with u < cut[j]. The last threshold is 2^32, so every draw finds one. `guide[g]` is the smallest j whose
 * threshold passes g·2^GUIDE_SHIFT, where the search for a draw with top bits g starts (inversion with a guide
 * table: about one comparison per draw).
 */
interface PoissonTable {
  first: number;
  cut: Float64Array;
  guide: Uint16Array;
}

const TABLES: Array<PoissonTable | undefined> = new Array<PoissonTable | undefined>(TABLE_MAX_MEAN * GRID).fill(undefined);

/** buildTable makes, and keeps, the table of Poisson(slot / GRID). */
function buildTable(slot: number): PoissonTable {
  const mean = slot / GRID;
  // From the mode outwards, where the terms are largest, until they fall below TAIL on each side.
  const mode = Math.floor(mean);
  const atMode = Math.exp(-mean + mode * Math.log(mean) - logFactorial(mode));
  let first = mode;
  for (let p = atMode; first > 0 && p >= TAIL; ) {
    p *= first / mean;
    first--;
  }
  let last = mode;
  for (let p = atMode; p >= TAIL; ) {
    last++;
    p *= mean / last;
  }
  const pmf = new Float64Array(last - first + 1);
  pmf[mode - first] = atMode;
  for (let k = mode; k > first; k--) pmf[k - 1 - first] = (pmf[k - first] * k) / mean;
  for (let k = mode; k < last; k++) pmf[k + 1 - first] = (pmf[k - first] * mean) / (k + 1);
  let total = 0;
  for (let j = 0; j < pmf.length; j++) total += pmf[j];
  const cut = new Float64Array(pmf.length);
  let cdf = 0;
  for (let j = 0; j < pmf.length; j++) {
    cdf += pmf[j];
    cut[j] = Math.round((cdf / total) * TWO_POW_32);
  }
  cut[cut.length - 1] = TWO_POW_32;
  const guide = new Uint16Array(1 << GUIDE_BITS);
  for (let g = 0, j = 0; g < guide.length; g++) {
    const at = g * 2 ** GUIDE_SHIFT;
    while (at >= cut[j]) j++;
    guide[g] = j;
  }
  const table = { first, cut, guide };
  TABLES[slot] = table;
  return table;
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
