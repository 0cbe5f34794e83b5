/**
 * `scalelens simulate`: every HPA and ScaledObject of the given files against its scale target, its
 * ServingProfile and documented defaults, on the profile's traffic or on a scenario or recording given on
 * the command line; printed as text (tables and terminal charts), JSON, or a self-contained HTML report.
 */
import { parseCommand, type OptionSpec, type ParsedOptions } from './command';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { K8sObject, parseFile, WorkspaceIndex } from '../engine';
import { prepareSimulation, PreparedSimulation, WorkspaceSimulation } from '../engine/sim/inputs';
import { parseDuration } from '../engine/sim/profile';
import { simulate, SimulationInput } from '../engine/sim/simulate';
import { AssumptionInput, buildSimulationReport, renderHtmlReport, SimulationReport } from '../report';
import { encodingNotes, inputsFor } from './inputs';
import { checkRecording } from '../engine/sim/recording';
import { CliAssumption, parseScenario, pinScenario, SCENARIO_HELP, ScenarioRequest } from './scenario';
import { formatSimulationText } from './simulateText';
import { nameOf } from '../engine/rules/helpers/autoscaler';

export const SIMULATE_HELP = `Usage: scalelens simulate [options] <file|folder|glob|->...

Simulates each HorizontalPodAutoscaler and KEDA ScaledObject found in the files against its scale target,
the ServingProfile that matches it and documented defaults: replicas, GPUs, cost and SLO attainment.

Options:
      --name <name>             only this autoscaler: name, namespace/name or kind/name (hpa/x, scaledobject/x)
  -s, --scenario <spec>         traffic scenario (see below; default: the ServingProfile's traffic)
  -t, --traffic <file>          replay a recording: CSV (timestamp,requests_per_second) or a Prometheus
                                query_range JSON answer
      --hours <n>               horizon in hours (default: the profile's, a recording's span, else 24)
      --seed <n>                random seed (default: the profile's, else 1)
      --step <duration>         simulation step (default: the profile's, else 1s)
      --compare                 run every autoscaler on the same traffic, seed and horizon, side by side
                                with deltas against the first one found
  -f, --format <text|json|html> output format (default: text)
  -o, --output <file>           write the output to a file
      --fail-on-slo <share>     exit 1 when a policy's SLO attainment is below it (0.95 or 95%)
      --no-charts               text output without the terminal charts
      --color / --no-color      force colors on or off (default: on for a terminal, off with NO_COLOR)
  -h, --help                    show this help

${SCENARIO_HELP}

Exit codes: 0 ok; 1 an SLO attainment below --fail-on-slo; 2 usage or I/O error (unknown scenario,
unreadable traffic file, no autoscaler found).

Examples:
  scalelens simulate examples/vllm-cpu-hpa examples/vllm-keda-queue --compare
  scalelens simulate examples/vllm-keda-queue --scenario spike:x4@2h/30m --hours 6
  scalelens simulate deploy/ --traffic rps.csv --format html -o report.html
  scalelens simulate deploy/ --fail-on-slo 0.99 --format json > simulation.json
`;

/** What the command reads and writes; the CLI passes the process's, tests their own. */
export interface SimulateIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => string;
  /** Whether stdout is a terminal (colors). */
  isTTY: boolean;
  version: string;
  /** Whether stderr is a terminal: the progress bar is drawn only there. */
  stderrIsTTY?: boolean;
  /** Terminal width for the charts (default 80). */
  columns?: number;
}

/** Command-line values that replace what the workspace says. */
interface Overrides {
  scenario?: Exclude<ScenarioRequest, { kind: 'profile' }>;
  /** A recording to replay, handed to the simulator as read. */
  replay?: { name: string; text: string };
  hours?: number;
  seed?: number;
  step?: number;
}

/** A run ready to simulate: the prepared workspace simulation, with the options applied. */
interface PlannedRun {
  prepared: PreparedSimulation;
  input: SimulationInput;
  assumptions: AssumptionInput[];
  problems: string[];
}

const MAX_HOURS = 24 * 31;
/** Rough cost of one simulated step (about 4 µs measured on the examples), to decide whether a progress bar is worth drawing. */
const EXPECTED_MS_PER_STEP = 0.004;
const PROGRESS_AFTER_MS = 300;
/** Points of the output series when the resolution is not set by the profile. */
const TARGET_POINTS = 1440;

