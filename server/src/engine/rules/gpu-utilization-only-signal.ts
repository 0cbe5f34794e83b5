/** gpu-utilization-only-signal: GPU utilization is the only scale-out signal of an autoscaler. */
import { isMap, isSeq } from 'yaml';
import { get, type K8sObject } from '../model';
import { GPU_UTILIZATION_METRICS, queueMetricFor } from '../promql/catalogue';
import { type QuerySite, querySites, siteRange, targetInfo } from '../promql/sites';
import { getNode, scalarString } from '../parse';
import type { Rule } from './types';

/** gpuUtilizationOnlySignal reports ScaledObjects and HPAs that scale out on GPU utilization and nothing that measures load. */
export const gpuUtilizationOnlySignal: Rule = {
  id: 'gpu-utilization-only-signal',
  defaultSeverity: 'warning',
  appliesTo: ['ScaledObject', 'HorizontalPodAutoscaler'],
  docs: {
    summary: 'GPU utilization (`DCGM_FI_DEV_GPU_UTIL`, `nv_gpu_utilization`) is the only scale-out signal besides CPU and memory.',
    rationale:
      'GPU utilization is a duty cycle: the share of time any kernel runs. A server with continuous batching keeps it near 100% whether it serves a few ' +
      'requests or is saturated, so the autoscaler cannot tell a busy replica from an overloaded one, and memory-based GPU metrics never fall because ' +
      'engines pre-allocate. Queue depth and KV-cache use rise exactly when a replica runs out of room.',
    remedy:
      'Add a trigger on the serving engine\'s queue (`vllm:num_requests_waiting`, `sglang:num_queue_reqs`, `tgi_queue_size`, ' +
      '`nv_inference_pending_request_count`) or KV-cache use, and keep GPU utilization at most as a second signal.',
    sources: ['llm-d autoscaling docs ("GPU utilization can sit near 100% during active batching")', 'GKE "Best practices for autoscaling LLM inference workloads with GPUs"', 'kedacore/keda#7538', 'field AP-2'],
  },
  check(ctx) {
    const sites = querySites(ctx.obj);
    if (sites.some((s) => s.templated)) return;
    let gpuSite: { site: QuerySite; from: number; to: number; name: string } | undefined;
    let loadSignals = 0;
    for (const site of sites) {
      const names = (site.analysis?.selectors ?? []).map((u) => u.sel).filter((s) => s.name && s.nameSpan);
      if (!names.length) {
        loadSignals++;
        continue;
      }
      const gpu = names.find((s) => GPU_UTILIZATION_METRICS.has(s.name!));
      if (gpu && names.every((s) => GPU_UTILIZATION_METRICS.has(s.name!))) gpuSite ??= { site, from: gpu.nameSpan!.from, to: gpu.nameSpan!.to, name: gpu.name! };
      else loadSignals++;
    }
    loadSignals += otherSignals(ctx.obj, sites.length);
    if (!gpuSite || loadSignals > 0) return;
    const engine = targetInfo(ctx.obj, ctx.ws)?.engine;
    const queue = engine ? queueMetricFor(engine) : undefined;
    const [start, end] = siteRange(gpuSite.site, gpuSite.from, gpuSite.to);
    const hpa = ctx.obj.known === 'HorizontalPodAutoscaler';
    const kind = hpa ? 'HPA' : 'ScaledObject';
    const add = hpa ? 'Add a metric' : 'Add a trigger';
    ctx.report({
      start,
      end,
      message:
        `\`${gpuSite.name}\` is the only scale-out signal of this ${kind}: a batching LLM server keeps the GPU busy at light and heavy load alike, so it does not show saturation. ` +
        (queue ? `${add} on the queue, \`${queue}\`.` : `${add} on the serving engine's queue depth (e.g. \`vllm:num_requests_waiting\`) or KV-cache use.`),
    });
  },
};

/**
 * otherSignals counts the scale-out signals that produced no PromQL site: KEDA triggers of other types (or
 * prometheus triggers without a readable query) and HPA metrics without a readable name. CPU and memory do not
 * count: they say nothing about GPU serving load.
 */
function otherSignals(obj: K8sObject, siteCount: number): number {
  const kedaList = obj.known === 'ScaledObject';
  const list = get(obj, ['spec', kedaList ? 'triggers' : 'metrics']);
  if (!isSeq(list)) return 0;
  let signals = 0;
  for (const item of list.items) {
    const type = isMap(item) ? scalarString(getNode(item, ['type'])) : undefined;
    if (!type) continue;
    const resource = kedaList ? type === 'cpu' || type === 'memory' : type === 'Resource' || type === 'ContainerResource';
    if (!resource) signals++;
  }
  return Math.max(0, signals - siteCount);
}
