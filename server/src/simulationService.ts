/**
 * The language server's side of the simulation: turns engine results into what the CodeLens and the
 * panel show (`SimulationView`), applies what-if knobs, compares with another policy, and writes knob values
 * back as an edit. Reading traffic recordings from disk happens here, not in the engine.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { K8sObject, ParsedFile, parseFile, TextEdit, WorkspaceIndex } from './engine';
import { applyKnobs, KnobKey, knobEdits, knobsOf } from './engine/sim/knobs';
import { prepareSimulation, PreparedSimulation, PrepareOptions } from './engine/sim/inputs';
import { findProfile, profileString } from './engine/sim/profile';
import { capacityOf } from './engine/sim/serving';
import { simulate, SimulationResult } from './engine/sim/simulate';
import { buildSimulationReport, renderHtmlReport } from './report';
import type { AssumptionView, RunView, SeriesKey, SimulateParams, SimulationView, SummaryView } from './shared/protocol';

/** The built-in traffic scenarios the panel offers besides the profile's own. */
export const SCENARIOS = ['profile', 'diurnal', 'spike', 'step', 'ramp', 'constant'];

/** autoscalersOf lists the HPAs and ScaledObjects of a file. */
export function autoscalersOf(ws: WorkspaceIndex, file: ParsedFile): K8sObject[] {
  return ws.ensure(file).filter((o) => o.known === 'HorizontalPodAutoscaler' || o.known === 'ScaledObject');
}

/** readRelative reads a file a ServingProfile names, relative to the profile's own file. */
export function readRelative(path: string, fromUri: string): string | undefined {
  try {
    if (!fromUri.startsWith('file:')) return undefined;
    return readFileSync(resolve(dirname(fileURLToPath(fromUri)), path), 'utf8');
  } catch {
    return undefined;
  }
}

function prepareOptions(params: Pick<SimulateParams, 'scenario' | 'replay'>): PrepareOptions {
  return {
    readText: readRelative,
    scenario: params.scenario && params.scenario !== 'profile' ? params.scenario : undefined,
    replay: params.replay,
  };
}

function nan(v: number): number | null {
  return Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null;
}

function arr(a: Float64Array): Array<number | null> {
  const out = new Array<number | null>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = nan(a[i]);
  return out;
}

/** summaryView condenses an engine summary into the card and CodeLens figures. */
export function summaryView(r: SimulationResult): SummaryView {
  const s = r.summary;
  return {
    peakReplicas: s.replicas.peak,
    meanReplicas: s.replicas.mean,
    peakGpus: s.gpus.peak,
    gpuHours: s.cost.billedGpuHours,
    costPerDay: s.cost.usdPerDay ?? null,
    costPerMillionRequests: s.cost.usdPerMillionRequests ?? null,
    idleShare: Number.isFinite(s.cost.idleShare) ? s.cost.idleShare : null,
    sloAttainment: s.sloAttainment ?? null,
    overSlo: s.requests.overSlo,
    dropped: s.requests.dropped,
    coldStarts: s.coldStarts.count,
    timeToRecoverSeconds: s.timeToRecoverSeconds,
    overProvisioning: s.overProvisioning ?? null,
  };
}

function runView(label: string, prepared: PreparedSimulation, r: SimulationResult): RunView {
  const se = r.series;
  const perReplica = capacityOf(prepared.input.serving).requestsPerSecond;
  const capacity = new Float64Array(se.serving.length);
  for (let i = 0; i < capacity.length; i++) capacity[i] = se.serving[i] * perReplica;
  const series: Record<SeriesKey, Array<number | null>> = {
    traffic: arr(se.traffic),
    served: arr(se.served),
    capacity: arr(capacity),
    dropped: arr(se.dropped),
    desired: arr(se.desired),
    ready: arr(se.ready),
    pending: arr(se.pending),
    loading: arr(se.loading),
    nodes: arr(se.nodes),
    gpus: arr(se.gpus),
    queue: arr(se.queue),
    ttftP50: arr(se.ttftP50),
    ttftP95: arr(se.ttftP95),
    e2eP95: arr(se.e2eP95),
    costUsd: arr(se.costUsd),
  };
  return { label, t: Array.from(se.t), series, summary: summaryView(r) };
}

function assumptionViews(p: PreparedSimulation): AssumptionView[] {
  return p.assumptions.map((a) => ({
    name: a.name,
    value: `${a.value}${a.note && a.origin === 'default' ? ` — ${a.note}` : ''}`,
    origin: a.origin,
    where: a.where ? `${a.file ? `${a.file.split('/').pop()}: ` : ''}${a.where}` : undefined,
  }));
}

