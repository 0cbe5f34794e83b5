/**
 * Autoscaling policies as the controllers see them: the HPA spec (autoscaling/v2 shape, quantities in
 * milli-units) and the KEDA ScaledObject spec, with every default applied. `policyFromObject` reads
 * either from a manifest and lists each value it used, from the manifest or from a default, so the
 * simulator can show what it assumed.
 */
import { isMap, isSeq } from 'yaml';
import type { Node as YNode, YAMLMap } from 'yaml';
import { get, K8sObject, quantityToNumber, targetRefOf } from '../model';
import { overlapsTemplate, scalarNumber, scalarString, YPath } from '../parse';
import type { WorkspaceIndex } from '../workspace';

/** Tolerances is the dead band around a usage ratio of 1 inside which the HPA keeps the current count. */
export interface Tolerances {
  /** Allowed rise above the target before scaling up (0.1 = 10 %). */
  up: number;
  /** Allowed fall below the target before scaling down. */
  down: number;
}

/** MetricTarget is a metric's target; AverageValue and Value are in milli-units (1 CPU = 1000, "15" = 15000). */
export type MetricTarget =
  | { type: 'Utilization'; averageUtilization: number }
  | { type: 'AverageValue'; milli: number }
  | { type: 'Value'; milli: number };

/** MetricSpec mirrors one `spec.metrics[]` entry of an autoscaling/v2 HPA. */
export type MetricSpec =
  | { type: 'Resource'; name: string; target: MetricTarget }
  | { type: 'ContainerResource'; name: string; container: string; target: MetricTarget }
  | { type: 'Pods'; name: string; target: MetricTarget }
  | { type: 'Object'; name: string; describedObject?: string; target: MetricTarget }
  | { type: 'External'; name: string; target: MetricTarget };

/** ScalingPolicy limits the change in one period: a number of pods or a percentage of the count. */
export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

/** SelectPolicy picks among the policies: the largest change, the smallest, or none at all. */
export type SelectPolicy = 'Max' | 'Min' | 'Disabled';

/** ScalingRules is one direction of an HPA behavior, after API defaulting. */
export interface ScalingRules {
  /** Undefined only for scale-down: the controller then uses its downscale stabilization flag (300 s). */
  stabilizationWindowSeconds: number | undefined;
  selectPolicy: SelectPolicy;
  policies: ScalingPolicy[];
}

/** Behavior is `spec.behavior` of an HPA, both directions filled in. */
export interface Behavior {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

/** PartialScalingRules is one direction of a behavior as written, before API defaulting. */
export interface PartialScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: SelectPolicy;
  policies?: ScalingPolicy[];
}

/** PartialBehavior is a behavior block as written. */
export interface PartialBehavior {
  scaleUp?: PartialScalingRules;
  scaleDown?: PartialScalingRules;
}

/** HpaSpec is what the HPA controller reads from a HorizontalPodAutoscaler. */
export interface HpaSpec {
  name?: string;
  minReplicas: number;
  maxReplicas: number;
  metrics: MetricSpec[];
  /** Undefined selects the legacy normalisation (5-minute max stabilization, max(2x, 4) cap per sync). */
  behavior: Behavior | undefined;
  /** Per-direction tolerances from `behavior.scaleUp/scaleDown.tolerance`; unset directions use the controller flag. */
  tolerance?: Partial<Tolerances>;
}

/** FallbackBehavior picks the replica count KEDA reports while a trigger keeps failing. */
export type FallbackBehavior = 'static' | 'currentReplicas' | 'currentReplicasIfHigher' | 'currentReplicasIfLower';

/** FallbackSpec is `spec.fallback` of a ScaledObject. */
export interface FallbackSpec {
  failureThreshold: number;
  replicas: number;
  behavior: FallbackBehavior;
}

/** ScalingModifiers is `spec.advanced.scalingModifiers`: one composite metric computed from the triggers. */
export interface ScalingModifiers {
  /** expr-lang formula over trigger names. */
  formula: string;
  /** Target of the composite metric as written (KEDA parses it as a float for the HPA, as an integer for fallback). */
  target: string;
  activationTarget: number;
  metricType: 'AverageValue' | 'Value';
}

/** TriggerMetadata holds the trigger metadata the controllers act on. */
export interface TriggerMetadata {
  /** Target per the scaler (prometheus `threshold`), in metric units. */
  threshold?: number;
  /** Activation is strictly `value > activationThreshold`. */
  activationThreshold: number;
  query?: string;
  serverAddress?: string;
  /** Prometheus: treat empty results, NaN and ±Inf as 0 instead of errors. */
  ignoreNullValues: boolean;
  /** cpu/memory: the target as written (a percentage for Utilization, a quantity for AverageValue). */
  value?: string;
  /** cpu/memory: restricts the metric to one container (a ContainerResource metric). */
  containerName?: string;
  /** Every metadata key as written. */
  raw: Record<string, string>;
}

