/**
 * Serving: how the replicas that are up turn arriving requests into tokens. The pool is a fluid model of
 * continuous batching: requests wait for a batch slot (max concurrent sequences, or KV-cache room),
 * aggregate decode speed rises with the batch and saturates, and a backlog builds during overload and
 * drains after. Below saturation, bursts still find the batches full now and then: that wait comes from
 * the M/M/c closed forms of `queueing.ts`, with one server per batch slot and the per-request service
 * time of a full batch.
 *
 * Load is spread evenly over serving replicas (a least-loaded router), so the backlog is shared.
 */
import { Field, Histograms, HistogramName } from './emitted';
import { erlangC, waitQuantileFromC } from './queueing';

/** Per-replica serving capacity and request shape. */
export interface ServingParams {
  /** Generation tokens per second of one replica with a full batch. */
  tokensPerSecond: number;
  /** Generation tokens per second of a single request alone on a replica. */
  singleStreamTokensPerSecond: number;
  /** Prompt tokens per second one replica can prefill. */
  prefillTokensPerSecond: number;
  meanInputTokens: number;
  meanOutputTokens: number;
  /** Upper bound on the batch (`--max-num-seqs` and the like). */
  maxConcurrentSequences: number;
  /** KV-cache room of one replica, in tokens. */
  kvCacheTokens: number;
  /** Clients give up after waiting this long for a slot; their requests count as dropped. */
  requestTimeoutSeconds: number;
}

/** Latency objective: a percentile of TTFT and, optionally, of end-to-end latency. */
export interface SloSpec {
  ttftSeconds: number;
  e2eSeconds: number | undefined;
  /** Percentile the objective is stated at (e.g. 95). */
  percentile: number;
}

/** Median and 95th percentile of an exponential law, as multiples of its mean (−ln(1 − q)). */
const EXP_P50 = Math.LN2;
const EXP_P95 = -Math.log(0.05);

/** The derived constants of a serving configuration. */
export interface Capacity {
  /** Effective batch limit: max sequences, or what fits in the KV cache. */
  maxBatch: number;
  /** Half-saturation batch of the throughput curve. */
  halfBatch: number;
  /** Requests per second one replica completes at saturation. */
  requestsPerSecond: number;
  /** Average KV tokens a running request holds. */
  kvPerRequest: number;
}

/**
 * capacityOf derives the batch limit and the throughput curve T(b) = peak·(b/(b+h))·((M+h)/M), chosen so
 * that T(M) is the saturated speed and T(1) the single-stream speed.
 */
export function capacityOf(p: ServingParams): Capacity {
  const kvPerRequest = Math.max(1, p.meanInputTokens + p.meanOutputTokens / 2);
  const byKv = Math.floor(p.kvCacheTokens / kvPerRequest);
  const maxBatch = Math.max(1, Math.min(p.maxConcurrentSequences, byKv > 0 ? byKv : 1));
  const s1 = Math.min(p.singleStreamTokensPerSecond, p.tokensPerSecond);
  const denom = s1 * maxBatch - p.tokensPerSecond;
  const halfBatch = denom > 0 ? (maxBatch * (p.tokensPerSecond - s1)) / denom : 0;
  return { maxBatch, halfBatch, requestsPerSecond: p.tokensPerSecond / Math.max(1, p.meanOutputTokens), kvPerRequest };
}

/** throughputAt is the aggregate decode speed (tokens/s) of one replica running a batch of b requests. */
export function throughputAt(p: ServingParams, cap: Capacity, b: number): number {
  if (b <= 0) return 0;
  const m = cap.maxBatch;
  const h = cap.halfBatch;
  if (h === 0) return (p.tokensPerSecond * Math.min(b, m)) / m;
  return p.tokensPerSecond * (b / (b + h)) * ((m + h) / m);
}

/** One replica leaving the pool: its share of the work, finished at its own pace until the grace period ends. */
interface Drain {
  remaining: number;
  deadline: number;
}

/** What one step of the pool produced; overwritten each step (no allocation). */
export interface StepOutcome {
  arrived: number;
  completed: number;
  dropped: number;
  /** Requests of this step expected to miss the SLO. */
  overSlo: number;
  ttftP50: number;
  ttftP95: number;
  e2eP50: number;
  e2eP95: number;
  /** True when the share of this step's requests that miss the SLO or are dropped is within the objective's percentile. */
  sloMet: boolean;
}

