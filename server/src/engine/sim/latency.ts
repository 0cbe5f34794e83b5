/**
 * What the requests of each step see: their TTFT and end-to-end latency percentiles, their chance of missing the SLO,
 * and whether the step met it. None of it feeds back into the pool, the scrapes or the controllers, so it is done
 * apart from the pool's own step (`serving.ts`), from a log of what each step left behind: in the calling thread every
 * few hundred steps, or on a helper thread while the pool goes on (`stepLedger.ts`), with the same arithmetic in the
 * same order either way.
 */
import { waitQuantileFromC, erlangC } from './queueing';
import { expFast } from './fastExp';
import type { ServingParams, SloSpec } from './serving';

/** Median and 95th percentile of an exponential law, as multiples of its mean (−ln(1 − q)). */
export const EXP_P50 = Math.LN2;
export const EXP_P95 = -Math.log(0.05);

/** exceeds is P(D + X > s) with D absorbed in s (s = slo − D) and X the M/M/c wait (P(wait), drain rate). */
export function exceeds(s: number, pWait: number, drain: number): number {
  if (s < 0) return 1;
  return pWait * expFast(-drain * s);
}

/**
 * sumExceeds is P(X + Y > s) for X the M/M/c wait and Y an exponential decode time of mean m (output
 * lengths taken as exponential): the mixture of Y alone and the hypoexponential sum of two rates.
 */
export function sumExceeds(s: number, pWait: number, drain: number, m: number): number {
  if (s < 0) return 1;
  if (m <= 0) return exceeds(s, pWait, drain);
  const b = 1 / m;
  const yAlone = expFast(-b * s);
  if (pWait <= 0) return yAlone;
  const a = drain;
  const both = Math.abs(a - b) < 1e-9 ? (1 + a * s) * expFast(-a * s) : (b * expFast(-a * s) - a * yAlone) / (b - a);
  return (1 - pWait) * yAlone + pWait * both;
}

/** Slots of a `QueueWait`'s answer. */
export const enum Wait {
  /** Time to work through the backlog ahead, at the saturated rate. */
  backlog,
  /** Probability that an arrival finds every batch slot taken (M/M/c), when there is no backlog. */
  pWait,
  /** Rate at which that wait drains (servers' spare rate); 1 when nobody waits. */
  drain,
  size,
}

/**
 * QueueWait gives the wait a step's arrivals see: the backlog's, or, without one, the M/M/c chance of finding the
 * batches full. Erlang C costs O(slots), so its answer is kept until the slots change or the load moves by over 1 %;
 * every user of the same steps must ask in the same order to get the same answers.
 */
export class QueueWait {
  readonly out = new Float64Array(Wait.size);
  private servers = -1;
  private load = -1;
  private c = 0;

  /** at computes the wait for a step into `out`; `lambda` is the rate that reaches serving replicas. */
  at(waiting: number, lambda: number, satRate: number, slots: number, sqrtSlots: number): void {
    const out = this.out;
    out[Wait.backlog] = 0;
    out[Wait.pWait] = 0;
    out[Wait.drain] = 1;
    if (waiting > 0) {
      out[Wait.backlog] = waiting / Math.max(satRate, 1e-9);
      return;
    }
    // At or above saturation with free slots, the batches are still filling: nobody waits yet. Far from
    // saturation ((1 − ρ)·√c > 6, the Halfin–Whitt tail) P(wait) is below 1e-9 and taken as 0.
    if (lambda < satRate && (1 - lambda / satRate) * sqrtSlots <= 6) {
      const a = (lambda * slots) / satRate;
      if (slots !== this.servers || Math.abs(a - this.load) > 0.01 * this.load) {
        this.servers = slots;
        this.load = a;
        this.c = erlangC(slots, a);
      }
      out[Wait.pWait] = this.c;
      out[Wait.drain] = satRate - lambda;
    }
  }
}

/**
 * Fields of a step in the log the pool writes for the account: everything the latency of the step's arrivals depends
 * on, the traffic included (so that a helper thread needs no other array of the run). One row of `Log.size` doubles
 * per step, in a ring whose rows are a power of two (step i is row `i & (rows − 1)`).
 */
export const enum Log {
  /** Requests that arrived in the step, and the arrival rate behind them. */
  arrived,
  rate,
  /** Time per output token in the running batch after admission. */
  tpot,
  /** Requests left waiting for a slot after the step. */
  waiting,
  /** Clients who gave up on the backlog in the step. */
  gaveUp,
  /** Requests dropped otherwise (no endpoint, draining replicas); with no serving replica, every drop of the step. */
  dropped,
  serving,
  lostShare,
  size,
}

