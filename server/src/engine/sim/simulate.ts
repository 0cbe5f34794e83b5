/**
 * The simulation loop: traffic arrives, the serving pool works, Prometheus scrapes the pods, KEDA polls
 * and the HPA syncs on their own cadences, and the cluster moves pods and nodes through their lives.
 * `simulate(input)` is a pure function of its input: no clock, no I/O, randomness from the seed only.
 * The per-step path allocates nothing; scrapes, polls and syncs run only on their cadences.
 */
import type { EngineKind } from '../model';
import { Cluster, ClusterHooks, ClusterParams, PodPhase, PodTally, SimPod } from './cluster';
import { costTotals } from './cost';
import { catalogueFor, Field, Histograms, HistogramName, MetricScope, modelLabelOf, RECORD_FIELDS, seriesNamesOf } from './emitted';
import { HpaController, HpaOptions, MetricReading } from './hpa';
import { KedaController, prometheusQueryResult, prometheusVectorResult, TriggerResult } from './keda';
import type { HpaSpec, MetricSpec, ScaledObjectSpec, TriggerSpec } from './policy';
import { LOOKBACK_SECONDS } from '../promql/evaluate';
import { defaultEvaluator, InstantEvaluator, readWindow } from './queries';
import { ScrapeStore, SeriesSource, Up } from './series';
import { Feed, Served, ServingParams, ServingPool, SloSpec } from './serving';
import { buildSummary, Summary } from './summary';
import { stepTraffic, TrafficSpec } from './traffic';
import { helperFor } from './helperThread';
import { Point } from './latency';
import { HelperStalled, StepLedger } from './stepLedger';
import { grown } from './typedArrays';

/** The policy under test: an HPA, or a KEDA ScaledObject (with the HPA KEDA creates for it). */
export type PolicySpec = { kind: 'hpa'; spec: HpaSpec } | { kind: 'keda'; spec: ScaledObjectSpec };

/** The scale target as the simulated pods present it (names, labels, requests). */
export interface WorkloadSpec {
  name: string;
  namespace: string;
  engine: EngineKind;
  /** Value of the engine's model label (`model_name` for vLLM), when known. */
  model: string | undefined;
  /** Name of the serving container. */
  container: string;
  /** Resource requests per container, in milli-units (`cpu`: 1000 per core, `memory`: 1000 per byte). */
  requestsMilli: Array<{ container: string; cpu?: number; memory?: number }>;
}

/** Everything one simulation needs; `inputs.ts` builds it from a workspace. */
export interface SimulationInput {
  policy: PolicySpec;
  workload: WorkloadSpec;
  serving: ServingParams;
  slo: SloSpec;
  cluster: ClusterParams;
  traffic: TrafficSpec;
  /** USD per GPU-hour; undefined leaves cost unknown. */
  gpuPricePerHour: number | undefined;
  scrapeIntervalSeconds: number;
  durationSeconds: number;
  stepSeconds: number;
  /** Width of one point of the output series. */
  outputResolutionSeconds: number;
  seed: number;
  /** Replicas serving at time 0. */
  initialReplicas: number;
  hpaOptions?: Partial<HpaOptions>;
  /** The PromQL instant evaluator; defaults to `promql/evaluate.ts`. */
  evaluate?: InstantEvaluator;
}

/** The output time series, one point per output interval (means over the interval unless noted). */
export interface SimulationSeries {
  /** Start of each interval, seconds. */
  t: Float64Array;
  /** Replicas asked for (the scale target's spec.replicas). */
  desired: Float64Array;
  /** Pods Kubernetes reports Ready. */
  ready: Float64Array;
  /** Pods waiting for a GPU or pulling their image. */
  pending: Float64Array;
  /** Pods loading the model. */
  loading: Float64Array;
  /** Replicas serving requests. */
  serving: Float64Array;
  nodes: Float64Array;
  /** GPUs of the nodes that exist (billed). */
  gpus: Float64Array;
  /** Requests arriving, per second. */
  traffic: Float64Array;
  /** Requests completed, per second. */
  served: Float64Array;
  /** Requests dropped, per second. */
  dropped: Float64Array;
  /** Requests waiting for a batch slot. */
  queue: Float64Array;
  /** Latency percentiles, weighted by arrivals; NaN where nothing was served. */
  ttftP50: Float64Array;
  ttftP95: Float64Array;
  e2eP50: Float64Array;
  e2eP95: Float64Array;
  /** Cumulative cost in USD at the end of the interval (NaN when no price is known). */
  costUsd: Float64Array;
}

/** One change of the target's replica count. */
export interface ReplicaChange {
  t: number;
  from: number;
  to: number;
  by: 'hpa' | 'keda';
  reason: string;
}

/** How one trigger or metric fared: evaluated, or why not. */
export interface TriggerStatus {
  /** Trigger name or metric name. */
  name: string;
  /** `prometheus`, `cpu`, `Pods`, `External`, ... */
  type: string;
  query?: string;
  evaluations: number;
  errors: number;
  /** The last error, when there was one. */
  lastError?: string;
  /** The last value read. */
  lastValue?: number;
  /** False when the simulator could not evaluate it at all (unsupported query or trigger type). */
  evaluable: boolean;
}

/** The outcome of one simulation. */
export interface SimulationResult {
  series: SimulationSeries;
  summary: Summary;
  events: ReplicaChange[];
  triggers: TriggerStatus[];
  /** Things the simulation could not do as asked (each also visible in `triggers` when about a query). */
  problems: string[];
}

