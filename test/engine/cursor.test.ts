import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFile } from '../../server/src/engine/parse';
import { cursorContext } from '../../server/src/engine/services/cursor';
import { WorkspaceIndex } from '../../server/src/engine/workspace';
import { cursor } from '../support/cursor';

/** at parses a YAML text with `|` marking the cursor and resolves the cursor context. */
function at(src: string) {
  const { text, offset } = cursor(src);
  const file = parseFile('file:///t.yaml', text, 1);
  return cursorContext(file, offset, new WorkspaceIndex());
}

const SO = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: s
spec:
  scaleTargetRef:
    name: vllm
`;

const cases: Array<{ name: string; src: string; path: Array<string | number>; onKey: boolean; word: string; existing?: string[] }> = [
  { name: 'root key on an empty line', src: `${SO}|`, path: [], onKey: true, word: '', existing: ['apiVersion', 'kind', 'metadata', 'spec'] },
  { name: 'key being typed under spec', src: `${SO}  mi|`, path: ['spec'], onKey: true, word: 'mi', existing: ['scaleTargetRef'] },
  { name: 'key under scaleTargetRef', src: `${SO}    ki|`, path: ['spec', 'scaleTargetRef'], onKey: true, word: 'ki', existing: ['name'] },
  { name: 'value of a root key', src: 'apiVersion: keda.sh/v1alpha1\nkind: Sca|', path: ['kind'], onKey: false, word: 'Sca' },
  {
    name: 'metadata key of the second trigger (indented sequence)',
    src: `${SO}  triggers:\n    - type: cpu\n      metadata:\n        value: "50"\n    - type: prometheus\n      metadata:\n        serverAddress: http://p:9090\n        th|`,
    path: ['spec', 'triggers', 1, 'metadata'],
    onKey: true,
    word: 'th',
    existing: ['serverAddress'],
  },
  {
    name: 'metadata key of the second trigger (sequence at the key column)',
    src: `${SO}  triggers:\n  - type: cpu\n    metadata:\n      value: "50"\n  - type: prometheus\n    metadata:\n      q|`,
    path: ['spec', 'triggers', 1, 'metadata'],
    onKey: true,
    word: 'q',
  },
  {
    name: 'new key in a new sequence item',
    src: `${SO}  triggers:\n    - type: cpu\n    - |`,
    path: ['spec', 'triggers', 1],
    onKey: true,
    word: '',
  },
  {
    name: 'key beside type in a trigger item',
    src: `${SO}  triggers:\n    - type: prometheus\n      me|`,
    path: ['spec', 'triggers', 0],
    onKey: true,
    word: 'me',
  },
  {
    name: 'value of type in a trigger item',
    src: `${SO}  triggers:\n    - type: prom|`,
    path: ['spec', 'triggers', 0, 'type'],
    onKey: false,
    word: 'prom',
  },
  {
    name: 'value of type in the second trigger item',
    src: `${SO}  triggers:\n    - type: cpu\n      metadata: {}\n    - type: kaf|`,
    path: ['spec', 'triggers', 1, 'type'],
    onKey: false,
    word: 'kaf',
  },
  {
    name: 'value inside a flow mapping',
    src: `${SO}  triggers:\n    - type: prometheus\n      metadata: {serverAddress: "http://p", threshold: 1|}`,
    path: ['spec', 'triggers', 0, 'metadata', 'threshold'],
    onKey: false,
    word: '1',
  },
  {
    name: 'key inside a flow mapping',
    src: `${SO}  triggers:\n    - type: prometheus\n      metadata: {serverAddress: "http://p", qu|}`,
    path: ['spec', 'triggers', 0, 'metadata'],
    onKey: true,
    word: 'qu',
  },
  {
    name: 'value inside quotes',
    src: `${SO}  triggers:\n    - type: prometheus\n      metadata:\n        ignoreNullValues: "fa|"`,
    path: ['spec', 'triggers', 0, 'metadata', 'ignoreNullValues'],
    onKey: false,
    word: 'fa',
  },
  {
    name: 'second document of a file',
    src: `${SO}---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nspec:\n  behavior:\n    scaleDown:\n      sta|`,
    path: ['spec', 'behavior', 'scaleDown'],
    onKey: true,
    word: 'sta',
  },
  {
    name: 'a comment line between parent and cursor',
    src: `${SO}  advanced:\n    # tune the HPA\n    horizontalPodAutoscalerConfig:\n      # behaviour\n      beh|`,
    path: ['spec', 'advanced', 'horizontalPodAutoscalerConfig'],
    onKey: true,
    word: 'beh',
  },
];

for (const c of cases) {
  test(`cursor: ${c.name}`, () => {
    const ctx = at(c.src);
    assert.ok(ctx, 'no context');
    assert.deepEqual(ctx.path, c.path);
    assert.equal(ctx.onKey, c.onKey);
    assert.equal(ctx.word, c.word);
    if (c.existing) assert.deepEqual([...ctx.existingKeys].sort(), [...c.existing].sort());
  });
}

test('cursor: the object of the document is found', () => {
  const ctx = at(`${SO}  mi|`);
  assert.equal(ctx?.obj?.known, 'ScaledObject');
});
