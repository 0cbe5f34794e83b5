/**
 * Poisson arrivals drawn on a helper thread while the simulation runs. A run's arrivals depend only on its rates and
 * its seed, never on the policy, so a second thread can draw them ahead of the steps that read them: the simulation
 * waits only when it catches up (it rarely does: drawing a step takes a small part of simulating it). The helper
 * draws with the same generator, in the same order, as the calling thread would, so the arrivals, and every result,
 * are the same either way.
 *
 * The helper reads the rates from, and draws into, shared buffers reused run after run (`DrawArena`); the run copies
 * the draws into an array of its own as it reads them, which is what the traffic cache keeps.
 */
import { DrawJob, helperFor, STALL_MS } from './helperThread';
import { drawPoisson, Rng } from './prng';

/**
 * The shared buffers of draw jobs, reused run after run: V8 does not count shared buffers as memory to collect for,
 * so a new one per run would pile up. A run whose draws did not all arrive (the helper stalled) keeps its arena from
 * reuse, since the helper may still write to it.
 */
class DrawArena {
  readonly means: Float64Array;
  readonly out: Float64Array;
  readonly progress = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

  constructor(readonly capacity: number) {
    this.means = new Float64Array(new SharedArrayBuffer(capacity * Float64Array.BYTES_PER_ELEMENT));
    this.out = new Float64Array(new SharedArrayBuffer(capacity * Float64Array.BYTES_PER_ELEMENT));
  }
}

let spareArena: DrawArena | undefined;

/** The arrivals of one run, as a helper draws them: `out` fills from the start; `waitFor` says how far. */
export class PendingDraws {
  /** The run's own arrivals, copied from the shared buffer as they arrive. */
  readonly out: Float64Array;
  private copied = 0;

  /**
   * `means` and `seed` are the run's own (a stalled helper's run is drawn from them here); `onStall` gives up on the
   * helper, `onDone` gives the shared buffers back once every draw arrived.
   */
  constructor(private readonly job: DrawJob, private readonly means: Float64Array, private readonly onStall: () => void, private readonly onDone: () => void = () => {}) {
    this.out = new Float64Array(job.out.length);
  }

  /**
   * waitFor returns once steps [0, end) are drawn, with how many are. If the helper stalls, the calling thread
   * draws the whole run itself (the same values, from the same seed) and the helper is given up on.
   */
  waitFor(end: number): number {
    if (end <= this.copied) return this.copied;
    const progress = this.job.progress;
    for (;;) {
      const n = Atomics.load(progress, 0);
      if (n >= end) {
        this.out.set(this.job.out.subarray(this.copied, n), this.copied);
        this.copied = n;
        if (n === this.out.length) this.onDone();
        return n;
      }
      if (Atomics.wait(progress, 0, n, STALL_MS) === 'timed-out' && Atomics.load(progress, 0) === n) {
        this.onStall();
        drawPoisson(this.means, this.job.scale, new Rng(this.job.seed), this.out, 0, this.out.length);
        return (this.copied = this.out.length);
      }
    }
  }
}

/**
 * parallelDraws hands a run's Poisson draws (means `means[i] × scale`, seed `seed`) to the helper thread, or returns
 * undefined when the run should draw them itself: too short or too long, or no helper ready.
 */
export function parallelDraws(means: Float64Array, scale: number, seed: number): PendingDraws | undefined {
  const n = means.length;
  const helper = helperFor(n);
  if (!helper) return undefined;
  const spare = spareArena;
  spareArena = undefined;
  const arena = spare && spare.capacity >= n ? spare : new DrawArena(n);
  arena.means.set(means);
  Atomics.store(arena.progress, 0, 0);
  const job: DrawJob = { kind: 'draw', means: arena.means.subarray(0, n), scale, seed, out: arena.out.subarray(0, n), progress: arena.progress };
  if (!helper.post(job)) {
    spareArena = arena;
    return undefined;
  }
  return new PendingDraws(job, means, () => helper.fail(), () => (spareArena = arena));
}

/** Steps a helper draws between two progress reports (about 0.1 ms of draws). */
const DRAW_CHUNK = 2048;

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