/**
 * ServingPool advances the shared queue and batch of the serving replicas step by step, and keeps the
 * cumulative counters the engines export (pool totals; `series.ts` splits them over pods at scrapes).
 */
export class ServingPool {
  /** Requests waiting for a slot, over all serving replicas. */
  waiting = 0;
  /** Requests in the running batches. */
  running = 0;
  readonly cap: Capacity;
  /** Cumulative totals by record field (counters and non-cumulative histogram slots). */
  readonly totals: Float64Array;
  readonly out: StepOutcome = { arrived: 0, completed: 0, dropped: 0, overSlo: 0, ttftP50: 0, ttftP95: 0, e2eP50: 0, e2eP95: 0, sloMet: true };
  private readonly drains: Drain[] = [];
  private readonly histograms: HistogramName[];
  // Erlang C costs O(slots), so it is cached (see `updateErlang`).
  private cacheServers = -1;
  private cacheLoad = -1;
  private cacheC = 0;
  /** Share of this step's requests that miss the SLO. */
  private miss = 0;
  private readonly quantile: number;
  /** Time to prefill a mean prompt. */
  private readonly prefillSeconds: number;
  // Constants of `step`, computed once with the same operations `step` would do.
  private readonly missAllowed: number;
  private readonly curveScale: number;
  private readonly outputTokens: number;
  private readonly idleTpot: number;
  /** √slots for the last slot count seen (the count only changes with the serving replicas). */
  private sqrtSlotsOf = -1;
  private sqrtSlots = 0;

  /**
   * Creates the pool; `histograms` lists the latency histograms to fill, and `counters` tells whether anything
   * reads the counter totals (when not, `step` skips them).
   */
  constructor(readonly params: ServingParams, readonly slo: SloSpec, recordFields: number, histograms: HistogramName[], private readonly counters = true) {
    this.cap = capacityOf(params);
    this.prefillSeconds = params.meanInputTokens / params.prefillTokensPerSecond;
    this.totals = new Float64Array(recordFields);
    this.histograms = histograms;
    this.quantile = slo.percentile / 100;
    this.missAllowed = 1 - this.quantile;
    this.curveScale = (this.cap.maxBatch + this.cap.halfBatch) / this.cap.maxBatch;
    this.outputTokens = Math.max(1, params.meanOutputTokens);
    this.idleTpot = 1 / Math.max(params.singleStreamTokensPerSecond, 1e-9);
  }

  /** gpuBusy is the share of time a replica's GPU runs kernels: it nears 1 with only a couple of requests in flight. */
  gpuBusy(serving: number): number {
    if (serving <= 0) return 0;
    return 1 - Math.exp(-(this.running / serving) / 0.5);
  }

  /** kvUsage is the share of one replica's KV cache in use. */
  kvUsage(serving: number): number {
    if (serving <= 0) return 0;
    return Math.min(1, (this.running / serving) * this.cap.kvPerRequest / Math.max(1, this.params.kvCacheTokens));
  }

  /** release takes one replica's share of the work out of the pool as it starts draining. */
  release(serving: number, now: number, graceSeconds: number): void {
    if (serving <= 0) return;
    const share = (this.waiting + this.running) / serving;
    this.waiting -= this.waiting / serving;
    this.running -= this.running / serving;
    if (share > 0) this.drains.push({ remaining: share, deadline: now + graceSeconds });
  }

