import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, ClusterParams, PodPhase } from '../../server/src/engine/sim/cluster';

/** tallied counts a cluster's pods. */
const tallied = (c: Cluster) => c.tally({ serving: 0, ready: 0, pending: 0, loading: 0, active: 0 });

const params = (over: Partial<ClusterParams> = {}): ClusterParams => ({
  gpusPerNode: 2,
  gpusPerReplica: 1,
  nodeProvisionSeconds: 300,
  nodeScaleDownDelaySeconds: 600,
  maxNodes: Infinity,
  initialNodes: 0,
  minNodes: 0,
  imagePullSeconds: 100,
  imageCachedPerNode: true,
  modelLoadSeconds: 20,
  engineStartSeconds: 30,
  readyWhen: 'model',
  terminationGracePeriodSeconds: 30,
  ...over,
});

/** world builds a cluster whose serving pods drain for `drain` seconds, and lists the pods whose container started. */
function world(over: Partial<ClusterParams> = {}, drain = 5) {
  const started: string[] = [];
  const c = new Cluster(params(over), 'llm', { onContainerStart: (p) => started.push(p.name), onDrain: () => drain });
  return { c, started };
}

/** advanceTo runs the cluster second by second. */
function advanceTo(c: Cluster, from: number, to: number): void {
  for (let t = from; t <= to; t++) c.advance(t);
}

const phases = (c: Cluster): PodPhase[] => c.pods.map((p) => p.phase);

test('cluster start: the initial replicas serve at once on just enough nodes', () => {
  const { c, started } = world();
  c.start(3);
  assert.deepEqual(phases(c), ['serving', 'serving', 'serving']);
  assert.equal(started.length, 3);
  assert.equal(c.billedNodes(), 2);
  assert.equal(tallied(c).ready, 3);
});

const startCases: Array<{ name: string; initial: number; servesAt: number; neededNode: boolean }> = [
  // A free GPU on a node that has the image: no node, no pull, only model load and engine start.
  { name: 'a free GPU with the image cached', initial: 1, servesAt: 10 + 20 + 30, neededNode: false },
  // No free GPU: a node is provisioned, then the image is pulled there.
  { name: 'no free GPU: a new node, then a pull', initial: 2, servesAt: 10 + 300 + 100 + 20 + 30, neededNode: true },
];
for (const s of startCases) {
  test(`cluster cold start: ${s.name}`, () => {
    const { c } = world();
    c.start(s.initial);
    c.scaleTo(s.initial + 1, 10);
    advanceTo(c, 10, 1000);
    const pod = c.pods[c.pods.length - 1];
    assert.equal(pod.servingAt, s.servesAt);
    // The one pod created after the start is the run's one cold start.
    const cold = c.log.coldStarts();
    assert.equal(cold.count, 1);
    assert.equal(cold.withNewNode, s.neededNode ? 1 : 0);
    assert.equal(cold.maxSeconds, s.servesAt - 10);
  });
}

test('cluster readiness: without a probe a loading pod is Ready, with one it is not', () => {
  for (const [readyWhen, ready] of [['container', true], ['model', false]] as const) {
    const { c } = world({ readyWhen });
    c.start(1);
    c.scaleTo(2, 0);
    advanceTo(c, 0, 5);
    assert.equal(c.pods[1].phase, 'loading');
    assert.equal(tallied(c).ready, ready ? 2 : 1, readyWhen);
    const status = c.statuses()[1];
    assert.equal(status.phase, 'Running');
    assert.equal(status.ready, ready);
  }
});

test('cluster scale-down: starting pods go first, serving pods drain then free their GPUs', () => {
  const { c } = world({}, 500);
  c.start(2);
  c.scaleTo(3, 0);
  advanceTo(c, 0, 5);
  c.scaleTo(1, 5);
  // The pending pod went at once; the newest serving pod drains for its grace period (shorter than the work).
  assert.deepEqual(phases(c), ['serving', 'terminating']);
  assert.equal(c.statuses()[1].deleting, true);
  advanceTo(c, 6, 35);
  assert.deepEqual(phases(c), ['serving']);
});

test('cluster nodes: an empty node is billed until the scale-down delay passes', () => {
  const { c } = world({ gpusPerNode: 1 });
  c.start(2);
  c.scaleTo(1, 0);
  advanceTo(c, 0, 29);
  assert.equal(c.billedNodes(), 2);
  advanceTo(c, 30, 640);
  assert.equal(c.billedNodes(), 1);
});

test('cluster nodes: maxNodes leaves pods pending', () => {
  const { c } = world({ gpusPerNode: 1, maxNodes: 2 });
  c.start(2);
  c.scaleTo(4, 0);
  advanceTo(c, 0, 2000);
  assert.equal(c.pods.filter((p) => p.phase === 'unschedulable').length, 2);
  assert.equal(c.billedNodes(), 2);
});

test('cluster nodes: a replica wider than a node takes whole nodes', () => {
  const { c } = world({ gpusPerNode: 8, gpusPerReplica: 16 });
  c.start(1);
  assert.equal(c.billedNodes(), 2);
  c.scaleTo(2, 0);
  advanceTo(c, 0, 2000);
  assert.equal(c.billedNodes(), 4);
  assert.equal(tallied(c).serving, 2);
});

test('cluster names: pod names are unique and stable', () => {
  const a = world().c;
  const b = world().c;
  a.start(5);
  b.start(5);
  assert.deepEqual(a.pods.map((p) => p.name), b.pods.map((p) => p.name));
  assert.equal(new Set(a.pods.map((p) => p.name)).size, 5);
  assert.match(a.pods[0].name, /^llm-[a-z0-9]+-[a-z0-9]{5}$/);
});
