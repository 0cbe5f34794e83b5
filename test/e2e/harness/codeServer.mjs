/**
 * Drives the real editor for the end-to-end tests: code-server (the VS Code workbench with a Node extension host)
 * on a loopback port, opened in Debian's chromium through playwright-core. Paths come from `scripts/setup-editor.sh`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Workbench settings that keep a fresh profile quiet: no welcome page, trust prompt, telemetry or update checks. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'window.restoreWindows': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
};

/** @type {{ codeServer: string, node24Dir: string, chromium: string } | undefined} */
let paths;

/**
 * editorPaths returns where `scripts/setup-editor.sh` installed code-server, its Node 24 and chromium.
 * @returns {{ codeServer: string, node24Dir: string, chromium: string }}
 */
export function editorPaths() {
  if (paths) return paths;
  const out = execFileSync(join(ROOT, 'scripts/setup-editor.sh'), ['--env'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const vars = Object.fromEntries([...out.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]));
  paths = { codeServer: vars.SCALELENS_CODE_SERVER, node24Dir: vars.SCALELENS_NODE24_DIR, chromium: vars.SCALELENS_CHROMIUM };
  return paths;
}

/**
 * codeServerEnv is the environment code-server runs in: its own Node first on PATH, XDG folders inside `stateDir`
 * because code-server writes ~/.config/code-server even for `--version`, and TMPDIR there too because the server
 * and the built-in extensions leave their IPC sockets in the temp folder.
 * @param {string} stateDir
 */
function codeServerEnv(stateDir) {
  const { node24Dir } = editorPaths();
  mkdirSync(join(stateDir, 'tmp'), { recursive: true });
  return {
    ...process.env,
    PATH: `${node24Dir}/bin:${process.env.PATH}`,
    XDG_CONFIG_HOME: join(stateDir, 'xdg-config'),
    XDG_DATA_HOME: join(stateDir, 'xdg-data'),
    TMPDIR: join(stateDir, 'tmp'),
  };
}

/**
 * installExtension installs a .vsix into an extensions folder, as a user would (offline, takes about a second).
 * @param {string} vsix
 * @param {{ extensionsDir: string, userDataDir: string, stateDir: string }} dirs
 */
export function installExtension(vsix, { extensionsDir, userDataDir, stateDir }) {
  const { codeServer } = editorPaths();
  writeFileSync(join(stateDir, 'config.yaml'), 'auth: none\n');
  execFileSync(codeServer, [
    '--config', join(stateDir, 'config.yaml'), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--force', '--install-extension', vsix,
  ], { env: codeServerEnv(stateDir), stdio: 'inherit' });
}

/**
 * startCodeServer starts code-server on a free 127.0.0.1 port and resolves once `/healthz` answers.
 * `stop()` ends the server and everything it started (extension host, language server, file watcher).
 * @param {{ extensionsDir?: string, userDataDir?: string, smokeTestDriver?: boolean, timeoutMs?: number }} options
 * @returns {Promise<{ origin: string, log: () => string, stop: () => Promise<void> }>}
 */
export async function startCodeServer(options = {}) {
  const { codeServer } = editorPaths();
  const stateDir = mkdtempSync(join(tmpdir(), 'scalelens-cs-'));
  const userDataDir = options.userDataDir ?? join(stateDir, 'user-data');
  const extensionsDir = options.extensionsDir ?? join(stateDir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const settings = join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settings)) writeFileSync(settings, JSON.stringify(QUIET_SETTINGS, null, 2));
  writeFileSync(join(stateDir, 'config.yaml'), 'auth: none\n');

  const args = [
    '--config', join(stateDir, 'config.yaml'), '--bind-addr', '127.0.0.1:0', '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--ignore-last-opened', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    // The built workbench ignores extensionDevelopmentPath/extensionTestsPath in ?payload= without the smoke-test driver.
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  // Its own process group, so stop() also ends the extension host and the language server it spawns.
  const server = spawn(codeServer, args, { env: codeServerEnv(stateDir), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout.on('data', (d) => { log += d; });
  server.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((r) => server.once('exit', r));
  const stop = async () => {
    signalGroup(server.pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(server.pid, 'SIGKILL'), 10_000);
    if (server.exitCode === null && server.signalCode === null) await exited;
    clearTimeout(timer);
    rmSync(stateDir, { recursive: true, force: true });
  };

  // Port 0 lets the kernel pick a free port; code-server prints the address it bound.
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let origin;
  while (Date.now() < deadline && server.exitCode === null) {
    origin ??= /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)?.[1];
    if (origin && (await fetch(`${origin}/healthz`).then((r) => r.ok, () => false))) {
      return { origin, log: () => log, stop };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`code-server did not start${server.exitCode !== null ? ` (exit ${server.exitCode})` : ''}:\n${log}`);
}

/**
 * signalGroup sends a signal to a process group this harness started, ignoring one that has already ended.
 * @param {number | undefined} pid
 * @param {NodeJS.Signals} signal
 */
function signalGroup(pid, signal) {
  if (pid === undefined) return;
  try { process.kill(-pid, signal); } catch { /* the group has already ended */ }
}

/**
 * launchBrowser starts headless Debian chromium with a throwaway profile and no background traffic.
 * @param {{ viewport?: { width: number, height: number } }} options
 * @returns {Promise<{ page: import('playwright-core').Page, close: () => Promise<void> }>}
 */
export async function launchBrowser(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'scalelens-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: editorPaths().chromium,
    // Debian's chromium writes crash reports under ~/.config unless XDG points into the profile.
    env: { ...process.env, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
    headless: true,
    viewport: options.viewport ?? { width: 1600, height: 1000 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * workbenchUrl is the address that opens the workbench, on `folder` if given, with the given payload entries
 * (`extensionDevelopmentPath`, `extensionTestsPath`, `openFile`, ...). Paths become `vscode-remote://` URIs
 * with the page's own host:port, which code-server uses as the remote authority.
 * @param {string} origin
 * @param {string | undefined} folder
 * @param {Array<[string, string]>} entries  [key, absolute path]
 */
export function workbenchUrl(origin, folder, entries) {
  const authority = new URL(origin).host;
  const payload = [...entries.map(([k, p]) => [k, `vscode-remote://${authority}${p}`]), ['skipWelcome', 'true']];
  const query = new URLSearchParams({ ...(folder ? { folder } : {}), payload: JSON.stringify(payload) });
  return `${origin}/?${query}`;
}
