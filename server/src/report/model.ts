/**
 * Building the simulation report from finished workspace simulations: the CLI's JSON output, the HTML
 * report's data and the language server's `scalelens/report` all start here.
 */
import { capacityOf } from '../engine/sim/serving';
import type { SimulationSeries } from '../engine/sim/simulate';
import type { Summary } from '../engine/sim/summary';
import type { WorkspaceSimulation } from '../engine/sim/inputs';
import { describeTraffic } from './traffic';
import { METRICS } from './format';
import type { ReportAssumption, ReportMetrics, ReportOrigin, ReportRun, ReportSeries, ReportSeriesKey, ReportSummary, SimulationReport } from './types';

/** An assumption as the simulator or a host states it (`file` is a uri). */
export interface AssumptionInput {
  name: string;
  value: string | number | boolean;
  origin: ReportOrigin;
  file?: string;
  where?: string;
  note?: string;
}

/** One finished simulation to put in a report. */
export interface ReportRunInput {
  /** The prepared input and its result (what `simulateObject` answers). */
  sim: WorkspaceSimulation;
  /** Label for tables and legends; by default the autoscaler's kind and name. */
  label?: string;
  /** The assumptions to list instead of the simulation's own (a host adds the options it applied). */
  assumptions?: AssumptionInput[];
  /** Problems the host met preparing the run (an unreadable traffic file), listed before the simulator's. */
  problems?: string[];
}

/** How the report is put together. */
export interface ReportOptions {
  /** `scalelens <version>`. */
  generator: string;
  /** Set when every run had the same traffic, seed and horizon: the first run becomes the baseline. */
  compare: boolean;
  /** Prints a file uri for people (a path relative to the workspace); by default the uri's path. */
  displayPath?: (uri: string) => string;
}

const SERIES_KEYS: ReadonlyArray<Exclude<ReportSeriesKey, 'capacity'>> = ['traffic', 'served', 'dropped', 'desired', 'ready', 'pending', 'loading', 'serving', 'nodes', 'gpus', 'queue', 'ttftP50', 'ttftP95', 'e2eP50', 'e2eP95', 'costUsd'];

/** buildSimulationReport turns finished simulations into the report every output format is made from. */
export function buildSimulationReport(inputs: ReportRunInput[], opts: ReportOptions): SimulationReport {
  const display = opts.displayPath ?? defaultDisplay;
  const runs = inputs.map((r) => buildRun(r, display));
  const labels = runs.map((r) => r.label);
  runs.forEach((r, i) => {
    if (!inputs[i].label && labels.indexOf(r.label) !== labels.lastIndexOf(r.label)) r.label = `${r.label} (${r.autoscaler.file})`;
  });
  const compare = opts.compare && runs.length > 1;
  if (compare) for (const r of runs.slice(1)) r.delta = metricDeltas(runs[0].metrics, r.metrics);
  return { format: 'scalelens-simulation', version: 1, generator: opts.generator, compare, baseline: compare ? 0 : null, runs };
}

function buildRun(r: ReportRunInput, display: (uri: string) => string): ReportRun {
  const { sim } = r;
  const { input, result, autoscaler, target, profile } = sim;
  const kind = autoscaler.known === 'ScaledObject' ? 'ScaledObject' : 'HorizontalPodAutoscaler';
  const name = autoscaler.name ?? '(unnamed)';
  const capacityPerReplica = capacityOf(input.serving).requestsPerSecond;
  const problems = [...(r.problems ?? []), ...sim.problems, ...result.problems];
  for (const t of result.triggers) {
    const msg = `${t.type} ${t.name}: ${t.lastError}`;
    if (!t.evaluable && t.lastError && !problems.some((p) => p.includes(t.lastError!))) problems.push(msg);
  }
  return {
    label: r.label ?? `${kind === 'ScaledObject' ? 'KEDA' : 'HPA'} ${name}`,
    autoscaler: { kind, name, namespace: autoscaler.namespace ?? null, file: display(autoscaler.file.uri) },
    target: { kind: target.kind, name: target.name ?? '(unnamed)', file: display(target.file.uri) },
    profile: profile ? { name: profile.profile.name ?? '(unnamed)', file: display(profile.profile.obj.file.uri), matchedBy: profile.by } : null,
    traffic: describeTraffic(input.traffic),
    horizonSeconds: input.durationSeconds,
    stepSeconds: input.stepSeconds,
    resolutionSeconds: input.outputResolutionSeconds,
    seed: input.seed,
    slo: { ttftSeconds: input.slo.ttftSeconds, e2eSeconds: input.slo.e2eSeconds ?? null, percentile: input.slo.percentile },
    capacityPerReplica,
    gpuPricePerHour: input.gpuPricePerHour ?? null,
    metrics: metricsOf(result.summary),
    delta: null,
    summary: summaryOf(result.summary),
    series: seriesOf(result.series, capacityPerReplica),
    events: result.events.map((e) => ({ t: e.t, from: e.from, to: e.to, by: e.by, reason: e.reason })),
    triggers: result.triggers.map((t) => ({
      name: t.name,
      type: t.type,
      query: t.query ?? null,
      evaluations: t.evaluations,
      errors: t.errors,
      lastError: t.lastError ?? null,
      lastValue: finite(t.lastValue),
      evaluable: t.evaluable,
    })),
    assumptions: (r.assumptions ?? sim.assumptions).map((a): ReportAssumption => ({
      name: a.name,
      value: a.value,
      origin: a.origin,
      file: a.file ? display(a.file) : null,
      where: a.where || null,
      note: a.note || null,
    })),
    problems,
  };
}

