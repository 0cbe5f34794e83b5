import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseFile } from '../../server/src/engine/parse';
import { WorkspaceIndex } from '../../server/src/engine/workspace';
import { benchmarkInput, comparePolicies } from '../../server/src/engine/sim/compare';
import { prepareSimulation, PrepareOptions, simulateObject, WorkspaceSimulation } from '../../server/src/engine/sim/inputs';
import { MAX_SIMULATED_REPLICAS, simulate, SimulationInput } from '../../server/src/engine/sim/simulate';
import { buildSummary } from '../../server/src/engine/sim/summary';
import { PodLog } from '../../server/src/engine/sim/podLog';
import { costTotals } from '../../server/src/engine/sim/cost';
import { checkRecording } from '../../server/src/engine/sim/recording';

const EXAMPLES = join(__dirname, '../../../examples');

/** workspace indexes YAML texts by file name. */
function workspace(files: Record<string, string>): WorkspaceIndex {
  const ws = new WorkspaceIndex();
  for (const [name, text] of Object.entries(files)) ws.update(parseFile(`file:///w/${name}`, text));
  return ws;
}

/** exampleFiles reads one example folder. */
function exampleFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(join(EXAMPLES, dir))) if (f.endsWith('.yaml')) out[f] = readFileSync(join(EXAMPLES, dir, f), 'utf8');
  return out;
}

/** run simulates the first autoscaler of a workspace, failing the test on an error. */
function run(ws: WorkspaceIndex, opts?: PrepareOptions): WorkspaceSimulation {
  const obj = [...ws.all()].find((o) => o.known === 'HorizontalPodAutoscaler' || o.known === 'ScaledObject')!;
  const r = simulateObject(obj, ws, opts);
  if ('error' in r) assert.fail(r.error);
  return r;
}

/** shorter cuts a benchmark input to a few hours, to keep the tests quick. */
function shorter(hours: number, over: Partial<SimulationInput> = {}): SimulationInput {
  return { ...benchmarkInput(), durationSeconds: hours * 3600, ...over };
}

test('simulate: the same input gives the same result; another seed another one', () => {
  const a = simulate(shorter(3));
  const b = simulate(shorter(3));
  const c = simulate(shorter(3, { seed: 99 }));
  assert.deepEqual(a.summary, b.summary);
  assert.deepEqual(a.series.queue, b.series.queue);
  assert.notDeepEqual(a.summary.requests, c.summary.requests);
});

test('simulate: output series have one point per output interval and cost only grows', () => {
  const r = simulate(shorter(2, { outputResolutionSeconds: 60 }));
  assert.equal(r.series.t.length, 120);
  assert.equal(r.series.t[1] - r.series.t[0], 60);
  for (let i = 1; i < r.series.costUsd.length; i++) assert.ok(r.series.costUsd[i] >= r.series.costUsd[i - 1]);
  const s = r.summary;
  assert.ok(Math.abs(s.requests.arrived - (s.requests.served + s.requests.dropped) ) / s.requests.arrived < 0.01, 'requests are served or dropped');
  assert.ok(Math.abs((s.cost.usd ?? 0) - s.cost.billedGpuHours * 4.1) < 1e-6);
});

test('examples: the CPU HPA misses the SLO during the spike while the KEDA queue policy holds', () => {
  const cpu = run(workspace(exampleFiles('vllm-cpu-hpa')));
  const keda = run(workspace(exampleFiles('vllm-keda-queue')));
  assert.equal(cpu.profile?.by, 'targetRef');
  assert.equal(cpu.result.summary.replicas.peak, 2, 'CPU never rises enough to scale');
  assert.ok(cpu.result.summary.sloAttainment! < 0.85, `CPU attainment ${cpu.result.summary.sloAttainment}`);
  assert.ok(cpu.result.summary.requests.dropped > 0);
  assert.ok(keda.result.summary.sloAttainment! >= 0.95, `KEDA attainment ${keda.result.summary.sloAttainment}`);
  assert.ok(keda.result.summary.replicas.peak > 2);
  assert.ok(keda.result.summary.timeToRecoverSeconds! < cpu.result.summary.timeToRecoverSeconds!);
  for (const r of [cpu, keda]) assert.ok(r.result.summary.cost.usd! > 0 && r.result.summary.cost.usdPerMillionRequests! > 0);
  assert.deepEqual([...cpu.problems, ...keda.problems], []);
});

