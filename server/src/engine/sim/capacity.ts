/**
 * Serving capacity defaults: what one replica can do, derived from the model (size, precision, tensor
 * parallelism) and the GPU, when neither the manifest nor a ServingProfile says. The anchors are the
 * figures of docs/autoscalers.md §4.4; the rest scales them by memory bandwidth or compute, and every
 * number is reported as a default the user can override.
 */
import type { WorkloadInfo } from '../model';
import type { GpuType } from './cost';
import { GPU_MEMORY_GB, inferGpu, inferModel, ModelFacts, SimAssumption } from './infer';
import type { ManifestValue, Resolver } from './profile';
import type { ServingParams } from './serving';

/** Memory bandwidth in GB/s per GPU type (vendor datasheets). */
const MEMORY_BANDWIDTH: Record<GpuType, number> = { H100: 3350, H200: 4800, 'A100-80GB': 2039, 'A100-40GB': 1555, L40S: 864, L4: 300, A10G: 600, T4: 320 };

/** Dense BF16/FP16 tensor TFLOP/s per GPU type (vendor datasheets, without sparsity). */
const PEAK_TFLOPS: Record<GpuType, number> = { H100: 989, H200: 989, 'A100-80GB': 312, 'A100-40GB': 312, L40S: 362, L4: 121, A10G: 70, T4: 65 };

/** Saturated decode speed of an 8B-class BF16 model on one GPU, tokens/s, with where the figure comes from. */
const BASE_8B: Record<GpuType, { tps: number; note: string }> = {
  H100: { tps: 5000, note: 'suggested default for 8B on H100 (MLPerf v5.1 vLLM: 5103 tok/s server scenario)' },
  'A100-80GB': { tps: 2500, note: 'suggested default for 8B on A100-80GB (Lambda: H100 about 2x A100)' },
  'A100-40GB': { tps: 1900, note: 'A100-80GB figure scaled by memory bandwidth (1555/2039 GB/s)' },
  H200: { tps: 7150, note: 'H100 figure scaled by memory bandwidth (4800/3350 GB/s)' },
  L40S: { tps: 1400, note: 'MLPerf v5.1 vLLM on L40S: 1207 (server) to 1642 (offline) tok/s' },
  L4: { tps: 490, note: 'L40S figure scaled by memory bandwidth (300/864 GB/s)' },
  A10G: { tps: 970, note: 'L40S figure scaled by memory bandwidth (600/864 GB/s)' },
  T4: { tps: 300, note: 'rough: compute-bound well below the L4' },
};

/** The model and hardware facts every estimate starts from, each resolved with its origin. */
export interface ResolvedModel {
  facts: ModelFacts;
  parametersBillion: number;
  bytesPerParameter: number;
  tensorParallel: number;
  gpuType: GpuType;
  gpusPerReplica: number;
  gpusPerNode: number;
  /** Weights size in GB. */
  weightsGb: number;
}

/** resolveModel settles model size, precision, parallelism and GPU for a workload (profile, then manifest, then defaults). */
export function resolveModel(w: WorkloadInfo, r: Resolver): ResolvedModel {
  const facts = inferModel(w);
  const gpu = inferGpu(w);
  const file = w.obj.file.uri;
  const inferred = [...facts.assumptions, ...gpu.assumptions];
  const from = <T>(name: string, value: T | undefined) => manifestValue(inferred, name, value, file);
  if (facts.name) r.string('model', undefined, from('model', facts.name), { value: '', note: '' });
  const parametersBillion = r.number('model.parametersBillion', 'model.parametersBillion', from('model.parametersBillion', facts.parametersBillion), { value: 8, note: 'an 8B-class model (the size is not in the model name)' });
  const bytesPerParameter = r.number('model.bytesPerParameter', 'model.bytesPerParameter', from('model.bytesPerParameter', facts.bytesPerParameter), { value: 2, note: 'BF16 weights' });
  const gpusWhere = w.containers.length ? `${w.podSpecPath.join('.')}.containers[*].resources.limits` : undefined;
  const gpusPerReplica = r.number('gpusPerReplica', undefined, w.gpusPerPod > 0 && gpusWhere ? { value: w.gpusPerPod, file, where: gpusWhere, note: w.podsPerReplica > 1 ? `${w.podsPerReplica} pods per replica` : undefined } : undefined, { value: 1, note: 'the pod requests no GPU resource; one GPU assumed' });
  const tensorParallel = r.number('model.tensorParallelSize', 'model.tensorParallelSize', from('model.tensorParallelSize', facts.tensorParallel), { value: Math.max(1, gpusPerReplica), note: 'one shard per GPU of the replica' });
  const gpuType = r.string<GpuType>('gpu.type', 'gpu.type', from('gpu.type', gpu.type), { value: 'A100-80GB', note: 'no GPU type in node selectors or affinity; a common serving GPU' });
  const bigNode = gpuType === 'H100' || gpuType === 'H200' || gpuType === 'A100-80GB' || gpuType === 'A100-40GB';
  const fit = gpusPerReplica <= 8 ? 2 ** Math.ceil(Math.log2(Math.max(1, gpusPerReplica))) : 8;
  const gpusPerNode = r.number('cluster.gpusPerNode', 'cluster.gpusPerNode', from('cluster.gpusPerNode', gpu.gpusPerNode), { value: Math.max(bigNode ? 8 : 1, fit), note: bigNode ? '8-GPU nodes (p5, p4d, a3, a2 families)' : 'the smallest node that fits one replica' });
  return { facts, parametersBillion, bytesPerParameter, tensorParallel, gpuType, gpusPerReplica, gpusPerNode, weightsGb: parametersBillion * bytesPerParameter };
}

