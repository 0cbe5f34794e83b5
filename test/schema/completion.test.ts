/**
 * Schema completion: documents with the cursor marked `|`, the labels expected (and not expected), the order
 * of the first items, and the text after accepting one item.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompletionItem, TextEdit as LspTextEdit } from 'vscode-languageserver-types';
import { parseFile, toOffset, WorkspaceIndex } from '../../server/src/engine';
import { schemaCompletions } from '../../server/src/engine/schema/lookup';
import { cursorContext } from '../../server/src/engine/services/cursor';
import { cursor } from '../support/cursor';

interface Case {
  name: string;
  doc: string;
  includes?: string[];
  excludes?: string[];
  /** The first labels, in order (required keys come first). */
  first?: string[];
  /** Exactly these labels, in any order. */
  exactly?: string[];
  /** Accept this item and compare the whole text. */
  pick?: string;
  result?: string;
  detail?: [label: string, text: string];
}

const SO = 'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: m\n';
const HPA = 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\n';
const DEPLOY = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n';

const cases: Case[] = [
  {
    name: 'ScaledObject spec keys, required first',
    doc: `${SO}spec:\n  |`,
    first: ['scaleTargetRef', 'triggers'],
    includes: ['pollingInterval', 'cooldownPeriod', 'minReplicaCount', 'maxReplicaCount', 'advanced', 'fallback'],
    pick: 'pollingInterval',
    result: `${SO}spec:\n  pollingInterval: `,
    detail: ['pollingInterval', 'integer · default 30 · seconds'],
  },
  {
    name: 'keys already present are not offered again',
    doc: `${SO}spec:\n  minReplicaCount: 1\n  |\n  maxReplicaCount: 4\n`,
    excludes: ['minReplicaCount', 'maxReplicaCount'],
    includes: ['idleReplicaCount'],
  },
  {
    name: 'a partly typed key is replaced',
    doc: `${SO}spec:\n  cool|`,
    pick: 'cooldownPeriod',
    result: `${SO}spec:\n  cooldownPeriod: `,
  },
  {
    name: 'an object key opens an indented block',
    doc: `${SO}spec:\n  |`,
    pick: 'advanced',
    result: `${SO}spec:\n  advanced:\n    `,
  },
  {
    name: 'an array key opens an item in the file\'s sequence style (dash at the key column)',
    doc: `${SO}spec:\n  scaleTargetRef:\n    name: m\n  |`,
    pick: 'triggers',
    result: `${SO}spec:\n  scaleTargetRef:\n    name: m\n  triggers:\n  - `,
  },
  {
    name: 'an array key in a file that indents sequences',
    doc: `${DEPLOY}spec:\n  template:\n    spec:\n      volumes:\n        - name: shm\n      |`,
    pick: 'containers',
    result: `${DEPLOY}spec:\n  template:\n    spec:\n      volumes:\n        - name: shm\n      containers:\n        - `,
  },
  {
    name: 'a four-space file gets four-space blocks',
    doc: 'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n    name: m\nspec:\n    |',
    pick: 'fallback',
    result: 'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n    name: m\nspec:\n    fallback:\n        ',
  },
  {
    name: 'renaming an existing key replaces the whole name and keeps the value',
    doc: `${SO}spec:\n  min|Replicas: 1\n`,
    pick: 'minReplicaCount',
    result: `${SO}spec:\n  minReplicaCount: 1\n`,
  },
  {
    name: 'enum values',
    doc: `${HPA}spec:\n  behavior:\n    scaleDown:\n      selectPolicy: |`,
    exactly: ['Max', 'Min', 'Disabled'],
    pick: 'Min',
    result: `${HPA}spec:\n  behavior:\n    scaleDown:\n      selectPolicy: Min`,
  },
  {
    name: 'enum values of a sequence item',
    doc: `${HPA}spec:\n  metrics:\n    - type: |`,
    exactly: ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'],
  },
  {
    name: 'booleans',
    doc: `${SO}spec:\n  advanced:\n    restoreToOriginalReplicaCount: |`,
    exactly: ['true', 'false'],
  },
  {
    name: 'the default of a number is offered',
    doc: `${SO}spec:\n  cooldownPeriod: |`,
    exactly: ['300'],
  },
  {
    name: 'direction-specific defaults of HPA behavior',
    doc: `${HPA}spec:\n  behavior:\n    scaleUp:\n      |`,
    detail: ['stabilizationWindowSeconds', 'integer · default 0 · seconds'],
  },
  {
    name: 'apiVersion values at the root',
    doc: 'apiVersion: |\n',
    includes: ['keda.sh/v1alpha1', 'autoscaling/v2', 'autoscaling/v1', 'apps/v1'],
  },
  {
    name: 'apiVersion values for the kind already written',
    doc: 'apiVersion: |\nkind: Deployment\n',
    exactly: ['apps/v1'],
  },
  {
    name: 'kind values for the apiVersion already written',
    doc: 'apiVersion: keda.sh/v1alpha1\nkind: |\n',
    exactly: ['ScaledObject', 'ScaledJob', 'TriggerAuthentication', 'ClusterTriggerAuthentication'],
    pick: 'ScaledJob',
    result: 'apiVersion: keda.sh/v1alpha1\nkind: ScaledJob\n',
  },
  {
    name: 'an empty document offers apiVersion and kind',
    doc: '|',
    exactly: ['apiVersion', 'kind'],
  },
  {
    name: 'root keys of a known kind leave out status',
    doc: `${DEPLOY}|`,
    includes: ['spec'],
    excludes: ['status', 'metadata', 'kind'],
  },
  {
    name: 'container keys inside a sequence item',
    doc: `${DEPLOY}spec:\n  template:\n    spec:\n      containers:\n        - name: vllm\n          |`,
    includes: ['image', 'args', 'resources', 'startupProbe', 'readinessProbe'],
    excludes: ['name'],
    pick: 'resources',
    result: `${DEPLOY}spec:\n  template:\n    spec:\n      containers:\n        - name: vllm\n          resources:\n            `,
  },
  {
    name: 'the ScaledJob pod template uses the Kubernetes pod spec',
    doc: 'apiVersion: keda.sh/v1alpha1\nkind: ScaledJob\nspec:\n  jobTargetRef:\n    template:\n      spec:\n        |',
    includes: ['containers', 'nodeSelector', 'tolerations', 'terminationGracePeriodSeconds'],
    first: ['containers'],
  },
  {
    name: 'a field-compatible removed version gets the v2 fields',
    doc: 'apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nspec:\n  |',
    includes: ['behavior', 'metrics'],
  },
  {
    name: 'no keys inside a free-form map',
    doc: `${DEPLOY}spec:\n  template:\n    metadata:\n      labels:\n        |`,
    exactly: [],
  },
  {
    name: 'no keys below a scalar field',
    doc: `${SO}spec:\n  pollingInterval:\n    |`,
    exactly: [],
  },
  {
    name: 'ServingProfile keys',
    doc: 'apiVersion: scalelens.dev/v1alpha1\nkind: ServingProfile\nspec:\n  |',
    includes: ['targetRef', 'traffic', 'coldStart'],
  },
];