const EVENT_LIMIT = 5000;
/**
 * Most replicas, and most GPUs, a run places. Every pod is scraped, every node billed, each on its own, so a policy
 * that reaches tens of thousands of pods (a huge max with a tiny target) took minutes and blocked the language
 * server. A run lowers a larger maximum to this cap before the controllers see it (so their own limits and scale
 * events stay consistent) and says so when the policy reaches it. A few hours at a thousand replicas take under a
 * second; a day of a policy flapping at the cap (185,000 pods started) about three.
 */
export const MAX_SIMULATED_REPLICAS = 1000;
export const MAX_SIMULATED_GPUS = 16384;
/** Longest run in steps: the per-step arrays then hold about 120 MB. */
const MAX_STEPS = 5_000_000;
const MIB = 1024 * 1024;

/**
 * Slots of the run's running totals (a typed array, so the per-step path boxes no number; a const enum, so the slots
 * are constants). They count per step and in whole numbers (replicas, GPUs), so adding a stretch of equal steps at
 * once (`quietSteps`) is exact; seconds and requests come from them when the run ends.
 */
const enum Acc {
  /** Replicas serving during each step's work, before the controllers: the capacity the step had. */
  servingBefore,
  /** Replicas serving after the controllers: the GPUs of serving replicas. */
  servingAfter,
  peakReplicas,
  peakGpus,
  replicaSteps,
  gpuSteps,
  size,
}

/** Slots of the sums over the steps of the output point being filled, turned into its values when it closes (the serving pool's are in `Served`). */
const enum Bin {
  desired,
  ready,
  pending,
  loading,
  serving,
  nodes,
  gpus,
  size,
}

/** The arrays of one run: its inputs per step and what it accumulates. */
interface RunState {
  rates: Float64Array;
  arrivals: Float64Array;
  /** The same traffic as the serving pool reads it, and the running sums the pool adds to (by `Served` slot). */
  feed: Feed;
  served: Float64Array;
  out: SimulationSeries;
  /** Where the pool logs its steps for the latency account, and where the account's figures come out. */
  ledger: StepLedger;
  /** Running totals, by `Acc` slot. */
  acc: Float64Array;
  stepsPerBin: number;
  /** Sums of the current output point, by `Bin` slot; its index and the steps in it so far. */
  sums: Float64Array;
  bin: number;
  inBin: number;
}

/**
 * Per-pod metric state kept between scrapes, by scrape target: counters in one array per pod, the CPU seconds and the
 * last scrape's time in typed arrays (numbers in object fields that start as small integers change shape in V8).
 */
interface PodMetrics {
  counters: Float64Array[];
  cpuSeconds: Float64Array;
  lastScrape: Float64Array;
}

/** simulate runs one policy against the simulated world. */
export function simulate(input: SimulationInput): SimulationResult {
  try {
    return new World(input).run();
  } catch (e) {
    // The helper thread stopped answering mid-run (it is given up on): the run is made again in this thread alone.
    if (e instanceof HelperStalled) return new World(input).run();
    throw e;
  }
}

/** writeLatency fills the output points' latency percentiles from the account's sums (NaN where nothing was served). */
function writeLatency(out: SimulationSeries, sums: Float64Array): void {
  for (let b = 0; b < out.t.length; b++) {
    const p = b * Point.size;
    const weight = sums[p + Point.weight];
    out.ttftP50[b] = weight > 0 ? sums[p + Point.ttftP50] / weight : NaN;
    out.ttftP95[b] = weight > 0 ? sums[p + Point.ttftP95] / weight : NaN;
    out.e2eP50[b] = weight > 0 ? sums[p + Point.e2eP50] / weight : NaN;
    out.e2eP95[b] = weight > 0 ? sums[p + Point.e2eP95] / weight : NaN;
  }
}

/** The simulated world of one run. */
class World implements ClusterHooks {
  private readonly dt: number;
  private readonly steps: number;
  private readonly pool: ServingPool;
  private readonly store: ScrapeStore;
  private readonly cluster: Cluster;
  private readonly hpa: HpaController;
  private readonly keda: KedaController | undefined;
  private readonly evaluate: InstantEvaluator;
  private readonly events: ReplicaChange[] = [];
  private readonly problems: string[] = [];
  private readonly triggers: TriggerStatus[] = [];
  /** Per-pod metric state, by scrape target id (dense, unlike pod indexes: not every pod gets a target). */
  private readonly podMetrics: PodMetrics = { counters: [], cpuSeconds: new Float64Array(64), lastScrape: new Float64Array(64) };
  private readonly recorded = new Float64Array(RECORD_FIELDS);
  private readonly lastTotals = new Float64Array(RECORD_FIELDS);
  private readonly deltas = new Float64Array(RECORD_FIELDS);
  private readonly counterFields: number[];
  private readonly histograms: HistogramName[];
  /** Which computed gauges the store keeps (a query reads them); the scrape skips the others. */
  private readonly keptGauges: { kvUsage: boolean; gpuBusy: boolean; cpuSeconds: boolean };
  private readonly labelsBase: Record<MetricScope, Record<string, string>>;
  private specReplicas: number;
  /** The most replicas this run places (see MAX_SIMULATED_REPLICAS), the policy's own maximum, and whether the cap was reached. */
  private readonly replicaCap: number;
  private readonly policyMax: number;
  private capHit = false;
  private clusterVersion = -1;
  private nServing = 0;
  private nReady = 0;
  private lastRate = 0;
  /** Pods of the last scrape: those gone since are scraped once more as missing (staleness markers). */
  /** The pods the last scrape saw, the first `scrapedCount` entries (refilled in place: no array per scrape). */
  private readonly scrapedLast: SimPod[] = [];
  private scrapedCount = 0;
  private resultsAt = NaN;
  /** Each trigger's view of the store, by trigger index. */
  private readonly views: Array<SeriesSource | undefined> = [];
  private lastResults: TriggerResult[] | undefined;
  private readonly results: TriggerResult[] = [];
  private nPending = 0;
  private nLoading = 0;
  private nActive = 0;
  /** The HPA sync's readings and scale subresource, rewritten at each sync (the controllers keep neither). */
  private readonly readings: MetricReading[] = [];
  private readonly scale = { specReplicas: 0, statusReplicas: 0 };
  private readonly tally: PodTally = { serving: 0, ready: 0, pending: 0, loading: 0, active: 0 };

