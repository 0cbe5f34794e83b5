/**
 * Serving: how the replicas that are up turn arriving requests into tokens. The pool is a fluid model of
 * continuous batching: requests wait for a batch slot (max concurrent sequences, or KV-cache room),
 * aggregate decode speed rises with the batch and saturates, and a backlog builds during overload and
 * drains after. Below saturation, bursts still find the batches full now and then: that wait comes from
 * the M/M/c closed forms of `queueing.ts`, with one server per batch slot and the per-request service
 * time of a full batch.
 *
 * Load is spread evenly over serving replicas (a least-loaded router), so the backlog is shared.
 *
 * The pool's step moves requests; what they see (latency percentiles, SLO misses) is worked out from the log it
 * writes for each step by the latency account (`latency.ts`), which a helper thread may keep (`stepLedger.ts`).
 */
import { Field, Histograms, HistogramName } from './emitted';
import { exceeds, Log, logRows, QueueWait, sumExceeds, Wait } from './latency';
import type { StepLedger } from './stepLedger';
import type { PendingDraws } from './parallelDraws';

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
 * filled. They are added to one step at a time, in step order, so their rounding does not depend on how the steps
 * are split into `serve` calls. (The latency sums are the account's: `latency.ts`.)
 */
export const enum Served {
  arrived,
  completed,
  dropped,
  pointArrived,
  pointCompleted,
  pointDropped,
  /** Requests waiting for a slot after each step. */
  pointQueue,
  size,
}

/** The traffic a pool serves, one entry per step: the requests arriving in the step and the arrival rate behind them. */
export interface Feed {
  arrivals: Float64Array;
  rates: Float64Array;
  /** Length of a step, seconds. */
  dt: number;
  /** While a helper thread still draws `arrivals` (see `parallelDraws.ts`); `drawn` steps of them may be read. */
  draws?: PendingDraws;
  drawn: number;
}

/** Slots of the current step's intermediate values that the rarer parts of a step read (see `ServingPool.cur`). */
const enum Cur {
  admitted,
  completed,
  tokens,
  service,
  decode,
  /** What draining replicas completed and dropped in the step (`stepDrains` adds to them). */
  drainCompleted,
  drainDropped,
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
  /** The wait of each step, for the counters (the account works out its own, the same). */
  private readonly wait = new QueueWait();
  private ledger: StepLedger | undefined;

  /**
   * Creates the pool; `histograms` lists the latency histograms to fill, and `counters` tells whether anything
   * reads the counter totals (when not, `serve` skips them).
   */
  constructor(readonly params: ServingParams, recordFields: number, histograms: HistogramName[], private readonly counters = true) {
    this.cap = capacityOf(params);
    this.totals = new Float64Array(recordFields);
    this.histograms = histograms;
    const k = this.num;
    k[N.prefillSeconds] = params.meanInputTokens / params.prefillTokensPerSecond;
    k[N.curveScale] = (this.cap.maxBatch + this.cap.halfBatch) / this.cap.maxBatch;
    k[N.outputTokens] = Math.max(1, params.meanOutputTokens);
    k[N.idleTpot] = 1 / Math.max(params.singleStreamTokensPerSecond, 1e-9);
    k[N.maxBatch] = this.cap.maxBatch;
    k[N.halfBatch] = this.cap.halfBatch;
    k[N.requestsPerSecond] = this.cap.requestsPerSecond;
    k[N.tokensPerSecond] = params.tokensPerSecond;
    k[N.timeoutSeconds] = params.requestTimeoutSeconds;
    k[N.meanOutputTokens] = params.meanOutputTokens;
  }

  /** logTo sets where `serve` logs its steps for the latency account: the run's ledger. */
  logTo(ledger: StepLedger): void {
    this.ledger = ledger;
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
   * each step to the running sums in `sums` (by `Served` slot; the queue only when `countQueue`) and logs it for the
   * latency account, in stretches the ledger has room for. It waits for arrivals a helper thread still draws.
   */
  serve(feed: Feed, from: number, to: number, sums: Float64Array, countQueue: boolean): void {
    if (to > feed.drawn) feed.drawn = feed.draws!.waitFor(to);
    const ledger = this.ledger!;
    for (let i = from; i < to; ) {
      const end = ledger.room(i, to);
      this.serveSteps(feed, i, end, sums, countQueue, ledger.arrays.log);
      ledger.logged(end);
      i = end;
    }
  }

  /**
   * serveSteps is `serve` for steps the log has room for. It is the simulation's innermost loop: the state and the
   * sums live in locals, it takes no double argument (V8 boxes those), and the rare parts (draining replicas, the
   * counters) read and write the `cur` slots.
   */
  private serveSteps(feed: Feed, from: number, to: number, sums: Float64Array, countQueue: boolean, log: Float64Array): void {
    const { arrivals, rates } = feed;
    const k = this.num;
    k[N.dt] = feed.dt;
    const dt = k[N.dt];
    const cur = this.cur;
    const serving = k[N.serving];
    const lostShare = k[N.lostShare];
    const m = k[N.maxBatch];
    const h = k[N.halfBatch];
    const tps = k[N.tokensPerSecond];
    const curveScale = k[N.curveScale];
    const outputTokens = k[N.outputTokens];
    const idleTpot = k[N.idleTpot];
    const prefillSeconds = k[N.prefillSeconds];
    const meanOutputTokens = k[N.meanOutputTokens];
    // Compared with true: V8 then knows they are booleans and does not test them for every kind of falsy value.
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
    const mask = logRows(log) - 1;
    let waiting = k[N.waiting];
    let running = k[N.running];
    let sArrived = sums[Served.arrived];
    let sCompleted = sums[Served.completed];
    let sDropped = sums[Served.dropped];
    let pArrived = sums[Served.pointArrived];
    let pCompleted = sums[Served.pointCompleted];
    let pDropped = sums[Served.pointDropped];
    let pQueue = sums[Served.pointQueue];
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
      const row = (i & mask) * Log.size;
      log[row + Log.arrived] = arrived;
      log[row + Log.rate] = rates[i];
      log[row + Log.serving] = serving;
      log[row + Log.lostShare] = lostShare;
      if (serving <= 0) {
        dropped = dropped + (incoming + waiting + running);
        waiting = 0;
        running = 0;
        log[row + Log.dropped] = dropped;
      } else {
        let w = waiting + incoming;
        const admitted = Math.min(w, Math.max(0, slots - running));
        w -= admitted;
        // Requests dropped on arrival or by draining replicas; clients giving up on the backlog come on top.
        log[row + Log.dropped] = dropped;
        let gaveUp = 0;
        if (w > maxBacklog) {
          gaveUp = w - maxBacklog;
          dropped += gaveUp;
          w = maxBacklog;
        }
        log[row + Log.gaveUp] = gaveUp;
        running += admitted;

        // The saturated speed is a benchmark figure for a prompt mix, so it already pays for prefill: the prompt
        // length only enters the time to first token (the account's). Same curve as throughputAt.
        const perReplica = running * perServing;
        const speed = perReplica <= 0 ? 0 : h === 0 ? (tps * Math.min(perReplica, m)) / m : tps * (perReplica / (perReplica + h)) * curveScale;
        const tokens = serving * speed * dt;
        const completed = Math.min(running, tokens * perOutputToken);
        running -= completed;
        waiting = w;
        completedOut += completed;
        // The time per output token of the requests that arrive now.
        const tpot = perReplica <= 0 ? idleTpot : h === 0 ? perReplica / Math.max(speed, 1e-9) : (perReplica + h) * tpotPerRequest;
        log[row + Log.tpot] = tpot;
        log[row + Log.waiting] = waiting;
        if (counters) {
          this.wait.at(waiting, rates[i] * (1 - lostShare), satRate, slots, sqrtSlots);
          cur[Cur.admitted] = admitted;
          cur[Cur.completed] = completed;
          cur[Cur.tokens] = tokens;
          cur[Cur.service] = prefillSeconds + tpot;
          cur[Cur.decode] = meanOutputTokens * tpot;
          this.count();
        }
      }
      sArrived += arrived;
      sCompleted += completedOut;
      sDropped += dropped;
      pArrived += arrived;
      pCompleted += completedOut;
      pDropped += dropped;
      if (addQueue) pQueue += waiting;
    }
    k[N.waiting] = waiting;
    k[N.running] = running;
    sums[Served.arrived] = sArrived;
    sums[Served.completed] = sCompleted;
    sums[Served.dropped] = sDropped;
    sums[Served.pointArrived] = pArrived;
    sums[Served.pointCompleted] = pCompleted;
    sums[Served.pointDropped] = pDropped;
    sums[Served.pointQueue] = pQueue;
  }

  /** count adds the current step (`cur`, and the step's wait) to the counter totals and the latency histograms. */
  private count(): void {
    const c = this.cur;
    const wait = this.wait.out;
    const admitted = c[Cur.admitted];
    const completed = c[Cur.completed];
    const backlogWait = wait[Wait.backlog];
    const pWait = wait[Wait.pWait];
    const drain = wait[Wait.drain];
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