function complete(doc: string): { text: string; items: CompletionItem[]; file: ReturnType<typeof parseFile> } {
  const { text, offset } = cursor(doc);
  const file = parseFile('file:///c.yaml', text);
  const ctx = cursorContext(file, offset, new WorkspaceIndex());
  assert.ok(ctx, 'the cursor resolves');
  return { text, file, items: schemaCompletions(ctx) };
}

for (const c of cases) {
  test(`completion: ${c.name}`, () => {
    const { text, file, items } = complete(c.doc);
    const labels = items.map((i) => i.label);
    for (const l of c.includes ?? []) assert.ok(labels.includes(l), `${l} missing from ${labels.join(', ')}`);
    for (const l of c.excludes ?? []) assert.ok(!labels.includes(l), `${l} should not be offered`);
    if (c.exactly) assert.deepEqual([...labels].sort(), [...c.exactly].sort());
    if (c.first) {
      const sorted = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).map((i) => i.label);
      assert.deepEqual(sorted.slice(0, c.first.length), c.first);
    }
    if (c.detail) assert.equal(items.find((i) => i.label === c.detail![0])?.detail, c.detail[1]);
    if (c.pick) {
      const item = items.find((i) => i.label === c.pick);
      assert.ok(item, `${c.pick} is offered`);
      const edit = item.textEdit as LspTextEdit;
      const start = toOffset(file, edit.range.start);
      const end = toOffset(file, edit.range.end);
      assert.equal(text.slice(0, start) + edit.newText + text.slice(end), c.result);
    }
  });
}

test('every item carries documentation when the field is documented', () => {
  const { items } = complete(`${SO}spec:\n  |`);
  for (const i of items) assert.ok(i.documentation && typeof i.documentation !== 'string' && i.documentation.value.length > 20, i.label);
});

test('keys with a fixed set of values reopen the suggestions for the value', () => {
  const { items } = complete(`${HPA}spec:\n  behavior:\n    scaleUp:\n      |`);
  assert.equal(items.find((i) => i.label === 'selectPolicy')?.command?.command, 'editor.action.triggerSuggest');
  assert.equal(items.find((i) => i.label === 'stabilizationWindowSeconds')?.command, undefined);
});
