import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { CodeLensRequest, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import type { Diagnostic, Range } from 'vscode-languageserver-protocol/node';
import { defaultSettings, doValidation, parseFile, toRange, WorkspaceIndex } from '../../server/src/engine';
import { startServer, TestServer } from './lspClient';
import { gpuServing } from './manifests';

// The ScaledObject's maxReplicaCount written as a string, as people often do: a schema-type error among the findings.
const MANIFESTS = `---\n${gpuServing('"8"')}`;

/** What a diagnostic says, without the uri-bound parts. */
function summary(d: { range: Range; code?: string | number; message: string | { value: string } }): string {
  const message = typeof d.message === 'string' ? d.message : d.message.value;
  return `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${message}`;
}

/** expected validates a text alone in a fresh workspace, as the engine does for a new file. */
function expected(uri: string, text: string): string[] {
  const file = parseFile(uri, text, 1);
  return doValidation(file, new WorkspaceIndex(), defaultSettings).map((f) => summary({ range: toRange(file, f.start, f.end), code: f.code, message: f.message }));
}

function offsetAt(text: string, line: number, character: number): number {
  let off = 0;
  for (let i = 0; i < line; i++) off = text.indexOf('\n', off) + 1;
  return off + character;
}

let server: TestServer;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scalelens-editing-'));
  writeFileSync(join(dir, 'serving.yaml'), MANIFESTS);
  server = await startServer({ rootUri: pathToFileURL(dir).toString() });
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('editing: a file opened as it is on disk gets the diagnostics of a fresh parse', async () => {
  const uri = pathToFileURL(join(dir, 'serving.yaml')).toString();
  const wait = server.waitForDiagnostics(uri);
  await server.open(uri, MANIFESTS);
  const p = await wait;
  assert.deepEqual(p.diagnostics.map(summary), expected(uri, MANIFESTS));
  assert.ok(p.diagnostics.some((d) => d.code === 'cpu-metric-on-gpu-workload'));
});

test('editing: a file closed and opened again gets the diagnostics of a fresh parse', async () => {
  const uri = pathToFileURL(join(dir, 'serving.yaml')).toString();
  const cleared = server.waitForDiagnostics(uri, (p) => p.diagnostics.length === 0);
  await server.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  await cleared;
  const wait = server.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  await server.open(uri, MANIFESTS);
  assert.deepEqual((await wait).diagnostics.map(summary), expected(uri, MANIFESTS));
});

/** Edits of one document, each a range of the text before it and its replacement. */
const edits: Array<{ name: string; line: number; character: number; remove: number; insert: string }> = [
  { name: 'a comment line in the first document moves the findings below it', line: 4, character: 0, remove: 0, insert: '  # the serving pods\n' },
  { name: 'a value in the last document', line: 36, character: 20, remove: 1, insert: '9' },
  { name: 'a --- line splits the HPA from its metrics', line: 26, character: 0, remove: 0, insert: '---\n' },
  { name: 'removing that --- joins them again', line: 26, character: 0, remove: 4, insert: '' },
  { name: 'a broken line in the middle document', line: 24, character: 0, remove: 0, insert: '  minReplicas: [\n' },
  { name: 'the broken line removed', line: 24, character: 0, remove: 17, insert: '' },
];

test('editing: after each edit the diagnostics are those of a fresh parse of the new text', async () => {
  const uri = 'file:///editing/edited.yaml';
  let text = MANIFESTS;
  const first = server.waitForDiagnostics(uri);
  await server.open(uri, text);
  assert.deepEqual((await first).diagnostics.map(summary), expected(uri, text));
  let version = 1;
  for (const e of edits) {
    version++;
    const start = offsetAt(text, e.line, e.character);
    const endPos = (() => {
      const before = text.slice(0, start + e.remove);
      const lines = before.split('\n');
      return { line: lines.length - 1, character: lines[lines.length - 1].length };
    })();
    text = text.slice(0, start) + e.insert + text.slice(start + e.remove);
    const v = version;
    const wait = server.waitForDiagnostics(uri, (p) => p.version === v);
    await server.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: v },
      contentChanges: [{ range: { start: { line: e.line, character: e.character }, end: endPos }, text: e.insert }],
    });
    const p = await wait;
    assert.deepEqual(p.diagnostics.map(summary), expected(uri, text), e.name);
  }
});

test('editing: a document\'s diagnostics are published before its code lenses are computed', async () => {
  const uri = 'file:///editing/lens.yaml';
  const order: string[] = [];
  const published = server.waitForDiagnostics(uri).then(() => order.push('diagnostics'));
  await server.open(uri, MANIFESTS);
  const lenses = await server.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
  order.push('lenses');
  await published;
  assert.deepEqual(order, ['diagnostics', 'lenses']);
  assert.ok(Array.isArray(lenses) && lenses.length > 0);
});

test('editing: diagnostics of the first open carry the fixes of their findings', async () => {
  const uri = 'file:///editing/fixes.yaml';
  const wait = server.waitForDiagnostics(uri);
  await server.open(uri, MANIFESTS);
  const p = await wait;
  const cpu = p.diagnostics.find((d: Diagnostic) => d.code === 'cpu-metric-on-gpu-workload');
  const data = cpu?.data as { version: number; fixes: Array<{ title: string }> } | undefined;
  assert.equal(data?.version, 1);
  assert.ok(data && data.fixes.length > 0);
});
