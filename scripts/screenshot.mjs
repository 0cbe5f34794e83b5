// screenshot.mjs takes the README screenshots in the real editor: code-server with the packaged scalelens.vsix
// installed, on a copy of the bundled examples, driven by headless chromium as a user would (click the CodeLens,
// open the Problems panel, switch the colour theme). Writes docs/images/editor.png (CodeLens, inlay hint,
// warning squiggle and the Problems panel), docs/images/panel-dark.png and docs/images/panel-light.png (the
// simulation panel in Dark Modern and Light Modern).
// Usage: npm run screenshots   (packages the .vsix first; needs `npm run setup:editor`)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installExtension, launchBrowser, QUIET_SETTINGS, startCodeServer, workbenchUrl } from '../test/e2e/harness/codeServer.mjs';
import { panelFrame, pickRow, runCommand } from '../test/e2e/harness/pageProbe.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const images = join(root, 'docs/images');
const VIEWPORT = { width: 1400, height: 900 };
const WAIT_MS = 30_000;
/** The example whose HPA scales a GPU Deployment on CPU: it shows a warning, a CodeLens and an inlay hint at once. */
const FILE = 'vllm-cpu-hpa/hpa.yaml';
const DARK_THEME = 'Default Dark Modern';

const t0 = Date.now();
const step = (/** @type {string} */ what) => console.log(`[screenshots] ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

execFileSync(join(root, 'scripts/setup-editor.sh'), [], { cwd: root, stdio: 'inherit' });
execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
step('packaged scalelens.vsix');

const state = mkdtempSync(join(tmpdir(), 'scalelens-screenshots-'));
const extensionsDir = join(state, 'extensions');
const userDataDir = join(state, 'user-data');
const workspace = join(state, 'examples');
mkdirSync(join(userDataDir, 'User'), { recursive: true });
cpSync(join(root, 'examples'), workspace, { recursive: true });
const settingsFile = join(userDataDir, 'User', 'settings.json');
writeFileSync(settingsFile, JSON.stringify({
  ...QUIET_SETTINGS,
  'workbench.colorTheme': DARK_THEME,
  // A quieter picture: no minimap or breadcrumbs; the explorer stays to show the example workspace.
  'editor.minimap.enabled': false,
  'breadcrumbs.enabled': false,
  'workbench.layoutControl.enabled': false,
  'window.commandCenter': false,
}, null, 2));
installExtension(join(root, 'scalelens.vsix'), { extensionsDir, userDataDir, stateDir: state });

const server = await startCodeServer({ extensionsDir, userDataDir });
const browser = await launchBrowser({ viewport: VIEWPORT });
const { page } = browser;
try {
  await page.goto(workbenchUrl(server.origin, workspace, [['openFile', join(workspace, FILE)]]));
  const lens = page.locator('.codelens-decoration a', { hasText: 'Simulate ·' });
  await lens.first().waitFor({ timeout: WAIT_MS });
  await page.locator('.view-lines', { hasText: 'GPU/replica' }).waitFor({ timeout: WAIT_MS });
  await page.locator('.squiggly-warning').first().waitFor({ timeout: WAIT_MS });
  step('editor shows the CodeLens, the inlay hint and the warning');

  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'cpu-metric-on-gpu-workload' }).first().waitFor({ timeout: WAIT_MS });
  // Problems holds one finding: shrink the panel to it so the editor shows the whole HPA.
  const panel = await page.locator('.part.panel').boundingBox();
  if (panel) {
    await page.mouse.move(panel.x + panel.width / 2, panel.y - 1);
    await page.mouse.down();
    await page.mouse.move(panel.x + panel.width / 2, panel.y + panel.height - 110, { steps: 5 });
    await page.mouse.up();
    await page.mouse.move(panel.x + panel.width / 2, panel.y - 200, { steps: 5 });
    await page.locator('.monaco-sash.hover, .monaco-sash.active').first().waitFor({ state: 'detached', timeout: WAIT_MS });
  }
  // Problems takes the keyboard focus; give it back to the editor (the cursor stays at the top of the file).
  await page.keyboard.press('Control+1');
  await restMouse(page);
  mkdirSync(images, { recursive: true });
  await page.screenshot({ path: join(images, 'editor.png') });
  step('docs/images/editor.png');

  await page.keyboard.press('Control+J'); // hide the panel area again
  await lens.first().click();
  const frame = await panelFrame(page, undefined, WAIT_MS);
  // The panel, alone and wide, as one reads it: maximise its editor group and hide the side bars.
  await page.locator('.tab', { hasText: 'Simulation' }).click();
  await page.locator('.editor-group-container.active .tab.active', { hasText: 'Simulation' }).waitFor({ timeout: WAIT_MS });
  await runCommand(page, 'View: Maximize Editor Group and Hide Side Bars', WAIT_MS);
  await waitForWidth(frame, VIEWPORT.width * 0.8);
  await restMouse(page);
  await page.screenshot({ path: join(images, 'panel-dark.png') });
  step('docs/images/panel-dark.png');

  await runCommand(page, 'Preferences: Color Theme', WAIT_MS);
  // Wait for the theme picker itself (it lists the current theme) before typing into it.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Dark Modern' }).first().waitFor({ timeout: WAIT_MS });
  await pickRow(page, 'Light Modern', WAIT_MS);
  await page.locator('.monaco-workbench.vs:not(.vs-dark)').waitFor({ timeout: WAIT_MS });
  // The page redraws its charts in a MutationObserver on the body's theme class, which runs before anything
  // outside the frame can see the new class.
  await frame.locator('body.vscode-light[data-rendered]').waitFor({ timeout: WAIT_MS });
  await page.screenshot({ path: join(images, 'panel-light.png') });
  step('docs/images/panel-light.png');
} catch (e) {
  // What the workbench showed when a step gave up says more than the selector that timed out.
  const shot = join(tmpdir(), 'scalelens-screenshot-failure.png');
  await page.screenshot({ path: shot }).catch(() => undefined);
  console.error(`[screenshots] failed; the workbench at that moment: ${shot}`);
  throw e;
} finally {
  await browser.close();
  await server.stop();
  rmSync(state, { recursive: true, force: true });
}

/**
 * restMouse parks the pointer over blank space right of the code, where it highlights nothing and opens no hover.
 * @param {import('playwright-core').Page} p
 */
async function restMouse(p) {
  await p.mouse.move(VIEWPORT.width - 60, 120);
}

/**
 * waitForWidth waits until the panel is at least `width` pixels wide and has redrawn its charts to fit their
 * cells (it does so after a resize).
 * @param {import('playwright-core').Frame} f
 * @param {number} width
 */
async function waitForWidth(f, width) {
  await f.waitForFunction((w) => document.body.clientWidth >= w && [...document.querySelectorAll('#charts .chart')].every((holder) => {
    const canvas = holder.querySelector('canvas');
    return canvas && Math.abs(canvas.getBoundingClientRect().width - holder.clientWidth) <= 4;
  }), width, { timeout: WAIT_MS });
}
