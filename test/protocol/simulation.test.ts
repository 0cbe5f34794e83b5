/**
 * The simulation through the language server over stdio: code lenses listed without a simulation and filled in by
 * `codeLens/resolve` (stale versions included), and `scalelens/simulate` / `scalelens/report` refusing a recording
 * the simulator cannot replay, with the CLI's message.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CodeLens, CodeLensRequest, CodeLensResolveRequest, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { parseFile, WorkspaceIndex } from '../../server/src/engine';
import { checkRecording } from '../../server/src/engine/sim/recording';
import { CodeLensData, CommandIds, Methods, SimulateParams, SimulationView } from '../../server/src/shared/protocol';
import { autoscalersOf, lensSummary } from '../../server/src/simulationService';
import { startServer, TestServer } from './lspClient';
import { gpuServing } from './manifests';

/** A GPU Deployment under an HPA, and a ScaledObject whose target is missing (it cannot be simulated). */
const MANIFESTS = gpuServing('8');

/** A second HPA on the same Deployment, to make a file of many autoscalers. */
function hpa(i: number): string {
  return `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: vllm-${i}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: vllm}
  minReplicas: 1
  maxReplicas: ${2 + (i % 5)}
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: ${50 + i}}}
`;
}

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
});

async function openDoc(uri: string, text: string): Promise<void> {
  const published = server.waitForDiagnostics(uri);
  await server.open(uri, text);
  await published;
}

function lensesOf(uri: string): Promise<CodeLens[]> {
  return server.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } }).then((l) => l ?? []);
}

function resolve(lens: CodeLens): Promise<CodeLens> {
  return server.conn.sendRequest(CodeLensResolveRequest.type, lens);
}

/** The lenses that carry a simulation to resolve (the others, "Compare with…", come with their command). */
function simulationLenses(lenses: CodeLens[]): CodeLens[] {
  return lenses.filter((l) => l.data !== undefined);
}

/** expectedTitle is the summary the engine computes for the autoscaler at `docIndex` of a text alone in a workspace. */
function expectedTitle(uri: string, text: string, docIndex: number): string {
  const ws = new WorkspaceIndex();
  const file = parseFile(uri, text, 1);
  ws.update(file);
  const obj = autoscalersOf(ws, file).find((o) => o.doc.index === docIndex);
  assert.ok(obj, `no autoscaler at document ${docIndex}`);
  const s = lensSummary(ws, obj);
  return 'error' in s ? `Simulate · cannot run: ${s.error}` : s.title;
}

test('code lenses: listed with their data and no simulation, one per autoscaler, plus Compare with…', async () => {
  const uri = 'file:///lenses/listed.yaml';
  await openDoc(uri, MANIFESTS);
  const lenses = await lensesOf(uri);
  const sims = simulationLenses(lenses);
  assert.deepEqual(sims.map((l) => l.command), [undefined, undefined], 'a listed simulation lens has no command (nothing was simulated)');
  assert.deepEqual(sims.map((l) => l.data as CodeLensData), [
    { uri, version: 1, docIndex: 1, kind: 'HorizontalPodAutoscaler', name: 'vllm' },
    { uri, version: 1, docIndex: 2, kind: 'ScaledObject', name: 'queue' },
  ]);
  const lineOf = (needle: string) => MANIFESTS.slice(0, MANIFESTS.indexOf(needle)).split('\n').length - 1;
  assert.deepEqual(sims.map((l) => l.range.start.line), [lineOf('---\napiVersion: autoscaling/v2'), lineOf('---\napiVersion: keda.sh')], 'each lens sits at the start of its document');
  const compare = lenses.filter((l) => l.data === undefined);
  assert.deepEqual(compare.map((l) => [l.command?.title, l.command?.command, l.command?.arguments]), [
    ['Compare with…', CommandIds.compareWith, [uri, 1]],
    ['Compare with…', CommandIds.compareWith, [uri, 2]],
  ]);
});

test('code lenses: a file of forty autoscalers lists every lens unresolved', async () => {
  const uri = 'file:///lenses/many.yaml';
  const text = MANIFESTS + Array.from({ length: 38 }, (_, i) => hpa(i)).join('');
  await openDoc(uri, text);
  const sims = simulationLenses(await lensesOf(uri));
  assert.equal(sims.length, 40);
  assert.ok(sims.every((l) => l.command === undefined));
  // VS Code resolves only the lenses in view: one far down the file resolves on its own, with its figures.
  const last = sims[sims.length - 1];
  const resolved = await resolve(last);
  assert.equal(resolved.command?.title, expectedTitle(uri, text, (last.data as CodeLensData).docIndex));
});

test('code lenses: resolve fills in the summary of each autoscaler, or why it cannot run', async () => {
  const uri = 'file:///lenses/resolved.yaml';
  await openDoc(uri, MANIFESTS);
  const sims = simulationLenses(await lensesOf(uri));
  const resolved = await Promise.all(sims.map(resolve));
  assert.deepEqual(resolved.map((l) => l.command?.title), [expectedTitle(uri, MANIFESTS, 1), expectedTitle(uri, MANIFESTS, 2)]);
  assert.match(resolved[0].command!.title, /^Simulate · peak \d+ GPUs? · /);
  assert.match(resolved[1].command!.title, /^Simulate · cannot run: the scale target is not in the workspace/);
  assert.deepEqual(resolved.map((l) => [l.command?.command, l.command?.arguments]), [
    [CommandIds.openSimulation, [uri, 1]],
    [CommandIds.openSimulation, [uri, 2]],
  ]);
  assert.deepEqual(resolved.map((l) => l.range), sims.map((l) => l.range));
});

