/**
 * The step ledger: how the serving pool's log of each step reaches the latency account (`latency.ts`). With no helper
 * thread, the account runs in the calling thread every PUBLISH_EVERY steps (in stretches: step by step was slower)
 * and at the end of the run. With one, the log and the account's arrays live in shared memory and the helper
 * accounts for the steps while the pool serves the next ones: the pool publishes how far it got, the helper how far
 * it accounted, and the pool waits only when the log's ring is full (the ring is sized so that this does not happen
 * while the helper is still drawing the run's traffic) and for the last steps at the end of the run.
 */
import { AccountArrays, AccountSetup, LatencyAccount, Log, logRows, newAccountArrays, Point } from './latency';
import { AccountJob, HelperThread, STALL_MS } from './helperThread';

/** Slots of a helper ledger's shared control array. */
export const enum Ctl {
  /** Steps the pool logged, from the start of the run (published now and then). */
  produced,
  /** Steps the helper accounted for. */
  consumed,
  /** 1 while the helper sleeps until more steps are published. */
  helperWaiting,
  /** 1 once the run was abandoned (it threw): the helper stops waiting for it. */
  cancelled,
  size,
}

/**
 * The pool publishes its progress at least this often (steps), where each publication may wake the helper; with no
 * helper, the account runs this often.
 */
const PUBLISH_EVERY = 512;
/**
 * Rows of the step log: with a helper, enough for the pool to run ahead while the helper finishes the job before
 * the run's (its traffic draws, up to about 8 ms for a day at the host's slow speed): 4 MB; without, two batches of
 * the account.
 */
const HELPER_LOG_ROWS = 1 << 16;
const LOCAL_LOG_ROWS = 2 * PUBLISH_EVERY;

/** Thrown when the helper thread stops answering in the middle of a run: the run is made again without it. */
export class HelperStalled extends Error {
  constructor() {
    super('the simulator helper thread stopped answering');
  }
}

export class StepLedger {
  private readonly account: LatencyAccount | undefined;
  private readonly control: Int32Array | undefined;
  /** Steps accounted for (in the calling thread) or published (to the helper). */
  private passed = 0;
  /** Steps the helper is known to have accounted for. */
  private consumed = 0;
  private finished = false;
  /** Rows of the log: the most steps that can be logged and not yet accounted for. */
  private readonly rows: number;

  private constructor(readonly arrays: AccountArrays, readonly steps: number, setup: AccountSetup, maxBatch: number, private readonly helper: HelperThread | undefined, private readonly arena?: Arena) {
    this.rows = logRows(arrays.log);
    if (!helper || !arena) {
      this.account = new LatencyAccount(setup, maxBatch, arrays);
      return;
    }
    const control = arena.control;
    const job: AccountJob = { kind: 'account', setup, maxBatch, steps, arrays, control };
    if (helper.post(job)) this.control = control;
    else this.account = new LatencyAccount(setup, maxBatch, arrays);
  }

  /**
   * open makes the ledger of a run of `steps` steps and `points` output points: on the helper thread when one is
   * given (its arrays then live in shared memory, reused run after run), else in this thread.
   */
  static open(setup: AccountSetup, maxBatch: number, steps: number, points: number, helper: HelperThread | undefined): StepLedger {
    if (!helper) return new StepLedger(newAccountArrays(steps, points, LOCAL_LOG_ROWS, false), steps, setup, maxBatch, undefined);
    const arena = takeArena(steps, points);
    const ledger = new StepLedger(arena.arrays(steps, points), steps, setup, maxBatch, helper, arena);
    if (!ledger.control) giveBack(arena);
    return ledger;
  }

  /**
   * room is the end (at most `to`) of the steps from `from` on that the pool may log now: the log holds as many steps
   * not yet accounted for as it has rows. It waits for the helper when the ring is full.
   */
  room(from: number, to: number): number {
    const control = this.control;
    if (!control) {
      if (from >= this.passed + this.rows) this.accountUpTo(from);
      return Math.min(to, this.passed + this.rows);
    }
    if (from >= this.consumed + this.rows) this.consumed = Atomics.load(control, Ctl.consumed);
    while (from >= this.consumed + this.rows) {
      this.publish(from);
      this.awaitConsumed();
    }
    return Math.min(to, this.consumed + this.rows);
  }

  /** logged says the pool logged every step before `to`. */
  logged(to: number): void {
    if (to - this.passed < PUBLISH_EVERY) return;
    if (this.account) this.accountUpTo(to);
    else this.publish(to);
  }

  /** settle returns once the steps before `to`, all logged, are accounted for. */
  settle(to: number): void {
    if (this.account) {
      if (to > this.passed) this.accountUpTo(to);
      return;
    }
    if (to > this.passed) this.publish(to);
    while (this.consumed < to) this.awaitConsumed();
  }

  /** finish waits until every step of the run is accounted for; the arrays then hold the run's latency and SLO figures. */
  finish(): void {
    this.settle(this.steps);
    this.finished = true;
    // The helper is done with the arena's buffers (its last write was the count of steps accounted for).
    if (this.arena && this.control) giveBack(this.arena);
  }

