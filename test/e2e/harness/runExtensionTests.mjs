/**
 * A stand-in for the `code` executable that `@vscode/test-electron` launches: it runs extension tests in code-server
 * and headless chromium instead of a desktop VS Code (none can be installed offline), and exits with their result.
 *
 * Understands the arguments runTests() passes: `--extensionDevelopmentPath=`, `--extensionTestsPath=`,
 * `--extensions-dir=`, `--user-data-dir=` and the folder to open; other desktop flags are ignored.
 * Exit code: 0 tests passed, 1 tests failed, 2 harness error or timeout (E2E_TIMEOUT seconds, default 300).
 * The workbench's own start-up chatter is dropped from the output unless E2E_VERBOSE=1.
 * The tests can look into the page through the page probe (pageProbe.mjs), at SCALELENS_E2E_PAGE_PROBE.
 * A window reload restarts the extension host, and the workbench then starts the tests again: SCALELENS_E2E_RUN_DIR
 * is a folder that lives for the whole run, where the tests hand over from one host to the next (support/reload.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { launchBrowser, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { startPageProbe } from './pageProbe.mjs';

const HARNESS_ERROR = 2;

/** Console output of the workbench that says nothing about the tests: connection set-up, and the extension gallery
 * and sign-in services failing to reach the network, which this machine does not have. */
const CHATTER = [
  /^(Resolving|Resolved) connection token/,
  /^Creating a socket/,
  /^\[(reconnection-grace-time|Service Worker|AgentHost|AccountPolicyGate)\b/,
  /^Updating additional builtin extensions cache/,
  // A window reload (the tests that span one) shuts the workbench down and says what the web cannot wait for.
  /^\[lifecycle\] (onBeforeUnload triggered|Long running operations during shutdown are unsupported in the web)/,
  /^Creation of workbench contribution '[^']*' took \d+ms/,
  /getaddrinfo ENOTFOUND/,
  /Timed out waiting for authentication provider/,
  /vsda/,
];
const verbose = process.env.E2E_VERBOSE === '1';

/**
 * parseArgs reads the `code` command line that runTests() builds.
 * @param {string[]} argv
 */
function parseArgs(argv) {
  /** @type {Record<string, string[]>} */
  const flags = {};
  const positional = [];
  for (const a of argv) {
    const m = /^--([\w-]+)=(.*)$/s.exec(a);
    if (m) (flags[m[1]] ??= []).push(m[2]);
    else if (!a.startsWith('--')) positional.push(a);
  }
  return {
    devPaths: flags.extensionDevelopmentPath ?? [],
    testsPath: flags.extensionTestsPath?.[0],
    extensionsDir: flags['extensions-dir']?.[0],
    userDataDir: flags['user-data-dir']?.[0],
    folder: positional[0],
  };
}

const args = parseArgs(process.argv.slice(2));
if (args.devPaths.length !== 1 || !args.testsPath) {
  console.error('usage: code-server-as-code.sh --extensionDevelopmentPath=<dir> --extensionTestsPath=<module> [--extensions-dir=<dir>] [--user-data-dir=<dir>] [folder]');
  process.exit(HARNESS_ERROR);
}
const timeoutS = Number(process.env.E2E_TIMEOUT ?? 300);
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

/** @type {Awaited<ReturnType<typeof launchBrowser>> | undefined} */
let browser;
// The tests reach the probe through this variable, which code-server passes on to the extension host.
const probe = await startPageProbe(() => browser?.page);
process.env.SCALELENS_E2E_PAGE_PROBE = probe.url;
const runDir = mkdtempSync(join(tmpdir(), 'scalelens-e2e-run-'));
process.env.SCALELENS_E2E_RUN_DIR = runDir;
const server = await startCodeServer({ extensionsDir: args.extensionsDir, userDataDir: args.userDataDir, smokeTestDriver: true }).catch((e) => {
  console.error(`HARNESS: ${e.message}`);
  rmSync(runDir, { recursive: true, force: true });
  process.exit(HARNESS_ERROR);
});
const shutdown = async () => {
  await probe.close();
  await browser?.close();
  await server.stop();
  rmSync(runDir, { recursive: true, force: true });
};
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => void shutdown().finally(() => process.exit(HARNESS_ERROR)));
}

/** @type {(code: number | 'timeout') => void} */
let finish = () => undefined;
const finished = new Promise((r) => { finish = r; });
const timer = setTimeout(() => finish('timeout'), timeoutS * 1000);
try {
  browser = await launchBrowser();
  const { page } = browser;
  // The workbench reports the extension host's console (mocha's reporter) and the test result through these hooks,
  // the same ones VS Code's own browser integration tests use.
  await page.exposeFunction('codeAutomationLog', (/** @type {string} */ type, /** @type {unknown} */ messages) => {
    // The arguments of a console call, format string first (mocha's reporter uses %s and %d).
    const text = format(...(Array.isArray(messages) ? messages : [messages]));
    if (!verbose && CHATTER.some((re) => re.test(text))) return;
    (type === 'error' ? console.error : console.log)(text);
  });
  await page.exposeFunction('codeAutomationExit', (/** @type {unknown} */ code) => finish(typeof code === 'number' ? code : HARNESS_ERROR));
  page.on('pageerror', (e) => console.error(`[workbench] ${e.message}`));
  await page.goto(workbenchUrl(server.origin, args.folder, [['extensionDevelopmentPath', args.devPaths[0]], ['extensionTestsPath', args.testsPath]]));
} catch (e) {
  console.error(`HARNESS: could not open the workbench: ${e instanceof Error ? e.message : e}`);
  finish(HARNESS_ERROR);
}
const code = await finished;
clearTimeout(timer);
if (code === 'timeout' || code === HARNESS_ERROR) console.error(`HARNESS: code-server log follows\n${server.log()}`);
await shutdown();
if (code === 'timeout') {
  console.error(`HARNESS: no test result after ${timeoutS} s`);
  process.exit(HARNESS_ERROR);
}
console.log(`HARNESS: extension tests exited with code ${code} after ${elapsed()}`);
process.exit(code);
