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
import { expFast } from './fastExp';

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

/**
 * Slots of the running sums `serve` adds every step to: the run's totals, and the sums of the output point being
 * filled (latencies weighted by the requests that saw them). They are added to one step at a time, in step order,
 * so their rounding does not depend on how the steps are split into `serve` calls.
 */
export const enum Served {
  arrived,
  completed,
  dropped,
  /** Requests expected to miss the SLO or dropped, each counted once. */
  overSlo,
  pointArrived,
  pointCompleted,
  pointDropped,
  /** Requests waiting for a slot after each step. */
  pointQueue,
  pointTtftP50,
  pointTtftP95,
  pointE2eP50,
  pointE2eP95,
  /** The requests the point's latency sums are weighted by. */
  pointWeight,
  size,
}

/** The traffic a pool serves, one entry per step: the requests arriving in the step and the arrival rate behind them. */
export interface Feed {
  arrivals: Float64Array;
  rates: Float64Array;
  /** Length of a step, seconds. */
  dt: number;
}

/** Slots of the current step's intermediate values that the rarer parts of a step read (see `ServingPool.cur`). */
const enum Cur {
  admitted,
  completed,
  tokens,
  backlogWait,
  pWait,
  drain,
  service,
  decode,
  base,
  /** What draining replicas completed and dropped in the step (`stepDrains` adds to them). */
  drainCompleted,
  drainDropped,
  /** What `tail` computes. */
  ttftP50,
  ttftP95,
  e2eP50,
  e2eP95,
  miss,
  size,
}

/**
 * Slots of `ServingPool.num`: the pool's state and the constants its inner loop reads. A typed array, so that V8
 * knows each is a double: a number field that has held a small integer is read as "any number", and an inner loop
 * mixing one into its arithmetic boxed a heap number at every step.
 */
const enum N {
  // State.
  waiting,
  running,
  /** Share of the last step's requests that miss the SLO. */
  miss,
  serving,
  lostShare,
  /** The feed's step length, for the current `serve` call. */
  dt,
  // Constants, computed once with the same operations the loop would do.
  maxBatch,
  halfBatch,
  tokensPerSecond,
  curveScale,
  outputTokens,
  idleTpot,
  /** Time to prefill a mean prompt. */
  prefillSeconds,
  meanOutputTokens,
  ttftObjective,
  e2eObjective,
  missAllowed,
  requestsPerSecond,
  timeoutSeconds,
  size,
}

/**
 * ServingPool advances the shared queue and batch of the serving replicas step by step, and keeps the
 * cumulative counters the engines export (pool totals; `series.ts` splits them over pods at scrapes).
 */
export class ServingPool {
  readonly cap: Capacity;
  /** Cumulative totals by record field (counters and non-cumulative histogram slots). */
  readonly totals: Float64Array;
  private readonly drains: Drain[] = [];
  /** State and constants, by `N` slot. */
  private readonly num = new Float64Array(N.size);
  /**
   * The current step's intermediate values, by `Cur` slot, for the parts of a step split into their own methods:
   * a typed array, because doubles passed as arguments to a call the JIT does not inline are boxed on the heap.
   */
  private readonly cur = new Float64Array(Cur.size);
  private readonly histograms: HistogramName[];
  // P(wait) of the last Erlang C computation, and its servers and load (see `serve`).
  private cacheServers = -1;
  private cacheLoad = -1;
  private cacheC = 0;
  private readonly hasE2e: boolean;

  /**
   * Creates the pool; `histograms` lists the latency histograms to fill, and `counters` tells whether anything
   * reads the counter totals (when not, `serve` skips them).
   */
  constructor(readonly params: ServingParams, readonly slo: SloSpec, recordFields: number, histograms: HistogramName[], private readonly counters = true) {
    this.cap = capacityOf(params);
    this.totals = new Float64Array(recordFields);
    this.histograms = histograms;
    const k = this.num;
    k[N.prefillSeconds] = params.meanInputTokens / params.prefillTokensPerSecond;
    k[N.missAllowed] = 1 - slo.percentile / 100;
    k[N.curveScale] = (this.cap.maxBatch + this.cap.halfBatch) / this.cap.maxBatch;
    k[N.outputTokens] = Math.max(1, params.meanOutputTokens);
    k[N.idleTpot] = 1 / Math.max(params.singleStreamTokensPerSecond, 1e-9);
    k[N.maxBatch] = this.cap.maxBatch;
    k[N.halfBatch] = this.cap.halfBatch;
    k[N.requestsPerSecond] = this.cap.requestsPerSecond;
    k[N.tokensPerSecond] = params.tokensPerSecond;
    k[N.timeoutSeconds] = params.requestTimeoutSeconds;
    k[N.meanOutputTokens] = params.meanOutputTokens;
    k[N.ttftObjective] = slo.ttftSeconds;
    this.hasE2e = slo.e2eSeconds !== undefined;
    k[N.e2eObjective] = slo.e2eSeconds ?? 0;
  }