/** logRows is the number of rows of a step log (see `Log`). */
export function logRows(log: Float64Array): number {
  return log.length / Log.size;
}

/** Slots of an output point's latency sums (weighted by the requests that saw them), `Point.size` per point. */
export const enum Point {
  ttftP50,
  ttftP95,
  e2eP50,
  e2eP95,
  weight,
  size,
}

/** The arrays an account reads and fills; a helper thread's account gets them in shared memory. */
export interface AccountArrays {
  /** The step log's ring, `Log.size` doubles a row. */
  log: Float64Array;
  /** 1 where the step met the SLO, by step. */
  sloMet: Uint8Array;
  /** Latency sums by output point (`Point` slots). */
  points: Float64Array;
  /** `[0]`: requests over the SLO or dropped, each counted once, over the run. */
  overSlo: Float64Array;
}

/** What an account is computed from besides its arrays. */
export interface AccountSetup {
  serving: ServingParams;
  slo: SloSpec;
  /** Steps of each output point. */
  stepsPerBin: number;
}

/**
 * newAccountArrays makes the arrays of a run of `steps` steps and `points` output points, with a log of `rows` rows
 * (a power of two), in shared memory when a helper thread fills them.
 */
export function newAccountArrays(steps: number, points: number, rows: number, shared: boolean): AccountArrays {
  const buffer = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return {
    log: new Float64Array(buffer(rows * Log.size * 8)),
    sloMet: new Uint8Array(buffer(steps)),
    points: new Float64Array(buffer(points * Point.size * 8)),
    overSlo: new Float64Array(buffer(8)),
  };
}

/** LatencyAccount turns the step log into each step's latency, SLO misses and the run's SLO totals. */
export class LatencyAccount {
  private readonly wait = new QueueWait();
  private readonly requestsPerSecond: number;
  private readonly maxBatch: number;
  private readonly prefillSeconds: number;
  private readonly meanOutputTokens: number;
  private readonly ttftObjective: number;
  private readonly e2eObjective: number;
  private readonly hasE2e: boolean;
  private readonly missAllowed: number;
  private readonly stepsPerBin: number;

  constructor(setup: AccountSetup, maxBatch: number, private readonly a: AccountArrays) {
    const { serving: p, slo } = setup;
    this.requestsPerSecond = p.tokensPerSecond / Math.max(1, p.meanOutputTokens);
    this.maxBatch = maxBatch;
    this.prefillSeconds = p.meanInputTokens / p.prefillTokensPerSecond;
    this.meanOutputTokens = p.meanOutputTokens;
    this.ttftObjective = slo.ttftSeconds;
    this.hasE2e = slo.e2eSeconds !== undefined;
    this.e2eObjective = slo.e2eSeconds ?? 0;
    this.missAllowed = 1 - slo.percentile / 100;
    this.stepsPerBin = setup.stepsPerBin;
  }

