/**
 * What the simulated pods expose to Prometheus: the metric names, types and labels each serving engine
 * really emits (docs/field.md §3), the GPU exporter's and the container's, each mapped to a field of the
 * per-pod scrape record kept by `series.ts`.
 */
import type { EngineKind } from '../model';

/**
 * Fields of a pod's scrape record. Gauges are instantaneous; the others are cumulative since the pod started.
 * A const enum: the per-step code indexes typed arrays with these, and esbuild inlines them as constants.
 */
export const enum Field {
  /** Requests waiting for a batch slot. */
  waiting = 0,
  /** Requests in the running batch. */
  running = 1,
  /** Share of the KV cache in use, 0–1. */
  kvUsage = 2,
  promptTokens = 3,
  generationTokens = 4,
  /** Requests finished. */
  success = 5,
  /** Requests that received their first token. */
  started = 6,
  ttftSum = 7,
  e2eSum = 8,
  queueSum = 9,
  /** Engine iterations (batches) run. */
  batches = 10,
  /** Container CPU time, seconds. */
  cpuSeconds = 11,
  /** GPU busy share, 0–1 (what DCGM reports as a percentage). */
  gpuBusy = 12,
  memoryBytes = 13,
}

/** Number of scalar fields before the histogram buckets. */
export const SCALAR_FIELDS = 14;

/** Bucket upper bounds (seconds) of vLLM's time-to-first-token histogram. */
export const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560];
/** Bucket upper bounds (seconds) of vLLM's end-to-end latency histogram. */
export const E2E_BUCKETS = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680];
/** Bucket upper bounds (seconds) used for queue-time histograms (TGI's request queue duration). */
export const QUEUE_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** The histograms a record can carry: their bucket bounds and the field of the first bucket (buckets are cumulative, as exposed). */
export const Histograms = {
  ttft: { bounds: TTFT_BUCKETS, first: SCALAR_FIELDS },
  e2e: { bounds: E2E_BUCKETS, first: SCALAR_FIELDS + TTFT_BUCKETS.length + 1 },
  queue: { bounds: QUEUE_BUCKETS, first: SCALAR_FIELDS + TTFT_BUCKETS.length + 1 + E2E_BUCKETS.length + 1 },
} as const;

/** Name of a histogram of the record. */
export type HistogramName = keyof typeof Histograms;

/** Total number of fields of a record (each histogram has one slot per bound plus +Inf). */
export const RECORD_FIELDS = Histograms.queue.first + QUEUE_BUCKETS.length + 1;

/** Which scrape target emits a metric: the engine's own endpoint, the GPU exporter, or the kubelet (cAdvisor). */
export type MetricScope = 'engine' | 'gpu' | 'container';

/** One emitted metric and how to read it from a record. */
export interface MetricDef {
  name: string;
  type: 'gauge' | 'counter' | 'histogram';
  scope: MetricScope;
  /** The field read (histograms: unused). */
  field: number;
  /** Multiplier from the field's unit to the metric's (µs, percent). */
  scale: number;
  /** For histograms: which one (its `le` bounds are multiplied by `scale`). */
  histogram?: HistogramName;
}

/** The label under which an engine names the model, if any. */
export function modelLabelOf(engine: EngineKind): string | undefined {
  if (engine === 'vllm' || engine === 'sglang' || engine === 'llm-d') return 'model_name';
  if (engine === 'triton' || engine === 'trtllm') return 'model';
  return undefined;
}

const g = (name: string, field: number, scope: MetricScope = 'engine', scale = 1): MetricDef => ({ name, type: 'gauge', scope, field, scale });
const c = (name: string, field: number, scope: MetricScope = 'engine', scale = 1): MetricDef => ({ name, type: 'counter', scope, field, scale });
const h = (name: string, histogram: HistogramName): MetricDef => ({ name, type: 'histogram', scope: 'engine', field: -1, scale: 1, histogram });

const VLLM: MetricDef[] = [
  g('vllm:num_requests_waiting', Field.waiting),
  g('vllm:num_requests_running', Field.running),
  g('vllm:kv_cache_usage_perc', Field.kvUsage),
  c('vllm:prompt_tokens_total', Field.promptTokens),
  c('vllm:generation_tokens_total', Field.generationTokens),
  c('vllm:request_success_total', Field.success),
  h('vllm:time_to_first_token_seconds', 'ttft'),
  h('vllm:e2e_request_latency_seconds', 'e2e'),
  h('vllm:request_queue_time_seconds', 'queue'),
];

