/**
 * Custom messages between the ScaleLens client and server. Method names are prefixed `scalelens/`.
 * The client imports this file; esbuild bundles it into both sides.
 */

/** Settings section read through `workspace/configuration`. */
export const SETTINGS_SECTION = 'scalelens';

/** Raw settings as VS Code stores them under `scalelens.*`. */
export interface RawSettings {
  validate?: boolean;
  rules?: Record<string, string>;
  kedaVersion?: string;
  kubernetesVersion?: string;
  gpuBudget?: number;
  diagnosticsDelay?: number;
}

/** Command ids contributed by the extension, in one place. */
export const CommandIds = {
  showOutput: 'scalelens.showOutput',
  restartServer: 'scalelens.restartServer',
  fixAll: 'scalelens.fixAll',
  openSimulation: 'scalelens.openSimulation',
  chooseScenario: 'scalelens.chooseScenario',
  compareWith: 'scalelens.compareWith',
  exportSimulation: 'scalelens.export',
  previewFix: 'scalelens.previewFix',
  openExamples: 'scalelens.openExamples',
} as const;

/** Names of the time series the simulation panel draws. */
export type SeriesKey =
  | 'traffic'
  | 'served'
  | 'capacity'
  | 'dropped'
  | 'desired'
  | 'ready'
  | 'pending'
  | 'loading'
  | 'nodes'
  | 'gpus'
  | 'queue'
  | 'ttftP50'
  | 'ttftP95'
  | 'e2eP95'
  | 'costUsd';

/** The figures shown on the summary cards and in the CodeLens. */
export interface SummaryView {
  peakReplicas: number;
  meanReplicas: number;
  peakGpus: number;
  gpuHours: number;
  /** USD per day at the simulated rate; null when no GPU price is known. */
  costPerDay: number | null;
  costPerMillionRequests: number | null;
  /** Share of GPU-hours on replicas that were idle or not yet serving (0..1). */
  idleShare: number | null;
  /** Share of requests that met the SLO (0..1); null without traffic. */
  sloAttainment: number | null;
  overSlo: number;
  dropped: number;
  coldStarts: number;
  /** Seconds to meet the SLO again after the worst spike; null if it never recovered; undefined without spikes. */
  timeToRecoverSeconds?: number | null;
  overProvisioning: number | null;
}

/** One simulation run as the panel draws it (NaN is sent as null). */
export interface RunView {
  label: string;
  /** Seconds since the start, one per point. */
  t: number[];
  series: Record<SeriesKey, Array<number | null>>;
  summary: SummaryView;
}

/** A policy number the panel lets the user change (what-if). */
export interface Knob {
  key: string;
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  unit?: string;
  /** Shown next to the control: what the number does. */
  help: string;
}

/** One value the simulation used, with where it came from. */
export interface AssumptionView {
  name: string;
  value: string;
  origin: 'manifest' | 'profile' | 'default' | 'user';
  where?: string;
}

/** What `scalelens/simulate` answers: everything the panel and the CodeLens need. */
export interface SimulationView {
  uri: string;
  version: number;
  /** Index of the autoscaler's document in the file. */
  docIndex: number;
  title: string;
  kind: 'HorizontalPodAutoscaler' | 'ScaledObject';
  scenario: string;
  scenarios: string[];
  runs: RunView[];
  slo: { ttftP95Seconds?: number; e2eP95Seconds?: number };
  assumptions: AssumptionView[];
  knobs: Knob[];
  problems: string[];
  /** Human-readable horizon, e.g. "24 h at 1 s steps". */
  horizon: string;
}

/** Parameters of `scalelens/simulate`. */
export interface SimulateParams {
  uri: string;
  /** The autoscaler's document index; default: the first HPA/ScaledObject of the file. */
  docIndex?: number;
  /** Scenario name (from the ServingProfile or a built-in one). */
  scenario?: string;
  /**
   * Traffic recording to replay: its text and file name (CSV or Prometheus query_range JSON). One that holds no usable
   * point makes the request answer `{ error }` with the reason, as `scalelens simulate --traffic` does.
   */
  replay?: { name: string; text: string };
  /** What-if values by knob key; when set, the answer holds two runs: current and what-if. */
  overrides?: Record<string, number>;
  /** Compare with the policy of another document (another file or after a quick fix). */
  compareWith?: { uri: string; docIndex?: number; text?: string; label?: string };
}

/**
 * What a simulation CodeLens carries from `textDocument/codeLens` to `codeLens/resolve`: listing the lenses runs no
 * simulation, resolving one runs its autoscaler's (VS Code resolves only the lenses in view) on the ServingProfile's
 * traffic, else a default day, as the CLI does without --scenario.
 */
export interface CodeLensData {
  uri: string;
  /** The document version the lens was listed for; a lens of another version resolves without figures. */
  version: number;
  /** Index of the autoscaler's document in the file. */
  docIndex: number;
  kind: 'HorizontalPodAutoscaler' | 'ScaledObject';
  /** metadata.name, or '' without one. */
  name: string;
}

/** Parameters of `scalelens/applyKnobs`: the edit that writes what-if values back into the YAML. */
export interface ApplyKnobsParams {
  uri: string;
  docIndex: number;
  version: number;
  values: Record<string, number>;
}

/** Custom request and notification names. */
export const Methods = {
  /** Runs the simulation of one autoscaler (and an optional what-if or comparison). */
  simulate: 'scalelens/simulate',
  /** Computes the edit that writes what-if knob values into the manifest. */
  applyKnobs: 'scalelens/applyKnobs',
  /** Renders the self-contained HTML report of a simulation (the same as the CLI's). */
  report: 'scalelens/report',
} as const;