  constructor(private readonly input: SimulationInput) {
    this.dt = Number.isFinite(input.stepSeconds) ? Math.max(0.1, input.stepSeconds) : 1;
    const steps = Number.isFinite(input.durationSeconds) ? Math.max(1, Math.ceil(input.durationSeconds / this.dt)) : 1;
    if (steps > MAX_STEPS) this.problem(`${steps} steps asked for: the run stops after ${MAX_STEPS} (${Math.round((MAX_STEPS * this.dt) / 86400)} days at this step)`);
    this.steps = Math.min(steps, MAX_STEPS);
    this.evaluate = input.evaluate ?? defaultEvaluator;
    const catalogue = catalogueFor(input.workload.engine);
    const needed = this.seriesNeeded([...seriesNamesOf(catalogue).keys()]);
    this.store = new ScrapeStore(catalogue, needed, this.retention());
    this.histograms = (Object.keys(Histograms) as HistogramName[]).filter((h) => this.store.keeps(Histograms[h].first));
    const counters: number[] = [Field.promptTokens, Field.generationTokens, Field.success, Field.started, Field.ttftSum, Field.e2eSum, Field.queueSum, Field.batches];
    for (const h of this.histograms) for (let i = 0; i <= Histograms[h].bounds.length; i++) counters.push(Histograms[h].first + i);
    this.counterFields = counters.filter((f) => this.store.keeps(f));
    this.keptGauges = { kvUsage: this.store.keeps(Field.kvUsage), gpuBusy: this.store.keeps(Field.gpuBusy), cpuSeconds: this.store.keeps(Field.cpuSeconds) };
    this.pool = new ServingPool(input.serving, RECORD_FIELDS, this.histograms, this.counterFields.length > 0);
    const w = input.workload;
    const modelLabel = modelLabelOf(w.engine);
    const engine: Record<string, string> = { namespace: w.namespace, job: w.name, container: w.container };
    if (modelLabel && w.model) engine[modelLabel] = w.model;
    if (w.engine === 'triton' || w.engine === 'trtllm') engine.version = '1';
    // Templates of each scope's label set, `__name__` first as the store lays them out: cloning a template and
    // setting its values is several times cheaper than spreading a base into a new literal, once per pod.
    this.labelsBase = {
      engine: { __name__: '', ...engine, pod: '', instance: '' },
      container: { __name__: '', namespace: w.namespace, container: w.container, pod: '', node: '' },
      gpu: { __name__: '', gpu: '', UUID: '', modelName: 'NVIDIA GPU', Hostname: '', namespace: w.namespace, pod: '', container: w.container },
    };
    this.replicaCap = Math.max(1, Math.min(MAX_SIMULATED_REPLICAS, Math.floor(MAX_SIMULATED_GPUS / Math.max(1, input.cluster.gpusPerReplica))));
    const cap = this.replicaCap;
    const p = input.policy;
    this.policyMax = p.kind === 'keda' ? p.spec.maxReplicaCount : p.spec.maxReplicas;
    this.specReplicas = this.capped(Math.max(0, Math.floor(input.initialReplicas)));
    // The world is the cluster's hooks itself: closures made per run would give the JIT a new call target each run.
    this.cluster = new Cluster(input.cluster, w.name, this);
    if (p.kind === 'keda') {
      const spec = this.policyMax > cap ? { ...p.spec, maxReplicaCount: cap, minReplicaCount: Math.min(p.spec.minReplicaCount, cap) } : p.spec;
      this.keda = new KedaController(spec, 0);
      this.hpa = new HpaController(this.keda.hpaSpec, input.hpaOptions);
    } else {
      const spec = this.policyMax > cap ? { ...p.spec, maxReplicas: cap, minReplicas: Math.min(p.spec.minReplicas, cap) } : p.spec;
      this.hpa = new HpaController(spec, input.hpaOptions);
    }
    this.initTriggerStatus();
  }

  /** retention is the longest window a query of the policy reads. */
  private retention(): number {
    const p = this.input.policy;
    if (p.kind !== 'keda') return LOOKBACK_SECONDS;
    return Math.max(LOOKBACK_SECONDS, ...p.spec.triggers.map((t) => readWindow(t.metadata.query ?? '').seconds));
  }

  /** seriesNeeded lists the series names the policy's queries and metrics may read (all, if one selects by `__name__`). */
  private seriesNeeded(all: string[]): string[] | undefined {
    const texts: string[] = [];
    const p = this.input.policy;
    if (p.kind === 'keda') for (const t of p.spec.triggers) texts.push(t.metadata.query ?? '');
    else for (const m of p.spec.metrics) texts.push(m.name);
    const joined = texts.join('\n');
    if (joined.includes('__name__')) return undefined;
    const norm = (s: string) => s.replace(/:/g, '_');
    return all.filter((n) => joined.includes(n) || joined.includes(norm(n)) || joined.includes(`|${n}|`));
  }

