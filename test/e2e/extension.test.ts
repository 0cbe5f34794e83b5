/**
 * The installed extension in a real VS Code workbench: which copy is loaded, activation, contributions, diagnostics.
 */
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { CommandIds } from '../../server/src/shared/protocol';
import { EXTENSION_ID, codeOf, openFixture, retry, waitForDiagnostic } from './support/editor';

interface ContributedCommand {
  command: string;
}

interface ContributedSetting {
  default?: unknown;
}

/** filesUnder lists the files of a folder, recursively, relative to it with `/` separators. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

function scalelens(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext;
}

suite('ScaleLens extension in a real editor', () => {
  test('the extension under test is the installed .vsix, not a development copy', () => {
    const extensionsDir = process.env.SCALELENS_E2E_EXTENSIONS_DIR;
    assert.ok(extensionsDir, 'SCALELENS_E2E_EXTENSIONS_DIR is not set: run the suite through scripts/run-e2e.mjs');
    const ext = scalelens();
    assert.ok(
      ext.extensionPath.startsWith(extensionsDir + sep),
      `ScaleLens was loaded from ${ext.extensionPath}, not from the extensions folder ${extensionsDir}`,
    );
  });

  test('the installed package holds the bundles and every file its manifest names, and no sources, maps or tests', () => {
    const ext = scalelens();
    const files = new Set(filesUnder(ext.extensionPath));
    const manifest = ext.packageJSON as { main: string; bin?: Record<string, string>; contributes: { grammars?: Array<{ path: string }> } };
    const named = [manifest.main, ...Object.values(manifest.bin ?? {}), ...(manifest.contributes.grammars ?? []).map((g) => g.path)];
    const required = ['package.json', 'README.md', 'LICENSE.txt', 'dist/client.js', 'dist/server.js', 'dist/cli.js', ...named.map((p) => p.replace(/^\.\//, ''))];
    // vsce stores README.md as readme.md and LICENSE as LICENSE.txt.
    const lower = new Set([...files].map((f) => f.toLowerCase()));
    const missing = required.filter((f) => !lower.has(f.toLowerCase()));
    assert.deepEqual(missing, [], `missing from the .vsix: ${missing.join(', ')}`);
    assert.ok([...files].some((f) => f.startsWith('schemas/') && f.endsWith('.json')), 'no JSON schema in the .vsix');
    const unwanted = [...files].filter((f) => /\.(map|ts|tsx)$|^(client|server|test|out|scripts|node_modules)\//.test(f));
    assert.deepEqual(unwanted, [], `sources, maps or tests in the .vsix: ${unwanted.slice(0, 10).join(', ')}`);
  });

  test('activates and starts its language server when a YAML file is opened', async () => {
    await openFixture('deployment.yaml');
    const ext = scalelens();
    await retry(
      () => ((ext.exports as { client?: { isRunning(): boolean } } | undefined)?.client?.isRunning() ? true : undefined),
      () => `active: ${ext.isActive}, language client running: no`,
    );
  });

  test('contributes its commands, registered once active', async () => {
    const contributed = (scalelens().packageJSON.contributes.commands as ContributedCommand[]).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of Object.values(CommandIds)) {
      assert.ok(contributed.includes(id), `${id} is not declared in package.json`);
      assert.ok(registered.has(id), `${id} is not registered`);
    }
  });

  test('contributes its settings with their defaults', () => {
    const properties = scalelens().packageJSON.contributes.configuration.properties as Record<string, ContributedSetting>;
    const config = vscode.workspace.getConfiguration();
    assert.ok(Object.keys(properties).includes('scalelens.validate'));
    for (const [key, declared] of Object.entries(properties)) {
      assert.ok(key.startsWith('scalelens.'), `${key} lacks the scalelens. prefix`);
      assert.deepEqual(config.inspect(key)?.defaultValue, declared.default, `default of ${key}`);
    }
  });

  test('reports a YAML syntax error as a scalelens diagnostic', async () => {
    const editor = await openFixture('syntax-error.yaml');
    const d = await waitForDiagnostic(editor.document.uri, 'yaml-syntax');
    assert.equal(d.source, 'scalelens');
    assert.equal(codeOf(d), 'yaml-syntax');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
  });
});
