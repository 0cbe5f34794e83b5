import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSettings, doValidation, EngineSettings, parseFile, WorkspaceIndex } from '../../server/src/engine';

const BASE = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: q
spec:
  scaleTargetRef:
    name: worker
  minReplicaCont: 1
  triggers:
    - type: prometheus
      metadata:
        serverAddress: http://prometheus:9090
        query: sum(jobs_waiting)
        threshold: 5
`;

function codes(text: string, settings: EngineSettings = defaultSettings): string[] {
  const file = parseFile('file:///s.yaml', text, 1);
  return doValidation(file, new WorkspaceIndex(), settings).map((f) => `${f.code}@${text.slice(0, f.start).split('\n').length}`);
}

const cases: Array<{ name: string; text: string; settings?: Partial<EngineSettings>; absent: string[]; present: string[] }> = [
  {
    name: 'disable-next-line with an id silences that code on the next line only',
    text: BASE.replace('  minReplicaCont: 1', '  # scalelens-disable-next-line schema-unknown-property\n  minReplicaCont: 1'),
    absent: ['schema-unknown-property@9'],
    present: ['trigger-value-not-string@15'],
  },
  {
    name: 'disable-next-line skips comment lines to the next content line',
    text: BASE.replace('        threshold: 5', '        # scalelens-disable-next-line trigger-value-not-string\n        # (threshold is quoted by our Helm chart)\n        threshold: 5'),
    absent: ['trigger-value-not-string@17'],
    present: ['schema-unknown-property@8'],
  },
  {
    name: 'disable-next-line with another id does not silence',
    text: BASE.replace('  minReplicaCont: 1', '  # scalelens-disable-next-line min-exceeds-max\n  minReplicaCont: 1'),
    absent: [],
    present: ['schema-unknown-property@9'],
  },
  {
    name: 'disable-next-line without id silences every code on that line',
    text: BASE.replace('        threshold: 5', '        # scalelens-disable-next-line\n        threshold: 5'),
    absent: ['trigger-value-not-string@15'],
    present: ['schema-unknown-property@8'],
  },
  {
    name: 'a file-level disable with ids silences those codes everywhere',
    text: `# scalelens-disable trigger-value-not-string, prometheus-null-as-zero\n${BASE}`,
    absent: ['trigger-value-not-string@15'],
    present: ['schema-unknown-property@9'],
  },
  {
    name: 'settings turn a code off and change a severity',
    text: BASE,
    settings: { rules: { 'schema-unknown-property': 'off' } },
    absent: ['schema-unknown-property@8'],
    present: ['trigger-value-not-string@14'],
  },
];

for (const c of cases) {
  test(`suppression: ${c.name}`, () => {
    const got = codes(c.text, { ...defaultSettings, ...c.settings });
    for (const a of c.absent) assert.ok(!got.includes(a), `${a} should be gone: ${got.join(', ')}`);
    for (const p of c.present) assert.ok(got.includes(p), `${p} should remain: ${got.join(', ')}`);
  });
}

test('suppression: a severity override changes the severity, not the finding', () => {
  const file = parseFile('file:///s.yaml', BASE, 1);
  const f = doValidation(file, new WorkspaceIndex(), { ...defaultSettings, rules: { 'trigger-value-not-string': 'hint' } }).find((x) => x.code === 'trigger-value-not-string');
  assert.equal(f?.severity, 'hint');
});