  private initTriggerStatus(): void {
    const p = this.input.policy;
    if (p.kind === 'keda') {
      p.spec.triggers.forEach((t, i) => this.triggers.push({ name: t.name ?? `trigger ${i}`, type: t.type, query: t.metadata.query, evaluations: 0, errors: 0, evaluable: true }));
    } else {
      for (const m of p.spec.metrics) this.triggers.push({ name: m.name, type: m.type, evaluations: 0, errors: 0, evaluable: true });
    }
  }

  run(): SimulationResult {
    const { input, dt, steps } = this;
    const { rates, arrivals, pending: draws } = stepTraffic(input.traffic, steps, dt, input.seed);
    const stepsPerBin = Math.max(1, Math.round(Math.max(dt, input.outputResolutionSeconds) / dt));
    const points = Math.ceil(steps / stepsPerBin);
    // A helper thread, when the host gives one, keeps the latency account of a long run while the pool goes on.
    const ledger = StepLedger.open({ serving: input.serving, slo: input.slo, stepsPerBin }, this.pool.cap.maxBatch, steps, points, helperFor(steps));
    this.pool.logTo(ledger);
    const run: RunState = { rates, arrivals, feed: { arrivals, rates, dt, draws, drawn: draws ? 0 : steps }, served: new Float64Array(Served.size), out: allocSeries(points), ledger, acc: new Float64Array(Acc.size), stepsPerBin, sums: new Float64Array(Bin.size), bin: 0, inBin: 0 };
    try {
      this.cluster.start(this.specReplicas);
      this.loop(run);
      ledger.finish();
    } finally {
      // A run that threw lets the helper go (a finished one has nothing left to say).
      ledger.abandon();
    }
    writeLatency(run.out, ledger.arrays.points);
    const { acc } = run;
    const { sloMet } = ledger.arrays;
    const seconds = steps * dt;
    // The requests the traffic brought (mean rates, noise aside), whatever the policy; over-provisioning is what
    // the serving replicas could have completed over them.
    const demand = requestsOf(rates, dt);
    const price = input.gpuPricePerHour;
    const summary = buildSummary({
      seconds,
      arrived: run.served[Served.arrived],
      served: run.served[Served.completed],
      dropped: run.served[Served.dropped],
      overSlo: ledger.arrays.overSlo[0],
      peakReplicas: acc[Acc.peakReplicas],
      meanReplicas: acc[Acc.replicaSteps] / steps,
      peakGpus: acc[Acc.peakGpus],
      meanGpus: acc[Acc.gpuSteps] / steps,
      cost: costTotals(acc[Acc.gpuSteps] * dt, acc[Acc.servingAfter] * input.cluster.gpusPerReplica * dt, price, seconds, run.served[Served.completed]),
      overProvisioning: demand > 0 ? (acc[Acc.servingBefore] * this.pool.cap.requestsPerSecond * dt) / demand : undefined,
      pods: this.cluster.log,
      spikes: input.traffic.spikes,
      sloMet,
      dt,
    });
    return { series: run.out, summary, events: this.events, triggers: this.triggers, problems: this.problems };
  }

  /**
   * loop runs the steps. Its body is split into small methods so the JIT optimises each quickly, and the
   * methods take the step index rather than its (fractional) values, which V8 would box at every call; the
   * rare work (scrape, poll, sync) stays out of the per-step path.
   */
  private loop(run: RunState): void {
    const { dt, steps } = this;
    const scrapeEvery = Math.max(1, this.input.scrapeIntervalSeconds);
    let nextScrape = 0;
    // A controller's next due time only moves when it runs.
    let pollDue = this.keda ? this.keda.dueAt() : Infinity;
    let syncDue = this.hpa.dueAt();
    let i = 0;
    while (i < steps) {
      const t = i * dt;
      this.advance(run, i);
      if (t >= nextScrape) {
        this.scrape(t);
        nextScrape += scrapeEvery;
      }
      if (t >= pollDue) {
        this.pollKeda(t);
        pollDue = this.keda!.dueAt();
      }
      if (t >= syncDue) {
        this.syncHpa(t);
        syncDue = this.hpa.dueAt();
      }
      this.record(run, i);
      i++;
      // Until the next scrape, poll, sync or cluster transition, a step is the pool's work and the totals only.
      const until = Math.min(nextScrape, pollDue, syncDue, this.cluster.quietUntil());
      if (i < steps && i * dt < until) i = this.quietSteps(run, i, until);
    }
  }