test('examples: comparePolicies runs both on the same traffic and reports the deltas', () => {
  const a = prepareSimulation([...workspace(exampleFiles('vllm-cpu-hpa')).all()].find((o) => o.known === 'HorizontalPodAutoscaler')!, workspace(exampleFiles('vllm-cpu-hpa')));
  const wsB = workspace(exampleFiles('vllm-keda-queue'));
  const b = prepareSimulation([...wsB.all()].find((o) => o.known === 'ScaledObject')!, wsB);
  assert.ok(!('error' in a) && !('error' in b));
  const cmp = comparePolicies(a.input, { ...b.input, seed: 5 });
  assert.equal(cmp.a.summary.requests.arrived, cmp.b.summary.requests.arrived, 'same traffic and seed');
  assert.ok(cmp.delta.sloAttainment! > 0.1);
  assert.ok(cmp.delta.dropped < 0);
  assert.equal(cmp.delta.peakReplicas, cmp.b.summary.replicas.peak - cmp.a.summary.replicas.peak);
});

for (const dir of ['triton-keda', 'tgi-hpa-queue']) {
  test(`examples: ${dir} simulates with every trigger evaluated`, () => {
    const r = run(workspace(exampleFiles(dir)));
    assert.ok(r.result.triggers.length > 0);
    for (const t of r.result.triggers) {
      assert.equal(t.evaluable, true, t.name);
      assert.equal(t.errors, 0, `${t.name}: ${t.lastError}`);
    }
    assert.ok(r.result.summary.replicas.peak > r.input.initialReplicas, 'the policy reacts to the traffic');
    assert.ok(r.result.summary.sloAttainment! > 0.9);
    assert.notEqual(r.result.summary.cost.usd, undefined);
  });
}

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: llm
spec:
  template:
    spec:
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.10.1
          args: ["--model=meta-llama/Llama-3.1-8B-Instruct"]
          resources:
            requests:
              cpu: "2"
            limits:
              nvidia.com/gpu: "1"
`;
const scaledObject = (min: number, trigger: string) => `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: llm
spec:
  scaleTargetRef:
    name: llm
  minReplicaCount: ${min}
  maxReplicaCount: 4
  triggers:
${trigger}`;
const QUEUE = `    - type: prometheus
      metadata:
        serverAddress: http://prometheus:9090
        query: sum(vllm:num_requests_waiting)
        threshold: "5"
`;
const PROFILE = (traffic: string) => `apiVersion: scalelens.dev/v1alpha1
kind: ServingProfile
metadata:
  name: llm
spec:
  traffic:
${traffic}
  simulation:
    duration: 1h
