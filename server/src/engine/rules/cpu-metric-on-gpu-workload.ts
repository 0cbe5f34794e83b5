/**
 * cpu-metric-on-gpu-workload: an autoscaler whose only signals are CPU or memory usage, on a workload whose pods
 * request GPUs (or MIG slices, TPUs, other accelerators). Fixes convert it to a KEDA trigger on the engine's queue.
 */
import { isMap, isSeq } from 'yaml';
import type { Node as YNode, YAMLMap } from 'yaml';
import { get, type K8sObject, type WorkloadInfo, rootOf } from '../model';
import type { Fix, TextEdit } from '../types';
import { autoscalerView, isResourceSignal, kindSpan, nameOf, resolveWorkload, signalAnchor, spanOf, type AutoscalerView } from './helpers/autoscaler';
import { coldStartOf, windowCovering } from './helpers/coldstart';
import { ENGINES, gpuRequestPath, KV_THRESHOLD, PROMETHEUS_PLACEHOLDER, QUEUE_THRESHOLD, selectorWith, type EngineFacts } from './helpers/serving';
import { columnOf, commented, contentEnd, ensurePath, indentStyleOf, renderBlock, renderFlow, type IndentStyle } from '../yamlEdit';
import type { Rule, RuleContext } from './types';

/** The comment that marks the placeholder address in generated triggers. */
const EDIT_ADDRESS = 'edit: the Prometheus that scrapes the serving pods';

