/**
 * The metric catalogue: what the serving engines and GPU exporters publish to Prometheus (name, type, unit,
 * labels), what each series means for autoscaling, and which names were renamed or removed, with versions.
 * Written in the project's words from the upstream sources named on each family; used by the PromQL rules,
 * completion and hover.
 */
import type { EngineKind } from '../model';

/** Who publishes a metric. */
export type MetricSource = 'vllm' | 'sglang' | 'triton' | 'trtllm' | 'tgi' | 'dcgm' | 'llm-d';

/** Prometheus metric type. `info` is a gauge fixed at 1 that carries its data in labels. */
export type MetricType = 'gauge' | 'counter' | 'histogram' | 'summary' | 'info';

/** A rename or removal of a metric. */
export interface MetricChange {
  /** Engine version that marked the name deprecated (the series is still published). */
  deprecatedIn?: string;
  /** Version from which the name is no longer published by default (vLLM can still show it on request). */
  hiddenIn?: string;
  /** Version from which the name is gone. */
  removedIn?: string;
  /** True when current releases no longer publish the name (also when the exact version is not recorded). */
  removed: boolean;
  /** The name to use instead, when it is a drop-in replacement. */
  replacement?: string;
  /** An expression to use instead when there is no drop-in name; `$SEL` stands for the new selector. */
  replacementExpr?: { metric: string; template: string };
  /** What changed, in one sentence. */
  note: string;
  source: string;
}

/** One metric of the catalogue. */
export interface MetricInfo {
  /** The name as scraped (counters with their `_total`, histograms without `_bucket`). */
  name: string;
  source: MetricSource;
  type: MetricType;
  unit: string;
  labels: string[];
  /** What the series measures. */
  help: string;
  /** What it is worth as an autoscaling signal. */
  scaling: string;
  change?: MetricChange;
}

/** A family of metrics from one publisher, with the labels they share and where the facts come from. */
interface Family {
  source: MetricSource;
  title: string;
  labels: string[];
  reference: string;
  metrics: Array<Omit<MetricInfo, 'source' | 'labels'> & { labels?: string[] }>;
}

/** A metric of a family, before the family's source and shared labels are filled in. */
type FamilyMetric = Family['metrics'][number];

/**
 * histogram builds a histogram entry. The catalogue names a histogram without its `_bucket`, `_sum` and `_count`
 * series; `labels` replaces the family's labels when the histogram has its own.
 */
function histogram(name: string, unit: string, help: string, scaling: string, labels?: string[]): FamilyMetric {
  return { name, type: 'histogram', unit, ...(labels ? { labels } : {}), help, scaling };
}

const VLLM_POLICY = 'vLLM hides a metric one minor version after deprecating it (`--show-hidden-metrics-for-version` brings it back) and removes it one version later.';

