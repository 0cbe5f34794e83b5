// The simulation-speed hook: times `simulate(input)` on the simulator's own benchmark input (`benchmarkInput()`,
// 24 h at 1 s steps), then the same input over other horizons and with more traffic and replicas.
import { performance } from 'node:perf_hooks';
import { median } from './stats.mjs';

const HOUR = 3600;

/** HORIZONS are the simulated spans timed at 1 s steps, to show how the cost grows with the horizon. */
const HORIZONS = [['1 h', HOUR], ['6 h', 6 * HOUR], ['24 h', 24 * HOUR], ['7 d', 7 * 24 * HOUR]];

/** FLEET_SCALES multiply the benchmark's traffic and its replica cap together, so the fleet really grows. */
const FLEET_SCALES = [1, 4, 16];

/**
 * timeRuns times fn the way a long-lived process (the language server) runs it. The first call's time is kept
 * apart (`coldMs`: the code is still interpreted while V8 compiles it; for the first input timed in a fresh
 * process it is what a one-shot CLI call pays). Then fn is warmed up — at least 10 calls and 1.5 s, at most 40
 * calls — because V8 goes on optimising, and once or twice undoing an optimisation, for a dozen calls of a run this
 * size; timing right after one warm-up measured the JIT, not the simulator. Then it is timed until it ran 10 times
 * and for 500 ms (at most 60 runs; 3 runs suffice when one call takes over half a second). With `after`, that
 * function is timed right after each timed run (`afterMs`, in the same order as the runs). Returns the median, the
 * fastest run, the cold time, the number of warm-up calls, the last result and, with `after`, the timings.
 */
function timeRuns(fn, after) {
  const t0 = performance.now();
  let last = fn();
  const coldMs = performance.now() - t0;
  let warmups = 1;
  while (warmups < 40 && (warmups < 10 || performance.now() - t0 < 1500)) {
    last = fn();
    warmups++;
  }
  const slow = coldMs > 500;
  const samples = [];
  const afterMs = [];
  const t1 = performance.now();
  while (samples.length < 60 && (samples.length < (slow ? 3 : 10) || (!slow && performance.now() - t1 < 500))) {
    const t = performance.now();
    last = fn();
    samples.push(performance.now() - t);
    if (after) afterMs.push(after());
  }
  return { medianMs: ms(median(samples)), minMs: ms(Math.min(...samples)), coldMs: ms(coldMs), warmups, runs: samples.length, last, samples, afterMs };
}

function ms(x) {
  return Math.round(x * 1000) / 1000;
}

/** withFleet scales the input's traffic and replica cap by k (the cap is maxReplicaCount or maxReplicas). */
function withFleet(input, k) {
  const spec = input.policy.spec;
  const cap = input.policy.kind === 'keda' ? { maxReplicaCount: spec.maxReplicaCount * k } : { maxReplicas: spec.maxReplicas * k };
  return { ...input, traffic: { ...input.traffic, scale: input.traffic.scale * k }, policy: { ...input.policy, spec: { ...spec, ...cap } } };
}

let probeSink = 0;

/**
 * probeOnce times a fixed loop of divisions, square roots and exponentials (the simulator's own arithmetic), in ms.
 * It measures the host, not the simulator. On the VMs this was written on, the host runs at two speeds about 1.8x
 * apart and switches between them every few seconds: the warmed-up probe then reads about 1.2 or 2.2 ms, and a whole
 * simulated day 13 or 23 ms, in step.
 */
function probeOnce() {
  const t = performance.now();
  let s = 0;
  for (let i = 1; i < 200_000; i++) s += Math.sqrt(i) / (i + 0.5) + Math.exp(-i * 1e-6);
  probeSink += s;
  return performance.now() - t;
}

/**
 * timeDay times the simulator's fixed 24-hour run alone, for one fresh process, two ways. `fresh` gives every call
 * a new seed, so each run draws its traffic anew: a whole simulation, the figure the target is about. `same` runs
 * the one input again and again, so the simulator's traffic cache answers the draws: what re-running a scenario
 * with another policy costs (what-if knobs, comparisons, lenses after an edit). Each whole run is followed by the host
 * probe, warmed up first as the simulator is (V8 compiles a loop run once, on the spot, into slower code), and the
 * ratio of the two, run by run, is the simulator's time in units of the host's speed at that moment. Like the language
 * server and the CLI, the runs get the simulator's helper thread (`installSimWorker`, when the bundle has it);
 * `oneThread` times the fresh runs again without it.
 */
export function timeDay(mod) {
  const base = mod.benchmarkInput();
  let seed = base.seed;
  for (let i = 0; i < 200; i++) probeOnce();
  mod.installSimWorker?.();
  const fresh = timeRuns(() => mod.simulate({ ...base, seed: ++seed }), probeOnce);
  const same = timeRuns(() => mod.simulate(base), probeOnce);
  const figures = (r) => ({ medianMs: r.medianMs, minMs: r.minMs, coldMs: r.coldMs, warmups: r.warmups, runs: r.runs, probe: probeOf(r) });
  // The same whole runs without the helper thread: what a single core, or a host that gives none, gets.
  let oneThread;
  if (mod.uninstallSimWorker) {
    mod.uninstallSimWorker();
    oneThread = figures(timeRuns(() => mod.simulate({ ...base, seed: ++seed }), probeOnce));
  }
  return { horizonSeconds: base.durationSeconds, stepSeconds: base.stepSeconds, ...figures(fresh), sameTraffic: figures(same), oneThread };
}

/** probeOf sums up the probes timed after the runs of timeRuns: their median and range, and the median of run ÷ probe. */
function probeOf(r) {
  const ratios = r.samples.map((x, i) => x / r.afterMs[i]);
  return { medianMs: ms(median(r.afterMs)), minMs: ms(Math.min(...r.afterMs)), maxMs: ms(Math.max(...r.afterMs)), ratio: Math.round(median(ratios) * 100) / 100 };
}

/**
 * benchSimulation times how the simulator's fixed run grows with the horizon (its 24-hour row is the benchmark run
 * itself; `timeDay` times that one alone, in fresh processes) and with the fleet, reporting the peak replicas each
 * fleet run reached.
 */
export function benchSimulation(mod) {
  if (typeof mod.simulate !== 'function' || typeof mod.benchmarkInput !== 'function') {
    const missing = ['simulate', 'benchmarkInput'].filter((n) => typeof mod[n] !== 'function').join(' and ');
    return { status: 'n/a', reason: `the simulator exports no ${missing}(), which this hook times` };
  }
  try {
    const base = mod.benchmarkInput();
    mod.installSimWorker?.();
    const time = (input) => {
      const r = timeRuns(() => mod.simulate(input));
      return { medianMs: r.medianMs, minMs: r.minMs, coldMs: r.coldMs, warmups: r.warmups, runs: r.runs, peakReplicas: r.last.summary?.replicas?.peak ?? null, problems: r.last.problems?.length ?? 0 };
    };
    const horizons = HORIZONS.map(([label, seconds]) => ({ label, steps: Math.round(seconds / base.stepSeconds), ...time({ ...base, durationSeconds: seconds }) }));
    const fleets = FLEET_SCALES.map((k) => {
      const input = withFleet(base, k);
      return { scale: k, maxReplicas: input.policy.spec.maxReplicaCount ?? input.policy.spec.maxReplicas, ...time(input) };
    });
    return { status: 'ok', targetMs: 20, horizons, fleets };
  } catch (e) {
    return { status: 'n/a', reason: `simulate threw: ${e.message}` };
  }
}
