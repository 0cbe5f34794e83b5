/**
 * A random editing session against the real server over stdio: six documents from the examples and the rule
 * fixtures, then incremental edits (typing, deleting, pasting, multi-byte characters, CRLF) interleaved with
 * completion, hover, code lens and their resolution, inlay hints and code actions, from a fixed seed. Every request
 * must be answered, the server must stay up and quiet, and once typing stops the diagnostics it last published for
 * each document must be those a fresh validation of the final texts gives.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import type { CodeLens, Diagnostic } from 'vscode-languageserver-protocol';
import { defaultSettings, doValidation, parseFile, WorkspaceIndex } from '../../server/src/engine';
import { seeded, yamlFiles } from '../support/random';
import { repoRoot } from '../support/repo';
import { startServer } from './lspClient';

/** The LSP position (UTF-16 code units, as JavaScript strings count) of an offset. */
function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

const INSERTS = ['x', ': ', '\n', '---\n', '  ', '- ', '{', '}', '"', "'", '#', 'a: 1\n', '{{ x }}', '\t', '😀', 'é', '\r\n', 'minReplicaCount: 0\n', 'query: sum(rate(x[5m]))\n'];

test('a random editing session: every request answered, diagnostics end as a fresh validation says', async () => {
  const root = repoRoot();
  const sources = [...yamlFiles(join(root, 'examples')), ...yamlFiles(join(root, 'test', 'fixtures', 'rules'))];
  const random = seeded(20261128);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];

  const server = await startServer();
  try {
    const docs = Array.from({ length: 6 }, (_, i) => {
      const source = pick(sources);
      return { uri: `file:///session/${i}-${basename(source)}`, text: readFileSync(source, 'utf8'), version: 1 };
    });
    for (const d of docs) await server.open(d.uri, d.text);
    for (let i = 0; i < 300; i++) {
      const d = pick(docs);
      const op = Math.floor(random() * 7);
      const where = `operation ${i} (${op}) on ${d.uri}`;
      if (op <= 1) {
        const at = Math.floor(random() * (d.text.length + 1));
        const remove = random() < 0.4 ? Math.min(d.text.length - at, Math.floor(random() * 6)) : 0;
        const insert = pick(INSERTS);
        const range = { start: positionOf(d.text, at), end: positionOf(d.text, at + remove) };
        d.text = d.text.slice(0, at) + insert + d.text.slice(at + remove);
        d.version++;
        await server.conn.sendNotification('textDocument/didChange', { textDocument: { uri: d.uri, version: d.version }, contentChanges: [{ range, text: insert }] });
        continue;
      }
      const textDocument = { uri: d.uri };
      const position = positionOf(d.text, Math.floor(random() * (d.text.length + 1)));
      try {
        if (op === 2) await server.conn.sendRequest('textDocument/completion', { textDocument, position });
        else if (op === 3) await server.conn.sendRequest('textDocument/hover', { textDocument, position });
        else if (op === 4) {
          const lenses = ((await server.conn.sendRequest('textDocument/codeLens', { textDocument })) as CodeLens[] | null) ?? [];
          for (const lens of lenses.slice(0, 2)) await server.conn.sendRequest('codeLens/resolve', lens);
        } else if (op === 5) await server.conn.sendRequest('textDocument/inlayHint', { textDocument, range: { start: { line: 0, character: 0 }, end: positionOf(d.text, d.text.length) } });
        else {
          const diagnostics: Diagnostic[] = server.lastDiagnostics(d.uri)?.diagnostics.slice(0, 5) ?? [];
          await server.conn.sendRequest('textDocument/codeAction', { textDocument, range: { start: position, end: position }, context: { diagnostics } });
          await server.conn.sendRequest('textDocument/codeAction', { textDocument, range: { start: position, end: position }, context: { diagnostics: [], only: ['source.fixAll'] } });
        }
      } catch (e) {
        assert.fail(`${where}: ${(e as Error).message}`);
      }
    }
    // Typing stops: each document's diagnostics for its last version, then the other documents' re-checks settle.
    for (const d of docs) if (server.lastDiagnostics(d.uri)?.version !== d.version) await server.waitForDiagnostics(d.uri, (p) => p.version === d.version);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(server.proc.exitCode, null, 'the server is still running');
    assert.equal(server.stderr(), '');

    const ws = new WorkspaceIndex();
    const files = docs.map((d) => {
      const f = parseFile(d.uri, d.text, d.version);
      ws.update(f);
      return f;
    });
    docs.forEach((d, i) => {
      const fresh = doValidation(files[i], ws, defaultSettings).map((f) => `${f.code} ${JSON.stringify(positionOf(d.text, f.start))}`).sort();
      const published = (server.lastDiagnostics(d.uri)?.diagnostics ?? []).map((x) => `${x.code} ${JSON.stringify(x.range.start)}`).sort();
      assert.deepEqual(published, fresh, d.uri);
    });
  } finally {
    await server.stop();
  }
});
