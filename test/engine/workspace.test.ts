import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFile } from '../../server/src/engine/parse';
import { memoCache, WorkspaceIndex } from '../../server/src/engine/workspace';
import type { K8sObject } from '../../server/src/engine/model';
import { doValidation } from '../../server/src/engine/services/validation';
import { defaultSettings } from '../../server/src/engine/types';

const deployment = (name: string): string => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n`;
const hpa = (name: string, target: string): string =>
  `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: ${name}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ${target}}\n  maxReplicas: 2\n`;

/** A workspace of named files; `step` changes it between two lookups of the same autoscaler. */
const cases: Array<{ name: string; files: Record<string, string>; step: (ws: WorkspaceIndex) => void; before: string | undefined; after: string | undefined; scalersAfter: string[] }> = [
  {
    name: 'the target file renames its Deployment',
    files: { 'a.yaml': hpa('a', 'web'), 'b.yaml': deployment('web') },
    step: (ws) => ws.update(parseFile('file:///b.yaml', deployment('api'), 2)),
    before: 'web',
    after: undefined,
    scalersAfter: [],
  },
  {
    name: 'the target appears in a new file',
    files: { 'a.yaml': hpa('a', 'web') },
    step: (ws) => ws.update(parseFile('file:///c.yaml', deployment('web'), 1)),
    before: undefined,
    after: 'web',
    scalersAfter: ['a'],
  },
  {
    name: 'a second autoscaler of the same target is removed',
    files: { 'a.yaml': hpa('a', 'web'), 'b.yaml': deployment('web'), 'd.yaml': hpa('d', 'web') },
    step: (ws) => ws.remove('file:///d.yaml'),
    before: 'web',
    after: 'web',
    scalersAfter: ['a'],
  },
];

for (const c of cases) {
  test(`workspace: target lookups follow every change (${c.name})`, () => {
    const ws = new WorkspaceIndex();
    for (const [name, text] of Object.entries(c.files)) ws.update(parseFile(`file:///${name}`, text, 1));
    const [autoscaler] = ws.objectsIn('file:///a.yaml');
    assert.equal(ws.resolveTarget(autoscaler)?.name, c.before);
    c.step(ws);
    const target = ws.resolveTarget(autoscaler);
    assert.equal(target?.name, c.after);
    assert.deepEqual(target ? ws.autoscalersOf(target).map((o) => o.name) : [], c.scalersAfter);
  });
}

test('workspace: autoscalersOf lists every autoscaler of a target in workspace order', () => {
  const ws = new WorkspaceIndex();
  ws.update(parseFile('file:///a.yaml', `${hpa('first', 'web')}---\n${deployment('web')}`, 1));
  ws.update(parseFile('file:///b.yaml', hpa('second', 'web'), 1));
  const target = ws.objectsIn('file:///a.yaml')[1];
  assert.deepEqual(ws.autoscalersOf(target).map((o) => o.name), ['first', 'second']);
  // The index's own list, read only (the type forbids changing it): asking twice gives the same list.
  assert.equal(ws.autoscalersOf(target), ws.autoscalersOf(target));
});

