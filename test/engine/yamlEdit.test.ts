import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMap, isSeq } from 'yaml';
import type { YAMLMap } from 'yaml';
import { applyEdits, parseFile } from '../../server/src/engine';
import { getNode, type ParsedFile, type YPath } from '../../server/src/engine/parse';
import { appendItem, commented, deletePair, ensurePath, indentStyleOf, insertIntoMap, replaceScalar, setKey } from '../../server/src/engine/yamlEdit';
import type { TextEdit } from '../../server/src/engine/types';

function lines(...l: string[]): string {
  return l.join('\n') + '\n';
}

function mapIn(file: ParsedFile, path: YPath): YAMLMap {
  const node = getNode(file.docs[0].doc.contents, path);
  assert.ok(isMap(node), `no map at ${path.join('.')}`);
  return node;
}

interface EditCase {
  name: string;
  text: string;
  edit: (f: ParsedFile) => TextEdit | undefined;
  want: string;
}

const cases: EditCase[] = [
  {
    name: 'insert after the last key of a nested block map, at its indentation',
    text: lines('spec:', '  minReplicaCount: 1 # keep one', '  triggers: []', 'other: x'),
    edit: (f) => insertIntoMap(f, mapIn(f, ['spec']), { maxReplicaCount: 4 }),
    want: lines('spec:', '  minReplicaCount: 1 # keep one', '  triggers: []', '  maxReplicaCount: 4', 'other: x'),
  },
  {
    name: 'insert after a named key, in a 4-space file',
    text: lines('spec:', '    a: 1', '    b:', '        c: 2'),
    edit: (f) => insertIntoMap(f, mapIn(f, ['spec']), { z: { y: true } }, { after: 'a' }),
    want: lines('spec:', '    a: 1', '    z:', '        y: true', '    b:', '        c: 2'),
  },
  {
    name: 'insert into a flow map keeps it on one line',
    text: lines('resources: {limits: {nvidia.com/gpu: 1}}'),
    edit: (f) => insertIntoMap(f, mapIn(f, ['resources']), { requests: { cpu: '2' } }),
    want: lines('resources: {limits: {nvidia.com/gpu: 1}, requests: { cpu: "2" }}'),
  },
  {
    name: 'insert into an empty flow map',
    text: lines('resources: {}'),
    edit: (f) => insertIntoMap(f, mapIn(f, ['resources']), { limits: { cpu: 1 } }),
    want: lines('resources: {limits: { cpu: 1 }}'),
  },
  {
    name: 'insert into a map that is a sequence item, after its last key',
    text: lines('containers:', '- name: vllm', '  image: x', '- name: sidecar'),
    edit: (f) => insertIntoMap(f, mapIn(f, ['containers', 0]), { ports: [{ containerPort: 8000 }] }),
    want: lines('containers:', '- name: vllm', '  image: x', '  ports:', '  - containerPort: 8000', '- name: sidecar'),
  },
  {
    name: 'insert at the end of a file without a final newline',
    text: 'spec:\n  a: 1',
    edit: (f) => insertIntoMap(f, mapIn(f, ['spec']), { b: 2 }),
    want: 'spec:\n  a: 1\n  b: 2\n',
  },
  {
    name: 'set replaces a scalar and keeps its comment',
    text: lines('spec:', '  cooldownPeriod: 30 # seconds', '  x: 1'),
    edit: (f) => setKey(f, mapIn(f, ['spec']), 'cooldownPeriod', 900),
    want: lines('spec:', '  cooldownPeriod: 900 # seconds', '  x: 1'),
  },
  {
    name: 'set replaces a block sequence by a new one',
    text: lines('scaleUp:', '  policies:', '  - type: Pods', '    value: 4', '    periodSeconds: 15', '  selectPolicy: Max'),
    edit: (f) => setKey(f, mapIn(f, ['scaleUp']), 'policies', [{ type: 'Percent', value: 100 }]),
    want: lines('scaleUp:', '  policies:', '  - type: Percent', '    value: 100', '  selectPolicy: Max'),
  },
  {
    name: 'set gives an empty key a block value',
    text: lines('spec:', '  behavior:', '  max: 2'),
    edit: (f) => setKey(f, mapIn(f, ['spec']), 'behavior', { scaleDown: { stabilizationWindowSeconds: 600 } }),
    want: lines('spec:', '  behavior:', '    scaleDown:', '      stabilizationWindowSeconds: 600', '  max: 2'),
  },
  {
    name: 'ensurePath creates only the missing maps',
    text: lines('spec:', '  advanced:', '    restoreToOriginalReplicaCount: true', '  triggers: []'),
    edit: (f) => ensurePath(f, f.docs[0].doc.contents as YAMLMap, ['spec', 'advanced', 'horizontalPodAutoscalerConfig', 'behavior', 'scaleDown', 'stabilizationWindowSeconds'], 900),
    want: lines('spec:', '  advanced:', '    restoreToOriginalReplicaCount: true', '    horizontalPodAutoscalerConfig:', '      behavior:', '        scaleDown:', '          stabilizationWindowSeconds: 900', '  triggers: []'),
  },
  {
    name: 'ensurePath sets an existing leaf',
    text: lines('spec:', '  behavior:', '    scaleDown:', '      stabilizationWindowSeconds: 60'),
    edit: (f) => ensurePath(f, f.docs[0].doc.contents as YAMLMap, ['spec', 'behavior', 'scaleDown', 'stabilizationWindowSeconds'], 900),
    want: lines('spec:', '  behavior:', '    scaleDown:', '      stabilizationWindowSeconds: 900'),
  },
  {
    name: 'delete takes the comment lines above the key with it',
    text: lines('spec:', '  # set on first deploy', '  # (kept for GitOps)', '  replicas: 2', '  selector: {}'),
    edit: (f) => deletePair(f, mapIn(f, ['spec']), 'replicas'),
    want: lines('spec:', '  selector: {}'),
  },
  {
    name: 'delete keeps a comment that belongs to the enclosing level',
    text: lines('spec:', '# about spec', '  replicas: 2', '  selector: {}'),
    edit: (f) => deletePair(f, mapIn(f, ['spec']), 'replicas'),
    want: lines('spec:', '# about spec', '  selector: {}'),
  },
  {
    name: 'delete a key with a block value',
    text: lines('spec:', '  fallback:', '    failureThreshold: 3', '    replicas: 2', '  triggers: []'),
    edit: (f) => deletePair(f, mapIn(f, ['spec']), 'fallback'),
    want: lines('spec:', '  triggers: []'),
  },
  {
    name: 'delete the first key of a sequence item moves the next key onto the dash',
    text: lines('triggers:', '- activationThreshold: "2"', '  type: prometheus'),
    edit: (f) => deletePair(f, mapIn(f, ['triggers', 0]), 'activationThreshold'),
    want: lines('triggers:', '- type: prometheus'),
  },
  {
    name: 'delete in a flow map removes the separating comma',
    text: lines('m: {a: 1, b: 2, c: 3}'),
    edit: (f) => deletePair(f, mapIn(f, ['m']), 'b'),
    want: lines('m: {a: 1, c: 3}'),
  },
  {
    name: 'delete the last entry of a flow map',
    text: lines('m: {a: 1, b: 2}'),
    edit: (f) => deletePair(f, mapIn(f, ['m']), 'b'),
    want: lines('m: {a: 1}'),
  },
  {
    name: 'delete of a missing key is no edit',
    text: lines('m:', '  a: 1'),
    edit: (f) => deletePair(f, mapIn(f, ['m']), 'zz'),
    want: lines('m:', '  a: 1'),
  },
  {
    name: 'append to a block sequence at its dash column',
    text: lines('spec:', '  triggers:', '    - type: cpu', '      metadata:', '        value: "50"', 'x: 1'),
    edit: (f) => {
      const seq = getNode(f.docs[0].doc.contents, ['spec', 'triggers']);
      return isSeq(seq) ? appendItem(f, seq, { type: 'prometheus', metadata: { threshold: '5' } }) : undefined;
    },
    want: lines('spec:', '  triggers:', '    - type: cpu', '      metadata:', '        value: "50"', '    - type: prometheus', '      metadata:', '        threshold: "5"', 'x: 1'),
  },
  {
    name: 'append to a flow sequence',
    text: lines('args: ["--model", "x"]'),
    edit: (f) => {
      const seq = getNode(f.docs[0].doc.contents, ['args']);
      return isSeq(seq) ? appendItem(f, seq, '--port') : undefined;
    },
    want: lines('args: ["--model", "x", --port]'),
  },
  {
    name: 'append a commented node',
    text: lines('items:', '- a: 1'),
    edit: (f) => {
      const seq = getNode(f.docs[0].doc.contents, ['items']);
      return isSeq(seq) ? appendItem(f, seq, commented({ a: 2, b: 'x' }, [[['b'], 'edit me']])) : undefined;
    },
    want: lines('items:', '- a: 1', '- a: 2', '  b: x # edit me'),
  },
  {
    name: 'replace a quoted scalar with its quotes',
    text: lines('metricType: "Value" # was set by hand'),
    edit: (f) => {
      const n = getNode(f.docs[0].doc.contents, ['metricType']);
      return n && 'value' in n ? replaceScalar(n as never, 'AverageValue') : undefined;
    },
    want: lines('metricType: AverageValue # was set by hand'),
  },
];

