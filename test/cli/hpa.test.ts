import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist', 'cli.js');

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const KAFKA = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: jobs
spec:
  scaleTargetRef:
    name: worker
  triggers:
  - type: kafka
    metadata:
      topic: jobs
      lagThreshold: "10"
`;

test('hpa: one HPA document per ScaledObject of the examples, named and bounded as KEDA does', () => {
  const r = run(['hpa', 'examples/']);
  assert.equal(r.code, 0, r.err);
  const docs = parseAllDocuments(r.out).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: { minReplicas: number; metrics: Array<{ external?: { metric: { name: string } } }> } });
  assert.deepEqual(docs.map((d) => d.metadata.name).sort(), ['keda-hpa-llama-3-1-8b', 'keda-hpa-triton-llama']);
  assert.ok(docs.every((d) => d.kind === 'HorizontalPodAutoscaler' && d.spec.metrics[0].external?.metric.name === 's0-prometheus'));
});

test('hpa: a ScaledObject whose metric name KEDA builds from scaler metadata says why, and exits 1', () => {
  const r = run(['hpa', '-'], KAFKA);
  assert.equal(r.code, 1);
  assert.match(r.out, /ScaledObject jobs \(<stdin>\): no HPA written: .*kafka/);
});

test('hpa: JSON output, and no ScaledObject at all is a usage error', () => {
  const r = run(['hpa', '-f', 'json', 'examples/vllm-keda-queue']);
  assert.equal(r.code, 0, r.err);
  const list = JSON.parse(r.out) as Array<{ hpa: { spec: { maxReplicas: number } } }>;
  assert.equal(list.length, 1);
  assert.equal(list[0].hpa.spec.maxReplicas, 8);
  const none = run(['hpa', 'examples/vllm-cpu-hpa']);
  assert.equal(none.code, 2);
  assert.match(none.err, /no ScaledObject/);
});

test('hpa: a file that is not UTF-8 is read, and said so, as lint and simulate say it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scalelens-hpa-'));
  try {
    const so = readFileSync(join(ROOT, 'examples', 'vllm-keda-queue', 'scaledobject.yaml'), 'utf8').replace('# ', '# caf\u00e9 ');
    writeFileSync(join(dir, 'so.yaml'), Buffer.from(so, 'latin1'));
    const r = run(['hpa', join(dir, 'so.yaml')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /so\.yaml is not UTF-8 text: its invalid bytes were read as U\+FFFD\n/);
    assert.match(r.out, /name: keda-hpa-llama-3-1-8b/);
    const missing = run(['hpa', join(dir, 'nope.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /^scalelens hpa: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
