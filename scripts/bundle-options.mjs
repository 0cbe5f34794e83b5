// The esbuild options every bundle of the project's TypeScript shares: the shipped build (esbuild.mjs), the engine
// the repository scripts load (load-engine.mjs) and the benchmark's in-process bundles (bench/build.mjs), so that
// each runs the engine the extension and the CLI ship.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * inlineBundle makes a plugin that inlines a bundle as text: `import text from './entry.ts?<suffix>'` gives the
 * minified bundle of entry.ts and its imports, built with `options` (platform, format, target).
 */
function inlineBundle(suffix, options) {
  const filter = new RegExp(`\\?${suffix}$`);
  return {
    name: `inline-${suffix}-bundle`,
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: join(args.resolveDir, args.path.slice(0, -`?${suffix}`.length)), namespace: suffix }));
      build.onLoad({ filter: /.*/, namespace: suffix }, async (args) => {
        const r = await esbuild.build({ entryPoints: [args.path], bundle: true, write: false, metafile: true, minify: true, legalComments: 'none', logLevel: 'warning', ...options });
        return { contents: r.outputFiles[0].text, loader: 'text', watchFiles: Object.keys(r.metafile.inputs).map((f) => join(process.cwd(), f)) };
      });
    },
  };
}

/**
 * `?worker`: a worker thread's entry as CommonJS, which `new Worker(source, { eval: true })` runs (the simulator's
 * helper, server/src/node/simWorkerMain.ts). It ships inside each bundle that starts it, the server's, the CLI's and
 * the scripts', with no file to find at run time.
 */
export const inlineWorkerBundle = inlineBundle('worker', { platform: 'node', format: 'cjs', target: 'node18' });

/**
 * `?iife`: a browser bundle (the HTML report embeds its page script, uPlot included, so it needs no network).
 */
export const inlineBrowserBundle = inlineBundle('iife', { platform: 'browser', format: 'iife', target: 'es2020' });

export const bundleOptions = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  // yaml's CommonJS build (its `node` export) reads process.env.LOG_TOKENS and LOG_STREAM, debug switches, for
  // every token, and each read of process.env is a call into the runtime; its ES module build (the `default`
  // export, the same code) has no such switches and esbuild can inline it: parsing is about 18 % faster.
  alias: { yaml: join(root, 'node_modules', 'yaml', 'browser', 'index.js') },
  // Some dependencies ship only ESM that reads import.meta.url; give the CommonJS bundle an equivalent.
  define: { 'import.meta.url': '__scalelens_import_meta_url' },
  banner: { js: "var __scalelens_import_meta_url = require('url').pathToFileURL(__filename).href;" },
  plugins: [inlineWorkerBundle],
};
