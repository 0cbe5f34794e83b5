/**
 * Schema validation, driven by data: `test/fixtures/schema/<kind>/valid/*.yaml` must yield no schema finding,
 * `invalid/*.yaml` exactly the findings listed in their header, one per line:
 *
 *     # expect 20:3 schema-unknown-property "minReplicas" | did you mean `minReplicaCount`?
 *
 * (1-based line and column of the span start, the code, the exact text of the span as JSON, and a part of the
 * message). Line numbers count the header, which is plain YAML comments. Then: every preferred fix applies
 * cleanly and removes its finding, named fixes give the exact text, and bad input never throws.
 * Fixtures are checked against the schema module itself; the `scope` cases go through the whole engine.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { applyEdits, defaultSettings, lineCol, parseFile, WorkspaceIndex, type Finding } from '../../server/src/engine';
import { objectsOf } from '../../server/src/engine/model';
import { allKinds } from '../../server/src/engine/schema/registry';
import { isPatchFile, validateSchema } from '../../server/src/engine/schema/validate';
import { repoRoot } from '../support/repo';
import { lint, schemaFindings, validateAll } from './helpers';

const FIXTURES = join(repoRoot(), 'test', 'fixtures', 'schema');
const EXPECT = /^# expect (\d+):(\d+) ([a-z-]+) ("(?:[^"\\]|\\.)*") \| (.+)$/;

function yamlFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort();
  } catch {
    return [];
  }
}

function describe(text: string, f: Finding): string {
  const { line, col } = lineCol(parseFile('file:///x.yaml', text), f.start);
  return `${line}:${col} ${f.code} ${JSON.stringify(text.slice(f.start, f.end))}`;
}

test('every kind with a schema has valid and invalid fixtures', () => {
  const missing = allKinds().map((k) => k.id).filter((id) => !yamlFiles(join(FIXTURES, id, 'valid')).length || !yamlFiles(join(FIXTURES, id, 'invalid')).length);
  assert.deepEqual(missing, []);
});

for (const kind of allKinds()) {
  for (const name of yamlFiles(join(FIXTURES, kind.id, 'valid'))) {
    test(`${kind.id}/valid/${name}: no schema finding`, () => {
      const text = readFileSync(join(FIXTURES, kind.id, 'valid', name), 'utf8');
      assert.ok(objectsOf(parseFile('file:///x.yaml', text)).some((o) => o.apiVersion === kind.apiVersion && o.kind === kind.kind), 'the fixture holds no object of its kind');
      assert.deepEqual(validateAll(text).map((f) => `${describe(text, f)}: ${f.message}`), []);
      const { findings } = lint(text);
      assert.deepEqual(schemaFindings(findings).map((f) => f.message), []);
      assert.deepEqual(findings.filter((f) => f.code === 'internal-error'), []);
    });
  }
  for (const name of yamlFiles(join(FIXTURES, kind.id, 'invalid'))) {
    const text = readFileSync(join(FIXTURES, kind.id, 'invalid', name), 'utf8');
    const expected = text.split('\n').map((l) => EXPECT.exec(l)).filter((m): m is RegExpExecArray => m !== null);

    test(`${kind.id}/invalid/${name}: exactly the expected findings`, () => {
      assert.ok(expected.length > 0, 'an invalid fixture lists its expected findings');
      const got = validateAll(text);
      assert.deepEqual(got.map((f) => describe(text, f)), expected.map((m) => `${m[1]}:${m[2]} ${m[3]} ${m[4]}`));
      got.forEach((f, i) => assert.ok(f.message.includes(expected[i][5]), `message "${f.message}" should contain "${expected[i][5]}"`));
    });

    test(`${kind.id}/invalid/${name}: each preferred fix parses and removes its finding`, () => {
      const findings = validateAll(text).filter((f) => f.fixes?.some((x) => x.isPreferred));
      for (const f of findings) {
        const fix = f.fixes!.find((x) => x.isPreferred)!;
        const fixed = applyEdits(text, fix.edits);
        assert.equal(parseFile('file:///fixed.yaml', fixed).syntax.length, 0, `${fix.title} breaks the YAML`);
        const edit = fix.edits[0];
        const still = validateAll(fixed).filter((g) => g.code === f.code && g.start === edit.start);
        assert.deepEqual(still.map((g) => g.message), [], `${fix.title} leaves the finding`);
      }
    });
  }
}

const SO = (spec: string) => `apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: m\nspec:\n  scaleTargetRef:\n    name: m\n${spec}`;
const TRIGGER = `  triggers:\n    - type: prometheus\n      metadata:\n        query: up\n`;

const namedFixes: Array<{ name: string; text: string; code: string; title: string; preferred: boolean; result: string }> = [
  {
    name: 'did you mean: an HPA field name in a ScaledObject',
    text: SO(`  minReplicas: 1\n${TRIGGER}`),
    code: 'schema-unknown-property',
    title: 'Rename `minReplicas` to `minReplicaCount`',
    preferred: true,
    result: SO(`  minReplicaCount: 1\n${TRIGGER}`),
  },
  {
    name: 'did you mean: a typo in a behavior field',
    text: SO(`  advanced:\n    horizontalPodAutoscalerConfig:\n      behavior:\n        scaleDown:\n          stabilisationWindowSeconds: 600 # slow\n${TRIGGER}`),
    code: 'schema-unknown-property',
    title: 'Rename `stabilisationWindowSeconds` to `stabilizationWindowSeconds`',
    preferred: true,
    result: SO(`  advanced:\n    horizontalPodAutoscalerConfig:\n      behavior:\n        scaleDown:\n          stabilizationWindowSeconds: 600 # slow\n${TRIGGER}`),
  },
  {
    name: 'type: an unquoted metadata number is quoted as written',
    text: SO(`  triggers:\n    - type: prometheus\n      metadata:\n        threshold: 5.0\n`),
    code: 'schema-type',
    title: 'Quote 5.0 as a string',
    preferred: true,
    result: SO(`  triggers:\n    - type: prometheus\n      metadata:\n        threshold: "5.0"\n`),
  },
  {
    name: 'type: a quoted integer is unquoted',
    text: SO(`  pollingInterval: '15'\n${TRIGGER}`),
    code: 'schema-type',
    title: 'Write 15 as a number',
    preferred: true,
    result: SO(`  pollingInterval: 15\n${TRIGGER}`),
  },
  {
    name: 'enum: a case slip keeps the quotes',
    text: SO(`  advanced:\n    scalingModifiers:\n      metricType: 'averagevalue'\n${TRIGGER}`),
    code: 'schema-enum',
    title: 'Change to `AverageValue`',
    preferred: true,
    result: SO(`  advanced:\n    scalingModifiers:\n      metricType: 'AverageValue'\n${TRIGGER}`),
  },
  {
    name: 'enum: a near miss is offered for review',
    text: SO(`  fallback:\n    failureThreshold: 3\n    replicas: 1\n    behavior: currentReplica\n${TRIGGER}`),
    code: 'schema-enum',
    title: 'Change to `currentReplicas`',
    preferred: false,
    result: SO(`  fallback:\n    failureThreshold: 3\n    replicas: 1\n    behavior: currentReplicas\n${TRIGGER}`),
  },
];

for (const c of namedFixes) {
  test(`fix: ${c.name}`, () => {
    const findings = validateAll(c.text);
    assert.equal(findings.length, 1, findings.map((f) => f.message).join('\n'));
    const [f] = findings;
    assert.equal(f.code, c.code);
    const fix = f.fixes?.[0];
    assert.ok(fix, 'a fix is offered');
    assert.equal(fix.title, c.title);
    assert.equal(fix.isPreferred, c.preferred);
    const fixed = applyEdits(c.text, fix.edits);
    assert.equal(fixed, c.result);
    assert.deepEqual(validateAll(fixed).map((g) => g.message), []);
  });
}

test('did you mean: no fix when the suggested key is already present', () => {
  const findings = validateAll(SO(`  minReplicaCount: 1\n  minReplicas: 1\n${TRIGGER}`));
  assert.equal(findings.length, 1);
  assert.equal(findings[0].fixes, undefined);
  assert.match(findings[0].message, /rejects unknown fields/);
});

test('did you mean: several close names are all offered, none preferred', () => {
  const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector: {}\n  template:\n    spec:\n      containers:\n        - name: c\n          probe: {}\n`;
  const [f] = validateAll(text);
  assert.equal(f.code, 'schema-unknown-property');
  assert.deepEqual(f.fixes?.map((x) => [x.title, x.isPreferred]), [
    ['Rename `probe` to `startupProbe`', false],
    ['Rename `probe` to `livenessProbe`', false],
    ['Rename `probe` to `readinessProbe`', false],
  ]);
});

const quiet: Array<{ name: string; uri?: string; text: string; codes: string[] }> = [
  {
    name: 'template expressions hide the findings they cause',
    text: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n  template:\n    spec:\n      containers:\n        - name: c\n          imagePullPolicy: {{ .Values.pullPolicy }}\n`,
    codes: [],
  },
  {
    name: 'a kustomize patch may leave out required fields',
    uri: 'file:///overlays/h200/patch-hpa.yaml',
    text: `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: vllm\nspec:\n  maxReplicas: 8\n`,
    codes: [],
  },
  {
    name: 'a kustomize patch still gets type checks',
    uri: 'file:///overlays/patches/hpa.yaml',
    text: `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: vllm\nspec:\n  maxReplicas: "8"\n`,
    codes: ['schema-type'],
  },
  {
    name: 'a removed API version is left to removed-autoscaling-api',
    text: `apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\nspec:\n  maxReplicas: 3\n  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n        targetAverageUtilization: 50\n`,
    codes: [],
  },
  {
    name: 'kinds without a schema are not validated',
    text: `apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata:\n  name: l\nspec:\n  anything: goes\n`,
    codes: [],
  },
];

for (const c of quiet) {
  test(`scope: ${c.name}`, () => {
    assert.deepEqual(schemaFindings(lint(c.text, c.uri).findings).map((f) => f.code), c.codes);
  });
}

test('isPatchFile recognises patch file and folder names', () => {
  const cases: Array<[string, boolean]> = [
    ['file:///k/overlays/patch-hpa.yaml', true],
    ['file:///k/hpa_patch.yml', true],
    ['file:///k/patches/deployment.yaml', true],
    ['file:///k/base/hpa.yaml', false],
    ['file:///k/dispatcher.yaml', false],
  ];
  for (const [uri, want] of cases) assert.equal(isPatchFile(uri), want, uri);
});

const badInputs: Array<{ name: string; text: string }> = [
  { name: 'broken YAML', text: 'apiVersion: apps/v1\nkind: Deployment\nspec: [unclosed\n  replicas: : :\n' },
  { name: 'scalar spec', text: 'apiVersion: apps/v1\nkind: Deployment\nspec: 3\n' },
  { name: 'list root with a kind inside', text: '- apiVersion: apps/v1\n  kind: Deployment\n' },
  { name: 'alias bomb', text: `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template: {metadata: {labels: {x: *e}}}\n` },
  { name: 'deep nesting', text: `apiVersion: apps/v1\nkind: Deployment\nspec:\n  selector: ${'['.repeat(400)}${']'.repeat(400)}\n` },
  { name: 'non-string keys', text: 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  ? [a, b]\n  : 1\n  1: 2\n' },
  { name: 'huge document', text: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: big\n  labels:\n${Array.from({ length: 20000 }, (_, i) => `    k${i}: v${i}`).join('\n')}\n` },
];

for (const c of badInputs) {
  test(`bad input never throws: ${c.name}`, () => {
    const file = parseFile('file:///bad.yaml', c.text);
    const ws = new WorkspaceIndex();
    for (const obj of ws.ensure(file)) assert.ok(Array.isArray(validateSchema(obj, defaultSettings)));
    assert.ok(Array.isArray(lint(c.text).findings));
  });
}

test('an alias bomb is not expanded: the document is skipped, not validated', () => {
  const bomb = badInputs.find((b) => b.name === 'alias bomb')!.text.replace('kind: Deployment\n', 'kind: Deployment\nmetadata: {name: 5}\n');
  const file = parseFile('file:///bomb.yaml', bomb);
  const [obj] = new WorkspaceIndex().ensure(file).filter((o) => o.known);
  assert.deepEqual(validateSchema(obj, defaultSettings), []);
});

suite('anchors and merge keys: the schema reads the object as the API server does', () => {
  const deployment = (containers: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n      containers:\n${containers}`;
  const scaledObject = (triggers: string) => `apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: s\nspec:\n  scaleTargetRef: {name: d}\n  triggers:\n${triggers}`;
  const at = (text: string, f: Finding) => text.slice(f.start, f.end);

  test('a wrong value shared through an alias is reported once, where it is written, without a fix', () => {
    const text = deployment(`      - name: a\n        image: x\n        ports: &ports [{containerPort: "8000"}]\n      - name: b\n        image: x\n        ports: *ports\n`);
    const found = schemaFindings(lint(text).findings);
    assert.deepEqual(found.map((f) => [f.code, at(text, f)]), [['schema-type', '"8000"']]);
    assert.equal(found[0].fixes, undefined, 'an edit there would change both containers');
  });

  test('an unknown field merged into another trigger is reported once, at its anchor', () => {
    const text = scaledObject(`  - &t\n    type: prometheus\n    metadata: {serverAddress: "http://p:9090", query: "sum(x)", threshold: "5"}\n    namee: q\n  - <<: *t\n    name: q2\n`);
    const found = schemaFindings(lint(text).findings);
    assert.deepEqual(found.map((f) => [f.code, at(text, f)]), [['schema-unknown-property', 'namee']]);
  });

  test('fields given by a merge key count, and the merging map\'s own fields win', () => {
    const text = scaledObject(`  - &t\n    type: prometheus\n    metadata: {serverAddress: "http://p:9090", query: "sum(x)", threshold: "5"}\n    useCachedMetrics: maybe\n  - <<: *t\n    useCachedMetrics: true\n    name: q2\n`);
    // The first trigger's own value is wrong; the second one's replaces it and is fine.
    assert.deepEqual(schemaFindings(lint(text).findings).map((f) => [f.code, at(text, f)]), [['schema-type', 'maybe']]);
    const fine = text.replace('useCachedMetrics: maybe', 'useCachedMetrics: false');
    assert.deepEqual(schemaFindings(lint(fine).findings), []);
    const wrong = fine.replace('useCachedMetrics: true', 'useCachedMetrics: yes');
    assert.deepEqual(schemaFindings(lint(wrong).findings).map((f) => [f.code, at(wrong, f)]), [['schema-type', 'yes']]);
  });
});
