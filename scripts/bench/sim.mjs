// The simulation-speed hook: times `simulate(input)` on the simulator's own benchmark input (`benchmarkInput()`,
// 24 h at 1 s steps), then the same input over other horizons and with more traffic and replicas.
import { performance } from 'node:perf_hooks';

const HOUR = 3600;

/** HORIZONS are the simulated spans timed at 1 s steps, to show how the cost grows with the horizon. */
const HORIZONS = [['1 h', HOUR], ['6 h', 6 * HOUR], ['24 h', 24 * HOUR], ['7 d', 7 * 24 * HOUR]];

/** FLEET_SCALES multiply the benchmark's traffic and its replica cap together, so the fleet really grows. */
const FLEET_SCALES = [1, 4, 16];

/**
 * timeRuns calls fn after one warm-up until it ran 5 times and for 400 ms (at most 50 runs); when the warm-up
 * alone took over half a second, 3 runs are enough. Returns the median, the fastest run, the warm-up's time
 * (the JIT compiles during it: for the first input timed it is the cold cost) and the last result.
 */
function timeRuns(fn) {
  const w = performance.now();
  let last = fn();
  const warmupMs = performance.now() - w;
  const minRuns = warmupMs > 500 ? 3 : 5;
  const samples = [];
  const t0 = performance.now();
  while (samples.length < 50 && (samples.length < minRuns || performance.now() - t0 < 400)) {
    const t = performance.now();
    last = fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const m = (samples.length - 1) / 2;
  const ms = (x) => Math.round(x * 1000) / 1000;
  return { medianMs: ms((samples[Math.floor(m)] + samples[Math.ceil(m)]) / 2), minMs: ms(samples[0]), warmupMs: ms(warmupMs), runs: samples.length, last };
}

/** withFleet scales the input's traffic and replica cap by k (the cap is maxReplicaCount or maxReplicas). */
function withFleet(input, k) {
  const spec = input.policy.spec;
  const cap = input.policy.kind === 'keda' ? { maxReplicaCount: spec.maxReplicaCount * k } : { maxReplicas: spec.maxReplicas * k };
  return { ...input, traffic: { ...input.traffic, scale: input.traffic.scale * k }, policy: { ...input.policy, spec: { ...spec, ...cap } } };
}

/**
 * benchSimulation times the simulator's fixed 24-hour run (median of runs), then how the time grows with the
 * horizon and with the fleet, reporting the peak replicas each fleet run reached.
 */
export function benchSimulation(mod) {
  if (typeof mod.simulate !== 'function' || typeof mod.benchmarkInput !== 'function') {
    const missing = ['simulate', 'benchmarkInput'].filter((n) => typeof mod[n] !== 'function').join(' and ');
    return { status: 'n/a', reason: `the simulator exports no ${missing}(), which this hook times` };
  }
  try {
    const base = mod.benchmarkInput();
    const time = (input) => {
      const r = timeRuns(() => mod.simulate(input));
      return { medianMs: r.medianMs, minMs: r.minMs, warmupMs: r.warmupMs, runs: r.runs, peakReplicas: r.last.summary?.replicas?.peak ?? null, problems: r.last.problems?.length ?? 0 };
    };
    const day = { horizonSeconds: base.durationSeconds, stepSeconds: base.stepSeconds, ...time(base) };
    const horizons = HORIZONS.map(([label, seconds]) => ({ label, steps: Math.round(seconds / base.stepSeconds), ...time({ ...base, durationSeconds: seconds }) }));
    const fleets = FLEET_SCALES.map((k) => {
      const input = withFleet(base, k);
      return { scale: k, maxReplicas: input.policy.spec.maxReplicaCount ?? input.policy.spec.maxReplicas, ...time(input) };
    });
    return { status: 'ok', targetMs: 20, day, horizons, fleets };
  } catch (e) {
    return { status: 'n/a', reason: `simulate threw: ${e.message}` };
  }
}
