import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runVector, Vector, VectorContext, VectorResult } from '../../server/src/engine/sim/vectors';
import extra from '../fixtures/vectors/keda-upstream-extra.json';
import file from '../fixtures/vectors/keda.json';

// Every vector of the KEDA files runs through the same dispatcher as `scalelens vectors`.
const FILES: Array<{ name: string; vectors: Vector[]; defaults: Record<string, unknown>; count: number }> = [
  { name: 'keda.json', vectors: file.vectors as Vector[], defaults: file.defaults, count: 29 },
  { name: 'keda-upstream-extra.json', vectors: extra.vectors as Vector[], defaults: extra.defaults, count: 30 },
];

function detail(r: VectorResult): string {
  return `${r.id}: ${r.message ?? ''}\n  expected ${JSON.stringify(r.expected)}\n  got      ${JSON.stringify(r.got)}`;
}

/** assertPrometheus: a prometheus vector passes; an error always comes with the value -1, as upstream. */
function assertPrometheus(v: Vector, ctx: VectorContext): void {
  const r = runVector(v, ctx);
  assert.equal(r.status, 'pass', detail(r));
  const got = r.got as { value?: number; error?: boolean };
  if (got.error) assert.equal(got.value, -1, v.id);
}

/**
 * assertFallback: a fallback vector passes; on an error the failure count moves by exactly one when a
 * valid fallback is configured, and not at all otherwise (upstream only writes the health status back then).
 */
function assertFallback(v: Vector, ctx: VectorContext): void {
  const r = runVector(v, ctx);
  assert.equal(r.status, 'pass', detail(r));
  const input = v.input as { numberOfFailuresBefore?: number; scalerError?: boolean; fallback?: { failureThreshold?: number; replicas: number } };
  const got = r.got as { numberOfFailuresAfter?: number };
  const tracked = input.fallback !== undefined && (input.fallback.failureThreshold ?? 0) >= 0 && input.fallback.replicas >= 0;
  if (input.scalerError && input.numberOfFailuresBefore !== undefined) assert.equal(got.numberOfFailuresAfter, input.numberOfFailuresBefore + (tracked ? 1 : 0), v.id);
}

/** assertExecutor: a RequestScale vector passes; KEDA only ever sets 0, idle or the min-or-1 count. */
function assertExecutor(v: Vector, ctx: VectorContext): void {
  const r = runVector(v, ctx);
  assert.equal(r.status, 'pass', detail(r));
  const input = v.input as { minReplicaCount?: number; idleReplicaCount?: number };
  const set = (r.got as { setReplicas: number | null }).setReplicas;
  if (set !== null) assert.ok([0, input.idleReplicaCount, Math.max(input.minReplicaCount ?? 0, 1), input.minReplicaCount].includes(set), `${v.id}: set ${set}`);
}

/** assertKedaHpa: a ScaledObject-to-HPA vector passes. */
function assertKedaHpa(v: Vector, ctx: VectorContext): void {
  const r = runVector(v, ctx);
  assert.equal(r.status, 'pass', detail(r));
}

const FAMILIES: Record<string, (v: Vector, ctx: VectorContext) => void> = {
  'prometheusScaler.ExecutePromQuery': assertPrometheus,
  'prometheus isActive': assertPrometheus,
  'GetMetricsWithFallback/doFallback': assertFallback,
  GetMetricsWithFallback: assertFallback,
  doFallback: assertFallback,
  RequestScale: assertExecutor,
  GetExternalPerPodMetricReplicas: assertKedaHpa,
  GetExternalMetricReplicas: assertKedaHpa,
};

for (const { name: fileName, vectors, defaults, count } of FILES) {
  const ctx: VectorContext = { vectors, defaults };

  test(`every vector of ${fileName} belongs to a tested family`, () => {
    assert.equal(vectors.length, count);
    assert.deepEqual(vectors.filter((v) => !FAMILIES[v.function]).map((v) => v.id), []);
  });

  for (const [name, check] of Object.entries(FAMILIES)) {
    describe(`${fileName}: ${name}`, () => {
      for (const v of vectors.filter((x) => x.function === name)) test(v.id, () => check(v, ctx));
    });
  }
}