function horizon(p: PreparedSimulation): string {
  const d = p.input.durationSeconds;
  const h = d / 3600;
  return `${h >= 48 ? `${(h / 24).toFixed(h % 24 ? 1 : 0)} days` : `${Number.isInteger(h) ? h : h.toFixed(1)} h`} at ${p.input.stepSeconds} s steps`;
}

/** One run of a request: the prepared input, its result and the label it is shown with. */
interface LabelledRun {
  label: string;
  prepared: PreparedSimulation;
  result: SimulationResult;
}

/**
 * runsFor runs the autoscaler at `docIndex` of a file, plus the what-if or comparison run when asked:
 * the runs that both the panel and the HTML report show.
 */
function runsFor(ws: WorkspaceIndex, file: ParsedFile, params: SimulateParams): { obj: K8sObject; runs: LabelledRun[]; problems: string[] } | { error: string } {
  const all = autoscalersOf(ws, file);
  const obj = params.docIndex === undefined ? all[0] : all.find((o) => o.doc.index === params.docIndex);
  if (!obj) return { error: 'no HorizontalPodAutoscaler or ScaledObject in this document' };
  const prepared = prepareSimulation(obj, ws, prepareOptions(params));
  if ('error' in prepared) return prepared;
  const base = simulate(prepared.input);
  const runs: LabelledRun[] = [{ label: 'current policy', prepared, result: base }];
  const problems = [...prepared.problems, ...base.problems];
  const values = (params.overrides ?? {}) as Partial<Record<KnobKey, number>>;
  if (Object.keys(values).length) {
    const input = { ...prepared.input, policy: applyKnobs(prepared.input.policy, values) };
    runs.push({ label: 'what-if', prepared: { ...prepared, input }, result: simulate(input) });
  } else if (params.compareWith) {
    const other = compareRun(ws, file, obj, params, prepared);
    if ('error' in other) problems.push(`comparison: ${other.error}`);
    else runs.push(other);
  }
  return { obj, runs, problems };
}

/** simulateView answers `scalelens/simulate`: what the panel draws. */
export function simulateView(ws: WorkspaceIndex, file: ParsedFile, params: SimulateParams): SimulationView | { error: string } {
  const r = runsFor(ws, file, params);
  if ('error' in r) return r;
  const { obj, runs, problems } = r;
  const prepared = runs[0].prepared;
  const values = (params.overrides ?? {}) as Partial<Record<KnobKey, number>>;
  const knobs = knobsOf(prepared.input.policy).map((k) => ({ ...k, value: values[k.key] ?? k.value }));
  return {
    uri: file.uri,
    version: file.version,
    docIndex: obj.doc.index,
    title: `${obj.kind} ${obj.name ?? ''}`.trim(),
    kind: obj.known as 'HorizontalPodAutoscaler' | 'ScaledObject',
    scenario: params.replay ? `replay ${params.replay.name}` : params.scenario ?? 'profile',
    scenarios: SCENARIOS,
    runs: runs.map((x) => runView(x.label, x.prepared, x.result)),
    slo: { ttftP95Seconds: prepared.input.slo.ttftSeconds, e2eP95Seconds: prepared.input.slo.e2eSeconds },
    assumptions: assumptionViews(prepared),
    knobs,
    problems: [...new Set(problems)],
    horizon: horizon(prepared),
  };
}

/** reportHtml answers `scalelens/report`: the same self-contained HTML report as `scalelens simulate --format html`. */
export function reportHtml(ws: WorkspaceIndex, file: ParsedFile, params: SimulateParams, generator: string): string | { error: string } {
  const r = runsFor(ws, file, params);
  if ('error' in r) return r;
  const report = buildSimulationReport(
    r.runs.map((x) => ({ sim: { ...x.prepared, result: x.result }, label: x.label })),
    { generator, compare: r.runs.length > 1, displayPath: (uri) => uri.split('/').slice(-2).join('/') },
  );
  return renderHtmlReport(report);
}

/**
 * compareRun simulates another policy on the same traffic and seed: a document of another file, or this
 * document's text after a quick fix. The other text is indexed only for the duration of the call.
 */
