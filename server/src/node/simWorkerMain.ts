/**
 * The simulator's helper thread (see simWorker.ts): it takes jobs from the engine and does them with the engine's
 * own code. Bundled on its own and inlined as text into the bundles that start it (`?worker` imports, see
 * scripts/bundle-options.mjs), so it ships as no extra file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { HelperJob } from '../engine/sim/helperThread';
import { drawJob } from '../engine/sim/parallelDraws';
import { accountJob } from '../engine/sim/stepLedger';

const state = (workerData as { state: Int32Array }).state;

parentPort?.on('message', (job: HelperJob) => {
  if (job.kind === 'draw') drawJob(job);
  else accountJob(job);
});

// Said once the message handler is in place: from then on a job posted is taken up at once.
Atomics.store(state, 0, 1);