  /**
   * quietSteps runs the steps from i while their time is before `until`: nothing but the serving pool moves, so
   * the pod counts are constants. It does what `advance` and `record` do, in the same order (the pool adds to its
   * sums step by step, so they round as if each step ran alone; the counts are whole numbers, added at once), and
   * returns the first step it did not run.
   */
  private quietSteps(run: RunState, from: number, until: number): number {
    const { dt, steps, pool } = this;
    if (this.cluster.version !== this.clusterVersion) this.refreshCounts();
    // The first step at or after `until`, found by comparing i × dt as the step loop does, without walking to it.
    let to = Math.ceil(until / dt);
    if (!(to > from)) to = from;
    else if (to > steps) to = steps;
    while (to > from && (to - 1) * dt >= until) to--;
    while (to < steps && to * dt < until) to++;
    const nServing = this.nServing;
    pool.serveWith(nServing, this.nReady === 0 ? 1 : (this.nReady - nServing) / this.nReady);
    const { rates, acc, sums } = run;
    const nodeCount = this.cluster.billedNodes();
    const billedGpus = nodeCount * this.input.cluster.gpusPerNode;
    const replicas = this.nActive;
    const { specReplicas, nReady, nPending, nLoading } = this;
    if (replicas > acc[Acc.peakReplicas]) acc[Acc.peakReplicas] = replicas;
    if (billedGpus > acc[Acc.peakGpus]) acc[Acc.peakGpus] = billedGpus;
    let i = from;
    while (i < to) {
      // An output point closes after its last step: the pool serves up to it, then the point's sums are written.
      const end = Math.min(to, i + (run.stepsPerBin - run.inBin));
      pool.serve(run.feed, i, end, run.served, true);
      // Every step of the stretch adds the same whole numbers: n at once is exact.
      const n = end - i;
      acc[Acc.servingBefore] += nServing * n;
      acc[Acc.servingAfter] += nServing * n;
      acc[Acc.replicaSteps] += replicas * n;
      acc[Acc.gpuSteps] += billedGpus * n;
      sums[Bin.desired] += specReplicas * n;
      sums[Bin.ready] += nReady * n;
      sums[Bin.pending] += nPending * n;
      sums[Bin.loading] += nLoading * n;
      sums[Bin.serving] += nServing * n;
      sums[Bin.nodes] += nodeCount * n;
      sums[Bin.gpus] += billedGpus * n;
      run.inBin += end - i;
      i = end;
      if (run.inBin === run.stepsPerBin || i === steps) this.closeBin(run);
    }
    this.lastRate = rates[to - 1];
    return to;
  }

  /** advance moves the cluster and the serving pool through step i and adds the step to the run's totals. */
  private advance(run: RunState, i: number): void {
    const dt = this.dt;
    const t = i * dt;
    const rate = run.rates[i];
    const acc = run.acc;
    this.cluster.advance(t);
    if (this.cluster.version !== this.clusterVersion) this.refreshCounts();
    const nServing = this.nServing;
    this.lastRate = rate;
    this.pool.serveWith(nServing, this.nReady === 0 ? 1 : (this.nReady - nServing) / this.nReady);
    // The queue is read after the controllers (see `record`): a replica that starts draining takes its share.
    this.pool.serve(run.feed, i, i + 1, run.served, false);
    acc[Acc.servingBefore] += nServing;
  }

  /** record adds the state after step i (controllers included) to the totals and to the current output point. */
  private record(run: RunState, i: number): void {
    const { acc, sums } = run;
    const nodeCount = this.cluster.billedNodes();
    const billedGpus = nodeCount * this.input.cluster.gpusPerNode;
    const replicas = this.nActive;
    if (replicas > acc[Acc.peakReplicas]) acc[Acc.peakReplicas] = replicas;
    if (billedGpus > acc[Acc.peakGpus]) acc[Acc.peakGpus] = billedGpus;
    acc[Acc.replicaSteps] += replicas;
    acc[Acc.gpuSteps] += billedGpus;
    acc[Acc.servingAfter] += this.nServing;
    sums[Bin.desired] += this.specReplicas;
    sums[Bin.ready] += this.nReady;
    sums[Bin.pending] += this.nPending;
    sums[Bin.loading] += this.nLoading;
    sums[Bin.serving] += this.nServing;
    sums[Bin.nodes] += nodeCount;
    sums[Bin.gpus] += billedGpus;
    run.served[Served.pointQueue] += this.pool.waiting;
    if (++run.inBin === run.stepsPerBin || i === this.steps - 1) this.closeBin(run);
  }

  /** closeBin writes the current output point from its sums (means, per second for request counts) and starts the next. */
  private closeBin(run: RunState): void {
    const { out, sums, served, bin: b, inBin: n } = run;
    const dt = this.dt;
    const price = this.input.gpuPricePerHour;
    out.desired[b] = sums[Bin.desired] / n;
    out.ready[b] = sums[Bin.ready] / n;
    out.pending[b] = sums[Bin.pending] / n;
    out.loading[b] = sums[Bin.loading] / n;
    out.serving[b] = sums[Bin.serving] / n;
    out.nodes[b] = sums[Bin.nodes] / n;
    out.gpus[b] = sums[Bin.gpus] / n;
    out.queue[b] = served[Served.pointQueue] / n;
    out.traffic[b] = served[Served.pointArrived] / (n * dt);
    out.served[b] = served[Served.pointCompleted] / (n * dt);
    out.dropped[b] = served[Served.pointDropped] / (n * dt);
    out.t[b] = b * run.stepsPerBin * dt;
    out.costUsd[b] = price === undefined ? NaN : ((run.acc[Acc.gpuSteps] * dt) / 3600) * price;
    sums.fill(0);
    served.fill(0, Served.pointArrived);
    run.bin++;
    run.inBin = 0;
  }

  /** refreshCounts caches the pod counts; the cluster's pod list only changes on events. */
  private refreshCounts(): void {
    const v = this.cluster.version;
    if (v === this.clusterVersion) return;
    this.clusterVersion = v;
    const n = this.cluster.tally(this.tally);
    this.nServing = n.serving;
    this.nReady = n.ready;
    this.nPending = n.pending;
    this.nLoading = n.loading;
    this.nActive = n.active;
  }

  /** problem records something the simulation could not do as asked, once. */
  private problem(message: string): void {
    if (!this.problems.includes(message)) this.problems.push(message);
  }

