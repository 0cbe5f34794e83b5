import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CodeActionRequest,
  CompletionRequest,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DocumentDiagnosticRequest,
  HoverRequest,
} from 'vscode-languageserver-protocol/node';
import { startServer, TestServer } from './lspClient';

let server: TestServer;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const BROKEN = 'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nspec:\n  triggers: [oops\n';

test('protocol: diagnostics are pushed after didOpen, with source, code and docs link', async () => {
  const uri = 'file:///proto/broken.yaml';
  const wait = server.waitForDiagnostics(uri);
  await server.open(uri, BROKEN);
  const p = await wait;
  assert.equal(p.version, 1);
  const d = p.diagnostics.find((x) => x.code === 'yaml-syntax');
  assert.ok(d, `codes: ${p.diagnostics.map((x) => x.code).join(', ')}`);
  assert.ok(p.diagnostics.every((x) => x.source === 'scalelens'));
  assert.deepEqual(d.range.start, { line: 3, character: 12 });
  assert.match(d.codeDescription!.href, /rules\.md#yaml-syntax$/);
});

test('protocol: an incremental change that fixes the YAML clears the diagnostics', async () => {
  const uri = 'file:///proto/fixme.yaml';
  const first = server.waitForDiagnostics(uri);
  await server.open(uri, BROKEN);
  await first;
  const cleared = server.waitForDiagnostics(uri, (p) => p.version === 2);
  // Close the flow sequence: insert "]" at the end of line 3.
  await server.conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 3, character: 17 }, end: { line: 3, character: 17 } }, text: ']' }],
  });
  const p = await cleared;
  assert.deepEqual(p.diagnostics.filter((d) => d.code === 'yaml-syntax'), []);
});

test('protocol: closing a document clears its diagnostics', async () => {
  const uri = 'file:///proto/close.yaml';
  const first = server.waitForDiagnostics(uri);
  await server.open(uri, BROKEN);
  await first;
  const cleared = server.waitForDiagnostics(uri, (p) => p.diagnostics.length === 0);
  await server.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  await cleared;
});

test('protocol: completion at the top of an empty document offers GPU policy snippets', async () => {
  const uri = 'file:///proto/empty.yaml';
  const wait = server.waitForDiagnostics(uri);
  await server.open(uri, '');
  await wait;
  const res = await server.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } });
  const items = Array.isArray(res) ? res : res?.items ?? [];
  assert.ok(items.some((i) => /vLLM queue depth/.test(i.label)), `labels: ${items.map((i) => i.label).join(', ')}`);
});

test('protocol: hover and code actions answer on any document without error', async () => {
  const uri = 'file:///proto/broken.yaml';
  const hover = await server.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 2 } });
  assert.ok(hover === null || typeof hover === 'object');
  const actions = await server.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [] },
  });
  assert.ok(Array.isArray(actions));
});

test('protocol: a huge and hostile file gets diagnostics, and the server survives', async () => {
  const uri = 'file:///proto/huge.yaml';
  const text = ('- {a: [1, 2, {b: "x"}]}\n'.repeat(20000)) + '\u0000{{{';
  const wait = server.waitForDiagnostics(uri, undefined, 30000);
  await server.open(uri, text);
  await wait;
  assert.equal(server.proc.exitCode, null);
});

test('protocol: pull diagnostics are answered when the client supports them', async () => {
  const pull = await startServer({ pull: true });
  try {
    const uri = 'file:///proto/pull.yaml';
    await pull.open(uri, BROKEN);
    const report = await pull.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    assert.equal(report.kind, 'full');
    assert.ok('items' in report && report.items.some((d) => d.code === 'yaml-syntax'));
  } finally {
    await pull.stop();
  }
});

const SO = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: q
spec:
  scaleTargetRef:
    name: worker
  minReplicaCount: 1
  triggers:
    - type: prometheus
      metadata:
        serverAddress: http://prometheus:9090
        query: sum(jobs_waiting)
        threshold: 5
`;

test('protocol: per-scaler completion, hover and the quoting quick fix through the server', async () => {
  const uri = 'file:///proto/so.yaml';
  const wait = server.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'trigger-value-not-string'));
  await server.open(uri, SO);
  const { diagnostics } = await wait;
  const quoting = diagnostics.find((d) => d.code === 'trigger-value-not-string')!;
  assert.deepEqual(quoting.range, { start: { line: 13, character: 19 }, end: { line: 13, character: 20 } });

  const actions = await server.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: quoting.range, context: { diagnostics: [quoting] } });
  const fix = (actions ?? []).find((a) => 'edit' in a && a.isPreferred) as { edit?: { changes?: Record<string, Array<{ newText: string }>> } } | undefined;
  assert.ok(fix, `actions: ${JSON.stringify(actions)}`);
  assert.deepEqual(fix.edit!.changes![uri].map((e) => e.newText), ['"5"']);

  // A new metadata key typed under the prometheus trigger: its own parameters are offered.
  const typed = SO.replace('        threshold: 5\n', '        threshold: "5"\n        act\n');
  await server.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: typed }] });
  const res = await server.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 14, character: 11 } });
  const labels = (Array.isArray(res) ? res : res?.items ?? []).map((i) => i.label);
  assert.ok(labels.includes('activationThreshold'), labels.join(', '));
  assert.ok(!labels.includes('threshold'), 'keys already present are not offered');

  const hover = await server.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 7, character: 5 } });
  const text = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
  assert.match(text, /minReplicaCount|replica/i);
});

test('protocol: a client that never answers a configuration request still gets diagnostics and completion', async () => {
  const silent = await startServer({ silentConfiguration: true });
  try {
    const uri = 'file:///proto/silent.yaml';
    const wait = silent.waitForDiagnostics(uri);
    await silent.open(uri, BROKEN);
    assert.ok((await wait).diagnostics.some((x) => x.code === 'yaml-syntax'));
    const items = await silent.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.ok(items !== null);
  } finally {
    await silent.stop();
  }
});
