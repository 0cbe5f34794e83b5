// Bundles the extension client, the language server and the CLI, and compiles the tests.
// Usage: node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // Some dependencies ship only ESM that reads import.meta.url; give the CommonJS bundle an equivalent.
  define: { 'import.meta.url': '__scalelens_import_meta_url' },
  banner: { js: "var __scalelens_import_meta_url = require('url').pathToFileURL(__filename).href;" },
  plugins: [problemMatcher],
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
  { ...common, entryPoints: { server: 'server/src/node/main.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'server/src/cli.ts' }, outdir: 'dist', banner: { js: "#!/usr/bin/env node\nvar __scalelens_import_meta_url = require('url').pathToFileURL(__filename).href;" } },
];
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
