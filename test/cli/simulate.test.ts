/**
 * `scalelens simulate` run in-process on the bundled examples and the fixtures under test/fixtures/cli:
 * the CPU HPA against the KEDA queue policy, output shapes, determinism, options and exit codes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSimulationText } from '../../server/src/cli/simulateText';
import { METRICS, sloHeld } from '../../server/src/report/format';
import type { ReportRun, SimulationReport } from '../../server/src/report/types';
import { simulateCli } from './runSimulate';

const CPU_HPA = 'examples/vllm-cpu-hpa';
const KEDA_QUEUE = 'examples/vllm-keda-queue';
const HOSTILE = 'test/fixtures/cli/hostile';
const TRAFFIC = 'test/fixtures/cli/traffic';

const run = simulateCli;

function json(args: string[]): SimulationReport {
  const r = run([...args, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as SimulationReport;
}

function mean(values: Array<number | null>): number {
  const known = values.filter((v): v is number => v !== null);
  return known.reduce((a, b) => a + b, 0) / known.length;
}

/** between averages a series over [from, to) seconds. */
function between(run: ReportRun, key: 'traffic' | 'ready', from: number, to: number): number {
  return mean(run.series[key].filter((_, i) => run.series.t[i] >= from && run.series.t[i] < to));
}

// The README's comparison: the profile's spike (×3 for 30 min) over 6 h, both policies on the same traffic.
let comparison: SimulationReport | undefined;
function compared(): SimulationReport {
  return (comparison ??= json([CPU_HPA, KEDA_QUEUE, '--compare']));
}

test('compare: the CPU HPA misses its SLO in the spike while the KEDA queue policy holds it', () => {
  const report = compared();
  assert.equal(report.compare, true);
  assert.equal(report.baseline, 0);
  const [hpa, keda] = report.runs;
  assert.equal(hpa.autoscaler.kind, 'HorizontalPodAutoscaler');
  assert.equal(keda.autoscaler.kind, 'ScaledObject');
  assert.equal(sloHeld(hpa), false, `HPA attainment ${hpa.metrics.sloAttainment}`);
  assert.equal(sloHeld(keda), true, `KEDA attainment ${keda.metrics.sloAttainment}`);
  assert.ok(keda.metrics.sloAttainment! > hpa.metrics.sloAttainment!);
  // CPU barely moves with load on a GPU server: the HPA never leaves its minimum, the queue policy scales out.
  assert.equal(hpa.metrics.peakReplicas, 2);
  assert.ok(keda.metrics.peakReplicas! > hpa.metrics.peakReplicas!);
  assert.ok(hpa.metrics.overSlo! > keda.metrics.overSlo!);
  assert.ok(hpa.metrics.dropped! >= keda.metrics.dropped!);
  // Both have a known GPU price, so both have a cost.
  for (const r of report.runs) {
    assert.ok(r.metrics.usdPerDay! > 0, `${r.label} cost per day`);
    assert.ok(r.metrics.usdPerMillionRequests! > 0, `${r.label} cost per 1M requests`);
  }
});

test('compare: both policies see the same traffic, seed and horizon', () => {
  const [hpa, keda] = compared().runs;
  assert.equal(keda.traffic, hpa.traffic);
  assert.equal(keda.seed, hpa.seed);
  assert.equal(keda.horizonSeconds, hpa.horizonSeconds);
  assert.deepEqual(keda.series.t, hpa.series.t);
  assert.deepEqual(keda.series.traffic, hpa.series.traffic);
});

test('compare: deltas are the second policy minus the baseline', () => {
  const [hpa, keda] = compared().runs;
  assert.equal(hpa.delta, null);
  for (const m of METRICS) {
    const a = hpa.metrics[m.id];
    const b = keda.metrics[m.id];
    const d = keda.delta![m.id];
    if (a === null || b === null) assert.equal(d, null, m.id);
    else assert.ok(Math.abs(d! - (b - a)) < 1e-9, m.id);
  }
});

test('compare: the text output gives each policy its verdict and the deltas column', () => {
  const text = formatSimulationText(compared(), { color: false, width: 80, charts: false });
  const [hpa, keda] = compared().runs;
  assert.match(text, new RegExp(`✖ ${hpa.label} misses its SLO`));
  assert.match(text, new RegExp(`✔ ${keda.label} holds its SLO`));
  assert.match(text.split('\n').find((l) => l.includes('SLO attainment'))!, /\+\d+\.\d pt/);
});

