import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMap, isScalar } from 'yaml';
import { get, objectsOf, rootOf, workloadOf } from '../../server/src/engine/model';
import { getNode, parseFile, scalarNumber, scalarString, type YPath } from '../../server/src/engine/parse';
import { readRoot } from '../../server/src/engine/readView';
import { doValidation } from '../../server/src/engine/services/validation';
import { defaultSettings } from '../../server/src/engine/types';
import { WorkspaceIndex } from '../../server/src/engine/workspace';

const first = (text: string) => objectsOf(parseFile('file:///t.yaml', text))[0];

describe('the read view follows aliases and merge keys as the API server does', () => {
  test('a document without either is its own view', () => {
    const obj = first('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: "1"}\n');
    assert.equal(rootOf(obj), obj.doc.doc.contents);
  });

  test('in a file with anchors, a document without any is its own view', () => {
    const file = parseFile('file:///t.yaml', 'kind: A\nx: &a 1\ny: *a\n---\nkind: B\nz: 2\n');
    const [a, b] = objectsOf(file);
    assert.notEqual(rootOf(a), a.doc.doc.contents);
    assert.equal(rootOf(b), b.doc.doc.contents);
  });

  test('an alias reads as the node its anchor names, with the anchor’s range', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: &n web\n  labels: {app: *n}\n';
    const obj = first(text);
    const node = get(obj, ['metadata', 'labels', 'app']);
    assert.equal(scalarString(node), 'web');
    assert.equal(text.slice(node!.range![0], node!.range![1]), 'web');
    assert.equal(node!.range![0], text.indexOf('web'));
  });

  test('own keys win over merged ones, and an earlier source over a later one', () => {
    const obj = first(['kind: X', 'a: &a {p: 1, q: 1}', 'b: &b {q: 2, r: 2}', 'c:', '  <<: [*a, *b]', '  p: 3', ''].join('\n'));
    const c = get(obj, ['c']);
    assert.ok(isMap(c));
    const read = (k: string) => scalarNumber(getNode(c, [k]));
    assert.deepEqual([read('p'), read('q'), read('r')], [3, 1, 2]);
    assert.equal(getNode(c, ['<<']), undefined);
  });

  test('a node inside its own anchor, an unknown anchor and a long chain are read without looping', () => {
    for (const text of ['a: &x [1, *x]\n', 'a: &x {b: *x}\n', 'a: *nope\n', Array.from({ length: 200 }, (_, i) => (i ? `k${i}: &a${i} *a${i - 1}` : 'k0: &a0 v')).join('\n')]) {
      const file = parseFile('file:///t.yaml', text);
      assert.doesNotThrow(() => readRoot(file.docs[0], file));
    }
  });

  test('a LeaderWorkerSet whose worker template is an alias of the leader’s counts both', () => {
    const obj = first(`apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: {name: llama-405b}
spec:
  leaderWorkerTemplate:
    size: 2
    leaderTemplate: &pod
      spec:
        containers:
          - name: vllm
            image: vllm/vllm-openai:v0.8.5
            resources: {limits: {nvidia.com/gpu: "8"}}
    workerTemplate: *pod
`);
    assert.equal(workloadOf(obj)?.gpusPerPod, 16);
  });
});