/** TriggerSpec is one `spec.triggers[]` entry. */
export interface TriggerSpec {
  type: string;
  name: string | undefined;
  /** As written; external scalers default to AverageValue, cpu/memory require it. */
  metricType: 'AverageValue' | 'Value' | 'Utilization' | undefined;
  metadata: TriggerMetadata;
}

/** ScaledObjectSpec is what KEDA reads from a ScaledObject, defaults applied. */
export interface ScaledObjectSpec {
  name?: string;
  pollingInterval: number;
  cooldownPeriod: number;
  initialCooldownPeriod: number;
  minReplicaCount: number;
  maxReplicaCount: number;
  idleReplicaCount?: number;
  fallback?: FallbackSpec;
  triggers: TriggerSpec[];
  scalingModifiers?: ScalingModifiers;
  /** `advanced.horizontalPodAutoscalerConfig.behavior` as written; the HPA API defaults it when the HPA is created. */
  behavior?: PartialBehavior;
  /** Tolerances written in that behavior, passed on to the HPA. */
  tolerance?: Partial<Tolerances>;
  /** `autoscaling.keda.sh/paused-scale-in`: no scale-in by KEDA and scale-down select policy Disabled on the HPA. */
  pausedScaleIn: boolean;
  /** `autoscaling.keda.sh/paused-scale-out`: no activation from zero and scale-up select policy Disabled. */
  pausedScaleOut: boolean;
  /** `autoscaling.keda.sh/paused-replicas`: the target is held at this count. */
  pausedReplicas?: number;
  /** `autoscaling.keda.sh/paused`: scaling stops at the current count. */
  paused: boolean;
  /** `autoscaling.keda.sh/force-activation`: KEDA acts as if a trigger were active. */
  forceActivation: boolean;
}

/** Assumption records one value the simulation uses and where it came from. */
export interface Assumption {
  name: string;
  value: string | number | boolean;
  origin: 'manifest' | 'default';
  /** Path in the manifest the value was read from, or where it would be written. */
  where?: string;
  /** Why a default stands in for a written value (e.g. the value is a template expression). */
  note?: string;
}

/** PolicyResult is the outcome of reading an autoscaler manifest. */
export type PolicyResult =
  | { kind: 'hpa'; spec: HpaSpec; assumptions: Assumption[] }
  | { kind: 'keda'; spec: ScaledObjectSpec; assumptions: Assumption[] }
  | { error: string };

/** KEDA's defaults (`withtriggers_types.go`, `scaledobject_types.go`, the scale executor). */
export const KEDA_DEFAULTS = {
  pollingInterval: 30,
  cooldownPeriod: 300,
  initialCooldownPeriod: 0,
  minReplicaCount: 0,
  maxReplicaCount: 100,
} as const;