/** assumptionLines gives the rows of one run's assumptions table in the text output, by assumption name. */
function assumptionLines(text: string, label: string): Map<string, string> {
  const section = text.split(`Assumptions — ${label} `)[1]?.split('\nAssumptions — ')[0] ?? '';
  const rows = new Map<string, string>();
  for (const line of section.split('\n').slice(2)) {
    const name = /^\s+(\S+)\s/.exec(line)?.[1];
    if (name) rows.set(name, line);
  }
  return rows;
}

test('compare: the text output says which values the second policy shares with the first, profile values included', () => {
  const report = compared();
  const [hpa, keda] = report.runs;
  const text = formatSimulationText(report, { color: false, width: 120, charts: false });
  const note = `shared with hpa/${hpa.autoscaler.name} for the comparison`;
  const shared = keda.assumptions.filter((a) => a.note?.includes(note));
  assert.ok(shared.some((a) => a.origin === 'profile' && a.file), 'the comparison shares values read from the first policy\'s profile');
  assert.ok(shared.some((a) => a.origin === 'default'), 'the comparison shares defaults too');
  const kedaRows = assumptionLines(text, keda.label);
  for (const a of shared) {
    const row = kedaRows.get(a.name);
    assert.ok(row, `${a.name} has no row`);
    assert.ok(row.includes(note), `${a.name} hides the note: ${row}`);
    if (a.file) assert.ok(row.includes(`${a.file}:${a.where}`), `${a.name} lost its source: ${row}`);
  }
  assert.ok(![...assumptionLines(text, hpa.label).values()].some((row) => row.includes('shared with')), 'the first policy shares with nobody');
});

test('json: stable keys, plain arrays of one length, no NaN or undefined', () => {
  const report = json([HOSTILE]);
  assert.deepEqual(Object.keys(report), ['format', 'version', 'generator', 'compare', 'baseline', 'runs']);
  assert.equal(report.format, 'scalelens-simulation');
  const r = report.runs[0];
  assert.deepEqual(Object.keys(r), ['label', 'autoscaler', 'target', 'profile', 'traffic', 'horizonSeconds', 'stepSeconds', 'resolutionSeconds', 'seed', 'slo', 'capacityPerReplica', 'gpuPricePerHour', 'metrics', 'delta', 'summary', 'series', 'events', 'triggers', 'assumptions', 'problems']);
  assert.deepEqual(Object.keys(r.metrics).sort(), METRICS.map((m) => m.id).sort());
  const n = r.series.t.length;
  assert.ok(n > 100);
  for (const [k, v] of Object.entries(r.series)) assert.equal(v.length, n, k);
  for (const a of r.assumptions) assert.deepEqual(Object.keys(a), ['name', 'value', 'origin', 'file', 'where', 'note']);
  assert.ok(r.triggers.length === 1 && r.triggers[0].type === 'prometheus');
  assert.ok(r.events.length > 0, 'the spike scales the target out');
});

test('determinism: the same seed gives the same output, another seed other arrivals', () => {
  const a = run([HOSTILE, '--seed', '7', '--format', 'json']);
  const b = run([HOSTILE, '--seed', '7', '--format', 'json']);
  const c = json([HOSTILE, '--seed', '8']);
  assert.equal(a.stdout, b.stdout);
  const first = JSON.parse(a.stdout) as SimulationReport;
  assert.equal(first.runs[0].seed, 7);
  assert.notDeepEqual(c.runs[0].series.traffic, first.runs[0].series.traffic);
  assert.equal(first.runs[0].assumptions.find((x) => x.name === 'simulation.seed')?.origin, 'user');
});

test('--scenario replaces the profile traffic and lists the values it set', () => {
  const r = json([HOSTILE, '--scenario', 'step:2-10@20m', '--hours', '1']).runs[0];
  assert.match(r.traffic, /^step: 2 req\/s to 10 req\/s at 20m/);
  const origin = (name: string) => r.assumptions.find((a) => a.name === name)?.origin;
  assert.equal(origin('traffic.scenario'), 'user');
  assert.equal(origin('traffic.fromRps'), 'user');
  assert.equal(origin('simulation.duration'), 'user');
  assert.equal(r.assumptions.filter((a) => a.name === 'traffic.multiplier').length, 0, 'the profile spike is gone');
  assert.ok(Math.abs(between(r, 'traffic', 0, 1200) - 2) < 0.3);
  assert.ok(Math.abs(between(r, 'traffic', 1200, 3600) - 10) < 0.8);
});