  /**
   * capped holds a replica count to the run's cap (the controllers already stop there; a paused count or the
   * initial replicas may not) and says so the first time the cap is reached by a policy that would go further.
   */
  private capped(wanted: number): number {
    const cap = this.replicaCap;
    if (wanted >= cap && (wanted > cap || this.policyMax > cap) && !this.capHit) {
      this.capHit = true;
      const allows = Math.max(wanted, this.policyMax).toLocaleString('en-US');
      this.problem(`the policy allows up to ${allows} replicas; a run places at most ${cap.toLocaleString('en-US')} (and ${MAX_SIMULATED_GPUS.toLocaleString('en-US')} GPUs) and this run reached that, so from then on it shows fewer replicas than the policy could ask for`);
    }
    return wanted > cap ? cap : wanted;
  }

  private setReplicas(wanted: number, t: number, by: 'hpa' | 'keda', reason: string): void {
    const n = this.capped(wanted);
    if (n === this.specReplicas) return;
    if (this.events.length < EVENT_LIMIT) this.events.push({ t, from: this.specReplicas, to: n, by, reason });
    else this.problem(`more than ${EVENT_LIMIT} replica changes: only the first ${EVENT_LIMIT} are listed`);
    this.specReplicas = n;
    this.cluster.scaleTo(n, t);
    this.clusterVersion = -1;
    this.refreshCounts();
  }

  /** onDrain takes a draining pod's share of the work out of the pool; returns the seconds it needs (ClusterHooks). */
  onDrain(_pod: SimPod, now: number): number {
    this.refreshCounts();
    const share = (this.pool.waiting + this.pool.running) / Math.max(1, this.nServing);
    this.pool.release(this.nServing, now, this.input.cluster.terminationGracePeriodSeconds);
    // The remaining serving replicas lose one; counts refresh on the next cluster change.
    this.nServing = Math.max(0, this.nServing - 1);
    return share / Math.max(1e-9, this.pool.cap.requestsPerSecond);
  }

  /** onContainerStart registers the pod's scrape target (ClusterHooks). */
  onContainerStart(pod: SimPod): void {
    pod.target = this.store.addTarget((scope) => this.scopeLabels(pod, scope));
    const pm = this.podMetrics;
    if (pod.target >= pm.cpuSeconds.length) {
      pm.cpuSeconds = grown(pm.cpuSeconds, pm.cpuSeconds.length * 2);
      pm.lastScrape = grown(pm.lastScrape, pm.lastScrape.length * 2);
    }
    // The id may have been another pod's (the store reuses the ids of targets no query reaches any more).
    if (this.counterFields.length > 0) pm.counters[pod.target] = new Float64Array(RECORD_FIELDS);
    pm.cpuSeconds[pod.target] = 0;
    pm.lastScrape[pod.target] = pod.startedAt ?? 0;
  }

  /**
   * scopeLabels are the label sets a pod's metrics of one scope carry: the engine endpoint's, one per GPU (DCGM),
   * the container's (cAdvisor). The store asks for a scope when a query first reads it.
   */
  private scopeLabels(pod: SimPod, scope: MetricScope): Array<Record<string, string>> {
    const node = pod.nodes[0]?.name ?? 'unknown';
    if (scope === 'engine') {
      const labels = { ...this.labelsBase.engine };
      labels.pod = pod.name;
      labels.instance = `10.${(pod.index >> 8) & 255}.${pod.index & 255}.${(pod.index * 7) & 255}:8000`;
      return [labels];
    }
    if (scope === 'container') {
      const labels = { ...this.labelsBase.container };
      labels.pod = pod.name;
      labels.node = node;
      return [labels];
    }
    const gpus: Array<Record<string, string>> = [];
    for (let g = 0; g < this.input.cluster.gpusPerReplica; g++) {
      const labels = { ...this.labelsBase.gpu };
      labels.gpu = String(g);
      labels.UUID = `GPU-${pod.name}-${g}`;
      labels.Hostname = node;
      labels.pod = pod.name;
      gpus.push(labels);
    }
    return gpus;
  }

  /** servingCores is the CPU use of a serving pod: it barely moves with load. */
  private servingCores(): number {
    const perPodRate = this.nServing > 0 ? this.lastRate / this.nServing : 0;
    return 0.25 + 0.75 * this.pool.gpuBusy(this.nServing) + 0.01 * perPodRate;
  }

