/**
 * M/M/c closed forms (Erlang C). The simulator uses them for the waiting that bursts of arrivals cause
 * below saturation; above saturation the fluid backlog of `serving.ts` takes over. Checked against the
 * worked examples of docs/autoscalers.md §5.
 */

/** The steady-state measures of an M/M/c queue. */
export interface MmcResult {
  /** Offered load a = λ/μ, in Erlangs. */
  offeredLoad: number;
  /** Utilisation ρ = a/c. */
  utilization: number;
  /** Probability that an arrival has to wait (Erlang C). */
  pWait: number;
  /** Mean wait in the queue. */
  wq: number;
  /** Mean time in the system (wait + service). */
  w: number;
  /** Mean number waiting. */
  lq: number;
  /** Mean number in the system. */
  l: number;
}

/**
 * erlangB is the blocking probability of c servers at offered load a, by the recursion on its inverse,
 * 1/B(k) = 1 + (k/a)·1/B(k−1), which never overflows (unlike a^c/c!) and takes a multiplication and an addition a
 * server: the simulator's serving pool asks for thousands of servers (every batch slot of every replica).
 */
export function erlangB(c: number, a: number): number {
  const perLoad = 1 / a;
  let inverse = 1;
  for (let k = 1; k <= c; k++) {
    inverse = 1 + k * perLoad * inverse;
    // Past k > a the recursion only grows 1/B, so above 1e16 the answer is 0 to double precision.
    if (inverse > 1e16 && k > a) return 0;
  }
  return 1 / inverse;
}

/** erlangC is the probability of waiting for c servers at offered load a; 1 when the queue is unstable (a ≥ c). */
export function erlangC(c: number, a: number): number {
  if (c <= 0) return 1;
  if (a <= 0) return 0;
  if (a >= c) return 1;
  const b = erlangB(c, a);
  const rho = a / c;
  return b / (1 - rho * (1 - b));
}

/** mmc computes the M/M/c measures for arrival rate λ, service rate μ per server and c servers; undefined when unstable. */
export function mmc(c: number, lambda: number, mu: number): MmcResult | undefined {
  if (!(c > 0) || !(mu > 0) || !(lambda >= 0)) return undefined;
  const a = lambda / mu;
  if (a >= c) return undefined;
  const pWait = erlangC(c, a);
  const wq = pWait / (c * mu - lambda);
  const w = wq + 1 / mu;
  return { offeredLoad: a, utilization: a / c, pWait, wq, w, lq: lambda * wq, l: lambda * w };
}

/** probWaitExceeds is P(Wq > t) = C·e^{−(cμ−λ)t} for a stable M/M/c queue; 1 when unstable. */
export function probWaitExceeds(c: number, lambda: number, mu: number, t: number): number {
  const a = lambda / mu;
  if (a >= c) return 1;
  const pWait = erlangC(c, a);
  if (t <= 0) return pWait;
  return pWait * Math.exp(-(c * mu - lambda) * t);
}

/** waitQuantile is the wait that a fraction q of arrivals stays under (0 when at least q never wait); Infinity when unstable. */
export function waitQuantile(c: number, lambda: number, mu: number, q: number): number {
  const a = lambda / mu;
  if (a >= c) return Infinity;
  return waitQuantileFromC(erlangC(c, a), c * mu - lambda, q);
}

/** waitQuantileFromC is the q-quantile of the M/M/c wait given P(wait) and the drain rate cμ − λ. */
export function waitQuantileFromC(pWait: number, drainRate: number, q: number): number {
  const tail = 1 - q;
  if (pWait <= tail) return 0;
  return Math.log(pWait / tail) / drainRate;
}

/**
 * staffingForWaitProbability is the smallest c whose P(wait) is at most the target (the "square-root
 * staffing" question answered exactly); undefined if none up to the limit.
 */
export function staffingForWaitProbability(lambda: number, mu: number, target: number, limit = 100000): number | undefined {
  const a = lambda / mu;
  for (let c = Math.max(1, Math.floor(a) + 1); c <= limit; c++) if (erlangC(c, a) <= target) return c;
  return undefined;
}

/** staffingForMeanWait is the smallest c whose mean wait Wq is at most the target; undefined if none up to the limit. */
export function staffingForMeanWait(lambda: number, mu: number, targetWq: number, limit = 100000): number | undefined {
  const a = lambda / mu;
  for (let c = Math.max(1, Math.floor(a) + 1); c <= limit; c++) {
    const r = mmc(c, lambda, mu);
    if (r && r.wq <= targetWq) return c;
  }
  return undefined;
}
