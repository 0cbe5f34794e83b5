// Bundles the engine sources (TypeScript) into one CommonJS file under out/scripts/ and loads it, so that
// repository scripts run the same engine as the CLI and the language server without a separate build step.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';

/** loadEngine returns the exports of server/src/engine/index.ts; `name` keeps concurrent callers apart. */
export async function loadEngine(root, name) {
  const outfile = join(root, 'out', 'scripts', `${name}-engine.cjs`);
  await esbuild.build({
    ...bundleOptions,
    stdin: { contents: "export * from './server/src/engine';", resolveDir: root, loader: 'ts' },
    logLevel: 'warning',
    outfile,
  });
  return createRequire(import.meta.url)(outfile);
}
