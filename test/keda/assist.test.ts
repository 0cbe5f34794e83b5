import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompletionItem, TextEdit as LspTextEdit } from 'vscode-languageserver-types';
import { typeFromText } from '../../server/src/engine/keda/assist';
import { triggerCompletions, triggerHover } from '../../server/src/engine/keda/triggers';
import { parseFile } from '../../server/src/engine/parse';
import { toOffset } from '../../server/src/engine/positions';
import { doComplete } from '../../server/src/engine/services/completion';
import { cursorContext } from '../../server/src/engine/services/cursor';
import { doHover } from '../../server/src/engine/services/hover';
import { WorkspaceIndex } from '../../server/src/engine/workspace';
import { cursor } from '../support/cursor';
import { fixture, so } from './helpers';

/** complete runs completion at the `|` of a source, with other files indexed first. */
function complete(src: string, others: Record<string, string> = {}) {
  const { text, offset } = cursor(src);
  const ws = new WorkspaceIndex();
  for (const [uri, t] of Object.entries(others)) ws.update(parseFile(uri, t));
  const file = parseFile('file:///c.yaml', text, 1);
  return { file, text, offset, items: doComplete(file, offset, ws) };
}

/** applied gives the text after accepting a completion item. */
function applied(file: ReturnType<typeof parseFile>, item: CompletionItem): string {
  const edit = item.textEdit as LspTextEdit;
  const start = toOffset(file, edit.range.start);
  const end = toOffset(file, edit.range.end);
  return file.text.slice(0, start) + edit.newText + file.text.slice(end);
}

const PROM_HEAD = '    - type: prometheus\n      metadata:\n        serverAddress: http://prometheus:9090\n';

interface CompletionCase {
  name: string;
  src: string;
  others?: Record<string, string>;
  /** Labels that must be offered. */
  includes: string[];
  /** Labels that must not be offered. */
  excludes?: string[];
  /** The first label in sort order. */
  first?: string;
  /** Accepting this label yields this line (the cursor's line after the edit). */
  accept?: [string, string];
  count?: number;
}

const completionCases: CompletionCase[] = [
  { name: 'trigger keys not yet present', src: so('    - type: prometheus\n      |'), includes: ['metadata', 'name', 'authenticationRef', 'metricType', 'useCachedMetrics'], excludes: ['type'], first: 'metadata', accept: ['name', '      name: '] },
  { name: 'every scaler type, GPU-serving ones first', src: so('    - type: |'), includes: ['prometheus', 'kafka', 'temporal'], first: 'prometheus', count: 78 },
  { name: 'type being typed is replaced', src: so('    - type: prom|'), includes: ['prometheus'], accept: ['prometheus', '    - type: prometheus'] },
  { name: 'metadata keys of prometheus, required first, present ones left out', src: so(PROM_HEAD + '        |'), includes: ['query', 'threshold', 'activationThreshold', 'ignoreNullValues', 'authModes'], excludes: ['serverAddress', 'metricName', 'bearerToken'], first: 'query', accept: ['threshold', '        threshold: '] },
  { name: 'FromEnv variants of env-readable parameters', src: so('    - type: rabbitmq\n      metadata:\n        |'), includes: ['host', 'hostFromEnv', 'queueName', 'mode'], first: 'queueName' },
  {
    name: 'metadata key of the second trigger while the document does not parse',
    src: so('    - type: cpu\n      metricType: Utilization\n      metadata:\n        value: "60"\n    - type: kafka\n      metadata:\n        bootstrapServers: [kafka:9092\n        lag|'),
    includes: ['lagThreshold', 'activationLagThreshold'],
    excludes: ['containerName'],
  },
  { name: 'boolean value is inserted quoted', src: so(PROM_HEAD + '        ignoreNullValues: |'), includes: ['true', 'false'], first: 'true', accept: ['false', '        ignoreNullValues: "false"'] },
  { name: 'inside an opened quote only the word is inserted', src: so(PROM_HEAD + '        ignoreNullValues: "fa|"'), includes: ['false'], accept: ['false', '        ignoreNullValues: "false"'] },
  { name: 'after an opening quote without its closing one the quote is closed', src: so(PROM_HEAD + '        ignoreNullValues: \'fa|'), includes: ['false'], accept: ['false', '        ignoreNullValues: \'false\''] },
  { name: 'enum values with the default first', src: so('    - type: kafka\n      metadata:\n        offsetResetPolicy: |'), includes: ['latest', 'earliest'], first: 'latest', accept: ['earliest', '        offsetResetPolicy: "earliest"'] },
  { name: 'metricType of a cpu trigger', src: so('    - type: cpu\n      metricType: |'), includes: ['Utilization', 'AverageValue'], excludes: ['Value'] },
  { name: 'metricType of a prometheus trigger', src: so('    - type: prometheus\n      metricType: |'), includes: ['AverageValue', 'Value'], excludes: ['Utilization'] },
  { name: 'useCachedMetrics takes a real boolean', src: so('    - type: prometheus\n      useCachedMetrics: |'), includes: ['true', 'false'], accept: ['true', '      useCachedMetrics: true'] },
  {
    name: 'authenticationRef name from the workspace',
    src: so('    - type: rabbitmq\n      authenticationRef:\n        name: |'),
    others: { 'file:///auth.yaml': fixture('rabbitmq-auth.yaml') },
    includes: ['rabbit-conn'],
  },
  { name: 'metadata of an unknown type offers nothing', src: so('    - type: no-such-scaler\n      metadata:\n        |'), includes: [], count: 0 },
];

