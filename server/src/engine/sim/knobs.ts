/**
 * What-if knobs: the key numbers of a policy that the simulation panel lets a user change, how a change
 * applies to the simulated policy, and the minimal YAML edits that write it back into the manifest.
 * The same key drives all three, so what is simulated is exactly what gets written.
 */
import { isMap } from 'yaml';
import type { YAMLMap } from 'yaml';
import type { K8sObject } from '../model';
import { getNode, parseFile, YPath } from '../parse';
import { ensurePath } from '../yamlEdit';
import type { TextEdit } from '../types';
import type { HpaSpec, MetricSpec, MetricTarget, PartialBehavior, ScaledObjectSpec } from './policy';
import { withBehaviorDefaults } from './policy';
import type { PolicySpec } from './simulate';

/** A number of the policy the user may change. */
export interface KnobDef {
  key: KnobKey;
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  unit?: string;
  help: string;
}

export type KnobKey = 'minReplicas' | 'maxReplicas' | 'target' | 'activation' | 'pollingInterval' | 'cooldownPeriod' | 'scaleDownWindow' | 'scaleUpPodsPerMinute';

const LEGACY_DOWN_WINDOW = 300;

/** targetOf reads a metric target as the user writes it: a percentage, or units (milli / 1000). */
function targetValue(t: MetricTarget): { value: number; unit: string } {
  return t.type === 'Utilization' ? { value: t.averageUtilization, unit: '%' } : { value: t.milli / 1000, unit: t.type === 'Value' ? 'total' : 'per replica' };
}

function scaleUpPods(b: PartialBehavior | HpaSpec['behavior'] | undefined): number {
  const p = b?.scaleUp?.policies?.find((x) => x.type === 'Pods');
  return p ? Math.round((p.value * 60) / Math.max(1, p.periodSeconds)) : 0;
}

/**
 * rangeMax is the top of a knob's slider: a few times the current value, so that the slider moves in useful steps
 * (a slider to 1000 replicas leaves 2 and 8 at its left edge). The number box takes larger values too.
 */
function rangeMax(value: number, times: number, floor: number): number {
  return Math.max(floor, Math.ceil(value * times));
}

/** knobsOf lists the knobs of a policy with their current values. */
export function knobsOf(policy: PolicySpec): KnobDef[] {
  const out: KnobDef[] = [];
  if (policy.kind === 'hpa') {
    const s = policy.spec;
    const replicas = rangeMax(s.maxReplicas, 4, 16);
    out.push({ key: 'minReplicas', label: 'Min replicas (warm)', value: s.minReplicas, min: 1, max: replicas, step: 1, help: 'Replicas kept even without load: each one is a GPU pod that is billed all day, and absorbs a spike while new pods start.' });
    out.push({ key: 'maxReplicas', label: 'Max replicas', value: s.maxReplicas, min: 1, max: replicas, step: 1, help: 'Upper bound; times GPUs per replica, the most GPUs this service can take.' });
    const m = s.metrics[0];
    if (m) {
      const t = targetValue(m.target);
      out.push({ key: 'target', label: `Target of ${m.name}`, value: t.value, min: 0, max: t.unit === '%' ? rangeMax(t.value, 2, 100) : rangeMax(t.value, 4, 10), step: t.unit === '%' ? 1 : 0.5, unit: t.unit, help: 'The value per replica the HPA steers to; lower means more replicas for the same load.' });
    }
    out.push({ key: 'scaleDownWindow', label: 'Scale-down stabilization', value: s.behavior?.scaleDown.stabilizationWindowSeconds ?? LEGACY_DOWN_WINDOW, min: 0, max: 3600, step: 30, unit: 's', help: 'The HPA scales down only to the highest recommendation of this window; shorter than a cold start means flapping.' });
    out.push({ key: 'scaleUpPodsPerMinute', label: 'Scale-up limit', value: scaleUpPods(s.behavior), min: 0, max: 100, step: 1, unit: 'pods/min', help: 'At most this many new pods per minute (0 = the controller default: double or +4 every 15 s).' });
    return out;
  }
  const s = policy.spec;
  const replicas = rangeMax(s.maxReplicaCount, 4, 16);
  out.push({ key: 'minReplicas', label: 'Min replicas (warm)', value: s.minReplicaCount, min: 0, max: replicas, step: 1, help: 'Replicas kept without load; 0 lets KEDA scale to zero, so the first request waits a full cold start.' });
  out.push({ key: 'maxReplicas', label: 'Max replicas', value: s.maxReplicaCount, min: 1, max: replicas, step: 1, help: 'Upper bound; times GPUs per replica, the most GPUs this service can take.' });
  const trig = s.triggers[0];
  if (trig && trig.metadata.threshold !== undefined) {
    out.push({ key: 'target', label: `Threshold of ${trig.name ?? trig.type}`, value: trig.metadata.threshold, min: 0, max: rangeMax(trig.metadata.threshold, 4, 10), step: trig.metadata.threshold < 5 ? 0.1 : 1, unit: trig.metricType === 'Value' ? 'total' : 'per replica', help: 'The metric value each replica should carry (AverageValue): replicas = ceil(total / threshold).' });
    out.push({ key: 'activation', label: 'Activation threshold', value: trig.metadata.activationThreshold, min: 0, max: Math.max(10, trig.metadata.threshold * 2), step: trig.metadata.threshold < 5 ? 0.1 : 1, help: 'Above this value KEDA wakes the workload from zero (strictly greater).' });
  }
  out.push({ key: 'pollingInterval', label: 'Polling interval', value: s.pollingInterval, min: 1, max: 600, step: 1, unit: 's', help: 'How often KEDA checks the triggers; decides how fast a scale-from-zero starts.' });
  out.push({ key: 'cooldownPeriod', label: 'Cooldown to zero', value: s.cooldownPeriod, min: 0, max: 7200, step: 30, unit: 's', help: 'Idle time before KEDA scales to zero (only with min 0).' });
  const down = s.behavior?.scaleDown?.stabilizationWindowSeconds;
  out.push({ key: 'scaleDownWindow', label: 'Scale-down stabilization', value: down ?? LEGACY_DOWN_WINDOW, min: 0, max: 3600, step: 30, unit: 's', help: 'The HPA KEDA creates scales down only to the highest recommendation of this window.' });
  out.push({ key: 'scaleUpPodsPerMinute', label: 'Scale-up limit', value: scaleUpPods(s.behavior), min: 0, max: 100, step: 1, unit: 'pods/min', help: 'At most this many new pods per minute (0 = the controller default: double or +4 every 15 s).' });
  return out;
}