/** Changes of the document between listing a lens and resolving it. */
const staleCases: Array<{ name: string; change: (text: string) => string; expectedIndex: number }> = [
  { name: 'a comment added at the top', change: (t) => `# edited\n${t}`, expectedIndex: 1 },
  { name: 'a document added before the HPA (the panel opens it where it is now)', change: (t) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n${t}`, expectedIndex: 2 },
  { name: 'the HPA renamed (no autoscaler of that name: its old place)', change: (t) => t.replace('  name: vllm\nspec:\n  scaleTargetRef', '  name: renamed\nspec:\n  scaleTargetRef'), expectedIndex: 1 },
];

for (const c of staleCases) {
  test(`code lenses: a lens of an older version resolves to a neutral Simulate… after ${c.name}`, async () => {
    const uri = `file:///lenses/stale-${staleCases.indexOf(c)}.yaml`;
    await openDoc(uri, MANIFESTS);
    const [lens] = simulationLenses(await lensesOf(uri));
    const text = c.change(MANIFESTS);
    assert.notEqual(text, MANIFESTS);
    const published = server.waitForDiagnostics(uri, (p) => p.version === 2);
    await server.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text }] });
    await published;
    const resolved = await resolve(lens);
    assert.equal(resolved.command?.title, 'Simulate…', 'no figures of a text that is gone');
    assert.deepEqual(resolved.command?.arguments, [uri, c.expectedIndex]);
    // The lenses of the current version resolve with figures again.
    const fresh = simulationLenses(await lensesOf(uri));
    assert.ok(fresh.every((l) => (l.data as CodeLensData).version === 2));
    assert.match((await resolve(fresh[0])).command?.title ?? '', /^Simulate · /);
    assert.notEqual((await resolve(fresh[0])).command?.title, 'Simulate…');
  });
}

test('code lenses: a lens of a closed document, or reopened with another text, resolves without figures', async () => {
  const uri = 'file:///lenses/closed.yaml';
  await openDoc(uri, MANIFESTS);
  const [hpaLens, soLens] = simulationLenses(await lensesOf(uri));
  await server.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  assert.equal((await resolve(hpaLens)).command?.title, 'Simulate…');
  // Versions start again at 1: the same version number now holds the ScaledObject under another name.
  const reopened = MANIFESTS.replace('name: queue', 'name: other');
  await openDoc(uri, reopened);
  assert.equal((await resolve(soLens)).command?.title, 'Simulate…');
  assert.equal((await resolve(hpaLens)).command?.title, expectedTitle(uri, reopened, 1), 'the same autoscaler at the same place resolves for the text now open');
});

test('code lenses: a lens without ScaleLens data comes back as it was', async () => {
  const lens: CodeLens = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, data: { uri: 'file:///x.yaml', version: 'one' } };
  assert.deepEqual(await resolve(lens), lens);
});

const GOOD_CSV = 'timestamp,requests_per_second\n1767225600,5\n1767225660,8\n1767225720,12\n';

/** Recordings the panel may send, and whether the server simulates them. */
const replayCases: Array<{ name: string; replay: unknown; usable: boolean }> = [
  { name: 'a usable CSV', replay: { name: 'rps.csv', text: GOOD_CSV }, usable: true },
  { name: 'a CSV of clock times without dates', replay: { name: 'bad.csv', text: 'time,requests_per_second\n09:00,12\n09:05,15\n' }, usable: false },
  { name: 'an empty CSV', replay: { name: 'empty.csv', text: '' }, usable: false },
  { name: 'a Prometheus instant query instead of a range', replay: { name: 'rps.json', text: '{"status":"success","data":{"resultType":"vector","result":[]}}' }, usable: false },
  { name: 'a name and text of wrong types', replay: { name: 3, text: null }, usable: false },
];

for (const c of replayCases) {
  test(`scalelens/simulate and scalelens/report with ${c.name}`, async () => {
    const uri = 'file:///lenses/replay.yaml';
    await openDoc(uri, MANIFESTS);
    const params = { uri, docIndex: 1, replay: c.replay } as SimulateParams;
    const view = await server.conn.sendRequest<SimulationView | { error: string }>(Methods.simulate, params);
    const report = await server.conn.sendRequest<string | { error: string }>(Methods.report, params);
    if (c.usable) {
      assert.ok(!('error' in view), JSON.stringify(view).slice(0, 300));
      assert.equal(view.scenario, `replay ${(c.replay as { name: string }).name}`);
      assert.equal(typeof report, 'string');
    } else {
      const r = c.replay as { name: unknown; text: unknown };
      const message = checkRecording(r.name, r.text);
      assert.ok(message, 'the engine finds the recording unusable');
      assert.deepEqual(view, { error: message });
      assert.deepEqual(report, { error: message });
    }
    await server.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  });
}
