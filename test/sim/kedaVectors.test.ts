import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runVector, Vector, VectorContext, VectorResult } from '../../server/src/engine/sim/vectors';
import file from '../fixtures/vectors/keda.json';

// Every vector of the KEDA file runs through the same dispatcher as `scalelens vectors`.
const vectors = file.vectors as Vector[];
const ctx: VectorContext = { vectors, defaults: file.defaults };

function detail(r: VectorResult): string {
  return `${r.id}: ${r.message ?? ''}\n  expected ${JSON.stringify(r.expected)}\n  got      ${JSON.stringify(r.got)}`;
}

/** assertPrometheus: a prometheus vector passes; an error always comes with the value -1, as upstream. */
function assertPrometheus(v: Vector): void {
  const r = runVector(v, ctx);
  assert.equal(r.status, 'pass', detail(r));
  const got = r.got as { value?: number; error?: boolean };
  if (got.error) assert.equal(got.value, -1, v.id);
}

/** assertFallback: a fallback vector passes and the failure count moved by exactly one on an error. */
function assertFallback(v: Vector): void {
  const r = runVector(v, ctx);
  assert.equal(r.status, 'pass', detail(r));
  const input = v.input as { numberOfFailuresBefore?: number; scalerError?: boolean };
  const got = r.got as { numberOfFailuresAfter?: number };
  if (input.scalerError && input.numberOfFailuresBefore !== undefined) assert.equal(got.numberOfFailuresAfter, input.numberOfFailuresBefore + 1, v.id);
}

/** assertExecutor: a RequestScale vector passes; KEDA only ever sets 0, idle or the min-or-1 count. */
function assertExecutor(v: Vector): void {
  const r = runVector(v, ctx);
  assert.equal(r.status, 'pass', detail(r));
  const input = v.input as { minReplicaCount?: number; idleReplicaCount?: number };
  const set = (r.got as { setReplicas: number | null }).setReplicas;
  if (set !== null) assert.ok([0, input.idleReplicaCount, Math.max(input.minReplicaCount ?? 0, 1), input.minReplicaCount].includes(set), `${v.id}: set ${set}`);
}

/** assertKedaHpa: a ScaledObject-to-HPA vector passes. */
function assertKedaHpa(v: Vector): void {
  const r = runVector(v, ctx);
  assert.equal(r.status, 'pass', detail(r));
}

const FAMILIES: Record<string, (v: Vector) => void> = {
  'prometheusScaler.ExecutePromQuery': assertPrometheus,
  'prometheus isActive': assertPrometheus,
  'GetMetricsWithFallback/doFallback': assertFallback,
  GetMetricsWithFallback: assertFallback,
  doFallback: assertFallback,
  RequestScale: assertExecutor,
  GetExternalPerPodMetricReplicas: assertKedaHpa,
  GetExternalMetricReplicas: assertKedaHpa,
};

test('every KEDA vector belongs to a tested family', () => {
  assert.equal(vectors.length, 29);
  assert.deepEqual(vectors.filter((v) => !FAMILIES[v.function]).map((v) => v.id), []);
});

for (const [name, check] of Object.entries(FAMILIES)) {
  describe(`keda vectors: ${name}`, () => {
    for (const v of vectors.filter((x) => x.function === name)) test(v.id, () => check(v));
  });
}
