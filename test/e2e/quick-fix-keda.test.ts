/**
 * A CPU HPA on a GPU Deployment, in the real editor: the warning, and the quick fix that rewrites the HPA as a KEDA
 * ScaledObject on the serving queue, which then lints clean. Runs on the example the .vsix ships.
 */
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { bundledExamples, codeOf, describeDiagnostics, openWithSiblings, scalelensDiagnostics, waitForDiagnostic, waitForNoDiagnostic } from './support/editor';

const CPU_HPA_EXAMPLE = 'examples/vllm-cpu-hpa/hpa.yaml';
const RULE = 'cpu-metric-on-gpu-workload';

suite('cpu-metric-on-gpu-workload in a real editor', () => {
  suiteSetup(async () => {
    await bundledExamples();
  });

  test('the quick fix turns the CPU HPA into a KEDA ScaledObject on the vLLM queue that lints clean', async () => {
    const editor = await openWithSiblings(CPU_HPA_EXAMPLE);
    const doc = editor.document;
    const before = doc.getText();
    const namespace = /^ {2}namespace: (\S+)$/m.exec(before)?.[1];
    assert.ok(namespace, 'the example HPA states no namespace');
    const d = await waitForDiagnostic(doc.uri, RULE);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(doc.getText(d.range), 'cpu', 'the warning is not on the CPU metric');
    assert.deepEqual(scalelensDiagnostics(doc.uri).map(codeOf), [RULE], 'the example should have exactly this one finding');
    assert.match(d.message, /Deployment 'llama-3-1-8b' requests nvidia\.com\/gpu/);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range);
    const fix = actions.find((a) => a.title === 'Scale on the vLLM queue (vllm:num_requests_waiting) with KEDA');
    assert.ok(fix?.edit, `no KEDA quick fix; offered: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(fix.kind?.contains(vscode.CodeActionKind.QuickFix));
    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the quick fix edit was not applied');

    try {
      const text = doc.getText();
      // The comment above the document stays; the document becomes a ScaledObject with the HPA's name, target and bounds.
      assert.ok(text.startsWith(before.slice(0, before.indexOf('apiVersion:'))), 'the leading comment was lost');
      assert.ok(text.includes(`apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: llama-3-1-8b\n  namespace: ${namespace}\n`), 'not a ScaledObject with the name and namespace of the HPA');
      assert.match(text, /\n {2}minReplicaCount: 2\n {2}maxReplicaCount: 8\n/);
      assert.match(text, /\n {4}- type: prometheus\n/);
      assert.ok(text.includes(`query: sum(vllm:num_requests_waiting{namespace="${namespace}", pod=~"llama-3-1-8b-.*"})\n`), 'the trigger does not query the queue of the target pods');
      assert.doesNotMatch(text, /autoscaling\/v2|averageUtilization/);

      // The warning goes once the server has checked the new text; after that nothing at all is reported.
      await waitForNoDiagnostic(doc.uri, RULE);
      const left = scalelensDiagnostics(doc.uri);
      assert.deepEqual(left.map(codeOf), [], `the ScaledObject is not clean:\n  ${describeDiagnostics(left)}`);
    } finally {
      // Back to the file on disk, so the other suites see the example as shipped.
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    assert.equal(doc.getText(), before);
  });
});
