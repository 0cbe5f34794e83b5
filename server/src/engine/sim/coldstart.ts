/**
 * Cold start: how long a new replica takes from creation to serving — a GPU node (when none is free),
 * the image pull, loading the weights and starting the engine — estimated from model size, tensor
 * parallelism and engine (docs/autoscalers.md §4.1–4.3). The simulator uses the parts; the lint rules
 * compare the total with scale-down windows.
 */
import type { EngineKind, WorkloadInfo } from '../model';
import { resolveModel, ResolvedModel } from './capacity';
import type { SimAssumption } from './infer';
import { Resolver, ServingProfile } from './profile';

/** The parts of one cold start, in seconds. */
export interface ColdStartParts {
  /** Provisioning a GPU node until its GPUs are allocatable (only paid when no GPU is free). */
  node: number;
  imagePull: number;
  /** Reading the weights into GPU memory. */
  modelLoad: number;
  /** Engine start-up after the weights: compilation, CUDA graph capture, checks, warm-up. */
  engineStart: number;
}

/** A cold-start estimate with the assumptions behind it. */
export interface ColdStartEstimate {
  /** Worst case: every part, a new node included. */
  totalSeconds: number;
  parts: ColdStartParts;
  /** Whether a pulled image stays on the node for the next pod. */
  imageCachedPerNode: boolean;
  assumptions: SimAssumption[];
}

/** Rough compressed size in GB of each engine's public image. */
const IMAGE_GB: Record<EngineKind, number> = { vllm: 10, sglang: 12, triton: 15, trtllm: 15, tgi: 10, 'llm-d': 10, unknown: 10 };

/** Effective image pull and extraction speed in MB/s: 10–20 GB images take 5–10 minutes. */
const PULL_MB_PER_SECOND = 35;

/** Weight loading speed in GB/s with standard loaders (ServerlessLLM: a 70B checkpoint in 84 s). */
const LOAD_GB_PER_SECOND = 1.6;

/** engineStartOf estimates the engine's start-up after the weights are in, and explains it. */
function engineStartOf(engine: EngineKind, m: ResolvedModel): { seconds: number; note: string } {
  const p = m.parametersBillion;
  switch (engine) {
    case 'tgi':
      return { seconds: Math.round(20 + 0.5 * p), note: 'TGI shard start and warm-up: 20 s + 0.5 s per billion parameters' };
    case 'triton':
    case 'trtllm':
      return { seconds: Math.round(10 + 0.3 * p), note: 'Triton with a prebuilt engine: 10 s + 0.3 s per billion parameters' };
    case 'sglang':
      return { seconds: Math.round(15 + 1.2 * p), note: 'SGLang start and CUDA graph capture: 15 s + 1.2 s per billion parameters' };
    default: {
      // vLLM issue #19824 (70B FP8, TP 8): dynamo 15 s, torch.compile 70 s, CUDA graphs 60 s, P2P check 60 s.
      const compile = m.facts.enforceEager ? 0 : 20 + 1.8 * p;
      const p2p = m.tensorParallel > 1 && !m.facts.skipP2pCheck ? 60 : 0;
      const parts = [`10 s process start`];
      if (compile) parts.push(`${Math.round(compile)} s torch.compile and CUDA graphs (20 s + 1.8 s per billion parameters)`);
      else parts.push('no compilation (--enforce-eager)');
      if (p2p) parts.push('60 s P2P check for tensor parallelism (VLLM_SKIP_P2P_CHECK=1 skips it)');
      return { seconds: Math.round(10 + compile + p2p), note: `vLLM: ${parts.join(', ')}` };
    }
  }
}

/** coldStartWith estimates a cold start with a resolver that already holds the model facts. */
export function coldStartWith(w: WorkloadInfo, m: ResolvedModel, r: Resolver): ColdStartEstimate {
  const bigNode = m.gpusPerNode >= 8;
  const node = r.number('coldStart.nodeProvision', 'coldStart.nodeProvision', undefined, {
    value: bigNode ? 360 : 300,
    note: bigNode ? 'an 8-GPU node: VM boot, join, driver and device plugin take 4–8 min' : 'Karpenter on EKS: about 5 min from pending pod to running on a new node',
  });
  const imageGb = IMAGE_GB[w.engine];
  const imagePull = r.number('coldStart.imagePull', 'coldStart.imagePull', undefined, {
    value: Math.round((imageGb * 1000) / PULL_MB_PER_SECOND),
    note: `a ${imageGb} GB ${w.engine === 'unknown' ? 'serving' : w.engine} image at ${PULL_MB_PER_SECOND} MB/s pull and extraction`,
  });
  const imageCachedPerNode = r.boolean('coldStart.imageCachedPerNode', 'coldStart.imageCachedPerNode', undefined, { value: true, note: 'the kubelet keeps pulled images, so later pods on a node skip the pull' });
  const modelLoad = r.number('coldStart.modelLoad', 'coldStart.modelLoad', undefined, {
    value: Math.round(m.weightsGb / LOAD_GB_PER_SECOND),
    note: `${m.weightsGb.toFixed(0)} GB of weights from local storage at ${LOAD_GB_PER_SECOND} GB/s`,
  });
  const engine = engineStartOf(w.engine, m);
  const engineStart = r.number('coldStart.engineStart', 'coldStart.engineStart', undefined, { value: engine.seconds, note: engine.note });
  const parts = { node, imagePull, modelLoad, engineStart };
  return { totalSeconds: node + imagePull + modelLoad + engineStart, parts, imageCachedPerNode, assumptions: r.assumptions };
}

/**
 * estimateColdStart estimates how long a new replica of the workload takes to serve, worst case (a new
 * node and an image pull), with each part's origin: the profile, the manifest or a default.
 */
export function estimateColdStart(workload: WorkloadInfo, profile?: ServingProfile): ColdStartEstimate {
  const r = new Resolver(profile);
  return coldStartWith(workload, resolveModel(workload, r), r);
}
