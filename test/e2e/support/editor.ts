/**
 * Helpers for the end-to-end tests: open fixture files, and wait on editor events or retry loops (never fixed sleeps).
 */
import * as vscode from 'vscode';

/** EXTENSION_ID is the id of the extension under test (`publisher.name` of the project's package.json). */
export const EXTENSION_ID = 'scalelens.scalelens';

/** WAIT_MS bounds every wait for the language server; mocha's own timeout per test is 60 s. */
export const WAIT_MS = 30_000;

/** openFixture opens a file of the fixture workspace in an editor. */
export async function openFixture(name: string): Promise<vscode.TextEditor> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the end-to-end tests need the fixture workspace open');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, name));
  return vscode.window.showTextDocument(doc);
}

/** codeOf returns a diagnostic's code as a string, whether or not it carries a documentation link. */
export function codeOf(d: vscode.Diagnostic): string {
  return String(typeof d.code === 'object' ? d.code.value : d.code);
}

/** scalelensDiagnostics lists the diagnostics ScaleLens published for a document. */
export function scalelensDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'scalelens');
}

/** describeDiagnostics renders diagnostics for failure messages: `code @line:col message`. */
export function describeDiagnostics(ds: readonly vscode.Diagnostic[]): string {
  if (!ds.length) return '(none)';
  return ds.map((d) => `${codeOf(d)} @${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`).join('\n  ');
}

/**
 * waitForDiagnostics resolves with the first value `probe` returns (not undefined) for the ScaleLens diagnostics of
 * `uri`, re-checking on every diagnostics change; after WAIT_MS it rejects, naming `expected` and what was published.
 */
export function waitForDiagnostics<T>(uri: vscode.Uri, expected: string, probe: (ds: vscode.Diagnostic[]) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const value = probe(scalelensDiagnostics(uri));
      if (value === undefined) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(value);
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`expected ${expected} on ${uri.path} within ${WAIT_MS / 1000} s; ScaleLens published:\n  ${describeDiagnostics(scalelensDiagnostics(uri))}`));
    }, WAIT_MS);
    check();
  });
}

/** waitForDiagnostic resolves with the first ScaleLens diagnostic of `uri` whose code is `code`. */
export function waitForDiagnostic(uri: vscode.Uri, code: string): Promise<vscode.Diagnostic> {
  return waitForDiagnostics(uri, `a '${code}' diagnostic`, (ds) => ds.find((d) => codeOf(d) === code));
}

/** waitForNoDiagnostic resolves once no ScaleLens diagnostic of `uri` has the code `code`. */
export function waitForNoDiagnostic(uri: vscode.Uri, code: string): Promise<void> {
  return waitForDiagnostics(uri, `no '${code}' diagnostic`, (ds) => (ds.some((d) => codeOf(d) === code) ? undefined : null)).then(() => undefined);
}

/**
 * retry calls `probe` until it returns a value other than undefined, pausing `intervalMs` between attempts, and
 * rejects after WAIT_MS with `describe()` of the last state. For results with no change event (completions, activation).
 */
export async function retry<T>(probe: () => Promise<T | undefined> | T | undefined, describe: () => string, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${WAIT_MS / 1000} s: ${describe()}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** workspaceRoot is the fixture workspace folder the suite runs in (a temporary copy). */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the end-to-end tests need the fixture workspace open');
  return folder.uri;
}

/**
 * bundledExamples copies the example workspaces the installed .vsix ships (`examples/`) into the fixture
 * workspace once, so the tests run on exactly what users get from `ScaleLens: Open Example Workspace`.
 */
export async function bundledExamples(): Promise<vscode.Uri> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
  const dest = vscode.Uri.joinPath(workspaceRoot(), 'examples');
  const present = await vscode.workspace.fs.stat(dest).then(() => true, () => false);
  if (!present) await vscode.workspace.fs.copy(vscode.Uri.joinPath(ext.extensionUri, 'examples'), dest);
  return dest;
}

/**
 * openWithSiblings opens a workspace file in an editor after opening the other YAML files of its folder as
 * documents, so the language server knows the scale target and ServingProfile however quickly the file watcher
 * reports files the test has just copied.
 */
export async function openWithSiblings(relativePath: string): Promise<vscode.TextEditor> {
  const file = vscode.Uri.joinPath(workspaceRoot(), relativePath);
  const folder = vscode.Uri.joinPath(file, '..');
  for (const [name, type] of await vscode.workspace.fs.readDirectory(folder)) {
    if (type === vscode.FileType.File && /\.ya?ml$/.test(name)) await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, name));
  }
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
}
