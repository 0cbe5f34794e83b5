/**
 * What a workload manifest says about serving, read the way people write it: the model (name, size,
 * quantization, tensor parallelism) from engine args and env, and the GPU type and node size from
 * node selectors, node affinity and instance types.
 */
import { isMap, isSeq } from 'yaml';
import { ContainerInfo, get, WorkloadInfo } from '../model';
import { getNode, scalarString, YPath } from '../parse';
import type { GpuType } from './cost';

/** One value the simulation uses, with where it came from. */
export interface SimAssumption {
  name: string;
  value: string | number | boolean;
  /** Where the value came from: a manifest, the ServingProfile, a documented default, or the user's choice for this run. */
  origin: 'manifest' | 'profile' | 'default' | 'user';
  /** File the value was read from (manifest or profile). */
  file?: string;
  /** Field path in that file (`spec.template.spec.containers[0].args`), or a short rule for derived defaults. */
  where?: string;
  /** How a default was derived, or its source. */
  note?: string;
}

/** dotted prints a YAML path as `a.b[0].c`. */
export function dotted(path: YPath): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s;
}

/** The model a workload serves, as far as its manifest tells. */
export interface ModelFacts {
  /** Model id as passed to the engine (`meta-llama/Llama-3.1-8B-Instruct`). */
  name: string | undefined;
  /** Name under which the engine labels its metrics (`--served-model-name`, else the model id). */
  servedName: string | undefined;
  parametersBillion: number | undefined;
  bytesPerParameter: number | undefined;
  tensorParallel: number | undefined;
  maxNumSeqs: number | undefined;
  /** vLLM `--enforce-eager`: no torch.compile and no CUDA graphs at start. */
  enforceEager: boolean;
  /** `VLLM_SKIP_P2P_CHECK=1`. */
  skipP2pCheck: boolean;
  assumptions: SimAssumption[];
}

/** envOf reads a container's literal `env` values (valueFrom entries are skipped). */
export function envOf(w: WorkloadInfo, c: ContainerInfo): Record<string, string> {
  const out: Record<string, string> = {};
  const env = get(w.obj, [...c.path, 'env']);
  if (!isSeq(env)) return out;
  for (const e of env.items) {
    const name = scalarString(getNode(e, ['name']));
    const value = scalarString(getNode(e, ['value']));
    if (name && value !== undefined) out[name] = value;
  }
  return out;
}

/** tokens splits command and args into words (a `sh -c "vllm serve ..."` string included). */
function tokensOf(c: ContainerInfo): string[] {
  return [...c.command, ...c.args].flatMap((a) => a.split(/\s+/)).filter(Boolean);
}

/** flagValue finds `--flag value` or `--flag=value` among tokens. */
function flagValue(tokens: string[], flags: string[]): string | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    for (const f of flags) {
      if (t === f && i + 1 < tokens.length) return stripQuotes(tokens[i + 1]);
      if (t.startsWith(`${f}=`)) return stripQuotes(t.slice(f.length + 1));
    }
  }
  return undefined;
}