function withTarget(m: MetricSpec, value: number): MetricSpec {
  const t = m.target;
  const target: MetricTarget = t.type === 'Utilization' ? { type: 'Utilization', averageUtilization: Math.round(value) } : { type: t.type, milli: Math.round(value * 1000) };
  return { ...m, target } as MetricSpec;
}

function behaviorWith(b: PartialBehavior | undefined, values: Partial<Record<KnobKey, number>>): PartialBehavior | undefined {
  if (values.scaleDownWindow === undefined && values.scaleUpPodsPerMinute === undefined) return b;
  const next: PartialBehavior = { scaleUp: { ...b?.scaleUp }, scaleDown: { ...b?.scaleDown } };
  if (values.scaleDownWindow !== undefined) next.scaleDown!.stabilizationWindowSeconds = values.scaleDownWindow;
  if (values.scaleUpPodsPerMinute !== undefined) {
    next.scaleUp!.policies = values.scaleUpPodsPerMinute > 0 ? [{ type: 'Pods', value: values.scaleUpPodsPerMinute, periodSeconds: 60 }] : undefined;
    if (values.scaleUpPodsPerMinute > 0) next.scaleUp!.selectPolicy = 'Max';
  }
  return next;
}

/** applyKnobs returns the policy with what-if values applied (unknown keys are ignored). */
export function applyKnobs(policy: PolicySpec, values: Partial<Record<KnobKey, number>>): PolicySpec {
  if (policy.kind === 'hpa') {
    const s: HpaSpec = { ...policy.spec };
    if (values.minReplicas !== undefined) s.minReplicas = Math.max(1, Math.round(values.minReplicas));
    if (values.maxReplicas !== undefined) s.maxReplicas = Math.max(1, Math.round(values.maxReplicas));
    if (values.target !== undefined && s.metrics[0]) s.metrics = [withTarget(s.metrics[0], values.target), ...s.metrics.slice(1)];
    const partial = behaviorWith(s.behavior as PartialBehavior | undefined, values);
    if (partial !== s.behavior) s.behavior = withBehaviorDefaults(partial!);
    return { kind: 'hpa', spec: s };
  }
  const s: ScaledObjectSpec = { ...policy.spec };
  if (values.minReplicas !== undefined) s.minReplicaCount = Math.max(0, Math.round(values.minReplicas));
  if (values.maxReplicas !== undefined) s.maxReplicaCount = Math.max(1, Math.round(values.maxReplicas));
  if (values.pollingInterval !== undefined) s.pollingInterval = Math.max(1, Math.round(values.pollingInterval));
  if (values.cooldownPeriod !== undefined) s.cooldownPeriod = Math.max(0, Math.round(values.cooldownPeriod));
  if ((values.target !== undefined || values.activation !== undefined) && s.triggers[0]) {
    const t = s.triggers[0];
    s.triggers = [{ ...t, metadata: { ...t.metadata, threshold: values.target ?? t.metadata.threshold, activationThreshold: values.activation ?? t.metadata.activationThreshold } }, ...s.triggers.slice(1)];
  }
  s.behavior = behaviorWith(s.behavior, values);
  return { kind: 'keda', spec: s };
}