  /**
   * step advances the pool by dt with `arrivals` requests for `serving` replicas, of which `lostShare`
   * went to endpoints that cannot serve yet (ready without a loaded model) or found no endpoint at all.
   */
  step(now: number, dt: number, arrivals: number, rate: number, serving: number, lostShare: number): StepOutcome {
    // This runs every step: the common path calls no function that returns a number (V8 would box it).
    const p = this.params;
    const o = this.out;
    o.arrived = arrivals;
    o.completed = 0;
    o.dropped = arrivals * lostShare;
    const incoming = arrivals - o.dropped;
    if (this.drains.length > 0) this.stepDrains(now, dt);

    if (serving <= 0) {
      o.dropped += incoming + this.waiting + this.running;
      this.waiting = 0;
      this.running = 0;
      o.overSlo = o.dropped;
      o.ttftP50 = o.ttftP95 = o.e2eP50 = o.e2eP95 = NaN;
      o.sloMet = o.dropped <= this.missAllowed * arrivals + 1e-9;
      return o;
    }

    const cap = this.cap;
    const slots = serving * cap.maxBatch;
    const satRate = serving * cap.requestsPerSecond;
    // Clients stop waiting after the timeout: the FIFO backlog cannot hold more than timeout × drain rate.
    const maxBacklog = p.requestTimeoutSeconds * satRate;
    let waiting = this.waiting + incoming;
    const admitted = Math.min(waiting, Math.max(0, slots - this.running));
    waiting -= admitted;
    if (waiting > maxBacklog) {
      o.dropped += waiting - maxBacklog;
      waiting = maxBacklog;
    }
    this.running += admitted;

    // The saturated speed is a benchmark figure for a prompt mix, so it already pays for prefill: the prompt
    // length only enters the time to first token below. Same curve as throughputAt.
    const perReplica = this.running / serving;
    const h = cap.halfBatch;
    const m = cap.maxBatch;
    const speed = perReplica <= 0 ? 0 : h === 0 ? (p.tokensPerSecond * Math.min(perReplica, m)) / m : p.tokensPerSecond * (perReplica / (perReplica + h)) * this.curveScale;
    const tokens = serving * speed * dt;
    const completed = Math.min(this.running, tokens / this.outputTokens);
    this.running -= completed;
    this.waiting = waiting;
    o.completed += completed;

    // Latency of the requests that arrive now.
    const tpot = perReplica > 0 ? perReplica / Math.max(speed, 1e-9) : this.idleTpot;
    const service = this.prefillSeconds + tpot;
    let backlogWait = 0;
    let pWait = 0;
    let drain = 1;
    if (waiting > 0) {
      backlogWait = waiting / Math.max(satRate, 1e-9);
    } else {
      const lambda = rate * (1 - lostShare);
      // At or above saturation with free slots, the batches are still filling: nobody waits yet. Far from
      // saturation ((1 − ρ)·√c > 6, the Halfin–Whitt tail) P(wait) is below 1e-9 and taken as 0.
      if (slots !== this.sqrtSlotsOf) {
        this.sqrtSlotsOf = slots;
        this.sqrtSlots = Math.sqrt(slots);
      }
      if (lambda < satRate && (1 - lambda / satRate) * this.sqrtSlots <= 6) {
        this.updateErlang(slots, (lambda * slots) / satRate);
        pWait = this.cacheC;
        drain = satRate - lambda;
      }
    }
    const base = backlogWait + service;
    const decode = p.meanOutputTokens * tpot;
    if (pWait > 0) {
      this.tail(base, decode, pWait, drain);
    } else {
      o.ttftP50 = base;
      o.ttftP95 = base;
      o.e2eP50 = base + decode * EXP_P50;
      o.e2eP95 = base + decode * EXP_P95;
      const ttftMiss = this.slo.ttftSeconds < base ? 1 : 0;
      const e2eSlack = this.slo.e2eSeconds === undefined ? Infinity : this.slo.e2eSeconds - base;
      // With no wait, only the decode time (exponential in the output length) can exceed the e2e objective.
      const e2eMiss = e2eSlack < 0 ? 1 : e2eSlack === Infinity || decode <= 0 ? 0 : Math.exp(-e2eSlack / decode);
      this.miss = ttftMiss + e2eMiss - ttftMiss * e2eMiss;
    }
    o.overSlo = incoming * this.miss + o.dropped;
    o.sloMet = o.overSlo <= this.missAllowed * arrivals + 1e-9;
    if (this.counters) this.count(admitted, completed, tokens, backlogWait, pWait, drain, service, decode);
    return o;
  }

  /** count adds a step to the counter totals and the latency histograms. */
  private count(admitted: number, completed: number, tokens: number, backlogWait: number, pWait: number, drain: number, service: number, decode: number): void {
    const p = this.params;
    const t = this.totals;
    const meanWait = backlogWait + pWait / drain;
    t[Field.promptTokens] += admitted * p.meanInputTokens;
    t[Field.generationTokens] += tokens;
    t[Field.success] += completed;
    t[Field.started] += admitted;
    t[Field.ttftSum] += admitted * (meanWait + service);
    t[Field.queueSum] += admitted * meanWait;
    t[Field.e2eSum] += completed * (meanWait + service + decode);
    t[Field.batches] += 1;
    if (this.histograms.length > 0) this.addHistograms(admitted, completed, backlogWait, pWait, drain, service, decode);
  }

