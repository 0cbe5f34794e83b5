/**
 * One view over the two autoscaling dialects the rules read: an HPA (autoscaling v1, v2beta1, v2beta2, v2) and a
 * KEDA ScaledObject. It gives the effective replica bounds (with each API's defaults), the scaling signals and the
 * paths where behavior lives, and remembers the nodes so that findings and fixes point at the user's text.
 */
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Node as YNode, Scalar, YAMLMap } from 'yaml';
import { get, hasPath, type K8sObject, type WorkloadInfo } from '../../model';
import { getNode, overlapsTemplate, scalarNumber, scalarString, type ParsedFile, type TemplateSpan, type YPath } from '../../parse';
import type { WorkspaceIndex } from '../../workspace';
import { columnOf } from '../../yamlEdit';

/** A number read from the manifest: absent, written but not a number (e.g. a template), or a value. */
export interface NumberField {
  present: boolean;
  value: number | undefined;
  node: Scalar | undefined;
  path: YPath;
}

/** Where a scaling signal comes from. */
export type SignalSource = 'resource' | 'containerResource' | 'pods' | 'object' | 'external' | 'trigger' | 'default-cpu';

/** One scaling signal: an HPA metric or a KEDA trigger. */
export interface Signal {
  source: SignalSource;
  /** `cpu`/`memory` for resource signals and KEDA cpu/memory triggers. */
  resource: string | undefined;
  /** KEDA trigger type (`prometheus`, `cpu`, `rabbitmq`, ...). */
  triggerType: string | undefined;
  /** KEDA trigger name (`triggers[].name`). */
  triggerName: string | undefined;
  /** HPA metric name, or the KEDA `metadata.metricName`. */
  metricName: string | undefined;
  /** The PromQL query of a prometheus trigger. */
  query: string | undefined;
  /** The target type: `Utilization`, `AverageValue` or `Value` (KEDA's default AverageValue is filled in). */
  targetType: string | undefined;
  /** Path of the metric or trigger item from the document root. */
  path: YPath;
  node: YNode | undefined;
}

/** The autoscaler view the rules share. */
export interface AutoscalerView {
  obj: K8sObject;
  dialect: 'hpa' | 'keda';
  /** Effective minimum (HPA default 1, KEDA default 0). */
  min: NumberField & { effective: number | undefined };
  /** Effective maximum (KEDA default 100; an HPA must state it). */
  max: NumberField & { effective: number | undefined };
  idle: NumberField;
  cooldown: NumberField & { effective: number | undefined };
  signals: Signal[];
  /** True when a signal could not be read (a templated list, an alpha annotation): "every signal is X" is unknown. */
  signalsIncomplete: boolean;
  /** Path of the HPA behavior block: `spec.behavior`, or `spec.advanced.horizontalPodAutoscalerConfig.behavior`. */
  behaviorPath: YPath;
}

const KEDA_BEHAVIOR: YPath = ['spec', 'advanced', 'horizontalPodAutoscalerConfig', 'behavior'];

/** numberField reads a number at a path; a template or a non-number keeps `value` undefined. */
function numberField(obj: K8sObject, path: YPath): NumberField {
  const node = get(obj, path);
  const scalar = isScalar(node) ? node : undefined;
  const templated = !!node?.range && overlapsTemplate(obj.file, node.range[0], node.range[1]);
  return { present: hasPath(obj, path), value: templated ? undefined : scalarNumber(node), node: scalar, path };
}

// Most rules start from the view: it is built once per parsed object (it reads only the object's own document).
const views = new WeakMap<K8sObject, AutoscalerView | undefined>();

/** autoscalerView builds the view of an HPA or ScaledObject; undefined for other kinds. */
export function autoscalerView(obj: K8sObject): AutoscalerView | undefined {
  if (!views.has(obj)) views.set(obj, obj.known === 'HorizontalPodAutoscaler' ? hpaView(obj) : obj.known === 'ScaledObject' ? kedaView(obj) : undefined);
  return views.get(obj);
}

function withDefault(f: NumberField, dflt: number | undefined): NumberField & { effective: number | undefined } {
  return { ...f, effective: f.present ? f.value : dflt };
}