/** metricsOf reads the compared figures from a summary. */
function metricsOf(s: Summary): ReportMetrics {
  return {
    sloAttainment: finite(s.sloAttainment),
    overSlo: s.requests.overSlo,
    dropped: s.requests.dropped,
    peakReplicas: s.replicas.peak,
    meanReplicas: s.replicas.mean,
    peakGpus: s.gpus.peak,
    meanGpus: s.gpus.mean,
    billedGpuHours: s.cost.billedGpuHours,
    costUsd: finite(s.cost.usd),
    usdPerDay: finite(s.cost.usdPerDay),
    usdPerMillionRequests: finite(s.cost.usdPerMillionRequests),
    idleShare: s.cost.billedGpuHours > 0 ? s.cost.idleShare : null,
    coldStarts: s.coldStarts.count,
    timeToRecoverSeconds: finite(s.timeToRecoverSeconds),
    overProvisioning: finite(s.overProvisioning),
  };
}

/** metricDeltas is b − a for every metric, null where either is unknown. */
export function metricDeltas(a: ReportMetrics, b: ReportMetrics): ReportMetrics {
  const out = {} as ReportMetrics;
  for (const m of METRICS) {
    const x = a[m.id];
    const y = b[m.id];
    out[m.id] = x === null || y === null ? null : y - x;
  }
  return out;
}

function summaryOf(s: Summary): ReportSummary {
  return {
    durationSeconds: s.durationSeconds,
    requests: { ...s.requests },
    sloAttainment: finite(s.sloAttainment),
    replicas: { ...s.replicas },
    gpus: { ...s.gpus },
    cost: {
      billedGpuHours: s.cost.billedGpuHours,
      servingGpuHours: s.cost.servingGpuHours,
      idleShare: s.cost.idleShare,
      usd: finite(s.cost.usd),
      usdPerDay: finite(s.cost.usdPerDay),
      usdPerMillionRequests: finite(s.cost.usdPerMillionRequests),
    },
    coldStarts: { count: s.coldStarts.count, served: s.coldStarts.served, withNewNode: s.coldStarts.withNewNode, meanSeconds: finite(s.coldStarts.meanSeconds), maxSeconds: finite(s.coldStarts.maxSeconds) },
    recoveries: s.recoveries.map((r) => ({ spikeAt: r.spikeAt, recoverSeconds: finite(r.recoverSeconds) })),
    timeToRecoverSeconds: finite(s.timeToRecoverSeconds),
    overProvisioning: finite(s.overProvisioning),
  };
}

/** seriesOf copies the output series to plain arrays (6 significant digits, NaN as null) and adds capacity. */
function seriesOf(s: SimulationSeries, capacityPerReplica: number): ReportSeries {
  const out = { t: Array.from(s.t) } as ReportSeries;
  for (const k of SERIES_KEYS) out[k] = Array.from(s[k], compact);
  out.capacity = Array.from(s.serving, (v) => compact(v * capacityPerReplica));
  return out;
}

function compact(v: number): number | null {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : null;
}

function finite(v: number | null | undefined): number | null {
  return v === undefined || v === null || !Number.isFinite(v) ? null : v;
}

/** defaultDisplay shows a file uri as its path. */
function defaultDisplay(uri: string): string {
  try {
    return uri.startsWith('file:') ? decodeURIComponent(new URL(uri).pathname) : uri;
  } catch {
    return uri;
  }
}