const FAMILIES: Family[] = [
  {
    source: 'vllm',
    title: 'vLLM',
    labels: ['model_name', 'engine'],
    reference: 'vllm-project/vllm `vllm/v1/metrics/loggers.py`, `docs/design/metrics.md`, `docs/usage/metrics.md`',
    metrics: [
      { name: 'vllm:num_requests_waiting', type: 'gauge', unit: 'requests', help: 'Requests queued in the scheduler, not yet running.', scaling: 'The primary scale-out signal: it rises as soon as a replica has no room left in its batch. Sum it over pods and divide by a small per-replica target (3 to 10).' },
      { name: 'vllm:num_requests_running', type: 'gauge', unit: 'requests', help: 'Requests in the running batch.', scaling: 'Concurrency per replica; useful for latency-sensitive services where the queue reacts too late, with a target just below the batch size that keeps latency acceptable.' },
      { name: 'vllm:kv_cache_usage_perc', type: 'gauge', unit: 'fraction (0 to 1)', help: 'Share of KV-cache blocks in use; 1 means full, despite the name.', scaling: 'Memory pressure: near 1 the scheduler preempts requests. A good companion to queue depth (e.g. a target of 0.8 averaged over pods).' },
      { name: 'vllm:num_preemptions_total', type: 'counter', unit: 'preemptions', help: 'Requests preempted because the KV cache ran out.', scaling: 'Read with `rate()`: a sustained rate means replicas are saturated on memory.' },
      { name: 'vllm:prompt_tokens_total', type: 'counter', unit: 'tokens', help: 'Prefill (prompt) tokens processed.', scaling: 'Read with `rate()` for prompt tokens per second, a measure of offered load.' },
      { name: 'vllm:generation_tokens_total', type: 'counter', unit: 'tokens', help: 'Tokens generated.', scaling: 'Read with `rate()` for output tokens per second; compare against the measured throughput of one replica.' },
      { name: 'vllm:request_success_total', type: 'counter', unit: 'requests', labels: ['model_name', 'engine', 'finished_reason'], help: 'Requests finished, by reason (stop, length, abort).', scaling: 'Read with `rate()` for completed requests per second.' },
      { name: 'vllm:prefix_cache_queries_total', type: 'counter', unit: 'tokens', help: 'Tokens looked up in the prefix cache.', scaling: 'With `vllm:prefix_cache_hits_total`, gives the hit ratio `rate(hits) / rate(queries)`; not a load signal.' },
      { name: 'vllm:prefix_cache_hits_total', type: 'counter', unit: 'tokens', help: 'Tokens found in the prefix cache.', scaling: 'Numerator of the prefix-cache hit ratio; not a load signal.' },
      histogram('vllm:time_to_first_token_seconds', 'seconds', 'Time from arrival to the first output token (TTFT).', 'A latency objective: `histogram_quantile(0.9, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[2m])))`. Lags behind the queue, so pair it with queue depth.'),
      histogram('vllm:inter_token_latency_seconds', 'seconds', 'Time between successive output tokens (ITL).', 'A decode-speed objective, read with `histogram_quantile` over `_bucket`.'),
      histogram('vllm:request_time_per_output_token_seconds', 'seconds', 'Per-request mean time per output token (TPOT).', 'A decode-speed objective per request, read with `histogram_quantile` over `_bucket`.'),
      histogram('vllm:e2e_request_latency_seconds', 'seconds', 'End-to-end request latency.', 'Depends on output length, so a poor scaling signal; use it for objectives, not triggers.'),
      histogram('vllm:request_queue_time_seconds', 'seconds', 'Time a request waited in the queue.', 'Queueing delay; its quantile rises with the queue and is independent of request size.'),
      histogram('vllm:request_inference_time_seconds', 'seconds', 'Time a request spent running.', 'Not a load signal on its own.'),
      histogram('vllm:request_prefill_time_seconds', 'seconds', 'Time spent in prefill per request.', 'Prefill pressure in disaggregated setups.'),
      histogram('vllm:request_decode_time_seconds', 'seconds', 'Time spent in decode per request.', 'Not a load signal on its own.'),
      histogram('vllm:request_prompt_tokens', 'tokens', 'Prompt length per request.', 'Describes the workload; not a trigger.'),
      histogram('vllm:request_generation_tokens', 'tokens', 'Output length per request.', 'Describes the workload; not a trigger.'),
      histogram('vllm:iteration_tokens_total', 'tokens', 'Tokens per engine step (a histogram despite the `_total`).', 'Batch fill; not a trigger.'),
      { name: 'vllm:cache_config_info', type: 'info', unit: '', labels: ['engine', 'block_size', 'num_gpu_blocks', 'gpu_memory_utilization'], help: 'KV-cache configuration in labels.', scaling: 'Configuration only.' },
      { name: 'vllm:lora_requests_info', type: 'info', unit: '', labels: ['max_lora', 'running_lora_adapters', 'waiting_lora_adapters'], help: 'Running and waiting LoRA adapters in labels.', scaling: 'Configuration only.' },
      {
        name: 'vllm:gpu_cache_usage_perc', type: 'gauge', unit: 'fraction (0 to 1)', help: 'Old name of the KV-cache usage gauge.', scaling: 'Use `vllm:kv_cache_usage_perc`, which has the same meaning.',
        change: { deprecatedIn: '0.9.2', hiddenIn: '0.11', removedIn: '0.12', removed: true, replacement: 'vllm:kv_cache_usage_perc', note: 'renamed to `vllm:kv_cache_usage_perc` (same 0 to 1 fraction)', source: 'vLLM PR #18354; `vllm/v1/metrics/loggers.py` at v0.11.0 ("Deprecated in 0.9.2", "remove in 0.12.0"); absent at v0.12.0' },
      },
      {
        name: 'vllm:time_per_output_token_seconds', type: 'histogram', unit: 'seconds', help: 'Old name of the inter-token latency histogram.', scaling: 'Use `vllm:inter_token_latency_seconds`.',
        change: { deprecatedIn: '0.11', hiddenIn: '0.12', removedIn: '0.13', removed: true, replacement: 'vllm:inter_token_latency_seconds', note: 'renamed to `vllm:inter_token_latency_seconds`', source: 'vLLM PR #32661; `vllm/v1/metrics/loggers.py` at v0.11.0 ("Deprecated in 0.11 - Renamed as vllm:inter_token_latency_seconds")' },
      },
      {
        name: 'vllm:avg_prompt_throughput_toks_per_s', type: 'gauge', unit: 'tokens/s', help: 'Removed prompt-throughput gauge.', scaling: 'Use `rate(vllm:prompt_tokens_total[2m])`.',
        change: { replacementExpr: { metric: 'vllm:prompt_tokens_total', template: 'rate($SEL[2m])' }, removed: true, note: 'compute the throughput from the counter instead: `rate(vllm:prompt_tokens_total[2m])`', source: 'vLLM PR #12383' },
      },
      {
        name: 'vllm:avg_generation_throughput_toks_per_s', type: 'gauge', unit: 'tokens/s', help: 'Removed generation-throughput gauge.', scaling: 'Use `rate(vllm:generation_tokens_total[2m])`.',
        change: { replacementExpr: { metric: 'vllm:generation_tokens_total', template: 'rate($SEL[2m])' }, removed: true, note: 'compute the throughput from the counter instead: `rate(vllm:generation_tokens_total[2m])`', source: 'vLLM PR #12383' },
      },
      {
        name: 'vllm:num_requests_swapped', type: 'gauge', unit: 'requests', help: 'Requests swapped to CPU memory (V0 engine only).', scaling: 'Always 0 on the V1 engine.',
        change: { deprecatedIn: '0.8', hiddenIn: '0.9', removed: true, note: 'dropped with the V0 engine, which had CPU swapping; there is no replacement', source: 'vLLM PR #15458; `docs/design/metrics.md`' },
      },
      {
        name: 'vllm:cpu_cache_usage_perc', type: 'gauge', unit: 'fraction (0 to 1)', help: 'CPU swap-space usage (V0 engine only).', scaling: 'Not published by the V1 engine.',
        change: { deprecatedIn: '0.8', hiddenIn: '0.9', removed: true, note: 'dropped with the V0 engine; there is no replacement', source: 'vLLM `docs/design/metrics.md` (V0 metrics not carried to V1)' },
      },
      {
        name: 'vllm:gpu_prefix_cache_hit_rate', type: 'gauge', unit: 'fraction (0 to 1)', help: 'Old prefix-cache hit-rate gauge.', scaling: 'Compute the ratio from `vllm:prefix_cache_hits_total` and `vllm:prefix_cache_queries_total`.',
        change: { deprecatedIn: '0.8', hiddenIn: '0.9', removed: true, note: 'replaced by the counters `vllm:prefix_cache_hits_total` and `vllm:prefix_cache_queries_total` (ratio of their rates)', source: 'vLLM `docs/design/metrics.md`' },
      },
      {
        name: 'vllm:cpu_prefix_cache_hit_rate', type: 'gauge', unit: 'fraction (0 to 1)', help: 'CPU prefix-cache hit rate (V0 engine only).', scaling: 'Not published by the V1 engine.',
        change: { deprecatedIn: '0.8', hiddenIn: '0.9', removed: true, note: 'dropped with the V0 engine; there is no replacement', source: 'vLLM `docs/design/metrics.md`' },
      },
      {
        name: 'vllm:time_in_queue_requests', type: 'histogram', unit: 'seconds', help: 'Duplicate of the queue-time histogram.', scaling: 'Use `vllm:request_queue_time_seconds`.',
        change: { deprecatedIn: '0.8', hiddenIn: '0.9', removed: true, replacement: 'vllm:request_queue_time_seconds', note: 'a duplicate of `vllm:request_queue_time_seconds`, which replaces it', source: 'vLLM `docs/design/metrics.md`' },
      },
    ],
  },
  {
    source: 'sglang',
    title: 'SGLang',
    labels: ['model_name'],
    reference: 'sgl-project/sglang `python/sglang/srt/metrics/collector.py`, docs `references/production_metrics.md`; llm-d and AIBrix engine mappings',
    metrics: [
      { name: 'sglang:num_queue_reqs', type: 'gauge', unit: 'requests', help: 'Requests waiting in the scheduler queue.', scaling: 'The primary scale-out signal for SGLang, like `vllm:num_requests_waiting`.' },
      { name: 'sglang:num_running_reqs', type: 'gauge', unit: 'requests', help: 'Requests in the running batch.', scaling: 'Concurrency per replica.' },
      { name: 'sglang:token_usage', type: 'gauge', unit: 'fraction (0 to 1)', help: 'Share of the KV-cache token pool in use.', scaling: 'Memory pressure, the SGLang counterpart of `vllm:kv_cache_usage_perc`.' },
      { name: 'sglang:num_used_tokens', type: 'gauge', unit: 'tokens', help: 'Tokens held in the KV cache.', scaling: 'Divide by `sglang:max_total_num_tokens` for a fraction.' },
      { name: 'sglang:max_total_num_tokens', type: 'gauge', unit: 'tokens', help: 'Size of the KV-cache token pool.', scaling: 'Capacity, not load.' },
      { name: 'sglang:gen_throughput', type: 'gauge', unit: 'tokens/s', help: 'Recent generation throughput.', scaling: 'Throughput already rated by the server; compare with the capacity of one replica.' },
      { name: 'sglang:cache_hit_rate', type: 'gauge', unit: 'fraction (0 to 1)', help: 'Prefix-cache hit rate.', scaling: 'Not a load signal.' },
      { name: 'sglang:prompt_tokens_total', type: 'counter', unit: 'tokens', help: 'Prompt tokens processed.', scaling: 'Read with `rate()`.' },
      { name: 'sglang:generation_tokens_total', type: 'counter', unit: 'tokens', help: 'Tokens generated.', scaling: 'Read with `rate()`.' },
      { name: 'sglang:num_requests_total', type: 'counter', unit: 'requests', help: 'Requests received.', scaling: 'Read with `rate()` for requests per second.' },
      histogram('sglang:time_to_first_token_seconds', 'seconds', 'Time to first token.', 'Latency objective via `histogram_quantile` over `_bucket`.'),
      histogram('sglang:inter_token_latency_seconds', 'seconds', 'Time between output tokens.', 'Decode-speed objective via `histogram_quantile` over `_bucket`.'),
      histogram('sglang:e2e_request_latency_seconds', 'seconds', 'End-to-end request latency.', 'Depends on output length; for objectives, not triggers.'),
    ],
  },
  {
    source: 'triton',
    title: 'Triton Inference Server',
    labels: ['model', 'version'],
    reference: 'triton-inference-server/server `docs/user_guide/metrics.md`',
    metrics: [
      { name: 'nv_inference_pending_request_count', type: 'gauge', unit: 'requests', help: 'Requests received and not yet executing, per model (the queue).', scaling: 'The queue-depth signal of Triton: sum it over pods for a trigger.' },
      { name: 'nv_inference_request_success', type: 'counter', unit: 'requests', help: 'Successful requests (a counter without `_total`).', scaling: 'Read with `rate()` for requests per second.' },
      { name: 'nv_inference_request_failure', type: 'counter', unit: 'requests', labels: ['model', 'version', 'reason'], help: 'Failed requests by reason (REJECTED, CANCELED, BACKEND, OTHER).', scaling: 'Read with `rate()`; rejections mean the queue limit was hit.' },
      { name: 'nv_inference_count', type: 'counter', unit: 'inferences', help: 'Inferences performed; a batch of N counts N.', scaling: 'Read with `rate()`.' },
      { name: 'nv_inference_exec_count', type: 'counter', unit: 'executions', help: 'Model executions (batches).', scaling: 'Read with `rate()`; inferences over executions gives the mean batch size.' },
      { name: 'nv_inference_request_duration_us', type: 'counter', unit: 'microseconds (cumulative)', help: 'Total time spent on requests, accumulated: a counter, not a latency.', scaling: 'Mean latency is `rate(nv_inference_request_duration_us[2m]) / rate(nv_inference_request_success[2m])`.' },
      { name: 'nv_inference_queue_duration_us', type: 'counter', unit: 'microseconds (cumulative)', help: 'Total time requests waited in the queue, accumulated.', scaling: 'Mean queue time is `rate(nv_inference_queue_duration_us[2m]) / rate(nv_inference_request_success[2m])`; the raw value only grows.' },
      { name: 'nv_inference_compute_input_duration_us', type: 'counter', unit: 'microseconds (cumulative)', help: 'Total time spent preparing inputs, accumulated.', scaling: 'Divide its `rate()` by the rate of `nv_inference_count`.' },
      { name: 'nv_inference_compute_infer_duration_us', type: 'counter', unit: 'microseconds (cumulative)', help: 'Total time spent executing the model, accumulated.', scaling: 'Divide its `rate()` by the rate of `nv_inference_count`.' },
      { name: 'nv_inference_compute_output_duration_us', type: 'counter', unit: 'microseconds (cumulative)', help: 'Total time spent on outputs, accumulated.', scaling: 'Divide its `rate()` by the rate of `nv_inference_count`.' },
      histogram('nv_inference_first_response_histogram_ms', 'milliseconds', 'Time to first response of decoupled models (opt-in: `--metrics-config histogram_latencies=true`).', 'A TTFT objective via `histogram_quantile` over `_bucket`.'),
      { name: 'nv_inference_request_summary_us', type: 'summary', unit: 'microseconds', help: 'Request latency quantiles (opt-in: `summary_latencies=true`).', scaling: 'Select a `quantile` label; summaries cannot be aggregated across pods.' },
      { name: 'nv_inference_queue_summary_us', type: 'summary', unit: 'microseconds', help: 'Queue time quantiles (opt-in).', scaling: 'Select a `quantile` label; not aggregatable across pods.' },
      { name: 'nv_gpu_utilization', type: 'gauge', unit: 'fraction (0 to 1)', labels: ['gpu_uuid'], help: 'GPU busy fraction seen by Triton.', scaling: 'Ambiguous for LLM serving: a batching server keeps it high at light and heavy load alike. Pair it with queue depth.' },
      { name: 'nv_gpu_memory_used_bytes', type: 'gauge', unit: 'bytes', labels: ['gpu_uuid'], help: 'GPU memory in use.', scaling: 'Models pre-allocate memory, so it does not fall with load.' },
      { name: 'nv_gpu_memory_total_bytes', type: 'gauge', unit: 'bytes', labels: ['gpu_uuid'], help: 'GPU memory size.', scaling: 'Capacity, not load.' },
      { name: 'nv_gpu_power_usage', type: 'gauge', unit: 'watts', labels: ['gpu_uuid'], help: 'GPU power draw.', scaling: 'Indirect; not a trigger.' },
      { name: 'nv_energy_consumption', type: 'counter', unit: 'joules', labels: ['gpu_uuid'], help: 'GPU energy used since start.', scaling: 'Read with `rate()` for watts.' },
    ],
  },
  {
    source: 'trtllm',
    title: 'Triton TensorRT-LLM backend',
    labels: ['model', 'version'],
    reference: 'triton-inference-server/tensorrtllm_backend `docs` (metrics); gateway-api-inference-extension model-server protocol',
    metrics: [
      { name: 'nv_trt_llm_request_metrics', type: 'gauge', unit: 'requests', labels: ['model', 'version', 'request_type'], help: 'Request counts by `request_type` (active, max, scheduled, context, waiting).', scaling: 'Select `request_type="waiting"` for queue depth.' },
      { name: 'nv_trt_llm_kv_cache_block_metrics', type: 'gauge', unit: 'blocks or fraction', labels: ['model', 'version', 'kv_cache_block_type'], help: 'KV-cache blocks by `kv_cache_block_type` (used, free, max, tokens_per, fraction).', scaling: 'Select `kv_cache_block_type="fraction"` for KV-cache pressure.' },
      { name: 'nv_trt_llm_inflight_batcher_metrics', type: 'gauge', unit: 'varies', labels: ['model', 'version', 'inflight_batcher_specific_metric'], help: 'In-flight batcher statistics by kind.', scaling: 'Diagnostic.' },
      { name: 'nv_trt_llm_general_metrics', type: 'gauge', unit: 'varies', labels: ['model', 'version', 'general_type'], help: 'Iteration counters and timestamps.', scaling: 'Diagnostic.' },
    ],
  },
  {
    source: 'tgi',
    title: 'Text Generation Inference',
    labels: [],
    reference: 'huggingface/text-generation-inference `docs/source/reference/metrics.md`',
    metrics: [
      { name: 'tgi_queue_size', type: 'gauge', unit: 'requests', help: 'Requests waiting in the router queue.', scaling: 'The primary scale-out signal for TGI. TGI publishes no TTFT and no KV-cache metric.' },
      { name: 'tgi_batch_current_size', type: 'gauge', unit: 'requests', help: 'Requests in the current batch.', scaling: 'Concurrency per replica.' },
      { name: 'tgi_batch_current_max_tokens', type: 'gauge', unit: 'tokens', help: 'Token budget of the current batch.', scaling: 'Batch fill; the closest TGI has to memory pressure.' },
      { name: 'tgi_request_count', type: 'counter', unit: 'requests', help: 'Requests received.', scaling: 'Read with `rate()`.' },
      { name: 'tgi_request_success', type: 'counter', unit: 'requests', help: 'Requests that succeeded.', scaling: 'Read with `rate()`.' },
      { name: 'tgi_request_failure', type: 'counter', unit: 'requests', labels: ['err'], help: 'Requests that failed, by error.', scaling: 'Read with `rate()`.' },
      histogram('tgi_request_queue_duration', 'seconds', 'Time requests waited in the queue.', 'Queueing delay via `histogram_quantile` over `_bucket`.'),
      histogram('tgi_request_mean_time_per_token_duration', 'seconds', 'Mean time per generated token, per request.', 'Decode-speed objective via `histogram_quantile`.'),
      histogram('tgi_request_duration', 'seconds', 'End-to-end request latency.', 'Depends on output length; for objectives, not triggers.'),
      histogram('tgi_request_inference_duration', 'seconds', 'Time spent in inference per request.', 'Not a load signal on its own.'),
      histogram('tgi_request_generated_tokens', 'tokens', 'Tokens generated per request.', 'Describes the workload.'),
      histogram('tgi_request_input_length', 'tokens', 'Prompt length per request.', 'Describes the workload.'),
      histogram('tgi_batch_inference_duration', 'seconds', 'Time per batch step, by method (prefill, decode).', 'Diagnostic.', ['method']),
    ],
  },
  {
    source: 'dcgm',
    title: 'NVIDIA DCGM exporter',
    labels: ['gpu', 'UUID', 'device', 'modelName', 'Hostname', 'pod', 'namespace', 'container', 'GPU_I_ID', 'GPU_I_PROFILE'],
    reference: 'NVIDIA/dcgm-exporter `etc/default-counters.csv`, `etc/dcp-metrics-included.csv`',
    metrics: [
      { name: 'DCGM_FI_DEV_GPU_UTIL', type: 'gauge', unit: 'percent (0 to 100)', help: 'Share of time the GPU was running any kernel (duty cycle).', scaling: 'Ambiguous for LLM serving: continuous batching keeps it near 100% at light and heavy load. Scale on queue depth or KV-cache use, with this at most as a companion.' },
      { name: 'DCGM_FI_DEV_MEM_COPY_UTIL', type: 'gauge', unit: 'percent (0 to 100)', help: 'Share of time memory was being read or written.', scaling: 'Not a load signal for LLM serving.' },
      { name: 'DCGM_FI_DEV_FB_USED', type: 'gauge', unit: 'MiB', help: 'Framebuffer memory in use.', scaling: 'vLLM and TGI pre-allocate memory, so it only ever scales up.' },
      { name: 'DCGM_FI_DEV_FB_FREE', type: 'gauge', unit: 'MiB', help: 'Framebuffer memory free.', scaling: 'Not a load signal.' },
      { name: 'DCGM_FI_DEV_FB_RESERVED', type: 'gauge', unit: 'MiB', help: 'Framebuffer memory reserved.', scaling: 'Not a load signal.' },
      { name: 'DCGM_FI_DEV_POWER_USAGE', type: 'gauge', unit: 'watts', help: 'Power draw.', scaling: 'Indirect; not a trigger.' },
      { name: 'DCGM_FI_DEV_GPU_TEMP', type: 'gauge', unit: 'degrees C', help: 'GPU temperature.', scaling: 'Not a load signal.' },
      { name: 'DCGM_FI_DEV_SM_CLOCK', type: 'gauge', unit: 'MHz', help: 'SM clock.', scaling: 'Not a load signal.' },
      { name: 'DCGM_FI_DEV_XID_ERRORS', type: 'gauge', unit: 'error code', help: 'Last XID error code.', scaling: 'Health, not load.' },
      { name: 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION', type: 'counter', unit: 'millijoules', help: 'Energy used since boot.', scaling: 'Read with `rate()`.' },
      { name: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE', type: 'gauge', unit: 'fraction (0 to 1)', help: 'Share of time the graphics engine was active (profiling metric).', scaling: 'Finer than `DCGM_FI_DEV_GPU_UTIL` but still not a queue; a companion at best.' },
      { name: 'DCGM_FI_PROF_SM_ACTIVE', type: 'gauge', unit: 'fraction (0 to 1)', help: 'Share of time at least one warp was resident per SM.', scaling: 'A better busy signal than GPU_UTIL; still a companion to queue depth.' },
      { name: 'DCGM_FI_PROF_SM_OCCUPANCY', type: 'gauge', unit: 'fraction (0 to 1)', help: 'Resident warps relative to the maximum.', scaling: 'Diagnostic.' },
      { name: 'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE', type: 'gauge', unit: 'fraction (0 to 1)', help: 'Share of cycles the tensor cores were busy.', scaling: 'Shows compute saturation; a companion signal.' },
      { name: 'DCGM_FI_PROF_DRAM_ACTIVE', type: 'gauge', unit: 'fraction (0 to 1)', help: 'Share of cycles device memory was busy.', scaling: 'Decode is memory-bound, so this tracks decode load; a companion signal.' },
    ],
  },
  {
    source: 'llm-d',
    title: 'llm-d / Gateway API Inference Extension endpoint picker (EPP)',
    labels: ['name'],
    reference: 'llm-d/llm-d PR #2492; kubernetes-sigs/gateway-api-inference-extension `site-src/guides/metrics-and-observability.md`',
    metrics: [
      { name: 'llm_d_epp_flow_control_queue_size', type: 'gauge', unit: 'requests', labels: ['fairness_id', 'priority', 'inference_pool', 'model_name', 'target_model_name'], help: 'Requests held in the EPP flow-control queue, before any model server.', scaling: 'A queue outside the pods: it exists at zero replicas, which makes it the signal for 0 to 1 scaling. The series appears only once a request has queued, so handle the empty result.' },
      {
        name: 'inference_extension_flow_control_queue_size', type: 'gauge', unit: 'requests', labels: ['fairness_id', 'priority', 'inference_pool', 'model_name', 'target_model_name'], help: 'Old name of the flow-control queue gauge.', scaling: 'Use `llm_d_epp_flow_control_queue_size`.',
        change: { removed: false, replacement: 'llm_d_epp_flow_control_queue_size', note: 'marked deprecated in its help text in favour of `llm_d_epp_flow_control_queue_size`', source: 'llm-d EPP metric help ("[Deprecated: Use llm_d_epp_flow_control_queue_size]")' },
      },
      { name: 'inference_pool_average_queue_size', type: 'gauge', unit: 'requests', help: 'Mean model-server queue length across the pool.', scaling: 'Already averaged over pods; use metricType Value or a per-pool target.' },
      { name: 'inference_pool_average_kv_cache_utilization', type: 'gauge', unit: 'fraction (0 to 1)', help: 'Mean KV-cache use across the pool.', scaling: 'Already averaged over pods; a pool-level memory-pressure signal.' },
      { name: 'inference_pool_ready_pods', type: 'gauge', unit: 'pods', help: 'Ready model-server pods in the pool.', scaling: 'Capacity, not load.' },
      { name: 'inference_pool_per_pod_queue_size', type: 'gauge', unit: 'requests', labels: ['name', 'model_server_pod'], help: 'Queue length per model-server pod as the EPP sees it.', scaling: 'Per pod: aggregate it before use.' },
    ],
  },
];

/** Every metric of the catalogue by name. */
export const METRICS: ReadonlyMap<string, MetricInfo> = new Map(
  FAMILIES.flatMap((f) => f.metrics.map((m): [string, MetricInfo] => [m.name, { ...m, source: f.source, labels: m.labels ?? f.labels }])),
);

/** The title and upstream reference of each publisher. */
export const SOURCES: ReadonlyMap<MetricSource, { title: string; reference: string }> = new Map(FAMILIES.map((f) => [f.source, { title: f.title, reference: f.reference }]));

/** vllmPolicy is the deprecation policy of vLLM in one sentence (shown in hovers). */
export const vllmPolicy = VLLM_POLICY;

/** Which part of a metric a series name stands for. */
export type SeriesPart = 'base' | 'bucket' | 'sum' | 'count';

/** lookupMetric finds the catalogue entry of a series name, also for the `_bucket`/`_sum`/`_count` series. */
export function lookupMetric(series: string): { info: MetricInfo; part: SeriesPart } | undefined {
  const direct = METRICS.get(series);
  if (direct) return { info: direct, part: 'base' };
  const m = /^(.*)_(bucket|sum|count)$/.exec(series);
  if (!m) return undefined;
  const info = METRICS.get(m[1]);
  if (!info) return undefined;
  const part = m[2] as SeriesPart;
  if (info.type === 'histogram' || (info.type === 'summary' && part !== 'bucket')) return { info, part };
  return undefined;
}

/** Which publishers a serving engine's pods expose (the engine first). */
export function sourcesForEngine(engine: EngineKind): MetricSource[] {
  switch (engine) {
    case 'vllm': return ['vllm'];
    case 'sglang': return ['sglang'];
    case 'triton': return ['triton'];
    case 'trtllm': return ['trtllm', 'triton'];
    case 'tgi': return ['tgi'];
    case 'llm-d': return ['llm-d', 'vllm'];
    default: return [];
  }
}

/** The queue-depth metric to scale a given engine on (the one the docs and rules recommend). */
export function queueMetricFor(engine: EngineKind): string | undefined {
  switch (engine) {
    case 'vllm': return 'vllm:num_requests_waiting';
    case 'sglang': return 'sglang:num_queue_reqs';
    case 'triton': return 'nv_inference_pending_request_count';
    case 'trtllm': return 'nv_trt_llm_request_metrics{request_type="waiting"}';
    case 'tgi': return 'tgi_queue_size';
    case 'llm-d': return 'llm_d_epp_flow_control_queue_size';
    default: return undefined;
  }
}

/** GPU-utilization metrics: ambiguous as the only scale-out signal of a batching LLM server. */
export const GPU_UTILIZATION_METRICS: ReadonlySet<string> = new Set(['DCGM_FI_DEV_GPU_UTIL', 'nv_gpu_utilization']);

/** compareVersions orders dotted versions numerically (`0.9.2` < `0.10`); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** imageVersion reads a `major.minor[.patch]` version from an image tag (`vllm/vllm-openai:v0.10.1` -> `0.10.1`). */
export function imageVersion(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  if (colon < 0 || ref.indexOf('/', colon) >= 0) return undefined;
  const m = /^v?(\d+\.\d+(?:\.\d+)?)/.exec(ref.slice(colon + 1));
  return m ? m[1] : undefined;
}
