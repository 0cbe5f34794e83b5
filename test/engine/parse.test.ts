import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllDocuments, type Document } from 'yaml';
import { maskTemplates, parseFile, scalarString, getNode } from '../../server/src/engine/parse';
import { objectsOf, workloadOf } from '../../server/src/engine/model';

test('parse: every document of a file is kept with its range', () => {
  const text = 'kind: A\n---\nkind: B\n---\nkind: C\n';
  const f = parseFile('file:///x.yaml', text);
  assert.equal(f.docs.length, 3);
  assert.deepEqual(f.docs.map((d) => scalarString(getNode(d.doc.contents, ['kind']))), ['A', 'B', 'C']);
  assert.equal(text.slice(f.docs[1].start, f.docs[1].start + 3), '---');
});

test('parse: a syntax error is reported with offsets, never thrown', () => {
  const f = parseFile('file:///x.yaml', 'a: 1\nb: [x\n');
  assert.ok(f.syntax.length > 0);
  for (const p of f.syntax) assert.ok(p.start >= 0 && p.end <= 12 && p.end > p.start);
});

const inputs: Array<{ name: string; text: string }> = [
  { name: 'empty', text: '' },
  { name: 'only a comment', text: '# nothing\n' },
  { name: 'tabs', text: 'a:\n\tb: 1\n' },
  { name: 'binary noise', text: '\u0000\u0001\u0002{{{[[[' },
  { name: 'unclosed quote', text: 'a: "abc\n' },
  { name: 'deep nesting', text: '['.repeat(2000) },
  { name: 'duplicate keys', text: 'a: 1\na: 2\n' },
  { name: 'anchors and aliases', text: 'a: &x {b: 1}\nc: *x\nd: *missing\n' },
];
for (const c of inputs) {
  test(`parse: bad input does not throw (${c.name})`, () => {
    const f = parseFile('file:///x.yaml', c.text);
    assert.equal(f.text, c.text);
    objectsOf(f);
  });
}

/** Nesting past the parser's stack: one problem per document, in words about the YAML rather than the engine's. */
const deep: Array<{ name: string; text: string }> = [
  { name: 'block mappings', text: Array.from({ length: 3000 }, (_, k) => `${'  '.repeat(k)}k${k}:\n`).join('') + `${'  '.repeat(3000)}v\n` },
  { name: 'flow sequences', text: `a: ${'['.repeat(20000)}${']'.repeat(20000)}\n` },
];
for (const c of deep) {
  test(`parse: YAML nested too deeply is one readable problem (${c.name})`, () => {
    const f = parseFile('file:///deep.yaml', c.text);
    const deepProblems = f.syntax.filter((p) => /nests too deeply/.test(p.message));
    assert.equal(deepProblems.length, 1, f.syntax.map((p) => p.message).join('\n'));
    assert.ok(f.syntax.every((p) => !/call stack/i.test(p.message)));
  });
}

test('templates: masking keeps every offset and the YAML shape', () => {
  const text = [
    'apiVersion: keda.sh/v1alpha1',
    'kind: ScaledObject',
    'metadata:',
    '  name: {{ include "x.fullname" . }}',
    'spec:',
    '  {{- if .Values.autoscaling.enabled }}',
    '  minReplicaCount: {{ .Values.min }}',
    '  {{- end }}',
    '  maxReplicaCount: ${MAX}',
    '',
  ].join('\n');
  const { masked, spans } = maskTemplates(text);
  assert.equal(masked.length, text.length);
  assert.equal(masked.split('\n').length, text.split('\n').length);
  assert.equal(spans.filter((s) => s.kind === 'helm').length, 4);
  assert.equal(spans.filter((s) => s.kind === 'envsubst').length, 1);
  const f = parseFile('file:///t.yaml', text);
  assert.equal(f.templated, 'helm');
  assert.equal(f.syntax.length, 0);
  const [obj] = objectsOf(f);
  assert.equal(obj.known, 'ScaledObject');
});