/** defaultScaleUpRules gives the API default for `behavior.scaleUp`. */
export function defaultScaleUpRules(): ScalingRules {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/** defaultScaleDownRules gives the API default for `behavior.scaleDown` (window left to the controller flag). */
export function defaultScaleDownRules(): ScalingRules {
  return { stabilizationWindowSeconds: undefined, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

/** withBehaviorDefaults fills every unset field of a written behavior, field by field, as the API server does. */
export function withBehaviorDefaults(b: PartialBehavior): Behavior {
  const fill = (from: PartialScalingRules | undefined, to: ScalingRules): ScalingRules => ({
    stabilizationWindowSeconds: from?.stabilizationWindowSeconds ?? to.stabilizationWindowSeconds,
    selectPolicy: from?.selectPolicy ?? to.selectPolicy,
    policies: from?.policies ?? to.policies,
  });
  return { scaleUp: fill(b.scaleUp, defaultScaleUpRules()), scaleDown: fill(b.scaleDown, defaultScaleDownRules()) };
}

const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const DECIMAL_EXP: Record<string, number> = { m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXP: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };

/**
 * quantityToMilli is Kubernetes' `Quantity.MilliValue()`: the value in milli-units, rounded up when it
 * has a finer fraction. Computed in exact decimal arithmetic, so "0.1" gives 100, not 101.
 */
export function quantityToMilli(q: string | number): number | undefined {
  const m = QUANTITY.exec(String(q).trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const [, sign, int, frac = '', exp = '0', suffix = ''] = m;
  let digits = BigInt(`${int}${frac}` || '0');
  const scale = Number(exp) - frac.length + 3 + (DECIMAL_EXP[suffix] ?? 0);
  if (BINARY_EXP[suffix]) digits *= 1024n ** BigInt(BINARY_EXP[suffix]);
  let milli: bigint;
  if (scale >= 0) milli = digits * 10n ** BigInt(scale);
  else {
    const den = 10n ** BigInt(-scale);
    milli = digits / den + (digits % den === 0n ? 0n : 1n);
  }
  const n = Number(milli);
  return sign === '-' ? -n : n;
}

/** A reason a manifest cannot be simulated; caught in policyFromObject. */
class PolicyError extends Error {}

/** Collects assumptions while reading one manifest. */
class Reader {
  readonly assumptions: Assumption[] = [];
  constructor(private readonly obj: K8sObject) {}

  /** node reads a field as the API server does: through aliases and merge keys (the object's read view). */
  node(path: YPath): YNode | undefined {
    return get(this.obj, path);
  }

  /** entries lists the keys and values of a map read by `node` (merge keys applied), the first of a repeated key. */
  entries(map: YAMLMap): Array<{ key: string; value: YNode | undefined }> {
    const out: Array<{ key: string; value: YNode | undefined }> = [];
    const seen = new Set<string>();
    for (const it of map.items) {
      const key = scalarString(it.key);
      if (key === undefined || seen.has(key)) continue;
      seen.add(key);
      out.push({ key, value: (it.value ?? undefined) as YNode | undefined });
    }
    return out;
  }

  /** has tells whether a field holds a value (a null scalar counts as unset). */
  has(path: YPath): boolean {
    const n = this.node(path);
    if (n === undefined || n === null) return false;
    return isMap(n) || isSeq(n) || scalarString(n) !== undefined;
  }

  note(name: string, value: string | number | boolean, origin: 'manifest' | 'default', path?: YPath, note?: string): void {
    this.assumptions.push({ name, value, origin, where: path ? dotted(path) : undefined, ...(note ? { note } : {}) });
  }

  /** templated returns the source text of a field written as a template expression, else undefined. */
  templated(path: YPath): string | undefined {
    const n = this.node(path);
    if (!n || !n.range || !overlapsTemplate(this.obj.file, n.range[0], n.range[1])) return undefined;
    return this.obj.file.text.slice(n.range[0], n.range[1]).trim().replace(/^(["'])(.*)\1$/s, '$2');
  }

  /** noTemplate rejects a field the simulation needs when it is a template expression. */
  noTemplate(path: YPath): void {
    const t = this.templated(path);
    if (t !== undefined) throw new PolicyError(`${dotted(path)} is a template expression (${t}); the simulation needs a value`);
  }

  /**
   * int reads an integer field. A missing field takes `fallback` (reported) or is an error when there
   * is none; so is a templated field, whose default is reported with a note.
   */
  int(path: YPath, name: string, fallback: number | undefined, min = 0): number {
    const n = this.node(path);
    const template = this.templated(path);
    if (template !== undefined && fallback !== undefined) {
      this.note(name, fallback, 'default', path, `the manifest value is a template expression (${template})`);
      return fallback;
    }
    this.noTemplate(path);
    if (n === undefined || n === null || scalarString(n) === undefined) {
      if (fallback === undefined) throw new PolicyError(`${dotted(path)} is not set`);
      this.note(name, fallback, 'default', path);
      return fallback;
    }
    const v = scalarNumber(n);
    if (v === undefined || !Number.isInteger(v)) throw new PolicyError(`${dotted(path)} is not an integer (${scalarString(n)})`);
    if (v < min) throw new PolicyError(`${dotted(path)} must be at least ${min}`);
    this.note(name, v, 'manifest', path);
    return v;
  }

  optInt(path: YPath, name: string, min = 0): number | undefined {
    return this.has(path) ? this.int(path, name, undefined, min) : undefined;
  }

  str(path: YPath): string | undefined {
    return scalarString(this.node(path));
  }
}

function dotted(path: YPath): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}

/**
 * policyFromObject reads an HPA (autoscaling/v1, v2, v2beta2 or v2beta1) or a ScaledObject into the spec its
 * controller acts on. It never throws: a manifest that cannot be simulated gives `{ error }`.
 */
export function policyFromObject(obj: K8sObject, ws: WorkspaceIndex): PolicyResult {
  try {
    if (obj.known === 'HorizontalPodAutoscaler') {
      const r = new Reader(obj);
      const spec = readHpa(obj, r);
      noteTarget(obj, ws, r);
      return { kind: 'hpa', spec, assumptions: r.assumptions };
    }
    if (obj.known === 'ScaledObject') {
      const r = new Reader(obj);
      const spec = readScaledObject(obj, r);
      noteTarget(obj, ws, r);
      return { kind: 'keda', spec, assumptions: r.assumptions };
    }
    return { error: `${obj.kind || 'this object'} is not an HPA or a ScaledObject` };
  } catch (e) {
    if (e instanceof PolicyError) return { error: e.message };
    return { error: `cannot read the autoscaler: ${(e as Error).message}` };
  }
}

function noteTarget(obj: K8sObject, ws: WorkspaceIndex, r: Reader): void {
  const ref = targetRefOf(obj);
  if (!ref) throw new PolicyError('spec.scaleTargetRef.name is not set');
  const found = ws.resolveTarget(obj, ref);
  r.note('scaleTarget', `${ref.kind}/${ref.name}${found ? '' : ' (not found in the workspace)'}`, 'manifest', ref.path);
}

function readHpa(obj: K8sObject, r: Reader): HpaSpec {
  const minReplicas = r.int(['spec', 'minReplicas'], 'minReplicas', 1);
  const maxReplicas = r.int(['spec', 'maxReplicas'], 'maxReplicas', undefined, 1);
  if (minReplicas > maxReplicas) throw new PolicyError(`minReplicas (${minReplicas}) is above maxReplicas (${maxReplicas})`);
  const spec: HpaSpec = { name: obj.name, minReplicas, maxReplicas, metrics: [], behavior: undefined };
  if (obj.hpaVersion === 'v1') {
    const pct = r.int(['spec', 'targetCPUUtilizationPercentage'], 'targetCPUUtilizationPercentage', 80, 1);
    spec.metrics.push({ type: 'Resource', name: 'cpu', target: { type: 'Utilization', averageUtilization: pct } });
    r.note('behavior', 'none: legacy normalisation', 'default', ['spec', 'behavior']);
    return spec;
  }
  const v2beta1 = obj.hpaVersion === 'v2beta1';
  // autoscaling/v2beta1 (removed in Kubernetes 1.25) is read as the v2 object the API server converts it to.
  if (v2beta1) r.note('apiVersion', 'autoscaling/v2beta1 read as autoscaling/v2', 'manifest', ['apiVersion']);
  const metrics = r.node(['spec', 'metrics']);
  if (isSeq(metrics) && metrics.items.length) {
    metrics.items.forEach((_, i) => spec.metrics.push(v2beta1 ? readMetricV2beta1(r, ['spec', 'metrics', i]) : readMetric(r, ['spec', 'metrics', i])));
  } else {
    // SetDefaults_HorizontalPodAutoscaler: no metrics means CPU at 80 % of requests.
    spec.metrics.push({ type: 'Resource', name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } });
    r.note('metrics', 'cpu Utilization 80%', 'default', ['spec', 'metrics']);
  }
  if (isMap(r.node(['spec', 'behavior']))) {
    const { behavior, tolerance } = readBehavior(r, ['spec', 'behavior']);
    spec.behavior = behavior;
    if (tolerance) spec.tolerance = tolerance;
  } else {
    r.note('behavior', 'none: legacy normalisation (5-minute max stabilization, max(2x, 4) scale-up per sync)', 'default', ['spec', 'behavior']);
  }
  return spec;
}

function readMetric(r: Reader, path: YPath): MetricSpec {
  const type = r.str([...path, 'type']);
  const where = dotted(path);
  switch (type) {
    case 'Resource':
    case 'ContainerResource': {
      const key = type === 'Resource' ? 'resource' : 'containerResource';
      const name = r.str([...path, key, 'name']);
      if (!name) throw new PolicyError(`${where}.${key}.name is not set`);
      // The controller checks averageValue before averageUtilization, whatever target.type says.
      const target = r.has([...path, key, 'target', 'averageValue'])
        ? { type: 'AverageValue' as const, milli: readMilli(r, [...path, key, 'target', 'averageValue']) }
        : { type: 'Utilization' as const, averageUtilization: r.int([...path, key, 'target', 'averageUtilization'], `${where} averageUtilization`, undefined, 1) };
      if (type === 'Resource') return { type, name, target };
      const container = r.str([...path, key, 'container']);
      if (!container) throw new PolicyError(`${where}.containerResource.container is not set`);
      return { type, name, container, target };
    }
    case 'Pods': {
      const name = r.str([...path, 'pods', 'metric', 'name']) ?? '';
      return { type, name, target: { type: 'AverageValue', milli: readMilli(r, [...path, 'pods', 'target', 'averageValue']) } };
    }
    case 'Object': {
      const name = r.str([...path, 'object', 'metric', 'name']) ?? '';
      const kind = r.str([...path, 'object', 'target', 'type']);
      const describedObject = [r.str([...path, 'object', 'describedObject', 'kind']), r.str([...path, 'object', 'describedObject', 'name'])].filter(Boolean).join('/');
      if (kind === 'Value') return { type, name, describedObject, target: { type: 'Value', milli: readMilli(r, [...path, 'object', 'target', 'value']) } };
      if (kind === 'AverageValue') return { type, name, describedObject, target: { type: 'AverageValue', milli: readMilli(r, [...path, 'object', 'target', 'averageValue']) } };
      throw new PolicyError(`${where}: an Object metric needs target.type Value or AverageValue`);
    }
    case 'External': {
      const name = r.str([...path, 'external', 'metric', 'name']) ?? '';
      // The controller checks averageValue first, then value.
      if (r.has([...path, 'external', 'target', 'averageValue'])) return { type, name, target: { type: 'AverageValue', milli: readMilli(r, [...path, 'external', 'target', 'averageValue']) } };
      if (r.has([...path, 'external', 'target', 'value'])) return { type, name, target: { type: 'Value', milli: readMilli(r, [...path, 'external', 'target', 'value']) } };
      throw new PolicyError(`${where}: an External metric needs target.value or target.averageValue`);
    }
    default:
      throw new PolicyError(`${where}.type '${type ?? ''}' is not a metric source type`);
  }
}

/** readMetricV2beta1 reads a `spec.metrics[]` entry in the autoscaling/v2beta1 shape (flat target fields). */
function readMetricV2beta1(r: Reader, path: YPath): MetricSpec {
  const type = r.str([...path, 'type']);
  const where = dotted(path);
  const averageOrUtilization = (key: string): MetricTarget =>
    r.has([...path, key, 'targetAverageValue'])
      ? { type: 'AverageValue', milli: readMilli(r, [...path, key, 'targetAverageValue']) }
      : { type: 'Utilization', averageUtilization: r.int([...path, key, 'targetAverageUtilization'], `${where} targetAverageUtilization`, undefined, 1) };
  switch (type) {
    case 'Resource':
    case 'ContainerResource': {
      const key = type === 'Resource' ? 'resource' : 'containerResource';
      const name = r.str([...path, key, 'name']);
      if (!name) throw new PolicyError(`${where}.${key}.name is not set`);
      if (type === 'Resource') return { type, name, target: averageOrUtilization(key) };
      const container = r.str([...path, key, 'container']);
      if (!container) throw new PolicyError(`${where}.containerResource.container is not set`);
      return { type, name, container, target: averageOrUtilization(key) };
    }
    case 'Pods':
      return { type, name: r.str([...path, 'pods', 'metricName']) ?? '', target: { type: 'AverageValue', milli: readMilli(r, [...path, 'pods', 'targetAverageValue']) } };
    case 'Object': {
      const name = r.str([...path, 'object', 'metricName']) ?? '';
      const describedObject = [r.str([...path, 'object', 'target', 'kind']), r.str([...path, 'object', 'target', 'name'])].filter(Boolean).join('/');
      if (r.has([...path, 'object', 'averageValue'])) return { type, name, describedObject, target: { type: 'AverageValue', milli: readMilli(r, [...path, 'object', 'averageValue']) } };
      return { type, name, describedObject, target: { type: 'Value', milli: readMilli(r, [...path, 'object', 'targetValue']) } };
    }
    case 'External': {
      const name = r.str([...path, 'external', 'metricName']) ?? '';
      if (r.has([...path, 'external', 'targetAverageValue'])) return { type, name, target: { type: 'AverageValue', milli: readMilli(r, [...path, 'external', 'targetAverageValue']) } };
      if (r.has([...path, 'external', 'targetValue'])) return { type, name, target: { type: 'Value', milli: readMilli(r, [...path, 'external', 'targetValue']) } };
      throw new PolicyError(`${where}: an External metric needs targetValue or targetAverageValue`);
    }
    default:
      throw new PolicyError(`${where}.type '${type ?? ''}' is not a metric source type`);
  }
}

function readMilli(r: Reader, path: YPath): number {
  r.noTemplate(path);
  const text = r.str(path);
  const milli = text === undefined ? undefined : quantityToMilli(text);
  if (milli === undefined) throw new PolicyError(`${dotted(path)} is not a quantity${text === undefined ? '' : ` (${text})`}`);
  // API validation: targets must be positive.
  if (milli <= 0) throw new PolicyError(`${dotted(path)} must be positive`);
  r.note(dotted(path), text!, 'manifest', path);
  return milli;
}

function readBehavior(r: Reader, path: YPath): { behavior: Behavior; tolerance?: Partial<Tolerances> } {
  const partial: PartialBehavior = {};
  const tolerance: Partial<Tolerances> = {};
  for (const dir of ['scaleUp', 'scaleDown'] as const) {
    const p = [...path, dir];
    if (!isMap(r.node(p))) continue;
    const rules: PartialScalingRules = {};
    const window = r.optInt([...p, 'stabilizationWindowSeconds'], `${dir}.stabilizationWindowSeconds`);
    if (window !== undefined) rules.stabilizationWindowSeconds = window;
    const select = r.str([...p, 'selectPolicy']);
    if (select !== undefined) {
      if (select !== 'Max' && select !== 'Min' && select !== 'Disabled') throw new PolicyError(`${dotted([...p, 'selectPolicy'])} must be Max, Min or Disabled`);
      rules.selectPolicy = select;
      r.note(`${dir}.selectPolicy`, select, 'manifest', [...p, 'selectPolicy']);
    }
    const policies = r.node([...p, 'policies']);
    if (isSeq(policies)) {
      rules.policies = policies.items.map((_, i) => {
        const pp = [...p, 'policies', i];
        const type = r.str([...pp, 'type']);
        if (type !== 'Pods' && type !== 'Percent') throw new PolicyError(`${dotted([...pp, 'type'])} must be Pods or Percent`);
        return { type, value: r.int([...pp, 'value'], `${dir}.policies[${i}].value`, undefined, 1), periodSeconds: r.int([...pp, 'periodSeconds'], `${dir}.policies[${i}].periodSeconds`, undefined, 1) };
      });
    }
    const tol = r.str([...p, 'tolerance']);
    if (tol !== undefined) {
      const v = quantityToNumber(tol);
      if (v === undefined || v < 0) throw new PolicyError(`${dotted([...p, 'tolerance'])} is not a non-negative quantity`);
      tolerance[dir === 'scaleUp' ? 'up' : 'down'] = v;
      r.note(`${dir}.tolerance`, v, 'manifest', [...p, 'tolerance']);
    }
    partial[dir] = rules;
  }
  const behavior = withBehaviorDefaults(partial);
  const defaults = { scaleUp: defaultScaleUpRules(), scaleDown: defaultScaleDownRules() };
  for (const dir of ['scaleUp', 'scaleDown'] as const) {
    const given = partial[dir];
    if (given?.stabilizationWindowSeconds === undefined) {
      const w = defaults[dir].stabilizationWindowSeconds;
      r.note(`${dir}.stabilizationWindowSeconds`, w ?? 'controller flag (300)', 'default', [...path, dir, 'stabilizationWindowSeconds']);
    }
    if (given?.selectPolicy === undefined) r.note(`${dir}.selectPolicy`, defaults[dir].selectPolicy, 'default', [...path, dir, 'selectPolicy']);
    if (given?.policies === undefined) r.note(`${dir}.policies`, describePolicies(defaults[dir].policies), 'default', [...path, dir, 'policies']);
  }
  return { behavior, tolerance: Object.keys(tolerance).length ? tolerance : undefined };
}

function describePolicies(policies: ScalingPolicy[]): string {
  return policies.map((p) => `${p.type} ${p.value}${p.type === 'Percent' ? '%' : ''} / ${p.periodSeconds}s`).join(', ');
}

const ANNOTATIONS = {
  pausedScaleIn: 'autoscaling.keda.sh/paused-scale-in',
  pausedScaleOut: 'autoscaling.keda.sh/paused-scale-out',
  pausedReplicas: 'autoscaling.keda.sh/paused-replicas',
  paused: 'autoscaling.keda.sh/paused',
  forceActivation: 'autoscaling.keda.sh/force-activation',
} as const;

/** parseGoBool is Go's strconv.ParseBool; undefined when the text is not a boolean. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

function readScaledObject(obj: K8sObject, r: Reader): ScaledObjectSpec {
  const d = KEDA_DEFAULTS;
  const spec: ScaledObjectSpec = {
    name: obj.name,
    pollingInterval: r.int(['spec', 'pollingInterval'], 'pollingInterval', d.pollingInterval, 1),
    cooldownPeriod: r.int(['spec', 'cooldownPeriod'], 'cooldownPeriod', d.cooldownPeriod),
    initialCooldownPeriod: r.int(['spec', 'initialCooldownPeriod'], 'initialCooldownPeriod', d.initialCooldownPeriod),
    minReplicaCount: r.int(['spec', 'minReplicaCount'], 'minReplicaCount', d.minReplicaCount),
    maxReplicaCount: r.int(['spec', 'maxReplicaCount'], 'maxReplicaCount', d.maxReplicaCount, 1),
    triggers: [],
    pausedScaleIn: false,
    pausedScaleOut: false,
    paused: false,
    forceActivation: false,
  };
  if (spec.minReplicaCount > spec.maxReplicaCount) throw new PolicyError(`minReplicaCount (${spec.minReplicaCount}) is above maxReplicaCount (${spec.maxReplicaCount})`);
  const idle = r.optInt(['spec', 'idleReplicaCount'], 'idleReplicaCount');
  if (idle !== undefined) spec.idleReplicaCount = idle;

  if (isMap(r.node(['spec', 'fallback']))) {
    const behavior = r.str(['spec', 'fallback', 'behavior']);
    const allowed: FallbackBehavior[] = ['static', 'currentReplicas', 'currentReplicasIfHigher', 'currentReplicasIfLower'];
    if (behavior !== undefined && !allowed.includes(behavior as FallbackBehavior)) throw new PolicyError(`spec.fallback.behavior '${behavior}' is not simulated (use ${allowed.join(', ')})`);
    if (behavior === undefined) r.note('fallback.behavior', 'static', 'default', ['spec', 'fallback', 'behavior']);
    spec.fallback = {
      failureThreshold: r.int(['spec', 'fallback', 'failureThreshold'], 'fallback.failureThreshold', undefined),
      replicas: r.int(['spec', 'fallback', 'replicas'], 'fallback.replicas', undefined),
      behavior: (behavior as FallbackBehavior | undefined) ?? 'static',
    };
  }

  const sm = ['spec', 'advanced', 'scalingModifiers'];
  if (isMap(r.node(sm)) && r.str([...sm, 'formula'])) {
    const formula = r.str([...sm, 'formula'])!;
    const target = r.str([...sm, 'target']);
    if (target === undefined) throw new PolicyError('spec.advanced.scalingModifiers.target is not set');
    const metricType = r.str([...sm, 'metricType']) ?? 'AverageValue';
    if (metricType !== 'AverageValue' && metricType !== 'Value') throw new PolicyError(`scalingModifiers.metricType ${metricType} is not allowed (AverageValue or Value)`);
    const activationText = r.str([...sm, 'activationTarget']);
    const activationTarget = activationText === undefined ? 0 : Number(activationText);
    if (!Number.isFinite(activationTarget)) throw new PolicyError(`scalingModifiers.activationTarget '${activationText}' is not a number`);
    r.note('scalingModifiers.formula', formula, 'manifest', [...sm, 'formula']);
    r.note('scalingModifiers.target', target, 'manifest', [...sm, 'target']);
    r.note('scalingModifiers.activationTarget', activationTarget, activationText === undefined ? 'default' : 'manifest', [...sm, 'activationTarget']);
    r.note('scalingModifiers.metricType', metricType, r.str([...sm, 'metricType']) === undefined ? 'default' : 'manifest', [...sm, 'metricType']);
    spec.scalingModifiers = { formula, target, activationTarget, metricType };
  }

  const hpaBehavior = ['spec', 'advanced', 'horizontalPodAutoscalerConfig', 'behavior'];
  if (isMap(r.node(hpaBehavior))) {
    const partial: PartialBehavior = {};
    const { behavior, tolerance } = readBehavior(r, hpaBehavior);
    // Keep only what was written: the API server fills the rest when KEDA creates the HPA.
    for (const dir of ['scaleUp', 'scaleDown'] as const) {
      if (!isMap(r.node([...hpaBehavior, dir]))) continue;
      const written: PartialScalingRules = {};
      if (r.has([...hpaBehavior, dir, 'stabilizationWindowSeconds'])) written.stabilizationWindowSeconds = behavior[dir].stabilizationWindowSeconds;
      if (r.has([...hpaBehavior, dir, 'selectPolicy'])) written.selectPolicy = behavior[dir].selectPolicy;
      if (isSeq(r.node([...hpaBehavior, dir, 'policies']))) written.policies = behavior[dir].policies;
      partial[dir] = written;
    }
    spec.behavior = partial;
    if (tolerance) spec.tolerance = tolerance;
  } else {
    r.note('horizontalPodAutoscalerConfig.behavior', 'none: the HPA uses legacy normalisation', 'default', hpaBehavior);
  }

  const ann = (key: string) => scalarString(r.node(['metadata', 'annotations', key]));
  spec.pausedScaleIn = parseGoBool(ann(ANNOTATIONS.pausedScaleIn) ?? '') === true;
  spec.pausedScaleOut = parseGoBool(ann(ANNOTATIONS.pausedScaleOut) ?? '') === true;
  spec.paused = parseGoBool(ann(ANNOTATIONS.paused) ?? '') === true;
  spec.forceActivation = parseGoBool(ann(ANNOTATIONS.forceActivation) ?? '') === true;
  const pausedReplicas = ann(ANNOTATIONS.pausedReplicas);
  if (pausedReplicas !== undefined) {
    const n = Number(pausedReplicas);
    if (!/^\d+$/.test(pausedReplicas.trim()) || !Number.isInteger(n)) throw new PolicyError(`annotation ${ANNOTATIONS.pausedReplicas} '${pausedReplicas}' is not a replica count`);
    spec.pausedReplicas = n;
  }
  for (const key of Object.keys(ANNOTATIONS) as Array<keyof typeof ANNOTATIONS>) {
    const v = ann(ANNOTATIONS[key]);
    if (v !== undefined) r.note(ANNOTATIONS[key], v, 'manifest', ['metadata', 'annotations', ANNOTATIONS[key]]);
  }

  const triggers = r.node(['spec', 'triggers']);
  if (!isSeq(triggers) || !triggers.items.length) throw new PolicyError('spec.triggers is empty');
  triggers.items.forEach((_, i) => spec.triggers.push(readTrigger(r, ['spec', 'triggers', i], i)));
  return spec;
}

function readTrigger(r: Reader, path: YPath, index: number): TriggerSpec {
  const type = r.str([...path, 'type']);
  if (!type) throw new PolicyError(`${dotted(path)}.type is not set`);
  const raw: Record<string, string> = {};
  const meta = r.node([...path, 'metadata']);
  if (isMap(meta)) {
    for (const { key, value } of r.entries(meta)) {
      const v = scalarString(value);
      if (v !== undefined) raw[key] = v;
    }
  }
  const metricTypeText = r.str([...path, 'metricType']);
  if (metricTypeText !== undefined && !['AverageValue', 'Value', 'Utilization'].includes(metricTypeText)) throw new PolicyError(`${dotted(path)}.metricType '${metricTypeText}' is not AverageValue, Value or Utilization`);
  const metricType = metricTypeText as TriggerSpec['metricType'];
  const label = `trigger ${index} (${type})`;
  const metadata: TriggerMetadata = { activationThreshold: 0, ignoreNullValues: true, raw };
  if (type === 'cpu' || type === 'memory') {
    // KEDA's cpu/memory scaler requires metricType (or the deprecated metadata.type) and metadata.value.
    const kind = metricType ?? raw.type;
    if (kind !== 'Utilization' && kind !== 'AverageValue') throw new PolicyError(`${label}: metricType must be Utilization or AverageValue`);
    if (!raw.value) throw new PolicyError(`${label}: metadata.value is not set`);
    metadata.value = raw.value;
    if (raw.containerName) metadata.containerName = raw.containerName;
    r.note(`${label} ${kind}`, raw.value, 'manifest', [...path, 'metadata', 'value']);
    return { type, name: r.str([...path, 'name']), metricType: kind, metadata };
  }
  if (type !== 'prometheus') throw new PolicyError(`${label}: the simulator models prometheus, cpu and memory triggers only`);
  if (metricType === 'Utilization') throw new PolicyError(`${label}: metricType Utilization is only for cpu and memory triggers`);
  const num = (key: string, fallback: number | undefined): number | undefined => {
    const template = r.templated([...path, 'metadata', key]);
    if (template !== undefined && fallback !== undefined) {
      r.note(`${label} ${key}`, fallback, 'default', [...path, 'metadata', key], `the manifest value is a template expression (${template})`);
      return fallback;
    }
    r.noTemplate([...path, 'metadata', key]);
    const text = raw[key];
    if (text === undefined || text === '') {
      if (fallback !== undefined) r.note(`${label} ${key}`, fallback, 'default', [...path, 'metadata', key]);
      return fallback;
    }
    const v = Number(text);
    if (!Number.isFinite(v)) throw new PolicyError(`${label}: metadata.${key} '${text}' is not a number`);
    r.note(`${label} ${key}`, v, 'manifest', [...path, 'metadata', key]);
    return v;
  };
  metadata.threshold = num('threshold', undefined);
  if (metadata.threshold === undefined) throw new PolicyError(`${label}: metadata.threshold is not set`);
  metadata.activationThreshold = num('activationThreshold', 0)!;
  r.noTemplate([...path, 'metadata', 'query']);
  if (raw.query) metadata.query = raw.query;
  else throw new PolicyError(`${label}: metadata.query is not set`);
  if (raw.serverAddress) metadata.serverAddress = raw.serverAddress;
  if (raw.ignoreNullValues !== undefined) {
    const b = parseGoBool(raw.ignoreNullValues);
    if (b === undefined) throw new PolicyError(`${label}: metadata.ignoreNullValues '${raw.ignoreNullValues}' is not a boolean`);
    metadata.ignoreNullValues = b;
    r.note(`${label} ignoreNullValues`, b, 'manifest', [...path, 'metadata', 'ignoreNullValues']);
  } else r.note(`${label} ignoreNullValues`, true, 'default', [...path, 'metadata', 'ignoreNullValues']);
  if (metricType === undefined) r.note(`${label} metricType`, 'AverageValue', 'default', [...path, 'metricType']);
  return { type, name: r.str([...path, 'name']), metricType, metadata };
}