  /** run accounts for steps [from, to), whose rows are in the log; steps must come in order, each once. */
  run(from: number, to: number): void {
    if (from >= to) return;
    const { log, sloMet, points, overSlo } = this.a;
    const wait = this.wait;
    const w = wait.out;
    const prefillSeconds = this.prefillSeconds;
    const meanOutputTokens = this.meanOutputTokens;
    const ttftObjective = this.ttftObjective;
    const hasE2e = this.hasE2e === true;
    const e2eObjective = this.e2eObjective;
    const missAllowed = this.missAllowed;
    const stepsPerBin = this.stepsPerBin;
    const mask = logRows(log) - 1;
    let sOverSlo = overSlo[0];
    // The sums of the output point being filled are kept in locals, taken from and put back into `points`: each
    // point's sums are added to in step order, however the steps are split into calls.
    let point = Math.floor(from / stepsPerBin);
    let pointEnd = (point + 1) * stepsPerBin;
    let pTtftP50 = points[point * Point.size + Point.ttftP50];
    let pTtftP95 = points[point * Point.size + Point.ttftP95];
    let pE2eP50 = points[point * Point.size + Point.e2eP50];
    let pE2eP95 = points[point * Point.size + Point.e2eP95];
    let pWeight = points[point * Point.size + Point.weight];
    let servingWas = -1;
    let satRate = 0;
    let slots = 0;
    let sqrtSlots = 0;
    for (let i = from; i < to; i++) {
      const row = (i & mask) * Log.size;
      if (i >= pointEnd) {
        putPoint(points, point, pTtftP50, pTtftP95, pE2eP50, pE2eP95, pWeight);
        point++;
        pointEnd += stepsPerBin;
        // A point's sums start at 0.
        pTtftP50 = 0;
        pTtftP95 = 0;
        pE2eP50 = 0;
        pE2eP95 = 0;
        pWeight = 0;
      }
      const arrived = log[row + Log.arrived];
      const serving = log[row + Log.serving];
      let overSlo: number;
      if (serving <= 0) overSlo = log[row + Log.dropped];
      else {
        if (serving !== servingWas) {
          servingWas = serving;
          satRate = serving * this.requestsPerSecond;
          slots = serving * this.maxBatch;
          sqrtSlots = Math.sqrt(slots);
        }
        const lostShare = log[row + Log.lostShare];
        const incoming = arrived - arrived * lostShare;
        const tpot = log[row + Log.tpot];
        const service = prefillSeconds + tpot;
        wait.at(log[row + Log.waiting], log[row + Log.rate] * (1 - lostShare), satRate, slots, sqrtSlots);
        const pWait = w[Wait.pWait];
        const drain = w[Wait.drain];
        const base = w[Wait.backlog] + service;
        const decode = meanOutputTokens * tpot;
        let ttftP50: number;
        let ttftP95: number;
        let e2eP50: number;
        let e2eP95: number;
        let miss: number;
        if (pWait > 0) {
          ttftP50 = base + waitQuantileFromC(pWait, drain, 0.5);
          ttftP95 = base + waitQuantileFromC(pWait, drain, 0.95);
          e2eP50 = ttftP50 + decode * EXP_P50;
          e2eP95 = ttftP95 + decode * EXP_P95;
          const pTtft = exceeds(ttftObjective - base, pWait, drain);
          const pE2e = hasE2e ? sumExceeds(e2eObjective - base, pWait, drain, decode) : 0;
          miss = pTtft + pE2e - pTtft * pE2e;
        } else {
          ttftP50 = base;
          ttftP95 = base;
          e2eP50 = base + decode * EXP_P50;
          e2eP95 = base + decode * EXP_P95;
          const ttftMiss = ttftObjective < base ? 1 : 0;
          const e2eSlack = hasE2e ? e2eObjective - base : Infinity;
          // With no wait, only the decode time (exponential in the output length) can exceed the e2e objective.
          const e2eMiss = e2eSlack < 0 ? 1 : e2eSlack === Infinity || decode <= 0 ? 0 : expFast(-e2eSlack / decode);
          miss = ttftMiss + e2eMiss - ttftMiss * e2eMiss;
        }
        // Each request counts once. The step's arrivals count by their chance of missing the objective; of the
        // clients who give up on the backlog, the newest (up to this step's arrivals) are among them, and only
        // those not already counted as misses are added; older ones and the other drops count in full.
        const gaveUp = log[row + Log.gaveUp];
        const gaveUpNew = Math.min(gaveUp, incoming);
        overSlo = incoming * miss + log[row + Log.dropped] + gaveUpNew * (1 - miss) + (gaveUp - gaveUpNew);
        if (arrived > 0 && !Number.isNaN(ttftP50)) {
          pTtftP50 += ttftP50 * arrived;
          pTtftP95 += ttftP95 * arrived;
          pE2eP50 += e2eP50 * arrived;
          pE2eP95 += e2eP95 * arrived;
          pWeight += arrived;
        }
      }
      sloMet[i] = overSlo <= missAllowed * arrived + 1e-9 ? 1 : 0;
      sOverSlo += overSlo;
    }
    overSlo[0] = sOverSlo;
    putPoint(points, point, pTtftP50, pTtftP95, pE2eP50, pE2eP95, pWeight);
  }
}

/** putPoint writes the latency sums of output point `point` (called when the account leaves the point, once in 60 steps or so). */
function putPoint(points: Float64Array, point: number, ttftP50: number, ttftP95: number, e2eP50: number, e2eP95: number, weight: number): void {
  const p = point * Point.size;
  points[p + Point.ttftP50] = ttftP50;
  points[p + Point.ttftP95] = ttftP95;
  points[p + Point.e2eP50] = e2eP50;
  points[p + Point.e2eP95] = e2eP95;
  points[p + Point.weight] = weight;
}