for (const c of completionCases) {
  test(`complete: ${c.name}`, () => {
    const { file, items } = complete(c.src, c.others);
    const labels = items.map((i) => i.label);
    for (const l of c.includes) assert.ok(labels.includes(l), `missing ${l} in ${labels.join(', ')}`);
    for (const l of c.excludes ?? []) assert.ok(!labels.includes(l), `unexpected ${l}`);
    if (c.count !== undefined) assert.equal(items.length, c.count);
    if (c.first) {
      const sorted = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
      assert.equal(sorted[0].label, c.first);
    }
    if (c.accept) {
      const item = items.find((i) => i.label === c.accept![0])!;
      const start = toOffset(file, (item.textEdit as LspTextEdit).range.start);
      const line = applied(file, item).split('\n')[file.text.slice(0, start).split('\n').length - 1];
      assert.equal(line, c.accept[1]);
    }
  });
}

test('complete: a metadata key item documents type, default and GPU note', () => {
  const { items } = complete(so(PROM_HEAD + '        |'));
  const item = items.find((i) => i.label === 'ignoreNullValues')!;
  assert.equal(item.detail, 'boolean · optional · default true');
  const doc = (item.documentation as { value: string }).value;
  assert.match(doc, /GPU serving/);
  assert.match(doc, /default `true`/);
});

