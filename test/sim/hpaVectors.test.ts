import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runVector, Vector, VectorContext, VectorResult } from '../../server/src/engine/sim/vectors';
import file from '../fixtures/vectors/hpa.json';

// Every vector of the upstream-derived HPA file runs through the same dispatcher as `scalelens vectors`.
const vectors = file.vectors as Vector[];
const ctx: VectorContext = { vectors, defaults: {} };
const family = (v: Vector) => v.function.replace(/\s*\(.*\)$/, '');

function detail(r: VectorResult): string {
  return `${r.id}: ${r.message ?? ''}\n  expected ${JSON.stringify(r.expected)}\n  got      ${JSON.stringify(r.got)}`;
}

/** assertCalculator: a replica-calculator vector passes and proposes a whole, non-negative count. */
function assertCalculator(v: Vector): void {
  const r = runVector(v, ctx);
  assert.equal(r.status, 'pass', detail(r));
  const got = r.got as { replicas: number };
  assert.ok(Number.isInteger(got.replicas) && got.replicas >= 0, `${v.id}: replicas ${got.replicas}`);
}

/** assertNormalizer: a normalisation vector passes and stays within [min, max] when both are given. */
function assertNormalizer(v: Vector): void {
  const r = runVector(v, ctx);
  assert.equal(r.status, 'pass', detail(r));
  const input = v.input as { minReplicas?: number; maxReplicas?: number };
  const got = r.got as { replicas?: number };
  if (got.replicas !== undefined && input.minReplicas !== undefined && input.maxReplicas !== undefined) {
    assert.ok(got.replicas >= input.minReplicas && got.replicas <= input.maxReplicas, `${v.id}: ${got.replicas} outside [${input.minReplicas}, ${input.maxReplicas}]`);
  }
}

/** assertReconcile: an end-to-end vector passes through HpaController.reconcile. */
function assertReconcile(v: Vector): void {
  const r = runVector(v, ctx);
  assert.equal(r.status, 'pass', detail(r));
}

const FAMILIES: Record<string, (v: Vector) => void> = {
  GetResourceReplicas: assertCalculator,
  GetMetricReplicas: assertCalculator,
  GetObjectMetricReplicas: assertCalculator,
  GetExternalMetricReplicas: assertCalculator,
  GetObjectPerPodMetricReplicas: assertCalculator,
  GetExternalPerPodMetricReplicas: assertCalculator,
  convertDesiredReplicasWithRules: assertNormalizer,
  stabilizeRecommendation: assertNormalizer,
  convertDesiredReplicasWithBehaviorRate: assertNormalizer,
  calculateScaleUpLimitWithScalingRules: assertNormalizer,
  calculateScaleDownLimitWithBehaviors: assertNormalizer,
  stabilizeRecommendationWithBehaviors: assertNormalizer,
  reconcileAutoscaler: assertReconcile,
};

test('every HPA vector belongs to a tested family', () => {
  assert.equal(vectors.length, 66);
  assert.deepEqual(vectors.filter((v) => !FAMILIES[family(v)]).map((v) => v.id), []);
});

for (const [name, check] of Object.entries(FAMILIES)) {
  describe(`hpa vectors: ${name}`, () => {
    for (const v of vectors.filter((x) => family(x) === name)) test(v.id, () => check(v));
  });
}
