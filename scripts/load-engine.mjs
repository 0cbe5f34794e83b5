// Bundles the engine sources (TypeScript) into one CommonJS file under out/scripts/ and loads it, so that
// repository scripts run the same engine as the CLI and the language server without a separate build step.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

/** loadEngine returns the exports of server/src/engine/index.ts; `name` keeps concurrent callers apart. */
export async function loadEngine(root, name) {
  const outfile = join(root, 'out', 'scripts', `${name}-engine.cjs`);
  await esbuild.build({
    stdin: { contents: "export * from './server/src/engine';", resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    logLevel: 'warning',
    // The same shim as esbuild.mjs, for dependencies that read import.meta.url.
    define: { 'import.meta.url': '__scalelens_import_meta_url' },
    banner: { js: "var __scalelens_import_meta_url = require('url').pathToFileURL(__filename).href;" },
    outfile,
  });
  return createRequire(import.meta.url)(outfile);
}