test('workspace: an explicit reference is looked up as given', () => {
  const ws = new WorkspaceIndex();
  ws.update(parseFile('file:///a.yaml', `${hpa('a', 'web')}---\n${deployment('web')}---\n${deployment('api')}`, 1));
  const [autoscaler] = ws.objectsIn('file:///a.yaml');
  assert.equal(ws.resolveTarget(autoscaler)?.name, 'web');
  assert.equal(ws.resolveTarget(autoscaler, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', path: [] })?.name, 'api');
  assert.equal(ws.resolveTarget(autoscaler)?.name, 'web');
});

test('workspace: ofKind and named follow every change', () => {
  const ws = new WorkspaceIndex();
  ws.update(parseFile('file:///a.yaml', `${deployment('web')}---\n${deployment('api')}---\n${hpa('h', 'web')}`, 1));
  assert.deepEqual(ws.ofKind('Deployment').map((o) => o.name), ['web', 'api']);
  assert.deepEqual(ws.named('Deployment', 'api').map((o) => o.file.uri), ['file:///a.yaml']);
  ws.update(parseFile('file:///b.yaml', deployment('api'), 1));
  assert.deepEqual(ws.named('Deployment', 'api').map((o) => o.file.uri), ['file:///a.yaml', 'file:///b.yaml']);
  ws.update(parseFile('file:///a.yaml', hpa('h', 'api'), 2));
  assert.deepEqual(ws.ofKind('Deployment').map((o) => o.name), ['api']);
  assert.deepEqual(ws.named('Deployment', 'web'), []);
  assert.deepEqual(ws.ofKind('HorizontalPodAutoscaler').map((o) => o.name), ['h']);
  ws.remove('file:///b.yaml');
  assert.deepEqual(ws.ofKind('Deployment'), []);
});

/** A WorkspaceIndex that counts the objects its callers walk through with all(). */
class CountingIndex extends WorkspaceIndex {
  walked = 0;
  override *all(): Iterable<K8sObject> {
    for (const o of super.all()) {
      this.walked++;
      yield o;
    }
  }
}

const gpuDeployment = (name: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n      - name: vllm\n        image: vllm/vllm-openai:v0.10.0\n        resources:\n          limits:\n            nvidia.com/gpu: 1\n`;
const queueScaler = (name: string, target: string): string =>
  `apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: ${name}\nspec:\n  scaleTargetRef:\n    name: ${target}\n  maxReplicaCount: 4\n  triggers:\n  - type: prometheus\n    metadata:\n      serverAddress: http://prometheus:9090\n      query: sum(vllm:num_requests_waiting{model_name="${name}"})\n      threshold: "5"\n`;

/** Workspaces of many autoscalers, as one rendered chart gives: every lookup must stay linear in their size. */
const scaleCases: Array<{ name: string; text: (i: number) => string }> = [
  { name: 'each ScaledObject finds its Deployment', text: (i) => `${gpuDeployment(`m${i}`)}---\n${queueScaler(`m${i}`, `m${i}`)}` },
  { name: 'no ScaledObject finds its Deployment', text: (i) => `${gpuDeployment(`m${i}`)}---\n${queueScaler(`m${i}`, `m${i}-old`)}` },
];
for (const c of scaleCases) {
  test(`workspace: validating N autoscalers walks the workspace a bounded number of times (${c.name})`, () => {
    const n = 150;
    const ws = new CountingIndex();
    ws.update(parseFile('file:///chart/all.yaml', Array.from({ length: n }, (_, i) => c.text(i)).join('---\n'), 1));
    const file = ws.file('file:///chart/all.yaml')!;
    assert.equal(ws.ofKind('ScaledObject').length, n);
    ws.walked = 0;
    const findings = doValidation(file, ws, defaultSettings);
    assert.ok(findings.length >= n, 'every autoscaler is checked');
    // One walk per lookup of each autoscaler would be n × 2n = 45,000 objects.
    assert.ok(ws.walked <= 5 * 2 * n, `walked ${ws.walked} objects for ${2 * n}`);
  });
}

test('memo builds a derived result once per generation, and again after any change', () => {
  const ws = new WorkspaceIndex();
  ws.update(parseFile('file:///a.yaml', deployment('web'), 1));
  const names = memoCache<string, string[]>('names of a kind');
  let builds = 0;
  const namesOf = (kind: string) => ws.memo(names, kind, () => (builds++, [...ws.ofKind(kind)].map((o) => o.name ?? '')));
  assert.deepEqual(namesOf('Deployment'), ['web']);
  assert.deepEqual(namesOf('Deployment'), ['web']);
  assert.deepEqual(namesOf('HorizontalPodAutoscaler'), []);
  assert.equal(builds, 2, 'one build per key');
  ws.update(parseFile('file:///b.yaml', deployment('api'), 1));
  assert.deepEqual(namesOf('Deployment'), ['web', 'api']);
  ws.remove('file:///a.yaml');
  assert.deepEqual(namesOf('Deployment'), ['api']);
  assert.equal(builds, 4);
});