  /** Requests waiting for a slot, over all serving replicas. */
  get waiting(): number {
    return this.num[N.waiting];
  }

  /** Requests in the running batches. */
  get running(): number {
    return this.num[N.running];
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
    const k = this.num;
    const share = (k[N.waiting] + k[N.running]) / serving;
    k[N.waiting] -= k[N.waiting] / serving;
    k[N.running] -= k[N.running] / serving;
    if (share > 0) this.drains.push({ remaining: share, deadline: now + graceSeconds });
  }

  /**
   * serveWith sets how many replicas serve and the share of arrivals that goes to endpoints that cannot serve
   * yet (ready without a loaded model) or finds no endpoint at all; it holds until the next call.
   */
  serveWith(serving: number, lostShare: number): void {
    this.num[N.serving] = serving;
    this.num[N.lostShare] = lostShare;
  }

  /**
   * serve advances the pool through steps [from, to) of the feed, with the replicas set by `serveWith`: it adds
   * each step to the running sums in `sums` (by `Served` slot; the queue only when `countQueue`) and marks in
   * `sloMet` (by step) whether the step met the objective. It is the simulation's innermost loop: the state and
   * the sums live in locals, it takes no double argument (V8 boxes those), and the rare parts (draining replicas,
   * the M/M/c tail, counters) read and write the `cur` slots.
   */
  serve(feed: Feed, from: number, to: number, sums: Float64Array, sloMet: Uint8Array, countQueue: boolean): void {
    const { arrivals, rates } = feed;
    const k = this.num;
    k[N.dt] = feed.dt;
    const dt = k[N.dt];
    const cur = this.cur;
    const serving = k[N.serving];
    const lostShare = k[N.lostShare];
    const missAllowed = k[N.missAllowed];
    const m = k[N.maxBatch];
    const h = k[N.halfBatch];
    const tps = k[N.tokensPerSecond];
    const curveScale = k[N.curveScale];
    const outputTokens = k[N.outputTokens];
    const idleTpot = k[N.idleTpot];
    const prefillSeconds = k[N.prefillSeconds];
    const meanOutputTokens = k[N.meanOutputTokens];
    const ttftObjective = k[N.ttftObjective];
    // Compared with true: V8 then knows they are booleans and does not test them for every kind of falsy value.
    const hasE2e = this.hasE2e === true;
    const e2eObjective = k[N.e2eObjective];
    const counters = this.counters === true;
    const addQueue = countQueue === true;
    const slots = serving * m;
    const satRate = serving * k[N.requestsPerSecond];
    // Clients stop waiting after the timeout: the FIFO backlog cannot hold more than timeout × drain rate.
    const maxBacklog = k[N.timeoutSeconds] * satRate;
    const sqrtSlots = Math.sqrt(slots);
    // Reciprocals taken once: the step's chain from running requests to completions then holds one division.
    const perServing = 1 / serving;
    const perOutputToken = 1 / outputTokens;
    // On the saturating curve (h > 0) the time per output token, batch / speed, is (batch + h) / (tps · curveScale).
    const tpotPerRequest = 1 / (tps * curveScale);
    let waiting = k[N.waiting];
    let running = k[N.running];
    let miss = k[N.miss];
    let sArrived = sums[Served.arrived];
    let sCompleted = sums[Served.completed];
    let sDropped = sums[Served.dropped];
    let sOverSlo = sums[Served.overSlo];
    let pArrived = sums[Served.pointArrived];
    let pCompleted = sums[Served.pointCompleted];
    let pDropped = sums[Served.pointDropped];
    let pQueue = sums[Served.pointQueue];
    let pTtftP50 = sums[Served.pointTtftP50];
    let pTtftP95 = sums[Served.pointTtftP95];
    let pE2eP50 = sums[Served.pointE2eP50];
    let pE2eP95 = sums[Served.pointE2eP95];
    let pWeight = sums[Served.pointWeight];
    for (let i = from; i < to; i++) {
      const arrived = arrivals[i];
      let completedOut = 0;
      let dropped = arrived * lostShare;
      const incoming = arrived - dropped;
      if (this.drains.length > 0) {
        cur[Cur.drainCompleted] = completedOut;
        cur[Cur.drainDropped] = dropped;
        this.stepDrains(i * dt, dt);
        completedOut = cur[Cur.drainCompleted];
        dropped = cur[Cur.drainDropped];
      }
      let overSlo: number;
      if (serving <= 0) {
        dropped = dropped + (incoming + waiting + running);
        waiting = 0;
        running = 0;
        overSlo = dropped;
      } else {
        let w = waiting + incoming;
        const admitted = Math.min(w, Math.max(0, slots - running));
        w -= admitted;
        // Requests dropped on arrival or by draining replicas; clients giving up on the backlog come on top.
        const droppedElse = dropped;
        let gaveUp = 0;
        if (w > maxBacklog) {
          gaveUp = w - maxBacklog;
          dropped += gaveUp;
          w = maxBacklog;
        }
        running += admitted;

        // The saturated speed is a benchmark figure for a prompt mix, so it already pays for prefill: the prompt
        // length only enters the time to first token below. Same curve as throughputAt.
        const perReplica = running * perServing;
        const speed = perReplica <= 0 ? 0 : h === 0 ? (tps * Math.min(perReplica, m)) / m : tps * (perReplica / (perReplica + h)) * curveScale;
        const tokens = serving * speed * dt;
        const completed = Math.min(running, tokens * perOutputToken);
        running -= completed;
        waiting = w;
        completedOut += completed;

        // Latency of the requests that arrive now.
        const tpot = perReplica <= 0 ? idleTpot : h === 0 ? perReplica / Math.max(speed, 1e-9) : (perReplica + h) * tpotPerRequest;
        const service = prefillSeconds + tpot;
        let backlogWait = 0;
        let pWait = 0;
        let drain = 1;
        if (waiting > 0) {
          backlogWait = waiting / Math.max(satRate, 1e-9);
        } else {
          const lambda = rates[i] * (1 - lostShare);
          // At or above saturation with free slots, the batches are still filling: nobody waits yet. Far from
          // saturation ((1 − ρ)·√c > 6, the Halfin–Whitt tail) P(wait) is below 1e-9 and taken as 0.
          if (lambda < satRate && (1 - lambda / satRate) * sqrtSlots <= 6) {
            const a = (lambda * slots) / satRate;
            // Erlang C costs O(slots): it is recomputed only when the slots change or the load moves by over 1 %.
            if (slots !== this.cacheServers || Math.abs(a - this.cacheLoad) > 0.01 * this.cacheLoad) this.updateErlang(slots, a);
            pWait = this.cacheC;
            drain = satRate - lambda;
          }
        }
        const base = backlogWait + service;
        const decode = meanOutputTokens * tpot;
        let ttftP50: number;
        let ttftP95: number;
        let e2eP50: number;
        let e2eP95: number;
        if (pWait > 0) {
          cur[Cur.base] = base;
          cur[Cur.decode] = decode;
          cur[Cur.pWait] = pWait;
          cur[Cur.drain] = drain;
          this.tail();
          ttftP50 = cur[Cur.ttftP50];
          ttftP95 = cur[Cur.ttftP95];
          e2eP50 = cur[Cur.e2eP50];
          e2eP95 = cur[Cur.e2eP95];
          miss = cur[Cur.miss];
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
        const gaveUpNew = Math.min(gaveUp, incoming);
        overSlo = incoming * miss + droppedElse + gaveUpNew * (1 - miss) + (gaveUp - gaveUpNew);
        if (arrived > 0 && !Number.isNaN(ttftP50)) {
          pTtftP50 += ttftP50 * arrived;
          pTtftP95 += ttftP95 * arrived;
          pE2eP50 += e2eP50 * arrived;
          pE2eP95 += e2eP95 * arrived;
          pWeight += arrived;
        }
        if (counters) {
          cur[Cur.admitted] = admitted;
          cur[Cur.completed] = completed;
          cur[Cur.tokens] = tokens;
          cur[Cur.backlogWait] = backlogWait;
          cur[Cur.pWait] = pWait;
          cur[Cur.drain] = drain;
          cur[Cur.service] = service;
          cur[Cur.decode] = decode;
          this.count();
        }
      }
      sloMet[i] = overSlo <= missAllowed * arrived + 1e-9 ? 1 : 0;
      sArrived += arrived;
      sCompleted += completedOut;
      sDropped += dropped;
      sOverSlo += overSlo;
      pArrived += arrived;
      pCompleted += completedOut;
      pDropped += dropped;
      if (addQueue) pQueue += waiting;
    }
    k[N.waiting] = waiting;
    k[N.running] = running;
    k[N.miss] = miss;
    sums[Served.arrived] = sArrived;
    sums[Served.completed] = sCompleted;
    sums[Served.dropped] = sDropped;
    sums[Served.overSlo] = sOverSlo;
    sums[Served.pointArrived] = pArrived;
    sums[Served.pointCompleted] = pCompleted;
    sums[Served.pointDropped] = pDropped;
    sums[Served.pointQueue] = pQueue;
    sums[Served.pointTtftP50] = pTtftP50;
    sums[Served.pointTtftP95] = pTtftP95;
    sums[Served.pointE2eP50] = pE2eP50;
    sums[Served.pointE2eP95] = pE2eP95;
    sums[Served.pointWeight] = pWeight;
  }

  /** count adds the current step (`cur`) to the counter totals and the latency histograms. */
  private count(): void {
    const c = this.cur;
    const admitted = c[Cur.admitted];
    const completed = c[Cur.completed];
    const backlogWait = c[Cur.backlogWait];
    const pWait = c[Cur.pWait];
    const drain = c[Cur.drain];
    const service = c[Cur.service];
    const decode = c[Cur.decode];
    const t = this.totals;
    const meanWait = backlogWait + pWait / drain;
    t[Field.promptTokens] += admitted * this.params.meanInputTokens;
    t[Field.generationTokens] += c[Cur.tokens];
    t[Field.success] += completed;
    t[Field.started] += admitted;
    t[Field.ttftSum] += admitted * (meanWait + service);
    t[Field.queueSum] += admitted * meanWait;
    t[Field.e2eSum] += completed * (meanWait + service + decode);
    t[Field.batches] += 1;
    if (this.histograms.length === 0) return;
    for (const h of this.histograms) {
      if (h === 'e2e') addSumToHistogram(t, Histograms.e2e.first, Histograms.e2e.bounds, completed, backlogWait + service, pWait, drain, decode);
      else addToHistogram(t, Histograms[h].first, Histograms[h].bounds, admitted, backlogWait + (h === 'ttft' ? service : 0), pWait, drain);
    }
  }

  /** tail computes the latency percentiles and the SLO miss share of the current step (`cur`) when some requests wait (M/M/c tail). */
  private tail(): void {
    const c = this.cur;
    const base = c[Cur.base];
    const decode = c[Cur.decode];
    const pWait = c[Cur.pWait];
    const drain = c[Cur.drain];
    const ttftP50 = base + waitQuantileFromC(pWait, drain, 0.5);
    const ttftP95 = base + waitQuantileFromC(pWait, drain, 0.95);
    c[Cur.ttftP50] = ttftP50;
    c[Cur.ttftP95] = ttftP95;
    c[Cur.e2eP50] = ttftP50 + decode * EXP_P50;
    c[Cur.e2eP95] = ttftP95 + decode * EXP_P95;
    const pTtft = exceeds(this.num[N.ttftObjective] - base, pWait, drain);
    const pE2e = this.hasE2e ? sumExceeds(this.num[N.e2eObjective] - base, pWait, drain, decode) : 0;
    c[Cur.miss] = pTtft + pE2e - pTtft * pE2e;
  }

  /** stepDrains lets the draining replicas work through one step, adding to the `cur` drain slots. */
  private stepDrains(now: number, dt: number): void {
    const c = this.cur;
    for (let k = this.drains.length - 1; k >= 0; k--) {
      const d = this.drains[k];
      const done = Math.min(d.remaining, this.num[N.requestsPerSecond] * dt);
      d.remaining -= done;
      c[Cur.drainCompleted] += done;
      if (d.remaining <= 1e-9 || now >= d.deadline) {
        c[Cur.drainDropped] += d.remaining;
        this.drains.splice(k, 1);
      }
    }
  }

  /** updateErlang recomputes the cached P(wait) for c servers at offered load a. */
  private updateErlang(c: number, a: number): void {
    this.cacheServers = c;
    this.cacheLoad = a;
    this.cacheC = erlangC(c, a);
  }
}

/** exceeds is P(D + X > s) with D absorbed in s (s = slo − D) and X the M/M/c wait (P(wait), drain rate). */
function exceeds(s: number, pWait: number, drain: number): number {
  if (s < 0) return 1;
  return pWait * expFast(-drain * s);
}

/**
 * sumExceeds is P(X + Y > s) for X the M/M/c wait and Y an exponential decode time of mean m (output
 * lengths taken as exponential): the mixture of Y alone and the hypoexponential sum of two rates.
 */
function sumExceeds(s: number, pWait: number, drain: number, m: number): number {
  if (s < 0) return 1;
  if (m <= 0) return exceeds(s, pWait, drain);
  const b = 1 / m;
  const yAlone = expFast(-b * s);
  if (pWait <= 0) return yAlone;
  const a = drain;
  const both = Math.abs(a - b) < 1e-9 ? (1 + a * s) * expFast(-a * s) : (b * expFast(-a * s) - a * yAlone) / (b - a);
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
