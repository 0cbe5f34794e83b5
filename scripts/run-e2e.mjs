// run-e2e.mjs runs the end-to-end tests in a real VS Code (code-server + headless chromium) against the packaged
// extension: install the editor if needed, package the .vsix, install it into a fresh extensions folder, then run
// test/e2e through @vscode/test-electron with scripts/code-server-as-code.sh as the `code` executable.
// The extension under test is the installed .vsix; a separate runner extension hosts the mocha suite.
// Usage: node scripts/run-e2e.mjs   Env: E2E_GREP (only tests whose title matches), E2E_KEEP=1 (keep the temp folder),
//        E2E_TIMEOUT (seconds for the whole editor run, default 300). Exit code: 0 passed, non-zero otherwise.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { installExtension } from '../test/e2e/harness/codeServer.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const t0 = Date.now();
const step = (/** @type {string} */ what) => console.log(`[e2e] ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
const run = (/** @type {string} */ cmd, /** @type {string[]} */ args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

run(join(root, 'scripts/setup-editor.sh'), []);
step('editor ready');
run('npm', ['run', '--silent', 'package']);
step('packaged scalelens.vsix');
// The tests themselves are compiled by the development build (the production build only emits dist/).
run('node', ['esbuild.mjs']);
step('tests built');

const state = mkdtempSync(join(tmpdir(), 'scalelens-e2e-'));
const extensionsDir = join(state, 'extensions');
const userDataDir = join(state, 'user-data');
const workspace = join(state, 'workspace');
mkdirSync(extensionsDir);
mkdirSync(userDataDir);
// A copy, so that nothing a test does to the fixture workspace can reach the repository.
cpSync(join(root, 'test/fixtures/e2e-workspace'), workspace, { recursive: true });
installExtension(join(root, 'scalelens.vsix'), { extensionsDir, userDataDir, stateDir: state });
step('installed the .vsix into a fresh extensions folder');

let exitCode = 0;
try {
  await runTests({
    vscodeExecutablePath: join(root, 'scripts/code-server-as-code.sh'),
    extensionDevelopmentPath: join(root, 'test/e2e/runner'),
    extensionTestsPath: join(root, 'out/test/e2e/index.js'),
    launchArgs: [workspace, `--extensions-dir=${extensionsDir}`, `--user-data-dir=${userDataDir}`],
    extensionTestsEnv: { SCALELENS_E2E_EXTENSIONS_DIR: extensionsDir },
  });
} catch (e) {
  // runTests rejects with the editor's exit code when the tests fail or the harness gives up.
  const code = /** @type {{ code?: unknown }} */ (e).code;
  exitCode = typeof code === 'number' && code !== 0 ? code : 1;
}
step(exitCode === 0 ? 'end-to-end tests passed' : `end-to-end tests FAILED (exit ${exitCode})`);
if (process.env.E2E_KEEP) console.log(`[e2e] kept ${state}`);
else rmSync(state, { recursive: true, force: true });
process.exit(exitCode);