  /** abandon tells the helper that the run ended early (it threw), so that it stops waiting for more steps. */
  abandon(): void {
    const control = this.control;
    if (!control || this.finished) return;
    this.finished = true;
    Atomics.store(control, Ctl.cancelled, 1);
    Atomics.notify(control, Ctl.produced);
  }

  /** accountUpTo runs the account in this thread for the logged steps before n. */
  private accountUpTo(n: number): void {
    const from = this.passed;
    this.passed = n;
    this.account!.run(from, n);
  }

  private publish(n: number): void {
    const control = this.control!;
    this.passed = n;
    Atomics.store(control, Ctl.produced, n);
    if (Atomics.load(control, Ctl.helperWaiting) === 1) Atomics.notify(control, Ctl.produced);
  }

  /** awaitConsumed waits until the helper accounts for more steps; a helper silent for STALL_MS is given up on. */
  private awaitConsumed(): void {
    const control = this.control!;
    const seen = Atomics.load(control, Ctl.consumed);
    if (seen === this.consumed && Atomics.wait(control, Ctl.consumed, seen, STALL_MS) === 'timed-out' && Atomics.load(control, Ctl.consumed) === seen) {
      this.abandon();
      this.helper!.fail();
      throw new HelperStalled();
    }
    this.consumed = Atomics.load(control, Ctl.consumed);
  }
}

/**
 * The shared buffers of a helper-kept ledger, reused run after run. V8 does not count shared buffers as memory to
 * collect for (a loop allocating them grows without bound), and every thread that saw one must collect its wrapper
 * before it is freed: a new 3 MB log per run piled up (about 110 MB over 30 runs). Runs are one at a time per thread,
 * so one spare arena is enough; a run that ends early (it threw, or the helper stalled) does not give its arena back,
 * since the helper may still write to it.
 */
class Arena {
  readonly log = new Float64Array(new SharedArrayBuffer(HELPER_LOG_ROWS * Log.size * Float64Array.BYTES_PER_ELEMENT));
  readonly overSlo = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT));
  readonly control = new Int32Array(new SharedArrayBuffer(Ctl.size * Int32Array.BYTES_PER_ELEMENT));
  private sloMet: Uint8Array;
  private points: Float64Array;

  constructor(steps: number, points: number) {
    this.sloMet = new Uint8Array(new SharedArrayBuffer(steps));
    this.points = new Float64Array(new SharedArrayBuffer(points * Point.size * Float64Array.BYTES_PER_ELEMENT));
  }

  /** fits tells whether the arena holds a run of this size. */
  fits(steps: number, points: number): boolean {
    return this.sloMet.length >= steps && this.points.length >= points * Point.size;
  }

  /** grownFor is an arena for runs of this size and of every size this one held. */
  grownFor(steps: number, points: number): Arena {
    return new Arena(Math.max(steps, this.sloMet.length), Math.max(points, this.points.length / Point.size));
  }

  /** arrays gives the arena's arrays for a run, made ready for it: the sums and the control slots at 0. */
  arrays(steps: number, points: number): AccountArrays {
    const sums = this.points.subarray(0, points * Point.size);
    sums.fill(0);
    this.overSlo[0] = 0;
    this.control.fill(0);
    // The log needs no clearing: the account reads a row only once the pool wrote it.
    return { log: this.log, sloMet: this.sloMet.subarray(0, steps), points: sums, overSlo: this.overSlo };
  }
}

let spareArena: Arena | undefined;

/** takeArena gives the spare arena when it holds a run of this size, else a new one that also holds what it held. */
function takeArena(steps: number, points: number): Arena {
  const spare = spareArena;
  spareArena = undefined;
  if (!spare) return new Arena(steps, points);
  return spare.fits(steps, points) ? spare : spare.grownFor(steps, points);
}

function giveBack(arena: Arena): void {
  spareArena = arena;
}

/** accountJob is the helper thread's side of a ledger: it accounts for the steps as the pool publishes them. */
export function accountJob(job: AccountJob): void {
  const account = new LatencyAccount(job.setup, job.maxBatch, job.arrays);
  const control = job.control;
  let done = 0;
  while (done < job.steps) {
    const produced = Atomics.load(control, Ctl.produced);
    if (produced > done) {
      account.run(done, produced);
      done = produced;
      Atomics.store(control, Ctl.consumed, done);
      Atomics.notify(control, Ctl.consumed);
      continue;
    }
    if (Atomics.load(control, Ctl.cancelled) === 1) return;
    // Asleep, not awake in a loop: with another process busy on the other core, a helper waiting awake took the
    // pool's core for whole time slices (runs twice as long).
    Atomics.store(control, Ctl.helperWaiting, 1);
    // Published between the load above and this flag: seen here. Published after: the pool sees the flag and notifies.
    if (Atomics.load(control, Ctl.produced) === done && Atomics.load(control, Ctl.cancelled) === 0) Atomics.wait(control, Ctl.produced, done, 1000);
    Atomics.store(control, Ctl.helperWaiting, 0);
  }
}