/** tpEfficiency is the share of linear speed-up kept when sharding over tp GPUs (0.8 per doubling, a rule of thumb). */
function tpEfficiency(tp: number): number {
  return 0.8 ** Math.log2(Math.max(1, tp));
}

/** Transformer layers of a dense model of this size (a fit to Llama 3: about 35 for 8B, where it has 32, and 80 for 70B). */
function layersOf(params: number): number {
  return Math.max(8, Math.round(16 * params ** 0.38));
}

/** resolveServing settles the per-replica serving parameters of a workload. */
export function resolveServing(w: WorkloadInfo, m: ResolvedModel, r: Resolver): ServingParams {
  const { parametersBillion: params, bytesPerParameter: bytes, tensorParallel: tp, gpuType } = m;
  const eff = tpEfficiency(tp);
  const base = BASE_8B[gpuType];
  const quantGain = bytes <= 1 ? 1.5 : 1;
  const tokensPerSecond = r.number('capacity.tokensPerSecond', 'capacity.tokensPerSecond', undefined, {
    value: Math.round(base.tps * (8 / params) * tp * eff * quantGain),
    note: `${base.tps} tok/s for 8B on one ${gpuType} (${base.note}), × 8/${params}B, × ${tp} GPUs at ${Math.round(eff * 100)} % efficiency${quantGain > 1 ? ', × 1.5 for 8-bit or smaller weights' : ''}`,
  });
  const single = (0.77 * MEMORY_BANDWIDTH[gpuType] * tp * eff) / Math.max(0.1, m.weightsGb);
  const singleStreamTokensPerSecond = r.number('capacity.singleStreamTokensPerSecond', 'capacity.singleStreamTokensPerSecond', undefined, {
    value: Math.round(Math.min(single, tokensPerSecond)),
    note: `77 % of the memory-bandwidth roofline (${MEMORY_BANDWIDTH[gpuType]} GB/s per GPU over ${m.weightsGb.toFixed(0)} GB of weights), as measured for 8B on A100 (75 tok/s)`,
  });
  const prefill = (0.4 * PEAK_TFLOPS[gpuType] * 1e12 * tp * eff) / (2 * params * 1e9);
  const prefillTokensPerSecond = r.number('capacity.prefillTokensPerSecond', 'capacity.prefillTokensPerSecond', undefined, {
    value: Math.round(prefill),
    note: `40 % of ${PEAK_TFLOPS[gpuType]} dense TFLOP/s per GPU, 2 FLOPs per parameter per prompt token`,
  });
  const engineSeqs = w.engine === 'tgi' ? 128 : 256;
  const maxConcurrentSequences = r.number('capacity.maxConcurrentSequences', 'capacity.maxConcurrentSequences', manifestValue(m.facts.assumptions, 'capacity.maxConcurrentSequences', m.facts.maxNumSeqs, w.obj.file.uri), {
    value: engineSeqs,
    note: w.engine === 'tgi' ? 'TGI --max-concurrent-requests default' : 'vLLM --max-num-seqs default',
  });
  const layers = layersOf(params);
  const kvBytesPerToken = 2 * layers * 8 * 128 * 2;
  const gpus = Math.max(1, m.gpusPerReplica);
  const freeGb = GPU_MEMORY_GB[gpuType] * 0.9 * gpus - m.weightsGb - gpus;
  const kvCacheTokens = r.number('capacity.kvCacheTokens', 'capacity.kvCacheTokens', undefined, {
    value: Math.max(2048, Math.round((freeGb * 1e9) / kvBytesPerToken)),
    note: freeGb > 0
      ? `90 % of ${GPU_MEMORY_GB[gpuType]} GB × ${gpus} GPUs, less ${m.weightsGb.toFixed(0)} GB of weights and 1 GB per GPU, at ${Math.round(kvBytesPerToken / 1024)} KiB per token (${layers} layers, 8 KV heads of 128, BF16)`
      : `the weights (${m.weightsGb.toFixed(0)} GB) do not fit in ${gpus} × ${GPU_MEMORY_GB[gpuType]} GB: a minimal cache is assumed`,
  });
  const meanInputTokens = r.number('requests.meanInputTokens', 'requests.meanInputTokens', undefined, { value: 1000, note: 'a chat-like prompt with some context' });
  const meanOutputTokens = r.number('requests.meanOutputTokens', 'requests.meanOutputTokens', undefined, { value: 200, note: 'a chat-like answer' });
  const requestTimeoutSeconds = r.number('requests.timeout', 'requests.timeout', undefined, { value: 60, note: 'a common client timeout' });
  return { tokensPerSecond, singleStreamTokensPerSecond, prefillTokensPerSecond, meanInputTokens, meanOutputTokens, maxConcurrentSequences, kvCacheTokens, requestTimeoutSeconds };
}

/** manifestValue pairs a value inferred from a manifest with where it was read, for the resolver. */
function manifestValue<T>(inferred: SimAssumption[], name: string, value: T | undefined, file: string): ManifestValue<T> | undefined {
  const a = inferred.find((x) => x.name === name);
  return value === undefined || !a ? undefined : { value, file, where: a.where ?? '', note: a.note };
}
