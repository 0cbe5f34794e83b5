/**
 * Comparing two policies on the same world: `comparePolicies` runs both and reports how the second
 * differs from the first (cost, GPUs, SLO attainment, drops, cold starts, recovery), and `benchmarkInput`
 * is the fixed 24-hour run the speed benchmark (`npm run bench`) times.
 */
import type { ScaledObjectSpec } from './policy';
import { simulate, SimulationInput, SimulationResult } from './simulate';

/** How policy b differs from policy a (b minus a); undefined where either side is unknown. */
export interface PolicyDeltas {
  costUsd: number | undefined;
  usdPerDay: number | undefined;
  billedGpuHours: number;
  meanReplicas: number;
  peakReplicas: number;
  meanGpus: number;
  peakGpus: number;
  sloAttainment: number | undefined;
  overSlo: number;
  dropped: number;
  coldStarts: number;
  timeToRecoverSeconds: number | undefined;
}

/** Both results of a comparison and their deltas. */
export interface PolicyComparison {
  a: SimulationResult;
  b: SimulationResult;
  delta: PolicyDeltas;
}

/**
 * comparePolicies simulates two inputs; with `sameTrafficAndSeed` (the default) b runs on a's traffic,
 * seed, duration and step, so that only the policy and the world around it differ.
 */
export function comparePolicies(a: SimulationInput, b: SimulationInput, sameTrafficAndSeed = true): PolicyComparison {
  const bInput = sameTrafficAndSeed ? { ...b, traffic: a.traffic, seed: a.seed, durationSeconds: a.durationSeconds, stepSeconds: a.stepSeconds, outputResolutionSeconds: a.outputResolutionSeconds } : b;
  const ra = simulate(a);
  const rb = simulate(bInput);
  return { a: ra, b: rb, delta: deltas(ra, rb) };
}

function minus(x: number | undefined | null, y: number | undefined | null): number | undefined {
  return x === undefined || x === null || y === undefined || y === null ? undefined : x - y;
}

function deltas(a: SimulationResult, b: SimulationResult): PolicyDeltas {
  const sa = a.summary;
  const sb = b.summary;
  return {
    costUsd: minus(sb.cost.usd, sa.cost.usd),
    usdPerDay: minus(sb.cost.usdPerDay, sa.cost.usdPerDay),
    billedGpuHours: sb.cost.billedGpuHours - sa.cost.billedGpuHours,
    meanReplicas: sb.replicas.mean - sa.replicas.mean,
    peakReplicas: sb.replicas.peak - sa.replicas.peak,
    meanGpus: sb.gpus.mean - sa.gpus.mean,
    peakGpus: sb.gpus.peak - sa.gpus.peak,
    sloAttainment: minus(sb.sloAttainment, sa.sloAttainment),
    overSlo: sb.requests.overSlo - sa.requests.overSlo,
    dropped: sb.requests.dropped - sa.requests.dropped,
    coldStarts: sb.coldStarts.count - sa.coldStarts.count,
    timeToRecoverSeconds: minus(sb.timeToRecoverSeconds, sa.timeToRecoverSeconds),
  };
}

/**
 * benchmarkInput is the speed benchmark's run: 24 h at 1 s steps of a vLLM 8B service on A100s under a
 * diurnal day with a spike and Poisson noise, scaled by KEDA on the queue of waiting requests.
 */
export function benchmarkInput(): SimulationInput {
  const policy: ScaledObjectSpec = {
    name: 'bench',
    pollingInterval: 30,
    cooldownPeriod: 300,
    initialCooldownPeriod: 0,
    minReplicaCount: 2,
    maxReplicaCount: 12,
    triggers: [{ type: 'prometheus', name: 'queue', metricType: undefined, metadata: { threshold: 4, activationThreshold: 0, query: 'sum(vllm:num_requests_waiting{model_name="llama-8b"})', ignoreNullValues: false, raw: {} } }],
    behavior: { scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] } },
    pausedScaleIn: false,
    pausedScaleOut: false,
    paused: false,
    forceActivation: false,
  };
  return {
    policy: { kind: 'keda', spec: policy },
    workload: { name: 'llama-8b', namespace: 'serving', engine: 'vllm', model: 'llama-8b', container: 'vllm', requestsMilli: [{ container: 'vllm', cpu: 4000, memory: 32 * 1024 ** 3 * 1000 }] },
    serving: { tokensPerSecond: 2500, singleStreamTokensPerSecond: 75, prefillTokensPerSecond: 20000, meanInputTokens: 1000, meanOutputTokens: 200, maxConcurrentSequences: 256, kvCacheTokens: 400000, requestTimeoutSeconds: 60 },
    slo: { ttftSeconds: 2, e2eSeconds: 30, percentile: 95 },
    cluster: { gpusPerNode: 8, gpusPerReplica: 1, nodeProvisionSeconds: 360, nodeScaleDownDelaySeconds: 600, maxNodes: Infinity, initialNodes: 0, minNodes: 0, imagePullSeconds: 290, imageCachedPerNode: true, modelLoadSeconds: 10, engineStartSeconds: 44, readyWhen: 'model', terminationGracePeriodSeconds: 30 },
    traffic: { shape: { kind: 'diurnal', minRps: 5, maxRps: 60, peakAtSeconds: 50400, periodSeconds: 86400 }, spikes: [{ atSeconds: 36000, durationSeconds: 1800, multiplier: 2 }], noise: 'poisson', scale: 1 },
    gpuPricePerHour: 4.1,
    scrapeIntervalSeconds: 15,
    durationSeconds: 86400,
    stepSeconds: 1,
    outputResolutionSeconds: 60,
    seed: 7,
    initialReplicas: 2,
  };
}
