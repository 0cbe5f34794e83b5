/**
 * What the simulator asks of a helper thread, when its host gives it one (the language server and the CLI do:
 * server/src/node/simWorker.ts). The engine itself starts no thread: it hands jobs over through this interface and
 * shared memory, and does the work itself whenever no helper is ready. A job's arrays live in shared memory, so they
 * cross to the thread without copies; its other fields are numbers and small settings.
 */

import type { AccountArrays, AccountSetup } from './latency';

/** A run's Poisson arrivals to draw (see `parallelDraws.ts`). */
export interface DrawJob {
  kind: 'draw';
  /** Mean rates per step; a step's mean is `means[i] × scale`. */
  means: Float64Array;
  scale: number;
  seed: number;
  /** Where the draws go, one per step. */
  out: Float64Array;
  /** `progress[0]` is the number of steps drawn so far, from the start; the helper notifies it after each chunk. */
  progress: Int32Array;
}

/** A run's latency account, kept by the helper as the run goes (see `stepLedger.ts`). */
export interface AccountJob {
  kind: 'account';
  setup: AccountSetup;
  maxBatch: number;
  steps: number;
  arrays: AccountArrays;
  /** The ledger's control slots (`Ctl`). */
  control: Int32Array;
}

export type HelperJob = DrawJob | AccountJob;

/**
 * Runs with fewer steps do all their work in the calling thread: handing it over costs about as much as it saves
 * (a 4-hour run at 1 s steps, 14,400 steps, takes about 3 ms).
 */
export const PARALLEL_MIN_STEPS = 16_384;

/**
 * Runs with more steps (about three days at 1 s steps) also do all their work in the calling thread: the shared buffers a
 * helper works in are kept for the next run (see `DrawArena`), so their size is bounded (about 9 MB in all).
 */
export const PARALLEL_MAX_STEPS = 262_144;

/** A helper that reports no progress for this long is given up on: the calling thread does the work itself. */
export const STALL_MS = 250;

/** A helper thread as the engine sees it. */
export interface HelperThread {
  /** Whether it takes jobs now; a run that finds it not ready does its work itself. It may start the thread. */
  ready(): boolean;
  /** Hands a job over; false when it could not (the run then does the work itself). */
  post(job: HelperJob): boolean;
  /** Says the thread stopped answering: the host stops it for good, and `ready` stays false. */
  fail(): void;
}

let helper: HelperThread | undefined;

/** useHelperThread gives the simulator a helper thread, or takes it away (undefined). */
export function useHelperThread(h: HelperThread | undefined): void {
  helper = h;
}

/**
 * helperFor is the helper for a run of `steps` steps: the one given, when it takes jobs now and the run's length is
 * in the range it is used for (PARALLEL_MIN_STEPS to PARALLEL_MAX_STEPS).
 */
export function helperFor(steps: number): HelperThread | undefined {
  if (steps < PARALLEL_MIN_STEPS || steps > PARALLEL_MAX_STEPS) return undefined;
  return helper?.ready() ? helper : undefined;
}