test('model: GPUs per pod and engine of a vLLM Deployment', () => {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: vllm}
spec:
  replicas: 2
  template:
    spec:
      nodeSelector:
        nvidia.com/gpu.product: NVIDIA-H100-80GB-HBM3
      containers:
        - name: server
          image: vllm/vllm-openai:v0.11.0
          args: ["--model", "meta-llama/Llama-3.1-70B-Instruct", "--tensor-parallel-size", "4"]
          resources:
            limits:
              nvidia.com/gpu: "4"
        - name: sidecar
          image: busybox
`;
  const [obj] = objectsOf(parseFile('file:///d.yaml', text));
  const w = workloadOf(obj)!;
  assert.equal(w.gpusPerPod, 4);
  assert.equal(w.engine, 'vllm');
  assert.equal(w.replicas, 2);
  assert.deepEqual(w.gpuResources, ['nvidia.com/gpu']);
  assert.equal(w.nodeSelector['nvidia.com/gpu.product'], 'NVIDIA-H100-80GB-HBM3');
});

test('model: a LeaderWorkerSet counts the GPUs of the whole group', () => {
  const text = `apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: {name: big}
spec:
  leaderWorkerTemplate:
    size: 2
    leaderTemplate:
      spec:
        containers:
          - name: leader
            image: vllm/vllm-openai
            resources: {limits: {nvidia.com/gpu: "8"}}
    workerTemplate:
      spec:
        containers:
          - name: worker
            image: vllm/vllm-openai
            resources: {limits: {nvidia.com/gpu: "8"}}
`;
  const [obj] = objectsOf(parseFile('file:///l.yaml', text));
  assert.equal(workloadOf(obj)!.gpusPerPod, 16);
});

/** Keys given twice, as the yaml library's own `uniqueKeys` check finds them: the parse must report the same places. */
const repeatedKeys: Array<{ name: string; text: string }> = [
  { name: 'block map', text: 'a: 1\nb: 2\na: 3\n' },
  { name: 'flow map', text: 'x: {a: 1, b: 2, a: 3, b: 4}\n' },
  { name: 'nested and in lists', text: 'a:\n  - {k: 1, k: 2}\n  - k: 1\n    j: 2\n    k: 3\nb: {c: {d: 1, d: 1}}\n' },
  { name: 'numbers, strings and booleans', text: '1: a\n1.0: b\n"1": c\ntrue: d\n"true": e\ntrue: f\n' },
  { name: 'empty keys', text: ': a\n: b\n' },
  { name: 'NaN keys are never the same', text: '.nan: a\n.nan: b\n' },
  { name: 'anchored and quoted keys', text: '&k a: 1\n"a": 2\n\'a\': 3\n' },
  { name: 'explicit keys', text: '? a\n: 1\n? a\n: 2\n' },
  { name: 'several documents', text: 'a: 1\na: 2\n---\nb: 1\nb: 1\na: 1\n' },
  { name: 'a key thrice', text: 'a: 1\na: 2\na: 3\n' },
];
for (const c of repeatedKeys) {
  test(`parse: keys given twice are found where the yaml library finds them (${c.name})`, () => {
    const expected = parseAllDocuments(c.text, { uniqueKeys: true }).flatMap((d) => (d as Document).errors.filter((e) => e.code === 'DUPLICATE_KEY').map((e) => e.pos[0]));
    const got = parseFile('file:///x.yaml', c.text).syntax.filter((p) => /twice/.test(p.message)).map((p) => p.start);
    assert.deepEqual(got, expected);
  });
}

test('parse: a repeat among 20,000 keys is found', () => {
  // The parser's own check compared every pair of keys (seconds for this map); the parse now keeps a set per map.
  const text = `m:\n${Array.from({ length: 20000 }, (_, i) => `  k${i}: v`).join('\n')}\n  k7: again\n`;
  const f = parseFile('file:///x.yaml', text);
  assert.deepEqual(f.syntax.map((p) => text.slice(p.start, p.start + 2)), ['k7']);
});

test('parse: 200,000 repeats of one key are all reported, without overflowing the stack', () => {
  const text = 'a: 1\n'.repeat(200_000);
  const f = parseFile('file:///x.yaml', text);
  assert.equal(f.syntax.length, 199_999);
});