/** Reading through aliases and merge keys as the API server does; a merge that names its own map must not loop. */
describe('paths through the read view', () => {
  const resolved: Array<{ name: string; text: string; path: YPath; value: unknown; keys?: string[] }> = [
    { name: 'an alias of a scalar', text: 'a: &x 5\nb: *x\n', path: ['b'], value: 5 },
    { name: 'into an aliased map', text: 'a: &x {k: 1}\nb: *x\n', path: ['b', 'k'], value: 1 },
    { name: 'an own key over a merged one', text: 'a: &x {k: 1, j: 2}\nb: {<<: *x, k: 3}\n', path: ['b', 'k'], value: 3, keys: ['k', 'j'] },
    { name: 'a merged key', text: 'a: &x {k: 1, j: 2}\nb: {<<: *x, k: 3}\n', path: ['b', 'j'], value: 2 },
    { name: 'the first of merged maps wins', text: 'a: &x {k: 1}\nc: &y {k: 2, m: 4}\nb: {<<: [*x, *y]}\n', path: ['b', 'k'], value: 1, keys: ['k', 'm'] },
    { name: 'an aliased sequence item', text: 'a: [&x {k: 1}, *x]\n', path: ['a', 1, 'k'], value: 1 },
    { name: 'a merge that names its own map', text: 'a: &x {<<: *x, k: 1}\n', path: ['a', 'j'], value: undefined, keys: ['k'] },
    { name: 'an unknown alias', text: 'b: *nowhere\n', path: ['b'], value: undefined },
  ];
  for (const c of resolved) {
    test(c.name, () => {
      const file = parseFile('file:///x.yaml', c.text);
      const root = readRoot(file.docs[0], file);
      const node = getNode(root, c.path);
      assert.equal(isScalar(node) ? node.value : node, c.value);
      if (c.keys) {
        const map = getNode(root, c.path.slice(0, -1));
        assert.ok(isMap(map));
        assert.deepEqual(map.items.map((p) => scalarString(p.key)), c.keys);
      }
    });
  }
});

describe('lint through anchors', () => {
  const text = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: vllm}
spec:
  scaleTargetRef: {name: vllm}
  minReplicaCount: 1
  maxReplicaCount: 4
  triggers:
    - type: prometheus
      metadata: &common
        serverAddress: http://prometheus.monitoring:9090
        query: sum(vllm:num_requests_waiting)
        threshold: 5
    - type: prometheus
      name: running
      metadata:
        <<: *common
        query: sum(vllm:num_requests_running)
`;
  const lint = (t: string) => {
    const ws = new WorkspaceIndex();
    const file = parseFile('file:///so.yaml', t);
    ws.update(file);
    return doValidation(file, ws, defaultSettings);
  };

  test('merged trigger metadata counts: nothing is missing and `<<` is not an unknown key', () => {
    const codes = lint(text).map((f) => f.code);
    assert.ok(!codes.includes('trigger-missing-parameter'), codes.join(', '));
    assert.ok(!codes.includes('trigger-unknown-key'), codes.join(', '));
  });

  test('a value two triggers share is one finding, and its fix, which would change both, is not offered', () => {
    const found = lint(text).filter((f) => f.code === 'trigger-value-not-string');
    assert.equal(found.length, 1);
    assert.equal(text.slice(found[0].start, found[0].end), '5');
    assert.equal(found[0].fixes, undefined);
    // Written twice instead, each value is its own, and each fix is offered.
    const plain = text.replace('<<: *common\n', 'serverAddress: http://prometheus.monitoring:9090\n        threshold: 5\n').replace('&common', '');
    const own = lint(plain).filter((f) => f.code === 'trigger-value-not-string');
    assert.equal(own.length, 2);
    assert.ok(own.every((f) => f.fixes?.length === 1));
  });
});

describe('an alias that names no anchor', () => {
  const lint = (t: string) => {
    const ws = new WorkspaceIndex();
    const file = parseFile('file:///a.yaml', t);
    ws.update(file);
    return doValidation(file, ws, defaultSettings).filter((f) => f.code === 'yaml-syntax');
  };
  const cases: Array<{ name: string; text: string; at: string | undefined }> = [
    { name: 'an anchor never set', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: *nope\n', at: '*nope' },
    { name: 'an anchor of another document', text: 'a: &x 1\n---\nb: *x\n', at: '*x' },
    { name: 'an anchor set before it', text: 'a: &x 1\nb: *x\n', at: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const found = lint(c.text);
      if (c.at === undefined) assert.deepEqual(found, []);
      else {
        assert.equal(found.length, 1);
        assert.equal(found[0].severity, 'error');
        assert.equal(c.text.slice(found[0].start, found[0].end), c.at);
      }
    });
  }
});
