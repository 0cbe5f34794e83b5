// Builds what the benchmark runs: the language server (through the project's own build when dist/ is missing or
// older than its sources) and the in-process bench bundles under .bench/build/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { bundleOptions } from '../bundle-options.mjs';

function newestMtime(path) {
  let st;
  try { st = statSync(path); } catch { return 0; }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** serverIsStale tells whether dist/server.js is missing or older than anything it is built from. */
export function serverIsStale(root) {
  const server = join(root, 'dist', 'server.js');
  if (!existsSync(server)) return true;
  const sources = Math.max(newestMtime(join(root, 'server', 'src')), newestMtime(join(root, 'esbuild.mjs')), newestMtime(join(root, 'scripts', 'bundle-options.mjs')), newestMtime(join(root, 'package-lock.json')));
  return statSync(server).mtimeMs < sources;
}

/** ensureServerBuilt runs `node esbuild.mjs` when the server bundle is stale; returns what it did. */
export function ensureServerBuilt(root, log) {
  if (!serverIsStale(root)) return 'up to date';
  log('dist/server.js is missing or older than its sources: running node esbuild.mjs');
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`the build failed (node esbuild.mjs exited with ${r.status ?? r.signal})`);
  return 'rebuilt';
}

// The project build's options (yaml's ES module build included): the engine timed in process is the one that ships.
const common = { ...bundleOptions, logLevel: 'silent' };

/** loadEngineBench bundles scripts/bench/engine.ts with the engine sources and loads it. */
export async function loadEngineBench(root) {
  const outfile = join(root, '.bench', 'build', 'engine-bench.cjs');
  await esbuild.build({ ...common, entryPoints: [join(root, 'scripts', 'bench', 'engine.ts')], outfile });
  return createRequire(import.meta.url)(outfile);
}

/** SIM_MODULE is the simulator module the speed hook looks for; SIM_BENCH_MODULE holds its fixed benchmark input. */
export const SIM_MODULE = 'server/src/engine/sim/simulate.ts';
export const SIM_BENCH_MODULE = 'server/src/engine/sim/compare.ts';
/** SIM_HOST_MODULE gives the simulator the helper thread the language server and the CLI give it (when it exists). */
export const SIM_HOST_MODULE = 'server/src/node/simWorker.ts';

/**
 * loadSimulation bundles the simulator modules that exist and returns their exports, or the reason it cannot:
 * they are written by another engineer, so their absence or a broken build is reported, not fatal.
 */
export async function loadSimulation(root) {
  const modules = [SIM_MODULE, SIM_BENCH_MODULE, SIM_HOST_MODULE].filter((m) => existsSync(join(root, m)));
  if (!modules.includes(SIM_MODULE)) return { reason: `${SIM_MODULE} does not exist yet` };
  const outfile = join(root, '.bench', 'build', 'sim-bench.cjs');
  const contents = modules.map((m) => `export * from ${JSON.stringify(join(root, m))};`).join('\n');
  try {
    await esbuild.build({ ...common, stdin: { contents, resolveDir: root, loader: 'ts' }, outfile });
  } catch (e) {
    return { reason: `the simulator does not build: ${String(e.message).split('\n').slice(0, 3).join(' ')}` };
  }
  return { exports: createRequire(import.meta.url)(outfile), file: outfile };
}
