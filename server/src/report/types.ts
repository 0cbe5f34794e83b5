/**
 * The simulation report: one JSON-safe document (no undefined, no NaN) that the CLI prints with
 * `--format json`, that the HTML report embeds as its data island, and that the page script draws.
 * Types only, so the browser bundle can import them without pulling in the engine.
 */

import type { SimAssumption } from '../engine/sim/infer';

/** Where a value the simulation used came from; `user` is a choice for this run (a command-line option). */
export type ReportOrigin = SimAssumption['origin'];

/** One value the simulation used, with its origin and where it was read. */
export interface ReportAssumption {
  name: string;
  value: string | number | boolean;
  origin: ReportOrigin;
  /** File as shown to the user, when the value was read from one. */
  file: string | null;
  /** Field path in that file, or the option that set it. */
  where: string | null;
  /** How a default was derived, or its source. */
  note: string | null;
}

/** Names of the report's time series, one value per output interval (null where unknown). */
export type ReportSeriesKey =
  | 'traffic'
  | 'served'
  | 'dropped'
  | 'capacity'
  | 'desired'
  | 'ready'
  | 'pending'
  | 'loading'
  | 'serving'
  | 'nodes'
  | 'gpus'
  | 'queue'
  | 'ttftP50'
  | 'ttftP95'
  | 'e2eP50'
  | 'e2eP95'
  | 'costUsd';

/** The time series of one run: `t` is the start of each interval in seconds. */
export type ReportSeries = { t: number[] } & Record<ReportSeriesKey, Array<number | null>>;

/** Ids of the figures compared between runs. */
export type MetricId =
  | 'sloAttainment'
  | 'overSlo'
  | 'dropped'
  | 'peakReplicas'
  | 'meanReplicas'
  | 'peakGpus'
  | 'meanGpus'
  | 'billedGpuHours'
  | 'costUsd'
  | 'usdPerDay'
  | 'usdPerMillionRequests'
  | 'idleShare'
  | 'coldStarts'
  | 'timeToRecoverSeconds'
  | 'overProvisioning';

/** The figures of one run by metric id; null where unknown (no price, no traffic, no spike). */
export type ReportMetrics = Record<MetricId, number | null>;

/** The summary of one run as the simulator computed it, with every unknown as null. */
export interface ReportSummary {
  durationSeconds: number;
  requests: { arrived: number; served: number; dropped: number; overSlo: number };
  sloAttainment: number | null;
  replicas: { peak: number; mean: number };
  gpus: { peak: number; mean: number };
  cost: {
    billedGpuHours: number;
    servingGpuHours: number;
    idleShare: number;
    usd: number | null;
    usdPerDay: number | null;
    usdPerMillionRequests: number | null;
  };
  coldStarts: { count: number; served: number; withNewNode: number; meanSeconds: number | null; maxSeconds: number | null };
  /** One entry per spike: seconds until the SLO held again, 0 if it never broke, null if it never recovered. */
  recoveries: Array<{ spikeAt: number; recoverSeconds: number | null }>;
  /** Worst recovery: null when a spike never recovered or there was no spike (see `recoveries`). */
  timeToRecoverSeconds: number | null;
  overProvisioning: number | null;
}

/** A change of the target's replica count. */
export interface ReportEvent {
  t: number;
  from: number;
  to: number;
  by: 'hpa' | 'keda';
  reason: string;
}

/** How one trigger or metric fared. */
export interface ReportTrigger {
  name: string;
  type: string;
  query: string | null;
  evaluations: number;
  errors: number;
  lastError: string | null;
  lastValue: number | null;
  /** False when the simulator could not evaluate it at all. */
  evaluable: boolean;
}

/** One simulated policy. */
export interface ReportRun {
  /** Short name shown in tables and legends (`HPA llama-3-1-8b`). */
  label: string;
  autoscaler: { kind: 'HorizontalPodAutoscaler' | 'ScaledObject'; name: string; namespace: string | null; file: string };
  target: { kind: string; name: string; file: string };
  profile: { name: string; file: string; matchedBy: string } | null;
  /** The traffic, in words (`spike: 15 req/s, ×3 at 2h for 30m, Poisson arrivals`). */
  traffic: string;
  horizonSeconds: number;
  stepSeconds: number;
  resolutionSeconds: number;
  seed: number;
  slo: { ttftSeconds: number; e2eSeconds: number | null; percentile: number };
  /** Requests per second one serving replica sustains. */
  capacityPerReplica: number;
  gpuPricePerHour: number | null;
  metrics: ReportMetrics;
  /** In a comparison: these metrics minus the baseline run's; null for the baseline itself or without comparison. */
  delta: ReportMetrics | null;
  summary: ReportSummary;
  series: ReportSeries;
  /** Changes of the replica count (the simulator keeps the first 5,000). */
  events: ReportEvent[];
  triggers: ReportTrigger[];
  assumptions: ReportAssumption[];
  /** What the simulation could not do as asked (unreadable profile fields, queries it cannot evaluate). */
  problems: string[];
}

/** A whole report: one run per policy, compared when `compare` is set. */
export interface SimulationReport {
  format: 'scalelens-simulation';
  version: 1;
  /** `scalelens <version>`. */
  generator: string;
  /** True when every run saw the same traffic, seed and horizon (side by side, with deltas). */
  compare: boolean;
  /** Index of the run the others are compared with (the first one found); null without comparison. */
  baseline: number | null;
  runs: ReportRun[];
}