  /** scrape records one Prometheus scrape of every pod (and a last, missing one for pods gone since). */
  private scrape(t: number): void {
    const pool = this.pool;
    const n = this.nServing;
    const totals = pool.totals;
    const d = this.deltas;
    for (const f of this.counterFields) d[f] = totals[f] - this.lastTotals[f];
    // Bucket slots are kept per bucket; what pods expose is cumulative in `le`.
    for (const h of this.histograms) {
      const first = Histograms[h].first;
      for (let i = 1; i <= Histograms[h].bounds.length; i++) d[first + i] += d[first + i - 1];
    }
    for (const f of this.counterFields) this.lastTotals[f] = totals[f];
    const rec = this.recorded;
    // The pool's gauges are shared evenly, so they are the same for every serving pod: computed once, and only
    // when some query reads them (the store keeps no other field, so the others are never looked at).
    const kept = this.keptGauges;
    const waiting = n > 0 ? pool.waiting / n : 0;
    const running = n > 0 ? pool.running / n : 0;
    const kvUsage = kept.kvUsage ? pool.kvUsage(n) : 0;
    const gpuBusy = kept.gpuBusy ? pool.gpuBusy(n) : 0;
    const servingCores = kept.cpuSeconds ? this.servingCores() : 0;
    const { cpuSeconds, lastScrape, counters } = this.podMetrics;
    const counterFields = this.counterFields;
    // Pods gone since the last scrape are scraped once more as missing (staleness markers: no scope answers, so
    // the row's values are never read); the list of scraped pods is refilled by the loop below.
    const last = this.scrapedLast;
    for (let i = 0; i < this.scrapedCount; i++) {
      if (last[i].phase !== 'gone') continue;
      this.store.record(last[i].target, t, 0, rec);
      this.store.finish(last[i].target);
    }
    let seen = 0;
    for (const pod of this.cluster.pods) {
      const target = pod.target;
      if (target < 0) continue;
      last[seen++] = pod;
      const phase = pod.phase;
      if (kept.cpuSeconds) {
        cpuSeconds[target] += cpuCoresOf(phase, servingCores) * Math.max(0, t - lastScrape[target]);
        lastScrape[target] = t;
      }
      let up = 0;
      if (phase === 'loading' || phase === 'serving' || phase === 'terminating') up |= Up.gpu | Up.container;
      if (counterFields.length > 0) {
        const c = counters[target];
        if (phase === 'serving' && n > 0) for (const f of counterFields) c[f] += d[f] / n;
        for (const f of counterFields) rec[f] = c[f];
      }
      if (phase === 'serving' && n > 0) up |= Up.engine;
      rec[Field.waiting] = waiting;
      rec[Field.running] = running;
      rec[Field.kvUsage] = kvUsage;
      rec[Field.gpuBusy] = phase === 'serving' ? gpuBusy : phase === 'loading' ? 0.05 : 0;
      rec[Field.cpuSeconds] = cpuSeconds[target];
      rec[Field.memoryBytes] = phase === 'loading' || phase === 'serving' ? 6144 * MIB : 1024 * MIB;
      this.store.record(target, t, up, rec);
    }
    this.scrapedCount = seen;
  }

  /** runQuery evaluates a trigger's query at t and hands the answer to the prometheus scaler's result handling. */
  private runQuery(index: number, query: string, ignoreNullValues: boolean, t: number): TriggerResult {
    const status = this.triggers[index];
    // A trigger's query never changes: its view of the store is made once and moved to each poll's time.
    let src = this.views[index];
    if (src) src.now = t;
    else {
      const w = readWindow(query);
      src = this.views[index] = this.store.source(t, w.seconds, w.latestOnly);
    }
    const r = this.evaluate(query, src, t);
    if (!r.ok) {
      if (r.reason.startsWith('unsupported')) {
        status.evaluable = false;
        this.problem(`trigger ${status.name}: the simulator cannot evaluate its query (${r.reason}); it counts as failing`);
        return { value: -1, error: `not simulated: ${r.reason}` };
      }
      // Prometheus itself rejects such a query (bad syntax, ambiguous matching): KEDA gets an HTTP error.
      const res = prometheusQueryResult(400, JSON.stringify({ status: 'error', error: r.reason }), ignoreNullValues);
      return { value: -1, error: `${res.error}: ${r.reason}` };
    }
    return prometheusVectorResult(r.value, ignoreNullValues);
  }

  /** triggerResults evaluates every trigger of the ScaledObject once per instant (a poll and a sync may coincide). */
  private triggerResults(t: number): TriggerResult[] {
    if (this.resultsAt === t && this.lastResults) return this.lastResults;
    this.resultsAt = t;
    this.lastResults = this.evaluateTriggers(t);
    return this.lastResults;
  }

  /** evaluateTriggers fills the one results array of the run: the controllers read it during the poll or sync and keep none of it. */
  private evaluateTriggers(t: number): TriggerResult[] {
    const spec = (this.input.policy as { kind: 'keda'; spec: ScaledObjectSpec }).spec;
    const results = this.results;
    for (let i = 0; i < spec.triggers.length; i++) results[i] = this.evaluateTrigger(spec.triggers[i], i, t);
    return results;
  }

  private evaluateTrigger(trig: TriggerSpec, i: number, t: number): TriggerResult {
    const status = this.triggers[i];
    let res: TriggerResult;
    if (trig.type === 'cpu' || trig.type === 'memory') return { value: 0 };
    if (trig.type === 'prometheus' && trig.metadata.query) res = this.runQuery(i, trig.metadata.query, trig.metadata.ignoreNullValues, t);
    else {
      status.evaluable = false;
      res = { value: -1, error: `not simulated: the simulator has no model for '${trig.type}' triggers` };
      this.problem(`trigger ${status.name}: ${res.error}; it counts as failing`);
    }
    status.evaluations++;
    if (res.error !== undefined) {
      status.errors++;
      status.lastError = res.error;
    } else status.lastValue = res.value;
    return res;
  }

  private pollKeda(t: number): void {
    const keda = this.keda!;
    const r = keda.poll(t, this.specReplicas, this.triggerResults(t));
    if (r.scaleTo !== undefined) this.setReplicas(r.scaleTo, t, 'keda', r.step);
  }

  private syncHpa(t: number): void {
    const pods = this.cluster.statuses();
    if (this.cluster.version !== this.clusterVersion) this.refreshCounts();
    const readings = this.readings;
    if (this.keda) {
      // KEDA's fallback divides by the Running+Ready pods not being deleted: exactly the pods the cluster counts ready.
      this.keda.hpaMetrics(t, this.triggerResults(t), this.specReplicas, this.nReady, this.readResource, readings);
    } else {
      const metrics = this.hpa.spec.metrics;
      for (let i = 0; i < metrics.length; i++) readings[i] = this.hpaReading(metrics[i], i, t);
      // Only a longer array is cut: setting an array's length is a runtime call.
      if (readings.length > metrics.length) readings.length = metrics.length;
    }
    const scale = this.scale;
    scale.specReplicas = this.specReplicas;
    scale.statusReplicas = this.nActive;
    const d = this.hpa.reconcile(t, scale, pods, readings);
    if (d.scaled) this.setReplicas(d.desiredReplicas, t, 'hpa', d.reason);
  }