function hpaView(obj: K8sObject): AutoscalerView {
  const signals: Signal[] = [];
  let incomplete = false;
  const version = obj.hpaVersion ?? 'v2';
  if (version === 'v1') {
    // autoscaling/v1 knows only CPU; other metrics hide in an alpha annotation the API server converts.
    if (hasPath(obj, ['metadata', 'annotations', 'autoscaling.alpha.kubernetes.io/metrics'])) incomplete = true;
    const path: YPath = ['spec', 'targetCPUUtilizationPercentage'];
    signals.push(signal(hasPath(obj, path) ? 'resource' : 'default-cpu', { resource: 'cpu', targetType: 'Utilization', path, node: get(obj, path) }));
  } else {
    const metrics = get(obj, ['spec', 'metrics']);
    if (isSeq(metrics) && metrics.items.length) {
      metrics.items.forEach((m, i) => {
        const path: YPath = ['spec', 'metrics', i];
        if (!isMap(m)) { incomplete = true; return; }
        const s = hpaMetric(m, path, version);
        if (s) signals.push(s);
        else incomplete = true;
      });
    } else if (templateInside(obj, ['spec'])) {
      incomplete = true;
    } else if (!metrics || isSeq(metrics) || (isScalar(metrics) && metrics.value === null)) {
      // No metrics: the API defaults to CPU at 80 % utilization.
      signals.push(signal('default-cpu', { resource: 'cpu', targetType: 'Utilization', path: ['spec'], node: get(obj, ['spec']) }));
    } else incomplete = true;
  }
  if (version !== 'v1' && templateInside(obj, ['spec', 'metrics'])) incomplete = true;
  return {
    obj,
    dialect: 'hpa',
    min: withDefault(numberField(obj, ['spec', 'minReplicas']), 1),
    max: withDefault(numberField(obj, ['spec', 'maxReplicas']), undefined),
    // An HPA has neither idle replicas nor a cooldown: these are KEDA's.
    idle: { present: false, value: undefined, node: undefined, path: [] },
    cooldown: { present: false, value: undefined, node: undefined, path: [], effective: undefined },
    signals,
    signalsIncomplete: incomplete,
    behaviorPath: ['spec', 'behavior'],
  };
}

function hpaMetric(m: YAMLMap, path: YPath, version: string): Signal | undefined {
  const type = scalarString(getNode(m, ['type']));
  const node = m as unknown as YNode;
  const v2 = version !== 'v2beta1';
  switch (type) {
    case 'Resource':
    case 'ContainerResource': {
      const key = type === 'Resource' ? 'resource' : 'containerResource';
      const targetType = v2 ? scalarString(getNode(m, [key, 'target', 'type'])) : getNode(m, [key, 'targetAverageUtilization']) ? 'Utilization' : 'AverageValue';
      return signal(type === 'Resource' ? 'resource' : 'containerResource', { resource: scalarString(getNode(m, [key, 'name'])), targetType, path, node });
    }
    case 'Pods':
    case 'Object':
    case 'External': {
      const key = type.toLowerCase();
      const metricName = scalarString(getNode(m, v2 ? [key, 'metric', 'name'] : [key, 'metricName']));
      const targetType = v2 ? scalarString(getNode(m, [key, 'target', 'type'])) : getNode(m, [key, 'targetValue']) ? 'Value' : 'AverageValue';
      return signal(key as SignalSource, { metricName, targetType, path, node });
    }
    default:
      return undefined;
  }
}

function kedaView(obj: K8sObject): AutoscalerView {
  const signals: Signal[] = [];
  let incomplete = false;
  const triggers = get(obj, ['spec', 'triggers']);
  if (isSeq(triggers)) {
    triggers.items.forEach((t, i) => {
      const path: YPath = ['spec', 'triggers', i];
      if (!isMap(t)) { incomplete = true; return; }
      const triggerType = scalarString(getNode(t, ['type']));
      if (!triggerType || overlapsNode(obj, [...path, 'type'])) incomplete = true;
      const isResource = triggerType === 'cpu' || triggerType === 'memory';
      signals.push(signal('trigger', {
        triggerType,
        triggerName: scalarString(getNode(t, ['name'])),
        resource: isResource ? triggerType : undefined,
        metricName: scalarString(getNode(t, ['metadata', 'metricName'])),
        query: scalarString(getNode(t, ['metadata', 'query'])),
        // cpu/memory triggers default to Utilization, every other trigger to AverageValue.
        targetType: scalarString(getNode(t, ['metricType'])) ?? (isResource ? scalarString(getNode(t, ['metadata', 'type'])) ?? 'Utilization' : 'AverageValue'),
        path,
        node: t as unknown as YNode,
      }));
    });
  } else incomplete = true;
  if (templateInside(obj, ['spec', 'triggers'])) incomplete = true;
  return {
    obj,
    dialect: 'keda',
    min: withDefault(numberField(obj, ['spec', 'minReplicaCount']), 0),
    max: withDefault(numberField(obj, ['spec', 'maxReplicaCount']), 100),
    idle: numberField(obj, ['spec', 'idleReplicaCount']),
    cooldown: withDefault(numberField(obj, ['spec', 'cooldownPeriod']), 300),
    signals,
    signalsIncomplete: incomplete,
    behaviorPath: KEDA_BEHAVIOR,
  };
}