/** runSimulate runs the simulate command and returns the exit code. */
const SIMULATE_OPTIONS = {
  name: { type: 'string' },
  scenario: { type: 'string', short: 's' },
  traffic: { type: 'string', short: 't' },
  hours: { type: 'string' },
  seed: { type: 'string' },
  step: { type: 'string' },
  compare: { type: 'boolean', default: false },
  output: { type: 'string', short: 'o' },
  'fail-on-slo': { type: 'string' },
  'no-charts': { type: 'boolean' },
} satisfies Record<string, OptionSpec>;

export function runSimulate(argv: string[], io: SimulateIO): number {
  const fail = (msg: string): number => {
    io.stderr(`scalelens simulate: ${msg}\n`);
    return 2;
  };
  const parsed = parseCommand(
    {
      name: 'simulate',
      help: SIMULATE_HELP,
      formats: ['text', 'json', 'html'],
      needsInput: true,
      options: SIMULATE_OPTIONS,
    },
    argv,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals, format, color } = parsed;
  const opts = readOverrides(values);
  if ('error' in opts) return fail(opts.error);
  let failOnSlo: number | undefined;
  if (values['fail-on-slo'] !== undefined) {
    failOnSlo = parseShare(String(values['fail-on-slo']));
    if (failOnSlo === undefined) return fail(`--fail-on-slo must be a share between 0 and 1 (0.95) or a percentage (95%), not '${values['fail-on-slo']}'`);
  }

  const inputs = inputsFor('simulate', positionals, io);
  if (!inputs) return 2;
  for (const note of encodingNotes(inputs, false)) io.stderr(`scalelens simulate: ${note}\n`);
  const ws = new WorkspaceIndex();
  for (const f of inputs) ws.update(parseFile(f.uri, f.text, 1));
  let autoscalers = [...ws.all()].filter((o) => o.known === 'HorizontalPodAutoscaler' || o.known === 'ScaledObject');
  if (!autoscalers.length) return fail(`no HorizontalPodAutoscaler or ScaledObject found in ${positionals.map((p) => (p === '-' ? 'standard input' : p)).join(', ')}`);
  if (values.name !== undefined) {
    const wanted = String(values.name);
    const found = autoscalers.filter((a) => nameMatches(a, wanted));
    if (!found.length) return fail(`no autoscaler named '${wanted}' (found: ${autoscalers.map(qualifiedName).join(', ')})`);
    autoscalers = found;
  }

  const displays = new Map(inputs.map((f) => [f.uri, f.display]));
  const display = (uri: string) => displays.get(uri) ?? displayUri(uri);
  const planned: PlannedRun[] = [];
  for (const a of autoscalers) {
    const prepared = prepareSimulation(a, ws, { readText: readBesides, scenario: opts.scenario?.kind, replay: opts.replay });
    if ('error' in prepared) {
      io.stderr(`scalelens simulate: cannot simulate ${qualifiedName(a)} (${display(a.file.uri)}): ${prepared.error}\n`);
      continue;
    }
    planned.push(applyOverrides(prepared, opts));
  }
  if (!planned.length) return 2;
  if (values.compare) alignToBaseline(planned);

  const sims = runAll(planned, io);
  const report = buildSimulationReport(
    sims.map((s, i) => ({ sim: s, assumptions: planned[i].assumptions, problems: planned[i].problems })),
    { generator: `scalelens ${io.version}`, compare: values.compare === true, displayPath: display },
  );

  const output = values.output;
  const text = render(report, format, { color: !output && color, width: io.columns ?? 80, charts: !values['no-charts'] });
  if (output) {
    try {
      writeFileSync(output, text);
    } catch (e) {
      return fail(`cannot write ${output}: ${(e as Error).message}`);
    }
  } else io.stdout(text);

  if (failOnSlo === undefined) return 0;
  const below = report.runs.filter((r) => r.metrics.sloAttainment !== null && r.metrics.sloAttainment < failOnSlo!);
  for (const r of below) io.stderr(`scalelens simulate: ${r.label}: SLO attainment ${(r.metrics.sloAttainment! * 100).toFixed(1)}% is below --fail-on-slo ${(failOnSlo * 100).toFixed(1)}%\n`);
  return below.length ? 1 : 0;
}

function render(report: SimulationReport, format: string, text: { color: boolean; width: number; charts: boolean }): string {
  if (format === 'json') return formatSimulationJson(report);
  if (format === 'html') return renderHtmlReport(report);
  return formatSimulationText(report, text);
}