const outside: Array<[string, string]> = [
  ['a key of spec', so(PROM_HEAD + '        threshold: "5"\n  min|')],
  ['the scaleTargetRef of a ScaledObject', 'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nspec:\n  scaleTargetRef:\n    na|'],
  ['spec.triggers of a TriggerAuthentication-like kind', 'apiVersion: keda.sh/v1alpha1\nkind: TriggerAuthentication\nspec:\n  triggers:\n    - type: |'],
  ['an HPA', 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nspec:\n  triggers:\n    - type: |'],
];
for (const [name, src] of outside) {
  test(`complete: nothing from the trigger module outside a trigger: ${name}`, () => {
    const { text, offset } = cursor(src);
    const file = parseFile('file:///o.yaml', text);
    const ctx = cursorContext(file, offset, new WorkspaceIndex());
    assert.ok(ctx);
    assert.equal(triggerCompletions(ctx), undefined);
  });
}

interface HoverCase {
  name: string;
  src: string;
  /** Fragments the markdown must contain, or undefined when no hover is expected. */
  contains: string[] | undefined;
  /** The text the hover covers. */
  span?: string;
}

const hoverCases: HoverCase[] = [
  { name: 'scaler type', src: so('    - type: prome|theus\n      metadata: {}\n'), contains: ['**prometheus** · KEDA scaler', 'Required: `serverAddress`, `query`, `threshold`', '8b4f083'], span: 'prometheus' },
  { name: 'metadata key with its default and GPU note', src: so(PROM_HEAD + '        ignoreNull|Values: "true"\n'), contains: ['**ignoreNullValues**', 'Optional, default `true`', '**GPU serving:**', 'Read from: metadata `ignoreNullValues`'], span: 'ignoreNullValues' },
  { name: 'required key readable from env and TriggerAuthentication', src: so('    - type: rabbitmq\n      metadata:\n        ho|st: amqp://rabbit\n'), contains: ['Required', '`hostFromEnv`', 'TriggerAuthentication parameter `host`'], span: 'host' },
  { name: 'FromEnv key', src: so('    - type: rabbitmq\n      metadata:\n        hostFr|omEnv: RABBIT\n'), contains: ['**hostFromEnv**', 'environment variable'], span: 'hostFromEnv' },
  { name: 'removed metricName', src: so(PROM_HEAD + '        metric|Name: x\n'), contains: ['removed in 2.12'], span: 'metricName' },
  { name: 'metadata value explains its key', src: so('    - type: kafka\n      metadata:\n        offsetResetPolicy: lat|est\n'), contains: ['**offsetResetPolicy**', 'Allowed: `latest`, `earliest`'], span: 'latest' },
  { name: 'third-party type', src: so('    - type: kedify-ot|el\n'), contains: ['Kedify'], span: 'kedify-otel' },
  { name: 'unknown key', src: so(PROM_HEAD + '        bog|us: x\n'), contains: undefined },
  { name: 'not in a trigger', src: so(PROM_HEAD).replace('  scaleTargetRef:', '  scaleTarg|etRef:'), contains: undefined },
];

for (const c of hoverCases) {
  test(`hover: ${c.name}`, () => {
    const { text, offset } = cursor(c.src);
    const file = parseFile('file:///h.yaml', text);
    const ws = new WorkspaceIndex();
    if (c.contains === undefined) {
      const ctx = cursorContext(file, offset, ws);
      assert.equal(ctx ? triggerHover(ctx) : undefined, undefined);
      return;
    }
    const h = doHover(file, offset, ws);
    assert.ok(h, 'no hover');
    for (const frag of c.contains) assert.ok(h.markdown.includes(frag), `missing "${frag}" in:\n${h.markdown}`);
    if (c.span) assert.equal(text.slice(h.start, h.end), c.span);
  });
}

const textScans: Array<[string, string, string | undefined]> = [
  ['type above the cursor in the same item', '  triggers:\n    - type: kafka\n      metadata:\n        lag|', 'kafka'],
  ['type below the cursor in the same item', '  triggers:\n    - metadata:\n        lag|\n      type: redis\n    - type: cpu\n', 'redis'],
  ['the second item, not the first', '  triggers:\n    - type: cpu\n    - type: "kafka"\n      metadata:\n        |', 'kafka'],
  ['items at the key column', 'triggers:\n- type: nats-jetstream # queue\n  metadata:\n    st|', 'nats-jetstream'],
  ['a metadata key named type is not the trigger type', '  triggers:\n    - metadata:\n        type: Utilization\n        |\n', undefined],
  ['no sequence item around', 'spec:\n  minReplicaCount: |', undefined],
];
for (const [name, src, expected] of textScans) {
  test(`trigger type from text: ${name}`, () => {
    const { text, offset } = cursor(src);
    assert.equal(typeFromText(text, offset, 0), expected);
  });
}

test('complete: renaming a key that already has its colon keeps the value', () => {
  const { file, items } = complete(so(PROM_HEAD + '        thr|esh: "5"\n'));
  const item = items.find((i) => i.label === 'threshold')!;
  assert.ok(applied(file, item).includes('        threshold: "5"\n'));
});