const SGLANG: MetricDef[] = [
  g('sglang:num_queue_reqs', Field.waiting),
  g('sglang:num_running_reqs', Field.running),
  g('sglang:token_usage', Field.kvUsage),
  c('sglang:prompt_tokens_total', Field.promptTokens),
  c('sglang:generation_tokens_total', Field.generationTokens),
  h('sglang:time_to_first_token_seconds', 'ttft'),
  h('sglang:e2e_request_latency_seconds', 'e2e'),
];

const TRITON: MetricDef[] = [
  g('nv_inference_pending_request_count', Field.waiting),
  c('nv_inference_request_success', Field.success),
  c('nv_inference_count', Field.success),
  c('nv_inference_exec_count', Field.batches),
  c('nv_inference_request_duration_us', Field.e2eSum, 'engine', 1e6),
  c('nv_inference_queue_duration_us', Field.queueSum, 'engine', 1e6),
  g('nv_gpu_utilization', Field.gpuBusy, 'engine'),
];

const TGI: MetricDef[] = [
  g('tgi_queue_size', Field.waiting),
  g('tgi_batch_current_size', Field.running),
  c('tgi_request_count', Field.started),
  c('tgi_request_success', Field.success),
  h('tgi_request_queue_duration', 'queue'),
  h('tgi_request_duration', 'e2e'),
];

/** Exported by every GPU pod through the DCGM exporter, one series per GPU. */
const DCGM: MetricDef[] = [
  g('DCGM_FI_DEV_GPU_UTIL', Field.gpuBusy, 'gpu', 100),
  g('DCGM_FI_PROF_GR_ENGINE_ACTIVE', Field.gpuBusy, 'gpu'),
];

/** Exported for every running container by the kubelet's cAdvisor. */
const CONTAINER: MetricDef[] = [
  c('container_cpu_usage_seconds_total', Field.cpuSeconds, 'container'),
  g('container_memory_working_set_bytes', Field.memoryBytes, 'container'),
];

/** catalogueFor lists the metrics a pod of the engine exposes (engine-specific ones plus GPU and container ones). */
export function catalogueFor(engine: EngineKind): MetricDef[] {
  const own = engine === 'vllm' || engine === 'llm-d' ? VLLM : engine === 'sglang' ? SGLANG : engine === 'triton' || engine === 'trtllm' ? TRITON : engine === 'tgi' ? TGI : [];
  return [...own, ...DCGM, ...CONTAINER];
}

/** Name and field of every series a metric yields: histograms give `_bucket` (one per bound), `_sum` and `_count`. */
export interface SeriesName {
  name: string;
  def: MetricDef;
  /** The record field holding the value. */
  field: number;
  le?: string;
}

/** seriesNamesOf expands a catalogue into the series names a query can select. */
export function seriesNamesOf(catalogue: MetricDef[]): Map<string, SeriesName[]> {
  const out = new Map<string, SeriesName[]>();
  const add = (s: SeriesName): void => {
    const list = out.get(s.name);
    if (list) list.push(s);
    else out.set(s.name, [s]);
  };
  for (const def of catalogue) {
    if (def.type !== 'histogram' || !def.histogram) {
      add({ name: def.name, def, field: def.field });
      continue;
    }
    const hist = Histograms[def.histogram];
    for (let i = 0; i <= hist.bounds.length; i++) {
      const le = i < hist.bounds.length ? formatLe(hist.bounds[i] * def.scale) : '+Inf';
      add({ name: `${def.name}_bucket`, def, field: hist.first + i, le });
    }
    const sumField = def.histogram === 'ttft' ? Field.ttftSum : def.histogram === 'e2e' ? Field.e2eSum : Field.queueSum;
    const countField = def.histogram === 'e2e' ? Field.success : Field.started;
    add({ name: `${def.name}_sum`, def, field: sumField });
    add({ name: `${def.name}_count`, def: { ...def, scale: 1 }, field: countField });
  }
  return out;
}

/** formatLe prints a bucket bound as Prometheus client libraries do (`0.5`, `1.0`, `2560.0`). */
function formatLe(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

