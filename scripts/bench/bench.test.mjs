// Tests of the benchmark's own logic. Run: node --test scripts/bench/
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments, parseDocument } from 'yaml';
import { collectInputs, generateManifests, GENERATED_LINES, lineCount } from './corpus.mjs';
import { coverage, matchOf, ratios } from './lsp.mjs';
import { benchSimulation } from './sim.mjs';

test('the generated file has exactly 2,000 lines and is the same on every call', () => {
  const text = generateManifests();
  assert.equal(lineCount(text), GENERATED_LINES);
  assert.equal(generateManifests(), text);
});

test('the generated file is valid YAML without template markers', () => {
  const text = generateManifests();
  const docs = parseAllDocuments(text);
  assert.deepEqual(docs.flatMap((d) => d.errors.map((e) => e.message)), []);
  // A `{{` or `${` would make ScaleLens treat the file as a template and mute its checks.
  assert.doesNotMatch(text, /\{\{|\$\{|%\{/);
});

test('the generated file holds the realistic kinds it promises', () => {
  const kinds = parseAllDocuments(generateManifests()).map((d) => d.get('kind'));
  for (const kind of ['Deployment', 'Service', 'ScaledObject', 'HorizontalPodAutoscaler', 'ConfigMap']) {
    assert.ok(kinds.includes(kind), `no ${kind}`);
  }
});

test('every generated HPA scales with the behavior of the HPA policy snippet, plus its own scale-down policy', () => {
  const snippets = JSON.parse(readFileSync(new URL('../../server/src/engine/services/snippets.json', import.meta.url), 'utf8'));
  const hpaSnippet = snippets.find((s) => s.body.includes('kind: HorizontalPodAutoscaler'));
  const filled = hpaSnippet.body.filter((l) => l !== '$0').join('\n').replace(/\$\{\d+:([^}]*)\}/g, '$1');
  const recommended = parseDocument(filled).toJS().spec.behavior;
  const hpas = parseAllDocuments(generateManifests()).map((d) => d.toJS()).filter((o) => o?.kind === 'HorizontalPodAutoscaler');
  assert.ok(hpas.length > 0);
  for (const hpa of hpas) {
    const { policies, ...scaleDown } = hpa.spec.behavior.scaleDown;
    assert.deepEqual({ ...hpa.spec.behavior, scaleDown }, recommended, hpa.metadata.name);
    assert.deepEqual(policies, [{ type: 'Percent', value: 25, periodSeconds: 120 }]);
  }
});

const plants = [
  { name: 'unknown ScaledObject field', pattern: /^ {2}pollingIntervall: 15$/m },
  { name: 'quoted maxReplicaCount', pattern: /^ {2}maxReplicaCount: "8"$/m },
  { name: 'minReplicas above maxReplicas', pattern: /^ {2}minReplicas: 4\n {2}maxReplicas: 2$/m },
  { name: 'CPU metric on a GPU workload', pattern: /^ {8}name: cpu\n {8}target:\n {10}type: Utilization$/m },
  { name: 'removed metricName key', pattern: /^ {8}metricName: queue_depth$/m },
  { name: 'deprecated vLLM metric', pattern: /vllm:gpu_cache_usage_perc/ },
  { name: 'replicas fighting the autoscaler', pattern: /^spec:\n {2}replicas: 2$/m },
];
for (const p of plants) {
  test(`the generated file plants: ${p.name}`, () => {
    assert.match(generateManifests(), p.pattern);
  });
}

const inputCases = [
  {
    name: 'examples win over fixtures',
    files: { 'examples/a.yaml': 'apiVersion: v1\nkind: Service\n', 'test/fixtures/b.yaml': 'apiVersion: v1\nkind: Service\n' },
    source: 'examples',
    picked: ['examples/a.yaml'],
  },
  {
    name: 'fixtures stand in while examples/ has no manifest',
    files: { 'examples/notes.yaml': 'title: not a manifest\n', 'test/fixtures/rules/x/fail.yaml': 'apiVersion: v1\nkind: Service\n' },
    source: 'test/fixtures',
    picked: ['test/fixtures/rules/x/fail.yaml'],
  },
  {
    name: 'files without apiVersion and kind are skipped',
    files: { 'test/fixtures/settings.yaml': 'rules:\n  x: off\n' },
    source: 'none',
    picked: [],
  },
  {
    name: 'at most 16 fixtures, spread from first to last',
    files: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`test/fixtures/f${String(i).padStart(2, '0')}.yaml`, 'apiVersion: v1\nkind: Service\n'])),
    source: 'test/fixtures',
    count: 16,
    first: 'test/fixtures/f00.yaml',
    last: 'test/fixtures/f39.yaml',
  },
];
for (const c of inputCases) {
  test(`inputs: ${c.name}`, () => {
    const root = mkdtempSync(join(tmpdir(), 'scalelens-bench-'));
    try {
      for (const [rel, text] of Object.entries(c.files)) {
        mkdirSync(join(root, rel, '..'), { recursive: true });
        writeFileSync(join(root, rel), text);
      }
      const { source, files } = collectInputs(root);
      const rels = files.map((f) => f.rel);
      assert.equal(source, c.source);
      if (c.picked) assert.deepEqual(rels, c.picked);
      if (c.count) {
        assert.equal(rels.length, c.count);
        assert.equal(rels[0], c.first);
        assert.equal(rels.at(-1), c.last);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}

const diag = (line, endLine = line, severity = 1, message = 'm') => ({ range: { start: { line, character: 2 }, end: { line: endLine, character: 9 } }, severity, message });

const matchCases = [
  { name: 'same start line', peer: diag(10), ours: diag(10, 12), expected: 'same-line' },
  { name: 'ours spans the peer line', peer: diag(11), ours: diag(10, 12), expected: 'overlap' },
  { name: 'peer spans our line', peer: diag(9, 14), ours: diag(12), expected: 'overlap' },
  { name: 'next line only', peer: diag(10), ours: diag(11), expected: null },
];
for (const c of matchCases) {
  test(`matchOf: ${c.name}`, () => {
    assert.equal(matchOf(c.peer, c.ours), c.expected);
  });
}

test('coverage counts per file and lists only the unmatched peer errors and warnings', () => {
  const peer = { files: [
    { file: 'a.yaml', diagnostics: [diag(3), diag(8, 8, 2), diag(20), diag(30, 30, 3, 'info only')] },
    { file: 'b.yaml', diagnostics: [] },
  ] };
  const ours = { files: [{ file: 'a.yaml', diagnostics: [diag(3), diag(7, 9)] }, { file: 'b.yaml', diagnostics: [diag(1)] }] };
  const r = coverage(ours, peer);
  assert.deepEqual(r.files, [
    { file: 'a.yaml', peer: 3, ours: 2, sameLine: 1, overlap: 1, missed: 1 },
    { file: 'b.yaml', peer: 0, ours: 1, sameLine: 0, overlap: 0, missed: 0 },
  ]);
  assert.deepEqual(r.missed, [{ file: 'a.yaml', line: 21, character: 3, severity: 'error', message: 'm' }]);
  assert.equal(r.allFound, false);
});

test('ratios divide our median by the peer median and skip what is missing or zero', () => {
  const fig = (median) => ({ median });
  const summary = {
    ours: { figures: { 'hover p50': fig(1), 'peak RSS': fig(100), 'open/change timeouts': fig(0) } },
    peer: { figures: { 'hover p50': fig(4), 'peak RSS': null, 'open/change timeouts': fig(0) } },
  };
  const r = ratios(summary, 'ours', 'peer');
  assert.equal(r['hover p50'], 0.25);
  assert.equal(r['peak RSS'], null);
  assert.equal(r['open/change timeouts'], null);
});

const simModules = [
  { name: 'no benchmarkInput', mod: { simulate: () => ({}) }, reason: /no benchmarkInput\(\)/ },
  { name: 'no simulate', mod: { benchmarkInput: () => ({}) }, reason: /no simulate\(\)/ },
  { name: 'simulate throws', mod: { benchmarkInput: () => fakeInput('keda'), simulate: () => { throw new Error('boom'); } }, reason: /simulate threw: boom/ },
];
function fakeInput(kind) {
  const spec = kind === 'keda' ? { maxReplicaCount: 12 } : { maxReplicas: 10 };
  return { policy: { kind, spec }, traffic: { scale: 1 }, durationSeconds: 86400, stepSeconds: 1 };
}
for (const c of simModules) {
  test(`simulation hook: n/a when ${c.name}`, () => {
    const r = benchSimulation(c.mod);
    assert.equal(r.status, 'n/a');
    assert.match(r.reason, c.reason);
  });
}

for (const kind of ['keda', 'hpa']) {
  test(`simulation hook: horizons and fleet scales reach simulate (${kind})`, () => {
    const seen = [];
    const simulate = (input) => {
      seen.push({ duration: input.durationSeconds, scale: input.traffic.scale, cap: input.policy.spec.maxReplicaCount ?? input.policy.spec.maxReplicas });
      return { summary: { replicas: { peak: input.policy.spec.maxReplicaCount ?? input.policy.spec.maxReplicas } }, problems: [] };
    };
    const r = benchSimulation({ simulate, benchmarkInput: () => fakeInput(kind) });
    assert.equal(r.status, 'ok');
    const base = kind === 'keda' ? 12 : 10;
    assert.deepEqual(r.horizons.map((h) => h.steps), [3600, 21600, 86400, 604800]);
    assert.deepEqual(r.fleets.map((f) => [f.scale, f.maxReplicas, f.peakReplicas]), [[1, base, base], [4, 4 * base, 4 * base], [16, 16 * base, 16 * base]]);
    assert.ok(seen.some((s) => s.duration === 604800));
    assert.ok(seen.some((s) => s.scale === 16 && s.cap === 16 * base));
    // Timed only after a warm-up, with the first (cold) call reported apart.
    const day = r.horizons.find((h) => h.steps === 86400);
    assert.ok(day.warmups >= 10, `${day.warmups} warm-up calls`);
    assert.ok(day.runs >= 10, `${day.runs} timed runs`);
    assert.equal(typeof day.coldMs, 'number');
  });
}