function stripQuotes(s: string): string {
  return s.replace(/^["']|["']$/g, '');
}

const MODEL_FLAGS = ['--model', '--model-id', '--model-path', '--model_name_or_path'];
const MODEL_ENVS = ['MODEL_ID', 'MODEL_NAME', 'MODEL', 'HF_MODEL_ID', 'MODEL_PATH', 'LLM_MODEL'];

/** parametersFromName reads the size in billions from a model id (`Llama-3.1-70B`, `Mixtral-8x7B`, `Qwen2.5-0.5B`). */
export function parametersFromName(name: string): number | undefined {
  const moe = /(?:^|[^a-z0-9.])(\d+)x(\d+(?:\.\d+)?)b(?![a-z0-9])/i.exec(name);
  if (moe) return Number(moe[1]) * Number(moe[2]);
  const m = /(?:^|[^a-z0-9.])(\d+(?:\.\d+)?)b(?![a-z0-9])/i.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** bytesFromHints reads the weight precision from a model id and the quantization flag. */
function bytesFromHints(name: string, quantization: string | undefined): { bytes: number; hint: string } | undefined {
  const hay = `${name} ${quantization ?? ''}`.toLowerCase();
  if (/(awq|gptq|int4|w4a16|4bit|-4b-|nf4|bnb)/.test(hay)) return { bytes: 0.5, hint: '4-bit weights' };
  if (/(fp8|int8|w8a8|w8a16|8bit)/.test(hay)) return { bytes: 1, hint: '8-bit weights' };
  return undefined;
}

/** modelNameOf finds the model id a container serves and where it is written. */
function modelNameOf(w: WorkloadInfo, c: ContainerInfo): { name: string; where: string } | undefined {
  const tokens = tokensOf(c);
  const where = dotted([...c.path, c.args.length ? 'args' : 'command']);
  const flag = flagValue(tokens, MODEL_FLAGS);
  if (flag) return { name: flag, where };
  // `vllm serve <model>` takes the model as its first positional argument.
  const i = tokens.indexOf('serve');
  if (i >= 0 && i + 1 < tokens.length && !tokens[i + 1].startsWith('-')) return { name: stripQuotes(tokens[i + 1]), where };
  const env = envOf(w, c);
  const key = MODEL_ENVS.find((k) => env[k]);
  return key ? { name: env[key], where: `${dotted([...c.path, 'env'])}(${key})` } : undefined;
}

/** inferModel reads the model facts of a workload from its serving container (the one naming a model, else the first). */
export function inferModel(w: WorkloadInfo): ModelFacts {
  const file = w.obj.file.uri;
  const assumptions: SimAssumption[] = [];
  const facts: ModelFacts = { name: undefined, servedName: undefined, parametersBillion: undefined, bytesPerParameter: undefined, tensorParallel: undefined, maxNumSeqs: undefined, enforceEager: false, skipP2pCheck: false, assumptions };
  let container: ContainerInfo | undefined;
  let model: { name: string; where: string } | undefined;
  for (const c of w.containers) {
    model = modelNameOf(w, c);
    if (model) {
      container = c;
      break;
    }
  }
  container ??= w.containers[0];
  if (!container) return facts;
  const tokens = tokensOf(container);
  const env = envOf(w, container);
  const argsWhere = dotted([...container.path, container.args.length ? 'args' : 'command']);
  if (model) {
    facts.name = model.name;
    assumptions.push({ name: 'model', value: model.name, origin: 'manifest', file, where: model.where });
    const params = parametersFromName(model.name);
    if (params !== undefined) {
      facts.parametersBillion = params;
      assumptions.push({ name: 'model.parametersBillion', value: params, origin: 'manifest', file, where: model.where, note: 'read from the model name' });
    }
  }
  facts.servedName = flagValue(tokens, ['--served-model-name']) ?? facts.name;
  const quant = flagValue(tokens, ['--quantization', '-q', '--quantize']);
  const bytes = bytesFromHints(facts.name ?? '', quant);
  if (bytes) {
    facts.bytesPerParameter = bytes.bytes;
    assumptions.push({ name: 'model.bytesPerParameter', value: bytes.bytes, origin: 'manifest', file, where: quant ? argsWhere : model?.where, note: bytes.hint });
  }
  const tp = flagValue(tokens, ['--tensor-parallel-size', '-tp', '--tp', '--tp-size', '--num-shard']) ?? env.NUM_SHARD ?? env.TENSOR_PARALLEL_SIZE;
  if (tp !== undefined && Number(tp) >= 1) {
    facts.tensorParallel = Number(tp);
    assumptions.push({ name: 'model.tensorParallelSize', value: Number(tp), origin: 'manifest', file, where: argsWhere });
  }
  const seqs = flagValue(tokens, ['--max-num-seqs', '--max-running-requests', '--max-concurrent-requests']);
  if (seqs !== undefined && Number(seqs) > 0) {
    facts.maxNumSeqs = Number(seqs);
    assumptions.push({ name: 'capacity.maxConcurrentSequences', value: Number(seqs), origin: 'manifest', file, where: argsWhere });
  }
  facts.enforceEager = tokens.includes('--enforce-eager');
  facts.skipP2pCheck = env.VLLM_SKIP_P2P_CHECK === '1' || env.VLLM_SKIP_P2P_CHECK === 'true';
  return facts;
}

/** What the manifest says about the GPU: its type, and the GPUs per node when an instance type names it. */
export interface GpuFacts {
  type: GpuType | undefined;
  gpusPerNode: number | undefined;
  assumptions: SimAssumption[];
}

/** GPU memory in GB per type, for the KV-cache estimate. */
export const GPU_MEMORY_GB: Record<GpuType, number> = { H100: 80, H200: 141, 'A100-80GB': 80, 'A100-40GB': 40, L40S: 48, L4: 24, A10G: 24, T4: 16 };

/** gpuFromLabel maps a GPU product label value (`NVIDIA-H100-80GB-HBM3`, `nvidia-tesla-a100`, `a10g`) to a type. */
export function gpuFromLabel(value: string): GpuType | undefined {
  const v = value.toLowerCase();
  if (/h200/.test(v)) return 'H200';
  if (/h100/.test(v)) return 'H100';
  if (/a100/.test(v)) return /80\s*gb|80g/.test(v) ? 'A100-80GB' : 'A100-40GB';
  if (/l40s/.test(v)) return 'L40S';
  if (/(^|[^a-z0-9])l4([^a-z0-9]|$)/.test(v)) return 'L4';
  if (/a10g/.test(v)) return 'A10G';
  if (/(^|[^a-z0-9])t4([^a-z0-9]|$)/.test(v)) return 'T4';
  return undefined;
}

/** instanceGpus maps a cloud instance type to its GPU type and count (AWS, GCP, Azure GPU families). */
export function instanceGpus(instance: string): { type: GpuType; count: number } | undefined {
  const v = instance.toLowerCase();
  let m: RegExpExecArray | null;
  if ((m = /^p5(e|en)?\.48xlarge$/.exec(v))) return { type: m[1] ? 'H200' : 'H100', count: 8 };
  if (/^p4de\.24xlarge$/.test(v)) return { type: 'A100-80GB', count: 8 };
  if (/^p4d\.24xlarge$/.test(v)) return { type: 'A100-40GB', count: 8 };
  if ((m = /^(g5|g6|g6e|g4dn)\.(\d*)x?large$/.exec(v))) {
    const type: GpuType = m[1] === 'g5' ? 'A10G' : m[1] === 'g6' ? 'L4' : m[1] === 'g6e' ? 'L40S' : 'T4';
    const size = Number(m[2] || 1);
    const count = m[1] === 'g4dn' ? (size === 12 ? 4 : 1) : size === 48 ? 8 : size === 12 || size === 24 ? 4 : 1;
    return { type, count };
  }
  if ((m = /^a3-(high|mega|ultra)gpu-(\d+)g$/.exec(v))) return { type: m[1] === 'ultra' ? 'H200' : 'H100', count: Number(m[2]) };
  if ((m = /^a2-(high|ultra)gpu-(\d+)g$/.exec(v))) return { type: m[1] === 'ultra' ? 'A100-80GB' : 'A100-40GB', count: Number(m[2]) };
  if ((m = /^g2-standard-(\d+)$/.exec(v))) return { type: 'L4', count: Number(m[1]) >= 96 ? 8 : Number(m[1]) >= 48 ? 4 : Number(m[1]) >= 24 ? 2 : 1 };
  if ((m = /^standard_nd96i?sr_(h100|h200)_v5$/.exec(v))) return { type: m[1] === 'h200' ? 'H200' : 'H100', count: 8 };
  if ((m = /^standard_nc(\d+)ads_(a100|h100)_v[45]$/.exec(v))) return { type: m[2] === 'a100' ? 'A100-80GB' : 'H100', count: Math.max(1, Math.round(Number(m[1]) / (m[2] === 'a100' ? 24 : 40))) };
  return undefined;
}

const GPU_LABELS = ['nvidia.com/gpu.product', 'cloud.google.com/gke-accelerator', 'karpenter.k8s.aws/instance-gpu-name', 'accelerator', 'gpu-type'];
const INSTANCE_LABELS = ['node.kubernetes.io/instance-type', 'beta.kubernetes.io/instance-type', 'karpenter.k8s.aws/instance-type'];

/** inferGpu reads the GPU type from node selectors and required node affinity. */
export function inferGpu(w: WorkloadInfo): GpuFacts {
  const file = w.obj.file.uri;
  const assumptions: SimAssumption[] = [];
  const candidates: Array<{ key: string; value: string; where: string }> = [];
  for (const [key, value] of Object.entries(w.nodeSelector)) candidates.push({ key, value, where: dotted([...w.podSpecPath, 'nodeSelector', key]) });
  const termsPath: YPath = [...w.podSpecPath, 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms'];
  const terms = get(w.obj, termsPath);
  if (isSeq(terms)) {
    terms.items.forEach((term, ti) => {
      const exprs = getNode(term, ['matchExpressions']);
      if (!isSeq(exprs)) return;
      exprs.items.forEach((e, ei) => {
        if (!isMap(e)) return;
        const key = scalarString(getNode(e, ['key']));
        const op = scalarString(getNode(e, ['operator']));
        const values = getNode(e, ['values']);
        if (!key || op !== 'In' || !isSeq(values)) return;
        const first = scalarString(values.items[0]);
        if (first) candidates.push({ key, value: first, where: dotted([...termsPath, ti, 'matchExpressions', ei, 'values']) });
      });
    });
  }
  let type: GpuType | undefined;
  let gpusPerNode: number | undefined;
  for (const c of candidates) {
    if (INSTANCE_LABELS.includes(c.key)) {
      const inst = instanceGpus(c.value);
      if (inst) {
        type ??= inst.type;
        gpusPerNode ??= inst.count;
        assumptions.push({ name: 'gpu.type', value: inst.type, origin: 'manifest', file, where: c.where, note: `instance type ${c.value}` });
        assumptions.push({ name: 'cluster.gpusPerNode', value: inst.count, origin: 'manifest', file, where: c.where, note: `instance type ${c.value}` });
      }
    } else if (GPU_LABELS.includes(c.key) && !type) {
      type = gpuFromLabel(c.value);
      if (type) assumptions.push({ name: 'gpu.type', value: type, origin: 'manifest', file, where: c.where, note: `${c.key}=${c.value}` });
    }
  }
  return { type, gpusPerNode, assumptions };
}