  private readonly readResource = (m: MetricSpec): MetricReading => this.resourceReading(m);

  /** resourceReading is what metrics-server reports: CPU or memory use per running pod, and requests. */
  private resourceReading(m: MetricSpec): MetricReading {
    const usage = new Map<string, number>();
    const request = new Map<string, number>();
    const resource = m.name === 'memory' ? 'memory' : 'cpu';
    const container = m.type === 'ContainerResource' ? m.container : undefined;
    const reqs = this.input.workload.requestsMilli.filter((r) => !container || r.container === container);
    const missing = reqs.length === 0 || reqs.some((r) => r[resource] === undefined);
    const reqTotal = reqs.reduce((a, r) => a + (r[resource] ?? 0), 0);
    const servingCores = this.servingCores();
    for (const pod of this.cluster.pods) {
      if (pod.phase !== 'loading' && pod.phase !== 'serving') continue;
      // A sidecar uses next to nothing; the serving container holds the engine's host memory.
      if (container && container !== this.input.workload.container) usage.set(pod.name, resource === 'cpu' ? 5 : 64 * MIB * 1000);
      else usage.set(pod.name, resource === 'cpu' ? Math.round(cpuCoresOf(pod.phase, servingCores) * 1000) : 6144 * MIB * 1000);
      if (!missing) request.set(pod.name, reqTotal);
    }
    return { kind: 'resource', usageMilli: usage, requestMilli: request };
  }

  /** hpaReading answers one metric of a plain HPA. */
  private hpaReading(m: MetricSpec, index: number, t: number): MetricReading {
    const status = this.triggers[index];
    status.evaluations++;
    if (m.type === 'Resource' || m.type === 'ContainerResource') return this.resourceReading(m);
    const series = this.seriesForMetricName(m.name);
    if (!series) {
      status.evaluable = false;
      status.errors++;
      status.lastError = `not simulated: no simulated pod exposes a metric that '${m.name}' maps to`;
      this.problem(`metric ${m.name}: ${status.lastError}; the HPA sees it as failing`);
      return { kind: 'error', message: status.lastError };
    }
    const src = this.store.source(t, LOOKBACK_SECONDS);
    const perPod = new Map<string, number>();
    for (const s of src.select(series)) {
      const last = s.samples[s.samples.length - 1];
      if (!last || Number.isNaN(last.v) || last.t <= t - LOOKBACK_SECONDS) continue;
      const pod = s.labels.pod ?? '';
      perPod.set(pod, (perPod.get(pod) ?? 0) + Math.round(last.v * 1000));
    }
    status.lastValue = [...perPod.values()].reduce((a, b) => a + b, 0) / 1000;
    if (m.type === 'Pods') return { kind: 'pods', valueMilli: perPod };
    // Object metrics read through a prometheus-adapter rule are a sum over the described object's pods.
    if (m.type === 'Object') return { kind: 'object', valuesMilli: [[...perPod.values()].reduce((a, b) => a + b, 0)] };
    return { kind: 'external', valuesMilli: [...perPod.values()] };
  }

  /**
   * seriesForMetricName maps a custom or external metric name to a simulated series: the name itself, the
   * prometheus-adapter spelling (`:` as `_`), or a Google Managed Prometheus name (`prometheus.googleapis.com|name|gauge`).
   */
  private seriesForMetricName(name: string): string | undefined {
    const gmp = /^prometheus\.googleapis\.com\|([^|]+)\|/.exec(name);
    const wanted = gmp ? gmp[1] : name;
    const names = this.store.seriesNames();
    return names.find((n) => n === wanted) ?? names.find((n) => n.replace(/:/g, '_') === wanted);
  }
}

function allocSeries(bins: number): SimulationSeries {
  const f = () => new Float64Array(bins);
  return { t: f(), desired: f(), ready: f(), pending: f(), loading: f(), serving: f(), nodes: f(), gpus: f(), traffic: f(), served: f(), dropped: f(), queue: f(), ttftP50: f(), ttftP95: f(), e2eP50: f(), e2eP95: f(), costUsd: f() };
}

/** The sums of `requestsOf`, by rates array: the traffic cache hands a scenario's rates to every run of it, whatever the seed. */
const demandOf = new WeakMap<Float64Array, { dt: number; sum: number }>();

/**
 * requestsOf sums rate × dt over the steps, in step order, once per rates array and step. A function of its own, so
 * that V8 optimises the loop: `run` is called once per simulation and stays in the baseline tier (18 instructions a
 * step there, in callgrind).
 */
function requestsOf(rates: Float64Array, dt: number): number {
  const known = demandOf.get(rates);
  if (known !== undefined && known.dt === dt) return known.sum;
  let sum = 0;
  for (let i = 0; i < rates.length; i++) sum += rates[i] * dt;
  demandOf.set(rates, { dt, sum });
  return sum;
}

/** cpuCoresOf is a pod's CPU use by phase: loading weights keeps a core or two busy. */
function cpuCoresOf(phase: PodPhase, servingCores: number): number {
  if (phase === 'loading') return 1.5;
  if (phase === 'terminating') return 0.3;
  return phase === 'serving' ? servingCores : 0;
}

