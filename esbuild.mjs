// Bundles the extension client, the language server and the CLI, and compiles the tests.
// Usage: node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleOptions, inlineBrowserBundle } from './scripts/bundle-options.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Reports build errors in the shape VS Code's esbuild problem matcher expects. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => { if (watch) console.log('[watch] build started'); });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

/**
 * Emits JSON modules as `JSON.parse('...')`: V8 scans a string literal far faster, and with far less memory, than
 * the object literal esbuild would otherwise write (the schemas and the scaler catalogue are about 700 KB of JSON).
 */
const jsonAsString = {
  name: 'json-as-string',
  setup(build) {
    build.onLoad({ filter: /\.json$/ }, async (args) => {
      const value = JSON.parse(await readFile(args.path, 'utf8'));
      return { contents: `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(value))});`, loader: 'js' };
    });
  },
};

const common = {
  ...bundleOptions,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  plugins: [...bundleOptions.plugins, problemMatcher, inlineBrowserBundle, jsonAsString],
};

function listTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'fixtures' || name === 'e2e') continue;
    if (statSync(p).isDirectory()) out.push(...listTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const builds = [
  { ...common, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  // V8 keeps the server's source in memory. esbuild keeps some comments, and one non-ASCII character in them
  // (a dash, an umlaut) makes V8 hold all 3.7 MB as a two-byte string: 7.4 MB. Without comments, line breaks and
  // indentation it is 2.6 MB of one-byte text. Names stay, so stack traces still read, and the map maps them back.
  { ...common, entryPoints: { server: 'server/src/node/main.ts' }, outdir: 'dist', minifyWhitespace: true },
  { ...common, entryPoints: { cli: 'server/src/cli.ts' }, outdir: 'dist', banner: { js: "#!/usr/bin/env node\nvar __scalelens_import_meta_url = require('url').pathToFileURL(__filename).href;" } },
];
// The simulation panel's page script runs in the webview (a browser): its own bundle, uPlot included.
builds.push({
  entryPoints: { webview: 'client/webview/panel.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2020',
  minify: production,
  sourcemap: production ? false : 'inline',
  logLevel: 'warning',
  plugins: [problemMatcher],
});
mkdirSync('dist', { recursive: true });
copyFileSync('node_modules/uplot/dist/uPlot.min.css', 'dist/uPlot.min.css');
copyFileSync('client/webview/panel.css', 'dist/webview.css');

if (!production) {
  // Tests run from out/ with node:test; each test file is its own bundle so it can import engine sources.
  builds.push({ ...common, entryPoints: listTests('test'), outdir: 'out/test', outbase: 'test', sourcemap: 'inline' });
  // Extension-host tests (run inside a real VS Code) import 'vscode' at run time.
  builds.push({ ...common, entryPoints: listE2E(), outdir: 'out/test/e2e', outbase: 'test/e2e', external: ['vscode', 'mocha'] });
}

function listE2E() {
  try { return readdirSync('test/e2e').filter((n) => n.endsWith('.ts')).map((n) => join('test/e2e', n)); } catch { return []; }
}

if (watch) {
  const ctxs = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(ctxs.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