test('--traffic replays a CSV recording and the same recording as Prometheus JSON alike', () => {
  const csv = json([HOSTILE, '--traffic', `${TRAFFIC}/step.csv`]).runs[0];
  const prom = json([HOSTILE, '--traffic', `${TRAFFIC}/step.json`]).runs[0];
  assert.equal(csv.horizonSeconds, 3600);
  assert.ok(Math.abs(between(csv, 'traffic', 0, 1500) - 5) < 0.6);
  assert.ok(Math.abs(between(csv, 'traffic', 1900, 3600) - 20) < 1.5);
  assert.deepEqual(prom.series.traffic, csv.series.traffic);
  const scenario = csv.assumptions.find((a) => a.name === 'traffic.scenario');
  assert.deepEqual([scenario?.value, scenario?.origin, scenario?.where], ['replay', 'user', '--traffic']);
  assert.ok(prom.problems.some((p) => p.includes('2 series were summed')));
});

test('--traffic without a profile: the span of the recording is the horizon', () => {
  const r = json(['test/fixtures/cli/unsimulated', '--traffic', `${TRAFFIC}/step.csv`]).runs[0];
  assert.equal(r.horizonSeconds, 3600);
  assert.match(r.traffic, /^replay: 61 recorded points over 1h/);
});

test('a query the simulator cannot evaluate is reported, and the run still completes', () => {
  const r = json(['test/fixtures/cli/unsimulated', '--hours', '1']).runs[0];
  assert.equal(r.triggers[0].evaluable, false);
  assert.ok(r.problems.some((p) => p.includes('smoothed-queue') && p.includes('not simulated')), r.problems.join('\n'));
  assert.equal(r.metrics.peakReplicas, 1);
});

test('without a GPU price, cost is unknown and the report says why', () => {
  const r = json(['test/fixtures/cli/no-price', '--hours', '0.5']).runs[0];
  assert.equal(r.gpuPricePerHour, null);
  for (const id of ['costUsd', 'usdPerDay', 'usdPerMillionRequests'] as const) assert.equal(r.metrics[id], null, id);
  assert.ok(r.series.costUsd.every((v) => v === null));
  assert.ok(r.metrics.billedGpuHours! > 0, 'GPU-hours are known without a price');
  assert.ok(r.problems.some((p) => p.includes('pricePerGpuHour')), r.problems.join('\n'));
});

test('--name picks one autoscaler by kind and name', () => {
  const report = json([CPU_HPA, KEDA_QUEUE, '--name', 'scaledobject/llama-3-1-8b', '--hours', '0.5']);
  assert.equal(report.runs.length, 1);
  assert.equal(report.runs[0].autoscaler.kind, 'ScaledObject');
});