/** cpuMetricOnGpuWorkload reports autoscalers that scale a GPU workload on CPU or memory alone. */
export const cpuMetricOnGpuWorkload: Rule = {
  id: 'cpu-metric-on-gpu-workload',
  defaultSeverity: 'warning',
  appliesTo: ['HorizontalPodAutoscaler', 'ScaledObject'],
  docs: {
    summary: 'An autoscaler scales a GPU workload on CPU or memory usage alone.',
    rationale:
      'A model server spends its time on the GPU: the CPU of a vLLM, Triton, TGI or SGLang pod stays low whether the pod is idle or has a long queue of waiting requests, and memory holds the weights either way. A CPU or memory target therefore never sees the load that matters, so the workload does not scale out while latency climbs (or scales on noise unrelated to traffic). The check follows `scaleTargetRef` to the Deployment, StatefulSet or LeaderWorkerSet in the workspace and fires only when its pods request an accelerator (`nvidia.com/gpu`, MIG slices, `amd.com/gpu`, TPUs and similar).',
    remedy:
      'Scale on the serving engine\'s queue: `vllm:num_requests_waiting` (vLLM), `nv_inference_pending_request_count` (Triton), `tgi_queue_size` (TGI) or `sglang:num_queue_reqs` (SGLang), for example with a KEDA prometheus trigger. The quick fix rewrites the HPA as a KEDA ScaledObject with the same name, target and bounds (or replaces the KEDA cpu/memory trigger), with `ignoreNullValues: "false"` and a scale-down window that covers the cold start; for vLLM a second fix combines the queue with KV-cache usage through `scalingModifiers`. Point `serverAddress` at your Prometheus, and delete the old HPA from the cluster when you apply the ScaledObject: KEDA refuses a target that another HPA already scales.',
    sources: [
      'kedacore/keda#7538 (GPU nodes at 10% CPU while the GPUs are saturated)',
      'GKE: Best practices for autoscaling LLM inference workloads with GPUs',
      'llm-d operations guide: scale on queue depth, not CPU or GPU utilization',
      'vLLM docs/design/metrics.md; Triton docs/user_guide/metrics.md; TGI docs/source/reference/metrics.md',
    ],
  },
  check(ctx) {
    const view = autoscalerView(ctx.obj);
    if (!view || view.signalsIncomplete || !view.signals.length || !view.signals.every(isResourceSignal)) return;
    const resolved = resolveWorkload(ctx.ws, ctx.obj);
    if (!resolved || !resolved.workload.gpuResources.length) return;
    const { target, workload } = resolved;
    const first = view.signals[0];
    const span = first.source === 'default-cpu' ? kindSpan(ctx.obj) : spanOf(ctx.obj, signalAnchor(first));
    const what = first.source === 'default-cpu' ? 'It has no metrics, so the HPA defaults to CPU utilization' : `It scales only on ${[...new Set(view.signals.map((s) => s.resource))].join(' and ')} usage`;
    const facts = ENGINES[workload.engine];
    const gpuPath = gpuRequestPath(target, workload.containers);
    const gpuNode = gpuPath ? get(target, gpuPath) : undefined;
    ctx.report({
      ...span,
      message: `${what}, but ${target.kind} '${nameOf(target)}' requests ${workload.gpuResources.join(', ')}: a GPU-bound model server can queue requests while its CPU stays idle. Scale on the serving queue${facts ? ` (\`${facts.queueMetric}\`)` : ''} instead.`,
      related: gpuNode?.range ? [{ uri: target.file.uri, start: gpuNode.range[0], end: gpuNode.range[1], message: 'GPU requested here' }] : undefined,
      fixes: facts ? fixesFor(ctx, view, target, workload, facts) : undefined,
    });
  },
};

function fixesFor(ctx: RuleContext, view: AutoscalerView, target: K8sObject, workload: WorkloadInfo, facts: EngineFacts): Fix[] {
  const obj = ctx.obj;
  // A template would be lost when the document or trigger is rewritten.
  if (obj.file.templates.some((t) => t.start < obj.doc.end && t.end > obj.doc.start)) return [];
  const coldStart = coldStartOf(ctx.ws, target, workload)?.totalSeconds;
  const filter = podFilter(target);
  const variants: Array<{ composite: boolean; title: string }> = [{ composite: false, title: `Scale on the ${facts.label} queue (${facts.queueMetric}) with KEDA` }];
  if (facts.kvMetric) variants.push({ composite: true, title: `Scale on the ${facts.label} queue and KV-cache usage (KEDA scalingModifiers)` });
  const out: Fix[] = [];
  for (const v of variants) {
    const edits = view.dialect === 'hpa' ? convertHpa(ctx, view, facts, filter, coldStart, v.composite) : replaceTrigger(ctx, view, facts, filter, v.composite);
    if (edits) out.push({ title: v.title, edits, changesPolicy: true });
  }
  return out;
}

/** podFilter selects the target's pods in a query: its namespace when stated, and pods named after it. */
function podFilter(target: K8sObject): string {
  const parts: string[] = [];
  if (target.namespace) parts.push(`namespace="${target.namespace}"`);
  if (target.name) parts.push(`pod=~"${target.name.replace(/[.\\]/g, '\\$&')}-.*"`);
  return parts.join(', ');
}

/** triggersFor builds the prometheus trigger(s): the queue alone, or queue and KV cache for a composite formula. */
function triggersFor(facts: EngineFacts, filter: string, composite: boolean): Array<Record<string, unknown>> {
  const trigger = (metric: string, threshold: string, name?: string): Record<string, unknown> => ({
    type: 'prometheus',
    ...(name ? { name } : {}),
    metadata: {
      serverAddress: PROMETHEUS_PLACEHOLDER,
      query: `sum(${selectorWith(metric, filter)})`,
      threshold,
      // An empty result must not read as "no load": with "false" KEDA reports an error instead of 0.
      ignoreNullValues: 'false',
    },
  });
  if (!composite || !facts.kvMetric) return [trigger(facts.queueMetric, String(QUEUE_THRESHOLD))];
  return [trigger(facts.queueMetric, String(QUEUE_THRESHOLD), 'queue'), trigger(facts.kvMetric, String(KV_THRESHOLD), 'kv')];
}

/** The composite: replicas needed for the queue or for KV-cache headroom, whichever is larger. */
const scalingModifiers = { formula: `max(queue / ${QUEUE_THRESHOLD}, kv / ${KV_THRESHOLD})`, target: '1' };

/** plain returns a collection node as plain data (scalars and absent nodes give undefined). */
function plain(node: YNode | undefined): unknown {
  return node && (isMap(node) || isSeq(node)) ? node.toJSON() : undefined;
}

/** convertHpa replaces the HPA document's content by an equivalent KEDA ScaledObject. */
function convertHpa(ctx: RuleContext, view: AutoscalerView, facts: EngineFacts, filter: string, coldStart: number | undefined, composite: boolean): TextEdit[] | undefined {
  const obj = ctx.obj;
  const root = rootOf(obj) as YAMLMap | null;
  const ref = plain(get(obj, ['spec', 'scaleTargetRef']));
  if (!isMap(root) || !root.range || !ref || view.max.value === undefined || view.min.effective === undefined) return undefined;
  const metadata: Record<string, unknown> = { name: obj.name };
  if (obj.namespace) metadata.namespace = obj.namespace;
  const labels = plain(get(obj, ['metadata', 'labels']));
  if (labels) metadata.labels = labels;
  const behavior = (plain(get(obj, ['spec', 'behavior'])) ?? {}) as Record<string, Record<string, unknown>>;
  const window = windowCovering(coldStart);
  const current = Number(behavior.scaleDown?.stabilizationWindowSeconds ?? 300);
  if (!(current >= window)) behavior.scaleDown = { ...(behavior.scaleDown ?? {}), stabilizationWindowSeconds: window };
  const triggers = triggersFor(facts, filter, composite);
  const spec = {
    scaleTargetRef: ref,
    minReplicaCount: view.min.effective,
    maxReplicaCount: view.max.value,
    advanced: { horizontalPodAutoscalerConfig: { behavior }, ...(composite ? { scalingModifiers } : {}) },
    triggers,
  };
  const value = commented({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata, spec }, triggers.map((_, i) => [['spec', 'triggers', i, 'metadata', 'serverAddress'], EDIT_ADDRESS]));
  const text = renderBlock(value, 0, indentStyleOf(obj.file.text));
  return [{ start: root.range[0], end: contentEnd(obj.file.text, root), newText: text.replace(/\n$/, '') }];
}

/** replaceTrigger swaps the first cpu/memory trigger for the queue trigger(s); the rest of the object stays. */
function replaceTrigger(ctx: RuleContext, view: AutoscalerView, facts: EngineFacts, filter: string, composite: boolean): TextEdit[] | undefined {
  const obj = ctx.obj;
  const first = view.signals[0];
  const item = get(obj, first.path);
  const seq = get(obj, ['spec', 'triggers']);
  if (!item?.range || !isSeq(seq)) return undefined;
  const text = obj.file.text;
  const triggers = triggersFor(facts, filter, composite);
  const style = indentStyleOf(text);
  const edits: TextEdit[] = [{ start: item.range[0], end: contentEnd(text, item), newText: renderItems(triggers, columnOf(text, item.range[0]), style, !!(item as YAMLMap).flow) }];
  if (composite) {
    const root = rootOf(obj);
    edits.push(ensurePath(obj.file, root, ['spec', 'advanced', 'scalingModifiers'], scalingModifiers));
  }
  return edits;
}

/** renderItems renders sequence items in place of one item whose content starts at `col` (after its dash). */
function renderItems(items: Array<Record<string, unknown>>, col: number, style: IndentStyle, flow: boolean): string {
  const dashCol = Math.max(0, col - 2);
  if (flow) return items.map((i) => renderFlow(i)).join(`\n${' '.repeat(dashCol)}- `);
  const value = commented(items, items.map((_, i) => [[i, 'metadata', 'serverAddress'], EDIT_ADDRESS]));
  const body = renderBlock(value, 0, { ...style, indentSeq: false }).replace(/\n$/, '');
  return body
    .split('\n')
    .map((l, i) => (i === 0 ? l.replace(/^- /, '') : ' '.repeat(dashCol) + l))
    .join('\n');
}