function signal(source: SignalSource, s: Partial<Signal> & { path: YPath }): Signal {
  return {
    source,
    resource: s.resource,
    triggerType: s.triggerType,
    triggerName: s.triggerName,
    metricName: s.metricName,
    query: s.query,
    targetType: s.targetType,
    path: s.path,
    node: s.node,
  };
}

/** overlapsNode tells whether the node at a path touches a template expression. */
function overlapsNode(obj: K8sObject, path: YPath): boolean {
  const node = get(obj, path);
  return !!node?.range && overlapsTemplate(obj.file, node.range[0], node.range[1]);
}

/**
 * templateInside tells whether a template expression stands anywhere in the region of the key at a path: from
 * the key to the next sibling key. In a templated file such a region may gain keys when rendered, so a rule must
 * not conclude that a key is absent there. A path that does not exist checks its nearest existing ancestor.
 */
export function templateInside(obj: K8sObject, path: YPath): boolean {
  if (!obj.file.templates.length) return false;
  for (let n = path.length; n >= 0; n--) {
    const region = regionOf(obj, path.slice(0, n));
    if (region) return obj.file.templates.some((t) => t.start < region.end && t.end > region.start && mayAddKeys(obj.file, t));
  }
  return false;
}

/**
 * mayAddKeys tells whether a template expression can render YAML structure (keys, list items) rather than a
 * scalar: a Helm or Terraform directive on its own line, or an expression that renders YAML (`toYaml`,
 * `include`, `nindent`, `tpl`). Placeholders inside a value (`${NAME}`, `{{ .Values.x }}`) cannot.
 */
function mayAddKeys(file: ParsedFile, t: TemplateSpan): boolean {
  if (t.kind === 'envsubst') return false;
  if (t.kind === 'terraform') return true;
  const ls = file.text.lastIndexOf('\n', t.start - 1) + 1;
  if (file.text.slice(ls, t.start).trim() === '') return true;
  return /\b(toYaml|toJson|include|nindent|indent|tpl)\b/.test(file.text.slice(t.start, t.end));
}

function regionOf(obj: K8sObject, path: YPath): { start: number; end: number } | undefined {
  if (path.length === 0) return { start: obj.doc.start, end: obj.doc.end };
  const parent = get(obj, path.slice(0, -1));
  const last = path[path.length - 1];
  if (isSeq(parent) && typeof last === 'number') {
    const item = parent.items[last] as YNode | undefined;
    const next = parent.items[last + 1] as YNode | undefined;
    if (!item?.range) return undefined;
    // The dash stands two columns left of the item's content.
    return { start: item.range[0], end: next?.range ? next.range[0] : blockEnd(obj.file.text, item.range[1], columnOf(obj.file.text, item.range[0]) - 2) };
  }
  if (!isMap(parent)) return undefined;
  const idx = parent.items.findIndex((it) => isPair(it) && scalarString(it.key) === String(last));
  if (idx < 0) return undefined;
  const key = parent.items[idx].key as YNode;
  const next = parent.items[idx + 1]?.key as YNode | undefined;
  if (!key?.range) return undefined;
  const value = parent.items[idx].value as YNode | null;
  return { start: key.range[0], end: next?.range ? next.range[0] : blockEnd(obj.file.text, value?.range ? value.range[1] : key.range[1], columnOf(obj.file.text, key.range[0])) };
}

/**
 * blockEnd extends a region past the lines that still belong to a block opened at column `col`: blank lines and
 * lines indented deeper (a masked template directive leaves such a line behind).
 */