  /** tail fills the latency percentiles and the SLO miss share when some requests wait (M/M/c tail). */
  private tail(base: number, decode: number, pWait: number, drain: number): void {
    const o = this.out;
    o.ttftP50 = base + waitQuantileFromC(pWait, drain, 0.5);
    o.ttftP95 = base + waitQuantileFromC(pWait, drain, 0.95);
    o.e2eP50 = o.ttftP50 + decode * EXP_P50;
    o.e2eP95 = o.ttftP95 + decode * EXP_P95;
    const pTtft = exceeds(this.slo.ttftSeconds - base, pWait, drain);
    const pE2e = this.slo.e2eSeconds === undefined ? 0 : sumExceeds(this.slo.e2eSeconds - base, pWait, drain, decode);
    this.miss = pTtft + pE2e - pTtft * pE2e;
  }

  private stepDrains(now: number, dt: number): void {
    for (let i = this.drains.length - 1; i >= 0; i--) {
      const d = this.drains[i];
      const done = Math.min(d.remaining, this.cap.requestsPerSecond * dt);
      d.remaining -= done;
      this.out.completed += done;
      if (d.remaining <= 1e-9 || now >= d.deadline) {
        this.out.dropped += d.remaining;
        this.drains.splice(i, 1);
      }
    }
  }

  /** updateErlang refreshes the cached P(wait) for c servers at offered load a when c changed or a moved by over 1 % (it costs O(c)). */
  private updateErlang(c: number, a: number): void {
    if (c !== this.cacheServers || Math.abs(a - this.cacheLoad) > 0.01 * this.cacheLoad) {
      this.cacheServers = c;
      this.cacheLoad = a;
      this.cacheC = erlangC(c, a);
    }
  }

  private addHistograms(admitted: number, completed: number, backlogWait: number, pWait: number, drain: number, service: number, decode: number): void {
    const t = this.totals;
    for (const h of this.histograms) {
      if (h === 'e2e') addSumToHistogram(t, Histograms.e2e.first, Histograms.e2e.bounds, completed, backlogWait + service, pWait, drain, decode);
      else addToHistogram(t, Histograms[h].first, Histograms[h].bounds, admitted, backlogWait + (h === 'ttft' ? service : 0), pWait, drain);
    }
  }
}

/** exceeds is P(D + X > s) with D absorbed in s (s = slo − D) and X the M/M/c wait (P(wait), drain rate). */
function exceeds(s: number, pWait: number, drain: number): number {
  if (s < 0) return 1;
  return pWait * Math.exp(-drain * s);
}

/**
 * sumExceeds is P(X + Y > s) for X the M/M/c wait and Y an exponential decode time of mean m (output
 * lengths taken as exponential): the mixture of Y alone and the hypoexponential sum of two rates.
 */
function sumExceeds(s: number, pWait: number, drain: number, m: number): number {
  if (s < 0) return 1;
  if (m <= 0) return exceeds(s, pWait, drain);
  const b = 1 / m;
  const yAlone = Math.exp(-b * s);
  if (pWait <= 0) return yAlone;
  const a = drain;
  const both = Math.abs(a - b) < 1e-9 ? (1 + a * s) * Math.exp(-a * s) : (b * Math.exp(-a * s) - a * Math.exp(-b * s)) / (b - a);
  return (1 - pWait) * yAlone + pWait * both;
}

/** addToHistogram spreads n observations of D + X over non-cumulative bucket slots (CDF differences). */
function addToHistogram(t: Float64Array, first: number, bounds: readonly number[], n: number, d: number, pWait: number, drain: number): void {
  if (n <= 0) return;
  let prev = 0;
  for (let i = 0; i < bounds.length; i++) {
    const le = bounds[i];
    if (le < d) continue;
    const cdf = 1 - exceeds(le - d, pWait, drain);
    t[first + i] += n * (cdf - prev);
    prev = cdf;
    if (cdf > 1 - 1e-9) return;
  }
  t[first + bounds.length] += n * (1 - prev);
}

/** addSumToHistogram is addToHistogram for D + X + Y (end-to-end latency with an exponential decode time). */
function addSumToHistogram(t: Float64Array, first: number, bounds: readonly number[], n: number, d: number, pWait: number, drain: number, m: number): void {
  if (n <= 0) return;
  let prev = 0;
  for (let i = 0; i < bounds.length; i++) {
    const le = bounds[i];
    if (le < d) continue;
    const cdf = 1 - sumExceeds(le - d, pWait, drain, m);
    t[first + i] += n * (cdf - prev);
    prev = cdf;
    if (cdf > 1 - 1e-9) return;
  }
  t[first + bounds.length] += n * (1 - prev);
}