/** formatSimulationJson prints the report as indented JSON, with arrays of numbers kept on one line. */
export function formatSimulationJson(report: SimulationReport): string {
  return JSON.stringify(report, null, 2).replace(/\[[\d\s,.eE+\-nul]*\]/g, (m) => m.replace(/\s+/g, '')) + '\n';
}

/** readOverrides checks and reads the options that replace workspace values. */
function readOverrides(values: ParsedOptions<typeof SIMULATE_OPTIONS>): Overrides | { error: string } {
  const o: Overrides = {};
  if (values.scenario !== undefined && values.traffic !== undefined) return { error: '--scenario and --traffic cannot be used together' };
  if (values.scenario !== undefined) {
    const s = parseScenario(values.scenario);
    if ('error' in s) return { error: s.error };
    if (s.kind !== 'profile') o.scenario = s;
  }
  if (values.traffic !== undefined) {
    const file = values.traffic;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      return { error: `cannot read traffic file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
    // The language server checks the panel's recordings the same way: an unusable file is an error, never a default day.
    const unusable = checkRecording(file, text);
    if (unusable) return { error: unusable };
    o.replay = { name: file, text };
  }
  if (values.hours !== undefined) {
    const h = Number(values.hours);
    if (!Number.isFinite(h) || h <= 0 || h > MAX_HOURS) return { error: `--hours must be a number above 0 and at most ${MAX_HOURS}, not '${values.hours}'` };
    o.hours = h;
  }
  if (values.seed !== undefined) {
    const s = Number(values.seed);
    if (!Number.isSafeInteger(s) || s < 0) return { error: `--seed must be a whole number from 0 up, not '${values.seed}'` };
    o.seed = s;
  }
  if (values.step !== undefined) {
    const s = parseDuration(values.step);
    if (s === undefined || s < 0.1 || s > 60) return { error: `--step must be a duration from 0.1s to 60s (1s, 500ms), not '${values.step}'` };
    o.step = s;
  }
  return o;
}

/** parseShare reads `0.95` or `95%` as 0.95. */
function parseShare(s: string): number | undefined {
  const pct = s.trim().endsWith('%');
  const v = Number(pct ? s.trim().slice(0, -1) : s);
  if (!Number.isFinite(v)) return undefined;
  const share = pct ? v / 100 : v;
  return share >= 0 && share <= 1 ? share : undefined;
}

/** nameMatches compares `--name` with an autoscaler: `name`, `namespace/name` or `kind/name`. */
function nameMatches(a: K8sObject, wanted: string): boolean {
  const i = wanted.indexOf('/');
  if (i < 0) return a.name === wanted;
  const prefix = wanted.slice(0, i).toLowerCase();
  const name = wanted.slice(i + 1);
  if (a.name !== name) return false;
  const kinds = a.known === 'ScaledObject' ? ['scaledobject', 'so', 'keda'] : ['horizontalpodautoscaler', 'hpa'];
  return kinds.includes(prefix) || prefix === (a.namespace ?? '').toLowerCase();
}

/** qualifiedName names an autoscaler as `--name` takes it, with a templated name as written in the file. */
function qualifiedName(a: K8sObject): string {
  return `${a.known === 'ScaledObject' ? 'scaledobject' : 'hpa'}/${nameOf(a) || '(unnamed)'}`;
}

/** readBesides reads a file a ServingProfile names (a traffic recording), relative to the profile. */
function readBesides(path: string, fromUri: string): string | undefined {
  try {
    const base = fromUri.startsWith('file:') ? dirname(fileURLToPath(fromUri)) : process.cwd();
    return readFileSync(resolve(base, path), 'utf8');
  } catch {
    return undefined;
  }
}

function displayUri(uri: string): string {
  try {
    return uri.startsWith('file:') ? relative(process.cwd(), fileURLToPath(uri)) : uri;
  } catch {
    return uri;
  }
}

/**
 * applyOverrides puts the command-line horizon, scenario numbers, seed and step into a prepared
 * simulation, and replaces the assumptions they make obsolete with the user's values.
 */
function applyOverrides(p: PreparedSimulation, o: Overrides): PlannedRun {
  const input: SimulationInput = { ...p.input };
  let assumptions: AssumptionInput[] = p.assumptions.map((a) => (a.name === 'traffic.scenario' && a.origin === 'user' ? { ...a, where: o.replay ? '--traffic' : '--scenario' } : a));
  const problems: string[] = [];
  const replace = (add: CliAssumption[]) => {
    const names = new Set(add.map((a) => a.name));
    assumptions = [...assumptions.filter((a) => !names.has(a.name)), ...add];
  };
  if (o.hours !== undefined) {
    input.durationSeconds = o.hours * 3600;
    replace([{ name: 'simulation.duration', value: input.durationSeconds, origin: 'user', where: '--hours' }]);
  }
  if (o.scenario) {
    const pinned = pinScenario(input.traffic, o.scenario, input.durationSeconds);
    input.traffic = pinned.traffic;
    replace(pinned.assumptions);
    problems.push(...pinned.problems);
  }
  if (o.seed !== undefined) {
    input.seed = o.seed;
    replace([{ name: 'simulation.seed', value: o.seed, origin: 'user', where: '--seed' }]);
  }
  if (o.step !== undefined) {
    input.stepSeconds = o.step;
    replace([{ name: 'simulation.step', value: o.step, origin: 'user', where: '--step' }]);
  }
  const resolutionSet = p.assumptions.some((a) => a.name === 'simulation.outputResolution' && a.origin === 'profile');
  if (!resolutionSet && (input.durationSeconds !== p.input.durationSeconds || input.stepSeconds !== p.input.stepSeconds)) {
    input.outputResolutionSeconds = Math.max(input.stepSeconds, Math.round(input.durationSeconds / TARGET_POINTS));
    assumptions = assumptions.filter((a) => a.name !== 'simulation.outputResolution');
    assumptions.push({ name: 'simulation.outputResolution', value: input.outputResolutionSeconds, origin: 'default', note: `about ${TARGET_POINTS} points` });
  }
  return { prepared: p, input, assumptions, problems };
}

/** Assumptions about the shared world a comparison takes from its baseline. */
const SHARED = (name: string) => name.startsWith('traffic.') || ['simulation.duration', 'simulation.step', 'simulation.seed', 'simulation.outputResolution'].includes(name);

/**
 * alignToBaseline gives every run the first run's traffic, seed, horizon, step and resolution, so that a
 * comparison differs only by policy and the world around it (as `comparePolicies` does for two).
 */
function alignToBaseline(runs: PlannedRun[]): void {
  const base = runs[0];
  const shared = base.assumptions.filter((a) => SHARED(a.name)).map((a) => ({ ...a, note: [a.note, `shared with ${qualifiedName(base.prepared.autoscaler)} for the comparison`].filter(Boolean).join('; ') }));
  for (const r of runs.slice(1)) {
    const { traffic, seed, durationSeconds, stepSeconds, outputResolutionSeconds } = base.input;
    r.input = { ...r.input, traffic, seed, durationSeconds, stepSeconds, outputResolutionSeconds };
    r.assumptions = [...r.assumptions.filter((a) => !SHARED(a.name)), ...shared];
  }
}

/** runAll simulates every planned run, with a progress bar on a terminal's stderr when it takes a while. */
function runAll(runs: PlannedRun[], io: SimulateIO): WorkspaceSimulation[] {
  const steps = runs.map((r) => Math.ceil(r.input.durationSeconds / Math.max(0.1, r.input.stepSeconds)));
  const total = steps.reduce((a, b) => a + b, 0);
  const progress = io.stderrIsTTY && total * EXPECTED_MS_PER_STEP > PROGRESS_AFTER_MS ? new ProgressBar(io.stderr, total) : undefined;
  const out: WorkspaceSimulation[] = [];
  runs.forEach((r, i) => {
    progress?.show(`${i + 1}/${runs.length} ${qualifiedName(r.prepared.autoscaler)}`);
    out.push({ ...r.prepared, input: r.input, result: simulate(r.input) });
    progress?.advance(steps[i]);
  });
  progress?.clear();
  return out;
}

/**
 * ProgressBar draws one line on stderr, advanced after each run: the simulator runs synchronously, so a
 * run is the finest step it can show.
 */
class ProgressBar {
  private done = 0;
  private label = '';

  constructor(private readonly write: (s: string) => void, private readonly total: number) {}

  show(label: string): void {
    this.label = label;
    this.draw();
  }

  advance(steps: number): void {
    this.done += steps;
    this.draw();
  }

  clear(): void {
    this.write('\r\x1b[K');
  }

  private draw(): void {
    const width = 24;
    const filled = Math.round((this.done / Math.max(1, this.total)) * width);
    this.write(`\r\x1b[Ksimulating [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${this.label}`);
  }
}