/** Where each knob lives in a manifest, per kind. */
function knobPath(obj: K8sObject, key: KnobKey): { path: string[]; quote: boolean } | undefined {
  const hpa = obj.known === 'HorizontalPodAutoscaler';
  const behavior = hpa ? ['spec', 'behavior'] : ['spec', 'advanced', 'horizontalPodAutoscalerConfig', 'behavior'];
  switch (key) {
    case 'minReplicas':
      return { path: ['spec', hpa ? 'minReplicas' : 'minReplicaCount'], quote: false };
    case 'maxReplicas':
      return { path: ['spec', hpa ? 'maxReplicas' : 'maxReplicaCount'], quote: false };
    case 'pollingInterval':
    case 'cooldownPeriod':
      return hpa ? undefined : { path: ['spec', key], quote: false };
    case 'scaleDownWindow':
      return { path: [...behavior, 'scaleDown', 'stabilizationWindowSeconds'], quote: false };
    case 'scaleUpPodsPerMinute':
      return { path: [...behavior, 'scaleUp', 'policies'], quote: false };
    case 'target':
    case 'activation':
      return undefined; // sequence items: handled by targetEdit
  }
}

/** targetEdit finds the scalar holding the first metric target / trigger threshold and its replacement text. */
function targetEdit(obj: K8sObject, key: 'target' | 'activation', value: number): { at: YPath; text: string } | undefined {
  const root = obj.doc.doc.contents;
  if (obj.known === 'HorizontalPodAutoscaler') {
    if (key !== 'target') return undefined;
    const m = getNode(root, ['spec', 'metrics', 0]);
    if (!isMap(m)) return undefined;
    for (const src of ['resource', 'containerResource', 'pods', 'object', 'external']) {
      for (const field of ['averageUtilization', 'averageValue', 'value']) {
        const path = ['spec', 'metrics', 0, src, 'target', field];
        if (getNode(root, path) !== undefined) return { at: path, text: field === 'averageUtilization' ? String(Math.round(value)) : `"${trimNumber(value)}"` };
      }
    }
    return undefined;
  }
  const field = key === 'target' ? 'threshold' : 'activationThreshold';
  return { at: ['spec', 'triggers', 0, 'metadata', field], text: `"${trimNumber(value)}"` };
}

function trimNumber(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

/**
 * knobEdits computes the edit that writes changed knob values into the manifest, as one minimal
 * replacement of the autoscaler's document (one undoable edit). Returns undefined when nothing changes.
 */
export function knobEdits(obj: K8sObject, policy: PolicySpec, values: Partial<Record<KnobKey, number>>): TextEdit | { error: string } | undefined {
  const current = new Map(knobsOf(policy).map((k) => [k.key, k.value]));
  let text = obj.file.text;
  const docIndex = obj.doc.index;
  for (const [key, raw] of Object.entries(values) as Array<[KnobKey, number]>) {
    if (raw === undefined || !Number.isFinite(raw) || current.get(key) === raw) continue;
    const file = parseFile(obj.file.uri, text, obj.file.version);
    const doc = file.docs[docIndex];
    const root = doc?.doc.contents;
    if (!isMap(root)) return { error: 'the document no longer parses; fix it before applying' };
    let edit: TextEdit | undefined;
    if (key === 'target' || key === 'activation') {
      const t = targetEdit(obj, key, raw);
      if (!t) return { error: `cannot locate the ${key} in this manifest` };
      const node = getNode(root, t.at);
      if (node && node.range) edit = { start: node.range[0], end: node.range[1], newText: t.text };
      else {
        const parent = getNode(root, t.at.slice(0, -1));
        if (!isMap(parent)) return { error: `cannot locate the ${key} in this manifest` };
        edit = ensurePath(file, parent as YAMLMap, [String(t.at[t.at.length - 1])], Number(t.text.replace(/"/g, '')));
        edit = { ...edit, newText: edit.newText.replace(/: ([\d.]+)$/m, ': "$1"') };
      }
    } else {
      const where = knobPath(obj, key);
      if (!where) continue;
      const value: unknown = key === 'scaleUpPodsPerMinute' ? (raw > 0 ? [{ type: 'Pods', value: Math.round(raw), periodSeconds: 60 }] : undefined) : Math.round(raw);
      if (value === undefined) continue;
      edit = ensurePath(file, root, where.path, value);
    }
    text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
  }
  if (text === obj.file.text) return undefined;
  return minimalEdit(obj.file.text, text);
}

/** minimalEdit turns two texts into one replacement of the smallest differing range. */
export function minimalEdit(before: string, after: string): TextEdit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB--;
    endA--;
  }
  return { start, end: endB, newText: after.slice(start, endA) };
}
