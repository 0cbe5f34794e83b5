/**
 * One diagnostic, one completion and one quick fix, end to end through the installed extension and its server.
 */
import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { codeOf, openFixture, retry, waitForDiagnostic, waitForNoDiagnostic } from './support/editor';

/** rangeOf is the range of the first occurrence of `needle` in a document. */
function rangeOf(doc: vscode.TextDocument, needle: string): vscode.Range {
  const at = doc.getText().indexOf(needle);
  assert.ok(at >= 0, `'${needle}' is not in ${doc.uri.path}`);
  return new vscode.Range(doc.positionAt(at), doc.positionAt(at + needle.length));
}

/** spanOf renders a range as 1-based `line:col-line:col`, for readable failures. */
function spanOf(r: vscode.Range): string {
  return `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
}

/** editsRange tells whether a code action's edit changes text of `uri` that overlaps `range`. */
function editsRange(a: vscode.CodeAction, uri: vscode.Uri, range: vscode.Range): boolean {
  return !!a.edit?.get(uri).some((e) => e.range.intersection(range));
}

function describeAction(a: vscode.CodeAction): string {
  return `${a.title} [${a.kind?.value ?? 'no kind'}${a.isPreferred ? ', preferred' : ''}${a.edit ? '' : ', no edit'}]`;
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

suite('ScaleLens features in a real editor', () => {
  test('schema: an unknown ScaledObject key is reported on the key, with a suggestion', async () => {
    const { document } = await openFixture('unknown-property.yaml');
    const d = await waitForDiagnostic(document.uri, 'schema-unknown-property');
    assert.equal(d.source, 'scalelens');
    assert.equal(codeOf(d), 'schema-unknown-property');
    assert.equal(spanOf(d.range), spanOf(rangeOf(document, 'minReplicaCont')), 'the diagnostic must cover exactly the key');
    assert.match(d.message, /minReplicaCount/);
  });

  test('completion: metadata of a prometheus trigger offers its parameters', async () => {
    const editor = await openFixture('prometheus-empty-metadata.yaml');
    // Type a new line under the trigger's `metadata:` key (the file's last one), indented as its first entry would be.
    const line = editor.document.positionAt(editor.document.getText().lastIndexOf('metadata:')).line;
    const indent = ' '.repeat(editor.document.lineAt(line).firstNonWhitespaceCharacterIndex + 2);
    const typed = await editor.edit((b) => b.insert(editor.document.lineAt(line).range.end, `\n${indent}`));
    assert.ok(typed, 'the edit was not applied');
    const cursor = new vscode.Position(line + 1, indent.length);
    const wanted = ['serverAddress', 'query', 'threshold'];
    let labels: string[] = [];
    await retry(
      async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, cursor);
        // Text items are the editor's word-based guesses, not ScaleLens's.
        labels = list.items.filter((i) => i.kind !== vscode.CompletionItemKind.Text).map(labelOf);
        return wanted.every((w) => labels.includes(w)) ? true : undefined;
      },
      () => `completion at ${cursor.line + 1}:${cursor.character + 1} offered ${labels.length ? labels.join(', ') : 'nothing'}; wanted ${wanted.join(', ')}`,
    );
  });

  test('hover: a ScaledObject kind shows the HPA KEDA creates for it', async () => {
    const { document } = await openFixture('prometheus-threshold.yaml');
    const at = document.positionAt(document.getText().indexOf('kind: ScaledObject') + 'kind: Scaled'.length);
    let text = '';
    await retry(
      async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, at);
        text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
        return text.includes('keda-hpa-llama-vllm-queue') ? true : undefined;
      },
      () => `hover at ${at.line + 1}:${at.character + 1} showed: ${text || 'nothing'}`,
    );
    assert.match(text, /name: s0-prometheus/);
    assert.match(text, /minReplicas: 1\b/);
    assert.match(text, /maxReplicas: 4\b/);
  });

  test('quick fix: a numeric prometheus threshold is quoted by its fix', async () => {
    const { document } = await openFixture('prometheus-threshold.yaml');
    const before = document.getText();
    const d = await waitForDiagnostic(document.uri, 'trigger-value-not-string');
    assert.ok(d.range.intersection(rangeOf(document, 'threshold: 5')), `diagnostic at ${d.range.start.line + 1} is not on the threshold`);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, d.range);
    // The command drops the diagnostics a code action was made for, so the fix is told by where its edit lands.
    const fix = actions.find((a) => a.kind?.contains(vscode.CodeActionKind.QuickFix) && a.isPreferred && editsRange(a, document.uri, d.range));
    assert.ok(fix?.edit, `no preferred quick fix editing the threshold; offered: ${actions.map(describeAction).join(' | ') || 'nothing'}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the quick fix edit was not applied');
    assert.equal(document.getText(), before.replace('threshold: 5', 'threshold: "5"'));
    await waitForNoDiagnostic(document.uri, 'trigger-value-not-string');
  });
});