`;

test('simulate: scale to zero on the pods\' own metric never wakes, and every request is dropped', () => {
  const r = run(workspace({ 'd.yaml': DEPLOY, 'so.yaml': scaledObject(0, QUEUE), 'p.yaml': PROFILE('    scenario: constant\n    rps: 5') }));
  assert.equal(r.input.initialReplicas, 0);
  assert.equal(r.result.summary.replicas.peak, 0);
  assert.equal(r.result.summary.requests.dropped, r.result.summary.requests.arrived);
  assert.equal(r.result.summary.sloAttainment, 0);
});

const queryFailureCases: Array<{ name: string; query: string; evaluate?: SimulationInput['evaluate']; evaluable: boolean; error: RegExp }> = [
  { name: 'a query the evaluator does not support is reported as not simulated, never guessed', query: 'sum(vllm:num_requests_waiting)', evaluate: () => ({ ok: false, reason: 'unsupported: subqueries' }), evaluable: false, error: /^not simulated: unsupported: subqueries$/ },
  { name: 'a query Prometheus itself would reject fails as KEDA sees it', query: 'sum(vllm:num_requests_waiting', evaluable: true, error: /status: 400: syntax/ },
];
for (const c of queryFailureCases) {
  test(`simulate: ${c.name}`, () => {
    const input = shorter(1, { evaluate: c.evaluate });
    const spec = input.policy.kind === 'keda' ? input.policy.spec : assert.fail('benchmark input is KEDA');
    spec.triggers = [{ ...spec.triggers[0], metadata: { ...spec.triggers[0].metadata, query: c.query } }];
    const r = simulate(input);
    const t = r.triggers[0];
    assert.equal(t.evaluable, c.evaluable);
    assert.match(t.lastError ?? '', c.error);
    assert.equal(t.errors, t.evaluations);
    assert.equal(t.lastValue, undefined);
    assert.equal(r.problems.length, c.evaluable ? 0 : 1, r.problems.join('; '));
  });
}

test('simulate: a trigger type without a model is reported, through the workspace and directly', () => {
  const kafka = `    - type: kafka\n      metadata:\n        bootstrapServers: kafka:9092\n        consumerGroup: g\n        topic: t\n        lagThreshold: "10"\n`;
  const ws = workspace({ 'd.yaml': DEPLOY, 'so.yaml': scaledObject(1, kafka) });
  const prepared = prepareSimulation([...ws.all()].find((o) => o.known === 'ScaledObject')!, ws);
  assert.ok('error' in prepared && /kafka/.test(prepared.error));
  const input = shorter(1);
  const spec = input.policy.kind === 'keda' ? input.policy.spec : assert.fail('benchmark input is KEDA');
  spec.triggers = [{ ...spec.triggers[0], type: 'kafka', metadata: { ...spec.triggers[0].metadata, query: undefined } }];
  const t = simulate(input).triggers[0];
  assert.equal(t.evaluable, false);
  assert.match(t.lastError ?? '', /no model for 'kafka'/);
});

test('simulate: a recording named by the profile is replayed through the host\'s reader', () => {
  const csv = 'timestamp,rps\n0,2\n1800,6\n3600,2\n';
  const ws = workspace({ 'd.yaml': DEPLOY, 'so.yaml': scaledObject(1, QUEUE), 'p.yaml': PROFILE('    scenario: replay\n    file: traffic.csv') });
  const asked: string[] = [];
  const r = run(ws, { readText: (path, from) => (asked.push(`${from} ${path}`), path === 'traffic.csv' ? csv : undefined) });
  assert.deepEqual(asked, ['file:///w/p.yaml traffic.csv']);
  assert.equal(r.input.traffic.shape.kind, 'replay');
  assert.ok(Math.abs(r.result.series.traffic[Math.floor(r.result.series.t.length / 2)] - 6) < 1.5);
  const missing = run(ws, { readText: () => undefined });
  assert.ok(missing.problems.some((p) => /could not be read/.test(p)));
  assert.equal(missing.input.traffic.shape.kind, 'diurnal');
});

test('simulate: without a readiness probe, requests reach pods whose model is still loading', () => {
  const profile = PROFILE('    scenario: step\n    fromRps: 5\n    toRps: 40\n    at: 10m');
  const noProbe = run(workspace({ 'd.yaml': DEPLOY, 'so.yaml': scaledObject(1, QUEUE), 'p.yaml': profile }));
  const probe = run(workspace({ 'd.yaml': DEPLOY.replace('          resources:', '          readinessProbe:\n            httpGet:\n              path: /health\n              port: 8000\n          resources:'), 'so.yaml': scaledObject(1, QUEUE), 'p.yaml': profile }));
  assert.equal(noProbe.input.cluster.readyWhen, 'container');
  assert.equal(probe.input.cluster.readyWhen, 'model');
  assert.ok(noProbe.result.summary.requests.dropped > probe.result.summary.requests.dropped);
});

const errorCases: Array<{ name: string; files: Record<string, string>; error: RegExp }> = [
  { name: 'the target is not in the workspace', files: { 'so.yaml': scaledObject(1, QUEUE) }, error: /not in the workspace/ },
  { name: 'the target is not a workload', files: { 'so.yaml': scaledObject(1, QUEUE).replace('    name: llm\n  minReplicaCount', '    name: llm\n    kind: Rollout\n  minReplicaCount'), 'r.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: llm\n' }, error: /not a workload|not in the workspace/ },
  { name: 'min above max', files: { 'd.yaml': DEPLOY, 'so.yaml': scaledObject(9, QUEUE) }, error: /min/i },
  // A typo no cluster holds: placing it would take a node per 8 GPUs, 1e307 of them.
  { name: 'a GPU count no node pool holds', files: { 'd.yaml': DEPLOY.replace(/nvidia\.com\/gpu: "?1"?/, 'nvidia.com/gpu: 1e308'), 'so.yaml': scaledObject(1, QUEUE) }, error: /1e\+308 GPUs per replica.*whole number from 1 to 1024/ },
];
for (const c of errorCases) {
  test(`simulate errors: ${c.name}`, () => {
    const ws = workspace(c.files);
    const obj = [...ws.all()].find((o) => o.known === 'ScaledObject')!;
    const r = prepareSimulation(obj, ws);
    assert.ok('error' in r);
    assert.match(r.error, c.error);
  });
}

test('simulate: a policy that would run away is held at the run\'s replica cap, and says so', () => {
  // No behavior (the legacy path doubles each sync), a huge max and a tiny target: the queue of a spike asks for
  // more replicas every sync while the new ones wait for nodes. Uncapped, this run took minutes.
  const input = shorter(2, { traffic: { shape: { kind: 'constant', rps: 20 }, spikes: [{ atSeconds: 1800, durationSeconds: 1800, multiplier: 5 }], noise: 'poisson', scale: 1 } });
  const spec = input.policy.kind === 'keda' ? input.policy.spec : assert.fail('benchmark input is KEDA');
  input.policy = { kind: 'keda', spec: { ...spec, maxReplicaCount: 5_000_000, behavior: undefined, triggers: [{ ...spec.triggers[0], metadata: { ...spec.triggers[0].metadata, threshold: 0.001 } }] } };
  const r = simulate(input);
  assert.equal(r.summary.replicas.peak, MAX_SIMULATED_REPLICAS);
  assert.equal(r.problems.filter((p) => /allows up to 5,000,000 replicas; a run places at most 1,000/.test(p)).length, 1, r.problems.join('; '));
  // Below the cap nothing is said.
  assert.deepEqual(simulate(shorter(2)).problems, []);
});

test('simulate: broken and hostile input never throws', () => {
  const texts = [
    scaledObject(1, QUEUE).replace('threshold: "5"', 'threshold: lots'),
    scaledObject(1, QUEUE).replace('minReplicaCount: 1', 'minReplicaCount: [1]'),
    scaledObject(1, '    - type: prometheus\n      metadata:\n        query: "rate(x[5m]"\n        threshold: "1"\n'),
    '{{ .Values.broken }}\n' + scaledObject(1, QUEUE),
  ];
  for (const text of texts) {
    const ws = workspace({ 'd.yaml': DEPLOY, 'so.yaml': text, 'p.yaml': PROFILE('    scenario: spike\n    rps: -4\n    multiplier: x') });
    for (const obj of ws.all()) {
      if (obj.known !== 'ScaledObject') continue;
      assert.doesNotThrow(() => simulateObject(obj, ws));
    }
  }
});

const promqlCases: Array<{ name: string; query: string; check: (value: number, r: ReturnType<typeof simulate>) => void }> = [
  { name: 'the success counter rises at the served rate', query: 'sum(rate(vllm:request_success_total[2m]))', check: (v) => assert.ok(Math.abs(v - 10) < 0.5, `rate ${v}`) },
  { name: 'generation tokens per second match requests × output length', query: 'sum(rate(vllm:generation_tokens_total[2m]))', check: (v) => assert.ok(Math.abs(v - 2000) < 100, `tokens/s ${v}`) },
  { name: 'the running gauge sums to the batch in flight', query: 'sum(vllm:num_requests_running)', check: (v) => assert.ok(v > 0 && v < 512, `running ${v}`) },
  {
    name: 'the TTFT histogram gives the p95 the summary series shows, within a bucket',
    query: 'histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[5m])))',
    check: (v, r) => {
      const p95 = r.series.ttftP95[r.series.ttftP95.length - 1];
      assert.ok(v > 0 && v >= p95 * 0.4 && v <= p95 * 2.5, `histogram ${v}, series ${p95}`);
    },
  },
];
for (const c of promqlCases) {
  test(`simulate metrics through PromQL: ${c.name}`, () => {
    const input = shorter(1, { traffic: { shape: { kind: 'constant', rps: 10 }, spikes: [], noise: 'none', scale: 1 }, outputResolutionSeconds: 300 });
    const spec = input.policy.kind === 'keda' ? input.policy.spec : assert.fail('benchmark input is KEDA');
    spec.triggers = [{ ...spec.triggers[0], metadata: { ...spec.triggers[0].metadata, query: c.query, threshold: 1e9 } }];
    const r = simulate(input);
    const t = r.triggers[0];
    // A rate needs two scrapes: the very first evaluation finds no series, like a fresh Prometheus.
    assert.ok(t.errors <= 1, `${t.errors} errors: ${t.lastError}`);
    c.check(t.lastValue!, r);
  });
}

test('examples: in one workspace, each autoscaler finds its own target and profile by namespace', () => {
  const files: Record<string, string> = {};
  for (const dir of readdirSync(EXAMPLES)) {
    if (!statSync(join(EXAMPLES, dir)).isDirectory()) continue;
    for (const [name, text] of Object.entries(exampleFiles(dir))) files[`${dir}/${name}`] = text;
  }
  const ws = workspace(files);
  const autoscalers = [...ws.all()].filter((o) => o.known === 'HorizontalPodAutoscaler' || o.known === 'ScaledObject');
  assert.equal(autoscalers.length, 4);
  for (const a of autoscalers) {
    const p = prepareSimulation(a, ws);
    if ('error' in p) assert.fail(p.error);
    assert.equal(p.target.namespace, a.namespace);
    assert.equal(p.profile?.profile.obj.namespace, a.namespace);
    assert.equal(p.profile?.by, 'targetRef');
  }
});

test('a recording given for the run that cannot be replayed fails the run, with the words of checkRecording', () => {
  const ws = workspace(exampleFiles('vllm-cpu-hpa'));
  const hpa = [...ws.all()].find((o) => o.known === 'HorizontalPodAutoscaler')!;
  const bad = { name: 'bad.csv', text: 'time,rps\n09:00,12\n' };
  const got = prepareSimulation(hpa, ws, { replay: bad });
  assert.deepEqual(got, { error: checkRecording(bad.name, bad.text) });
  const good = prepareSimulation(hpa, ws, { replay: { name: 'ok.csv', text: '0,5\n600,9\n' } });
  assert.ok(!('error' in good) && good.input.traffic.shape.kind === 'replay');
});

test('a recording handed for two autoscalers is parsed once, and read again when its text changes', () => {
  const files: Record<string, string> = {};
  for (const dir of ['vllm-cpu-hpa', 'vllm-keda-queue']) for (const [name, text] of Object.entries(exampleFiles(dir))) files[`${dir}/${name}`] = text;
  const ws = workspace(files);
  const [a, b] = [...ws.all()].filter((o) => o.known === 'HorizontalPodAutoscaler' || o.known === 'ScaledObject');
  const replay = { name: 'day.csv', text: '0,5\n600,9\n' };
  const shapeOf = (p: ReturnType<typeof prepareSimulation>) => {
    if ('error' in p) return assert.fail(p.error);
    assert.equal(p.input.traffic.shape.kind, 'replay');
    return p.input.traffic.shape as Extract<typeof p.input.traffic.shape, { kind: 'replay' }>;
  };
  const first = shapeOf(prepareSimulation(a, ws, { replay }));
  const second = shapeOf(prepareSimulation(b, ws, { replay }));
  // The same points array: one parse served both.
  assert.equal(second.points, first.points);
  replay.text = '0,7\n600,9\n';
  const third = shapeOf(prepareSimulation(a, ws, { replay }));
  assert.notEqual(third.points, first.points);
  assert.equal(third.points[0].rps, 7);
  // Anything but an object is refused with readRecording's words.
  assert.ok('error' in prepareSimulation(a, ws, { replay: 'day.csv' as unknown as { name: string; text: string } }));
});

test('summary: a run with 200,000 cold starts gives their count, slowest and mean, in creation order', () => {
  // Two replicas from the start (not cold starts), then 200,000 more; every third waits for a node, every fifth never
  // serves and goes, and each pod serves only once the next one was created (out of creation order for pairs).
  const pods = new PodLog(2);
  pods.served(pods.add(0), 0);
  pods.served(pods.add(0), 0);
  let served = 0;
  let sum = 0;
  let pending: { index: number; at: number } | undefined;
  for (let i = 0; i < 200_000; i++) {
    const index = pods.add(i);
    if (i % 3 === 0) pods.neededNode(index);
    if (i % 5 === 4) {
      pods.gone(index);
    } else {
      const seconds = 60 + (i % 97);
      served++;
      sum += seconds;
      // Every second pod serves before the one created just before it.
      if (pending && i % 2 === 1) {
        pods.served(index, i + seconds);
        pods.served(pending.index, pending.at);
        pending = undefined;
      } else {
        if (pending) pods.served(pending.index, pending.at);
        pending = { index, at: i + seconds };
      }
    }
  }
  if (pending) pods.served(pending.index, pending.at);
  const s = buildSummary({ seconds: 3600, arrived: 1, served: 1, dropped: 0, overSlo: 0, peakReplicas: 1, meanReplicas: 1, peakGpus: 1, meanGpus: 1, cost: costTotals(3600, 3600, 1, 3600, 1), overProvisioning: undefined, pods, spikes: [], sloMet: new Uint8Array(3600).fill(1), dt: 1 });
  assert.equal(s.coldStarts.count, 200_000);
  assert.equal(s.coldStarts.served, served);
  assert.equal(s.coldStarts.withNewNode, Math.ceil(200_000 / 3));
  assert.equal(s.coldStarts.maxSeconds, 60 + 96);
  assert.equal(s.coldStarts.meanSeconds, sum / served);
  // Settled pods give their room back: the log never held more than a few at a time.
  assert.ok(pods.room <= 64, `room for ${pods.room} pods`);
});

test('pod log: pods still pending at the end count, in creation order, and hold their room until they settle', () => {
  const pods = new PodLog(1);
  pods.served(pods.add(0), 0);
  const stuck = pods.add(10);
  pods.neededNode(stuck);
  // 1,000 pods after it serve at once; the first one's entry keeps every later one in the log.
  for (let i = 0; i < 1000; i++) pods.served(pods.add(20 + i), 100 + i + 0.1 * (i % 7));
  assert.ok(pods.room >= 1001);
  const early = pods.coldStarts();
  assert.equal(early.count, 1001);
  assert.equal(early.served, 1000);
  assert.equal(early.withNewNode, 1);
  let sum = 0;
  let max = -Infinity;
  for (let i = 0; i < 1000; i++) {
    const seconds = 100 + i + 0.1 * (i % 7) - (20 + i);
    sum += seconds;
    max = Math.max(max, seconds);
  }
  assert.ok(Math.abs(max - 80.6) < 1e-9);
  assert.equal(early.maxSeconds, max);
  assert.equal(early.meanSeconds, sum / 1000);
  // Once it serves, its time comes first in the sum, as in creation order.
  pods.served(stuck, 400);
  const late = pods.coldStarts();
  let sumAll = 390;
  for (let i = 0; i < 1000; i++) sumAll += 100 + i + 0.1 * (i % 7) - (20 + i);
  assert.equal(late.served, 1001);
  assert.equal(late.maxSeconds, 390);
  assert.equal(late.meanSeconds, sumAll / 1001);
  // A report before the end does not settle anything twice.
  assert.deepEqual(pods.coldStarts(), late);
});
