import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runVector, Vector, VectorContext, VectorResult } from '../../server/src/engine/sim/vectors';
import extra from '../fixtures/vectors/hpa-upstream-extra.json';
import file from '../fixtures/vectors/hpa.json';

// Every vector of the upstream-derived HPA files runs through the same dispatcher as `scalelens vectors`.
// Each file is its own context: a reconcile vector finds its replica-calculator twin in its own file.
const FILES: Array<{ name: string; vectors: Vector[]; count: number }> = [
  { name: 'hpa.json', vectors: file.vectors as Vector[], count: 66 },
  { name: 'hpa-upstream-extra.json', vectors: extra.vectors as Vector[], count: 59 },
];
const family = (v: Vector) => v.function.replace(/\s*\(.*\)$/, '');

function detail(r: VectorResult): string {
  return `${r.id}: ${r.message ?? ''}\n  expected ${JSON.stringify(r.expected)}\n  got      ${JSON.stringify(r.got)}`;
}

/** assertCalculator: a replica-calculator vector passes and proposes a whole, non-negative count, or the error it expects. */
function assertCalculator(v: Vector, ctx: VectorContext): void {
  const r = runVector(v, ctx);
  assert.equal(r.status, 'pass', detail(r));
  const got = r.got as { replicas?: number; error?: string };
  if ('error' in (v.expected as object)) assert.ok(got.error && got.replicas === undefined, `${v.id}: expected only an error`);
  else assert.ok(typeof got.replicas === 'number' && Number.isInteger(got.replicas) && got.replicas >= 0, `${v.id}: replicas ${got.replicas}`);
}

/** assertNormalizer: a normalisation vector passes and stays within [min, max] when both are given. */
function assertNormalizer(v: Vector, ctx: VectorContext): void {
  const r = runVector(v, ctx);
  assert.equal(r.status, 'pass', detail(r));
  const input = v.input as { minReplicas?: number; maxReplicas?: number };
  const got = r.got as { replicas?: number };
  if (got.replicas !== undefined && input.minReplicas !== undefined && input.maxReplicas !== undefined) {
    assert.ok(got.replicas >= input.minReplicas && got.replicas <= input.maxReplicas, `${v.id}: ${got.replicas} outside [${input.minReplicas}, ${input.maxReplicas}]`);
  }
}

/** assertReconcile: an end-to-end vector passes through HpaController.reconcile. */
function assertReconcile(v: Vector, ctx: VectorContext): void {
  const r = runVector(v, ctx);
  assert.equal(r.status, 'pass', detail(r));
}

const FAMILIES: Record<string, (v: Vector, ctx: VectorContext) => void> = {
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

for (const { name: fileName, vectors, count } of FILES) {
  const ctx: VectorContext = { vectors, defaults: {} };

  test(`every vector of ${fileName} belongs to a tested family`, () => {
    assert.equal(vectors.length, count);
    assert.deepEqual(vectors.filter((v) => !FAMILIES[family(v)]).map((v) => v.id), []);
  });

  for (const [name, check] of Object.entries(FAMILIES)) {
    describe(`${fileName}: ${name}`, () => {
      for (const v of vectors.filter((x) => family(x) === name)) test(v.id, () => check(v, ctx));
    });
  }
}