for (const c of cases) {
  test(`yamlEdit: ${c.name}`, () => {
    const file = parseFile('file:///t.yaml', c.text);
    const edit = c.edit(file);
    const out = edit ? applyEdits(c.text, [edit]) : c.text;
    assert.equal(out, c.want);
    assert.equal(parseFile('file:///t.yaml', out).syntax.filter((s) => !s.warning).length, 0, 'the result must parse');
  });
}

const styles: Array<{ name: string; text: string; unit: number; indentSeq: boolean }> = [
  { name: 'two spaces, sequences at the key column', text: lines('a:', '  b:', '  - x'), unit: 2, indentSeq: false },
  { name: 'four spaces, indented sequences', text: lines('a:', '    b:', '        - x'), unit: 4, indentSeq: true },
  { name: 'one space', text: lines('spec:', ' metrics:', ' - type: Pods'), unit: 1, indentSeq: false },
  { name: 'comments and sequence items are looked through', text: lines('# head', 'items:', '- name: a', '  spec:', '     deep: 1'), unit: 3, indentSeq: false },
  { name: 'flat file: defaults', text: lines('a: 1', 'b: 2'), unit: 2, indentSeq: false },
];
for (const s of styles) {
  test(`indentStyleOf: ${s.name}`, () => {
    assert.deepEqual(indentStyleOf(s.text), { unit: s.unit, indentSeq: s.indentSeq });
  });
}
