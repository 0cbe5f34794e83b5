/**
 * scale-to-zero-cannot-wake: an autoscaler may scale its target to zero, but every signal it reads is emitted by
 * the scaled pods themselves, so at zero pods there is nothing to measure and no request can wake it up.
 */
import { rootOf } from '../model';
import { isSeq } from 'yaml';
import type { Node as YNode, YAMLMap } from 'yaml';
import { findPair } from '../parse';
import type { Fix, TextEdit } from '../types';
import { autoscalerView, spanOf, targetSpan, type AutoscalerView } from './helpers/autoscaler';
import { signalReadsOnlyPods } from './helpers/metrics';
import { PROMETHEUS_PLACEHOLDER } from './helpers/serving';
import { appendItem, commented, deletePair, mapAt, setKey } from '../yamlEdit';
import type { Rule, RuleContext } from './types';

/** Keys after which a new `minReplicaCount` reads naturally. */
const MIN_NEIGHBOURS = ['maxReplicaCount', 'idleReplicaCount', 'cooldownPeriod', 'pollingInterval', 'scaleTargetRef'];

/** scaleToZeroCannotWake reports scale to zero with only pod-emitted signals to wake up on. */
export const scaleToZeroCannotWake: Rule = {
  id: 'scale-to-zero-cannot-wake',
  defaultSeverity: 'warning',
  appliesTo: ['ScaledObject', 'HorizontalPodAutoscaler'],
  docs: {
    summary: 'The autoscaler can scale to zero, but every trigger reads metrics that only the scaled pods emit.',
    rationale:
      'At zero replicas there is no vLLM, Triton, TGI or SGLang process to export `vllm:*`, `nv_inference_*`, `tgi_*` or `sglang:*` series, no pod to report CPU or memory, and DCGM has no GPU of the workload to label. The query returns nothing, KEDA reads it as inactive (or as 0 with the default `ignoreNullValues`), and the first request after an idle period waits forever: the workload never comes back from zero. KEDA goes further for cpu/memory-only objects and rejects `minReplicaCount: 0` outright, and `minReplicaCount` defaults to 0 when it is left out.',
    remedy:
      'Either keep a warm replica (`minReplicaCount: 1`, and no `idleReplicaCount: 0`), or add a trigger that sees demand before any pod exists: the request rate or queue at the gateway, router or message broker in front of the model (the vLLM production-stack adds a router keep-alive trigger for exactly this). The quick fixes offer both; the wake-up trigger has a placeholder query to point at your gateway\'s metric.',
    sources: [
      'kedacore/keda#6040 (0→1 never happens when the metric comes from the replicas)',
      'llm-d PR #2492 (scale from zero through the EPP flow-control queue)',
      'vllm-project/production-stack tutorials/20-keda-autoscaling.md (router keep-alive trigger)',
      'KEDA scaledobject_webhook.go verifyCPUMemoryScalers (cpu/memory-only triggers with minReplicaCount 0 are rejected)',
    ],
  },
  check(ctx) {
    const view = autoscalerView(ctx.obj);
    if (!view || view.signalsIncomplete || !view.signals.length) return;
    const toZero = view.min.effective === 0 || (view.dialect === 'keda' && view.idle.value === 0);
    if (!toZero || !view.signals.every(signalReadsOnlyPods)) return;
    const onlyResources = view.signals.every((s) => s.resource === 'cpu' || s.resource === 'memory');
    const minKey = view.dialect === 'keda' ? 'minReplicaCount' : 'minReplicas';
    const byMin = view.min.effective === 0;
    const span = byMin && view.min.present ? spanOf(ctx.obj, view.min.path) : !byMin ? spanOf(ctx.obj, view.idle.path) : targetSpan(ctx.obj);
    const how = !byMin ? 'idleReplicaCount is 0' : view.min.present ? `${minKey} is 0` : `${minKey} defaults to 0`;
    const message = onlyResources
      ? `${how}, but every trigger is cpu or memory: with no pod there is no usage to measure, and KEDA rejects this combination. Keep at least one replica.`
      : `${how}, but every trigger reads metrics the scaled pods emit: at zero pods the query is empty, so no request can bring the workload back. Keep a warm replica or add a trigger on the gateway or queue in front of it.`;
    ctx.report({ ...span, message, fixes: fixes(ctx, view, onlyResources) });
  },
};

function fixes(ctx: RuleContext, view: AutoscalerView, onlyResources: boolean): Fix[] {
  const spec = mapAt(rootOf(ctx.obj), ['spec']);
  if (!spec) return [];
  const out: Fix[] = [];
  const warm = keepWarm(ctx, view, spec);
  if (warm.length) out.push({ title: `Keep one warm replica (${view.dialect === 'keda' ? 'minReplicaCount' : 'minReplicas'}: 1)`, edits: warm, changesPolicy: true });
  const triggers = findPair(spec, 'triggers')?.value;
  if (view.dialect === 'keda' && !onlyResources && isSeq(triggers)) {
    out.push({ title: 'Add a wake-up trigger on the gateway request rate (edit its query)', edits: [appendItem(ctx.obj.file, triggers, wakeUpTrigger(ctx.obj.name ?? 'model'))], changesPolicy: true });
  }
  return out;
}

function keepWarm(ctx: RuleContext, view: AutoscalerView, spec: YAMLMap): TextEdit[] {
  const key = view.dialect === 'keda' ? 'minReplicaCount' : 'minReplicas';
  const after = MIN_NEIGHBOURS.find((k) => k !== 'idleReplicaCount' && findPair(spec, k));
  const edits: TextEdit[] = [setKey(ctx.obj.file, spec, key, 1, { after })];
  // With idleReplicaCount 0 KEDA would still drop to zero when idle.
  if (view.idle.present) {
    const del = deletePair(ctx.obj.file, spec, 'idleReplicaCount');
    if (del) edits.push(del);
  }
  return edits;
}

/** The wake-up trigger: demand measured in front of the pods, which exists while they do not. */
function wakeUpTrigger(name: string): YNode {
  const trigger = {
    type: 'prometheus',
    name: 'wake-up',
    metadata: {
      serverAddress: PROMETHEUS_PLACEHOLDER,
      query: `sum(rate(EDIT_ME_gateway_requests_total{service="${name}"}[2m]))`,
      threshold: '1000',
      activationThreshold: '0',
    },
  };
  return commented(trigger, [
    [['metadata', 'serverAddress'], 'edit: the Prometheus that scrapes your gateway'],
    [['metadata', 'query'], 'edit: requests per second reaching the gateway or router for this model'],
    [['metadata', 'threshold'], 'high on purpose: this trigger wakes the workload, the others size it'],
  ]);
}