function blockEnd(text: string, from: number, col: number): number {
  let end = from;
  let pos = text.indexOf('\n', Math.max(0, from - 1));
  while (pos >= 0 && pos < text.length) {
    const next = text.indexOf('\n', pos + 1);
    const line = text.slice(pos + 1, next < 0 ? text.length : next);
    const indent = line.length - line.trimStart().length;
    if (line.trim() !== '' && indent <= col) break;
    end = next < 0 ? text.length : next;
    pos = next;
  }
  return end;
}

/** signalAnchor returns the path of the node that names a signal: the trigger type, the resource or metric name. */
export function signalAnchor(s: Signal): YPath {
  if (s.source === 'trigger') return [...s.path, 'type'];
  if (s.path[s.path.length - 1] === 'targetCPUUtilizationPercentage' || s.source === 'default-cpu') return s.path;
  if (s.source === 'resource') return [...s.path, 'resource', 'name'];
  if (s.source === 'containerResource') return [...s.path, 'containerResource', 'name'];
  return [...s.path, s.source, 'metric', 'name'];
}

/** isResourceSignal tells whether a signal is CPU or memory usage of the pods. */
export function isResourceSignal(s: Signal): boolean {
  return (s.source === 'resource' || s.source === 'containerResource' || s.source === 'default-cpu' || s.source === 'trigger') && (s.resource === 'cpu' || s.resource === 'memory');
}

/** A resolved scale target: the object and its workload view (pod template, GPUs, engine). */
export interface ResolvedTarget {
  target: K8sObject;
  workload: WorkloadInfo;
}

/** resolveWorkload follows `scaleTargetRef` across the workspace to a Deployment, StatefulSet or LeaderWorkerSet. */
export function resolveWorkload(ws: WorkspaceIndex, obj: K8sObject): ResolvedTarget | undefined {
  const target = ws.resolveTarget(obj);
  if (!target) return undefined;
  const workload = ws.workload(target);
  return workload ? { target, workload } : undefined;
}

/** spanOf returns the offsets of the node at a path, falling back to the nearest ancestor that exists. */
export function spanOf(obj: K8sObject, path: YPath): { start: number; end: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = get(obj, path.slice(0, n));
    if (node?.range) {
      // A whole block map or sequence is too wide to underline; point at its key instead.
      if ((isMap(node) || isSeq(node)) && n > 0 && !(node as YAMLMap).flow) {
        const keyRange = keyRangeOf(obj, path.slice(0, n));
        if (keyRange) return keyRange;
      }
      return { start: node.range[0], end: node.range[1] };
    }
  }
  return { start: obj.doc.start, end: obj.doc.start };
}

/** keyRangeOf returns the offsets of the key that ends a path (for sequence indexes: the item's first key). */
export function keyRangeOf(obj: K8sObject, path: YPath): { start: number; end: number } | undefined {
  const last = path[path.length - 1];
  if (typeof last === 'number') {
    const item = get(obj, path);
    if (isMap(item)) {
      const first = item.items[0];
      const k = first?.key as YNode | undefined;
      if (k?.range) return { start: k.range[0], end: k.range[1] };
    }
    return item?.range ? { start: item.range[0], end: item.range[1] } : undefined;
  }
  const parent = get(obj, path.slice(0, -1));
  if (!isMap(parent)) return undefined;
  for (const it of parent.items) {
    const k = it.key as YNode | undefined;
    if (k?.range && scalarString(k) === String(last)) return { start: k.range[0], end: k.range[1] };
  }
  return undefined;
}

/** nameOf is an object's name as the user wrote it (a templated name is shown as its template, not its mask). */
export function nameOf(obj: K8sObject): string {
  const node = get(obj, ['metadata', 'name']);
  if (node?.range && overlapsTemplate(obj.file, node.range[0], node.range[1])) return obj.file.text.slice(node.range[0], node.range[1]);
  return obj.name ?? '';
}

/** kindSpan points at the `kind` value of an object: where a finding about the whole object goes. */
export function kindSpan(obj: K8sObject): { start: number; end: number } {
  return spanOf(obj, ['kind']);
}

/** targetSpan points at `scaleTargetRef.name`, or the closest node that exists. */
export function targetSpan(obj: K8sObject): { start: number; end: number } {
  return spanOf(obj, ['spec', 'scaleTargetRef', 'name']);
}