function compareRun(ws: WorkspaceIndex, file: ParsedFile, obj: K8sObject, params: SimulateParams, base: PreparedSimulation): LabelledRun | { error: string } {
  const cw = params.compareWith!;
  const original = ws.file(cw.uri);
  let otherFile: ParsedFile | undefined = original;
  if (cw.text !== undefined) otherFile = parseFile(cw.uri, cw.text, (original?.version ?? file.version) + 1);
  if (!otherFile) {
    const text = readRelative(fileURLToPath(cw.uri), cw.uri);
    if (text === undefined) return { error: `cannot read ${cw.uri}` };
    otherFile = parseFile(cw.uri, text, -1);
  }
  try {
    ws.update(otherFile);
    const candidates = autoscalersOf(ws, otherFile);
    const other = candidates.find((o) => o.doc.index === (cw.docIndex ?? obj.doc.index)) ?? candidates[0];
    if (!other) return { error: 'the other document holds no autoscaler' };
    const prepared = prepareSimulation(other, ws, prepareOptions(params));
    if ('error' in prepared) return prepared;
    // Same world, same traffic and seed: only the policy (and what the fix changed) differs.
    const input = { ...prepared.input, traffic: base.input.traffic, seed: base.input.seed, durationSeconds: base.input.durationSeconds, stepSeconds: base.input.stepSeconds, outputResolutionSeconds: base.input.outputResolutionSeconds };
    return { label: cw.label ?? `${other.kind} ${other.name ?? ''}`.trim(), prepared: { ...prepared, input }, result: simulate(input) };
  } finally {
    if (original) ws.update(original);
    else ws.remove(cw.uri);
  }
}

/** lensTitle is the one-line summary shown above an autoscaler. */
export function lensTitle(s: SummaryView): string {
  const parts = [`peak ${s.peakGpus} GPU${s.peakGpus === 1 ? '' : 's'}`];
  if (s.costPerDay !== null) parts.push(`$${Math.round(s.costPerDay).toLocaleString('en-US')}/day`);
  if (s.sloAttainment !== null) parts.push(`SLO ${(s.sloAttainment * 100).toFixed(1)}%`);
  parts.push(`${s.coldStarts} cold start${s.coldStarts === 1 ? '' : 's'}`);
  return `Simulate · ${parts.join(' · ')}`;
}

type LensResult = { title: string } | { error: string };

/** Lens results by the text of what a simulation reads, so an edit elsewhere does not re-run it. */
const lensMemo = new Map<string, LensResult>();
const LENS_MEMO_SIZE = 256;

/**
 * lensKey is the text a default simulation depends on: the autoscaler, its target, the matching profile and the
 * traffic recording that profile names (read from disk, so an edited or new recording is seen).
 */
function lensKey(ws: WorkspaceIndex, obj: K8sObject): string {
  const text = (o: K8sObject) => o.file.text.slice(o.doc.start, o.doc.end);
  const target = ws.resolveTarget(obj);
  const profile = target ? findProfile(target, ws)?.profile : undefined;
  const file = profile && profileString(profile, 'traffic.file')?.value;
  const recording = file ? readRelative(file, profile.obj.file.uri) ?? '' : '';
  return [obj.file.uri, text(obj), target ? text(target) : '', profile ? text(profile.obj) : '', recording].join('\u0000');
}

/** lensSummary runs the default scenario of an autoscaler for its CodeLens (memoized on its inputs' text). */
export function lensSummary(ws: WorkspaceIndex, obj: K8sObject): LensResult {
  const key = lensKey(ws, obj);
  const hit = lensMemo.get(key);
  if (hit) {
    lensMemo.delete(key);
    lensMemo.set(key, hit);
    return hit;
  }
  const r = computeLens(ws, obj);
  lensMemo.set(key, r);
  if (lensMemo.size > LENS_MEMO_SIZE) lensMemo.delete(lensMemo.keys().next().value!);
  return r;
}

function computeLens(ws: WorkspaceIndex, obj: K8sObject): LensResult {
  const prepared = prepareSimulation(obj, ws, { readText: readRelative });
  if ('error' in prepared) return prepared;
  const result = simulate(prepared.input);
  const summary = summaryView(result);
  // A trigger the simulator could not evaluate never scales: say so, or the figures would read as a verdict.
  const blind = result.triggers.filter((t) => !t.evaluable).length;
  const warning = blind ? ` · ⚠ ${blind} trigger${blind === 1 ? '' : 's'} not simulated` : '';
  return { title: lensTitle(summary) + warning };
}

/** knobEdit is the edit that writes what-if values into the autoscaler's document. */
export function knobEdit(ws: WorkspaceIndex, file: ParsedFile, docIndex: number, values: Record<string, number>): TextEdit | { error: string } | undefined {
  const obj = autoscalersOf(ws, file).find((o) => o.doc.index === docIndex);
  if (!obj) return { error: 'the autoscaler is no longer in this document' };
  const prepared = prepareSimulation(obj, ws, { readText: readRelative });
  if ('error' in prepared) return prepared;
  return knobEdits(obj, prepared.input.policy, values as Partial<Record<KnobKey, number>>);
}
