/**
 * Poisson arrivals drawn on a helper thread while the simulation runs. A run's arrivals depend only on its rates and
 * its seed, never on the policy, so a second thread can draw them ahead of the steps that read them: the simulation
 * waits only when it catches up (it rarely does: drawing a step takes a small part of simulating it). The helper
 * draws with the same generator, in the same order, as the calling thread would, so the arrivals, and every result,
 * are the same either way.
 */
import { DRAW_CHUNK, DrawJob, PARALLEL_MIN_STEPS, readyHelper, sharedCopy, STALL_MS } from './helperThread';
import { drawPoisson, Rng } from './prng';

/** The arrivals of one run, as a helper draws them: `out` fills from the start; `waitFor` says how far. */
export class PendingDraws {
  private drawn = 0;

  constructor(private readonly job: DrawJob, private readonly onStall: () => void) {}

  get out(): Float64Array {
    return this.job.out;
  }

  /**
   * waitFor returns once steps [0, end) are drawn, with how many are. If the helper stalls, the calling thread
   * draws the whole run itself (the same values, from the same seed) and the helper is given up on.
   */
  waitFor(end: number): number {
    if (end <= this.drawn) return this.drawn;
    const progress = this.job.progress;
    for (;;) {
      const n = Atomics.load(progress, 0);
      if (n >= end) return (this.drawn = n);
      if (Atomics.wait(progress, 0, n, STALL_MS) === 'timed-out' && Atomics.load(progress, 0) === n) {
        this.onStall();
        const { means, scale, seed, out } = this.job;
        drawPoisson(means, scale, new Rng(seed), out, 0, out.length);
        return (this.drawn = out.length);
      }
    }
  }
}

/**
 * parallelDraws hands a run's Poisson draws (means `means[i] × scale`, seed `seed`) to the helper thread, or returns
 * undefined when the run should draw them itself: too short, or no helper ready.
 */
export function parallelDraws(means: Float64Array, scale: number, seed: number): PendingDraws | undefined {
  if (means.length < PARALLEL_MIN_STEPS) return undefined;
  const helper = readyHelper();
  if (!helper) return undefined;
  const job: DrawJob = {
    kind: 'draw',
    means: sharedCopy(means),
    scale,
    seed,
    out: new Float64Array(new SharedArrayBuffer(means.length * Float64Array.BYTES_PER_ELEMENT)),
    progress: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)),
  };
  return helper.post(job) ? new PendingDraws(job, () => helper.fail()) : undefined;
}

/** drawJob does a draw job: the helper thread's side, in chunks, reporting progress after each. */
export function drawJob(job: DrawJob): void {
  const { means, scale, out, progress } = job;
  const rng = new Rng(job.seed);
  const n = out.length;
  // A short first chunk: the run waits for it before its first step.
  for (let from = 0; from < n; ) {
    const to = Math.min(n, from === 0 ? DRAW_CHUNK / 8 : from + DRAW_CHUNK);
    drawPoisson(means, scale, rng, out, from, to);
    Atomics.store(progress, 0, to);
    Atomics.notify(progress, 0);
    from = to;
  }
}
