/**
 * The simulator's helper thread for Node hosts (the language server, the CLI): a worker thread the engine hands
 * work to that does not depend on the policy (see engine/sim/helperThread.ts). It starts when the first run long
 * enough to use it asks, and that run does its own work meanwhile (the thread takes about 35 ms to start); it does
 * not keep the process alive. On a single core, where no worker can start, or once it stops answering, runs do all
 * their work in the calling thread.
 */
import { availableParallelism, cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import workerSource from './simWorkerMain.ts?worker';
import { HelperJob, HelperThread, useHelperThread } from '../engine/sim/helperThread';

class SimWorker implements HelperThread {
  private worker: Worker | undefined;
  /** `state[0]` is 1 once the thread takes jobs. */
  private state: Int32Array | undefined;
  private unavailable = false;

  /** Whether runs here do their work in the calling thread for good (a single core, or a thread that failed). */
  get failed(): boolean {
    return this.unavailable;
  }

  ready(): boolean {
    if (this.unavailable) return false;
    if (!this.worker) {
      this.start();
      return false;
    }
    return Atomics.load(this.state!, 0) === 1;
  }

  post(job: HelperJob): boolean {
    try {
      this.worker!.postMessage(job);
      return true;
    } catch {
      this.fail();
      return false;
    }
  }

  fail(): void {
    this.unavailable = true;
    this.stop();
  }

  stop(): void {
    const w = this.worker;
    this.worker = undefined;
    this.state = undefined;
    if (w) void w.terminate();
  }

  private start(): void {
    if ((typeof availableParallelism === 'function' ? availableParallelism() : cpus().length) < 2) {
      this.unavailable = true;
      return;
    }
    try {
      const state = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
      const w = new Worker(workerSource, { eval: true, workerData: { state }, resourceLimits: { maxOldGenerationSizeMb: 32 } });
      w.unref();
      w.on('error', () => this.fail());
      // A thread that ended (it should not) is started again by the next run that asks.
      w.on('exit', () => {
        if (this.worker !== w) return;
        this.worker = undefined;
        this.state = undefined;
      });
      this.worker = w;
      this.state = state;
    } catch {
      this.unavailable = true;
    }
  }
}

let installed: SimWorker | undefined;

/** installSimWorker gives the simulator its helper thread (started on first use); uninstallSimWorker stops it. */
export function installSimWorker(): void {
  if (!installed) useHelperThread((installed = new SimWorker()));
}

export function uninstallSimWorker(): void {
  installed?.stop();
  installed = undefined;
  useHelperThread(undefined);
}

/**
 * simWorkerReady resolves true once the helper takes jobs (installing it if needed), false when runs here do their
 * work in the calling thread (a single core, or a helper that failed).
 */
export async function simWorkerReady(timeoutMs = 10_000): Promise<boolean> {
  installSimWorker();
  const worker = installed!;
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (worker.ready()) return true;
    if (worker.failed) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return false;
}
