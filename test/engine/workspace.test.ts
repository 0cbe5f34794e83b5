import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFile } from '../../server/src/engine/parse';
import { WorkspaceIndex } from '../../server/src/engine/workspace';

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
  // The caller may change the list it gets; the next one is whole again.
  ws.autoscalersOf(target).pop();
  assert.equal(ws.autoscalersOf(target).length, 2);
});

test('workspace: an explicit reference is looked up as given', () => {
  const ws = new WorkspaceIndex();
  ws.update(parseFile('file:///a.yaml', `${hpa('a', 'web')}---\n${deployment('web')}---\n${deployment('api')}`, 1));
  const [autoscaler] = ws.objectsIn('file:///a.yaml');
  assert.equal(ws.resolveTarget(autoscaler)?.name, 'web');
  assert.equal(ws.resolveTarget(autoscaler, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', path: [] })?.name, 'api');
  assert.equal(ws.resolveTarget(autoscaler)?.name, 'web');
});