test('text: tables, verdict, charts and assumptions; no color codes when piped', () => {
  const r = run([HOSTILE, '--hours', '0.5']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /\x1b\[/);
  for (const part of ['SLO attainment', 'its SLO: ', 'Traffic and serving capacity', 'Time to first token p95', 'Assumptions — ', 'spec.minReplicaCount']) assert.ok(r.stdout.includes(part), part);
  const bare = run([HOSTILE, '--hours', '0.5', '--no-charts']);
  assert.ok(!bare.stdout.includes('Traffic and serving capacity'));
  assert.match(run([HOSTILE, '--hours', '0.5', '--color']).stdout, /\x1b\[/);
});

test('progress bar: drawn on a terminal stderr for a long run, never on stdout', () => {
  const long = run([HOSTILE, '--hours', '24', '--format', 'json'], { stderrIsTTY: true });
  assert.equal(long.code, 0);
  assert.match(long.stderr, /simulating \[/);
  assert.ok(long.stderr.endsWith('\r\x1b[K'), 'the bar is cleared at the end');
  JSON.parse(long.stdout);
  assert.equal(run([HOSTILE, '--hours', '24', '--format', 'json']).stderr, '', 'no bar when stderr is not a terminal');
  assert.equal(run([HOSTILE, '--hours', '0.5', '--format', 'json'], { stderrIsTTY: true }).stderr, '', 'no bar for a short run');
});

test('-o writes the output to a file', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'scalelens-')), 'sim.json');
  const r = run([HOSTILE, '--hours', '0.5', '--format', 'json', '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal((JSON.parse(readFileSync(out, 'utf8')) as SimulationReport).runs.length, 1);
});

test('--fail-on-slo: exit 1 only when an attainment is below the threshold', () => {
  const args = [CPU_HPA, '--hours', '3', '--format', 'json'];
  const attained = json(args).runs[0].metrics.sloAttainment!;
  assert.ok(attained > 0.1 && attained < 0.95, `the CPU HPA misses its SLO in the spike (${attained})`);
  assert.equal(run([...args, '--fail-on-slo', String(attained - 0.01)]).code, 0);
  const below = run([...args, '--fail-on-slo', `${((attained + 0.01) * 100).toFixed(2)}%`]);
  assert.equal(below.code, 1);
  assert.match(below.stderr, /HPA llama-3-1-8b: SLO attainment .* is below --fail-on-slo/);
  JSON.parse(below.stdout);
});

const usageCases: Array<{ name: string; args: string[]; stderr: RegExp }> = [
  { name: 'no input', args: [], stderr: /no input given/ },
  { name: 'unknown format', args: [HOSTILE, '--format', 'yaml'], stderr: /unknown format 'yaml'/ },
  { name: 'unknown scenario', args: [HOSTILE, '--scenario', 'tsunami'], stderr: /unknown scenario 'tsunami'/ },
  { name: 'unreadable scenario parameters', args: [HOSTILE, '--scenario', 'spike:lots'], stderr: /cannot read 'spike:lots'/ },
  { name: 'scenario and traffic together', args: [HOSTILE, '--scenario', 'constant', '--traffic', `${TRAFFIC}/step.csv`], stderr: /cannot be used together/ },
  { name: 'missing traffic file', args: [HOSTILE, '--traffic', `${TRAFFIC}/missing.csv`], stderr: /cannot read traffic file .*ENOENT/ },
  { name: 'traffic file without a point', args: [HOSTILE, '--traffic', `${TRAFFIC}/empty.csv`], stderr: /holds no usable traffic point/ },
  { name: 'missing input file', args: ['test/fixtures/cli/nowhere.yaml'], stderr: /no such file or folder/ },
  { name: 'no autoscaler', args: ['test/fixtures/cli/no-autoscaler'], stderr: /no HorizontalPodAutoscaler or ScaledObject found/ },
  { name: 'unknown --name', args: [HOSTILE, '--name', 'nope'], stderr: /no autoscaler named 'nope'/ },
  { name: 'trigger the simulator cannot run', args: ['test/fixtures/cli/kafka'], stderr: /cannot simulate scaledobject\/batch-llm/ },
  { name: 'zero hours', args: [HOSTILE, '--hours', '0'], stderr: /--hours must be a number above 0/ },
  { name: 'fractional seed', args: [HOSTILE, '--seed', '1.5'], stderr: /--seed must be a whole number/ },
  { name: 'step too long', args: [HOSTILE, '--step', '5m'], stderr: /--step must be a duration/ },
  { name: 'fail-on-slo above 1', args: [HOSTILE, '--fail-on-slo', '1.5'], stderr: /--fail-on-slo must be a share/ },
  { name: 'unknown option', args: [HOSTILE, '--bogus'], stderr: /Unknown option '--bogus'/ },
  { name: 'negative hours read as a value', args: [HOSTILE, '--hours', '-1'], stderr: /--hours must be a number above 0 and at most 744, not '-1'/ },
  { name: 'negative seed read as a value', args: [HOSTILE, '--seed', '-1'], stderr: /--seed must be a whole number from 0 up, not '-1'/ },
  { name: 'a spike of no traffic at no time', args: [HOSTILE, '--scenario', 'spike:x0@99h/0m'], stderr: /cannot use 'spike:x0@99h\/0m': a spike multiplies the rate/ },
  { name: 'nothing on standard input', args: ['-'], stderr: /no HorizontalPodAutoscaler or ScaledObject found in standard input/ },
  { name: 'a target the files do not define, by its kind', args: ['test/fixtures/cli/unsimulable/lws-elsewhere.yaml'], stderr: /cannot simulate hpa\/lws-hpa .*: the scale target is not in the workspace: add the file that defines leaderworkerset\.x-k8s\.io\/v1 LeaderWorkerSet 'llama-70b'/ },
  { name: 'a workload on a removed API', args: ['test/fixtures/cli/unsimulable/old-deployment.yaml'], stderr: /apps\/v1beta1 Deployment 'web' is not a workload the simulator can read: it reads apps\/v1 Deployment/ },
  { name: 'a templated name as written', args: ['test/fixtures/cli/unsimulable/templated.yaml'], stderr: /cannot simulate scaledobject\/\{\{ \.Release\.Name \}\}-so / },
];
for (const c of usageCases) {
  test(`exit 2: ${c.name}`, () => {
    const r = run(c.args);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, c.stderr);
    assert.equal(r.stdout, '');
  });
}

test('--help documents the scenario syntax and exits 0', () => {
  const r = run(['--help']);
  assert.equal(r.code, 0);
  for (const s of ['spike:x4@2h/30m', '--traffic', '--compare', '--fail-on-slo', 'Exit codes']) assert.ok(r.stdout.includes(s), s);
});
