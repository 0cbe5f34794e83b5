/**
 * KEDA, reproduced for simulation: the HPA it creates for a ScaledObject (`controllers/keda/hpa.go`),
 * its own polling loop that handles activation and the 0 <-> 1 (or idle) step
 * (`scale_handler.go`, `executor/scale_scaledobjects.go`), fallback (`fallback/fallback.go`),
 * scalingModifiers and the prometheus scaler's result handling. Pure: time is a parameter in seconds.
 */
import { CompiledFormula, compileFormula } from './formula';
import { floatToInt32, truncDiv } from './goIntegers';
import type { MetricReading } from './hpa';
import { FallbackSpec, HpaSpec, MetricSpec, MetricTarget, PartialBehavior, quantityToMilli, ScaledObjectSpec, TriggerSpec, withBehaviorDefaults } from './policy';

/** TriggerResult is one trigger's query outcome at a poll (after prometheusQueryResult for prometheus). */
export interface TriggerResult {
  /** Metric value in the trigger's units; -1 with an error, as upstream. */
  value: number;
  error?: string;
}

/** COMPOSITE_METRIC_NAME is the External metric that replaces the triggers when scalingModifiers are used. */
export const COMPOSITE_METRIC_NAME = 'composite-metric';

/** parseGoFloat is Go's strconv.ParseFloat for decimal text, including NaN and (signed) Inf. */
function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  return undefined;
}

/**
 * prometheusQueryResult is the prometheus scaler's handling of a query response: one series is
 * required; with ignoreNullValues (the default) an empty result, an empty value and NaN/±Inf read as 0.
 */
export function prometheusQueryResult(httpStatus: number, body: string, ignoreNullValues: boolean): TriggerResult {
  const fail = (error: string): TriggerResult => ({ value: -1, error });
  if (httpStatus < 200 || httpStatus > 299) return fail(`prometheus query api returned error. status: ${httpStatus}`);
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    return fail(`cannot decode the prometheus response: ${(e as Error).message}`);
  }
  const data = (doc as { data?: { result?: unknown } } | null)?.data;
  const result = data?.result ?? [];
  if (!Array.isArray(result)) return fail('cannot decode the prometheus response: data.result is not a list');
  if (result.length === 0) return ignoreNullValues ? { value: 0 } : fail('prometheus query returned an empty result');
  if (result.length > 1) return fail('prometheus query returned multiple elements');
  const value = (result[0] as { value?: unknown } | null)?.value ?? [];
  if (!Array.isArray(value)) return fail('cannot decode the prometheus response: value is not a list');
  if (value.length === 0) return ignoreNullValues ? { value: 0 } : fail('prometheus query returned an empty value');
  if (value.length < 2) return fail("prometheus query didn't return enough values");
  const sample = value[1];
  // Upstream only parses a non-null sample; a null one leaves the initial -1 without an error.
  if (sample === null) return { value: -1 };
  if (typeof sample !== 'string') return fail('prometheus sample value is not a string');
  const v = parseGoFloat(sample);
  if (v === undefined) return fail(`cannot parse prometheus value '${sample}'`);
  if (!Number.isFinite(v)) return ignoreNullValues ? { value: 0 } : fail(`prometheus query returned ${sample}`);
  return { value: v };
}

/**
 * prometheusVectorResult is prometheusQueryResult for a successful instant-vector answer given as its sample
 * values, without the JSON round trip: Prometheus prints each value (`NaN`, `+Inf`, `-Inf` or the shortest
 * decimal that reads back as the same number, which turns -0 into 0) and the scaler parses it back.
 */
export function prometheusVectorResult(values: readonly number[], ignoreNullValues: boolean): TriggerResult {
  if (values.length === 0) return ignoreNullValues ? { value: 0 } : { value: -1, error: 'prometheus query returned an empty result' };
  if (values.length > 1) return { value: -1, error: 'prometheus query returned multiple elements' };
  const v = values[0];
  if (Number.isFinite(v)) return { value: v === 0 ? 0 : v };
  if (ignoreNullValues) return { value: 0 };
  return { value: -1, error: `prometheus query returned ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}` };
}

/** isTriggerActive is the scalers' activation test: strictly above the activation threshold. */
export function isTriggerActive(value: number, activationThreshold: number): boolean {
  return value > activationThreshold;
}

/** toMilli is KEDA's GenerateMetricInMili / GetMetricTargetMili: int64(value * 1000), truncated. */
export function toMilli(value: number): number {
  return Math.trunc(value * 1000);
}

function isResourceTrigger(t: TriggerSpec): boolean {
  return t.type === 'cpu' || t.type === 'memory';
}

/** A metric of the HPA KEDA creates, with the trigger it comes from. */
interface MetricSource {
  metric: MetricSpec;
  /** Index of the trigger behind an External or Resource metric. */
  trigger?: number;
  composite?: boolean;
}

function triggerMetric(t: TriggerSpec, i: number): MetricSpec {
  if (isResourceTrigger(t)) {
    const value = t.metadata.value ?? '';
    const target: MetricTarget = t.metricType === 'Utilization'
      ? { type: 'Utilization', averageUtilization: /^[+-]?\d+$/.test(value.trim()) ? floatToInt32(Number(value)) : 0 }
      : { type: 'AverageValue', milli: quantityToMilli(value) ?? 0 };
    return t.metadata.containerName ? { type: 'ContainerResource', name: t.type, container: t.metadata.containerName, target } : { type: 'Resource', name: t.type, target };
  }
  const milli = toMilli(t.metadata.threshold ?? 0);
  return { type: 'External', name: `s${i}-${t.type}`, target: t.metricType === 'Value' ? { type: 'Value', milli } : { type: 'AverageValue', milli } };
}

/** metricSources lists the HPA metrics of a ScaledObject in the order KEDA writes them. */
function metricSources(spec: ScaledObjectSpec): MetricSource[] {
  // KEDA sorts the specs by source type so the HPA does not change between reconciles (Array.sort is stable).
  let sources: MetricSource[] = spec.triggers.map((t, i) => ({ metric: triggerMetric(t, i), trigger: i }));
  sources.sort((a, b) => (a.metric.type < b.metric.type ? -1 : a.metric.type > b.metric.type ? 1 : 0));
  const sm = spec.scalingModifiers;
  const target = sm ? Number(sm.target) : NaN;
  if (sm && target > 0) {
    // One composite External metric replaces the triggers' External metrics; only Resource metrics stay
    // (upstream keeps `Resource` specs, so a containerName cpu/memory trigger is dropped too).
    const milli = toMilli(target);
    const composite: MetricSpec = { type: 'External', name: COMPOSITE_METRIC_NAME, target: sm.metricType === 'Value' ? { type: 'Value', milli } : { type: 'AverageValue', milli } };
    sources = [...sources.filter((s) => s.metric.type === 'Resource'), { metric: composite, composite: true }];
  }
  return sources;
}

/**
 * hpaSpecForScaledObject is the HPA KEDA creates. Its minReplicas is never 0 (KEDA itself does 0 <-> 1),
 * the behavior is only set when written or when a paused-scale annotation disables a direction, and a
 * trigger without a usable target gets a 0 target, which the HPA then reports as an invalid metric.
 */
export function hpaSpecForScaledObject(spec: ScaledObjectSpec): HpaSpec {
  let min = spec.minReplicaCount > 0 ? spec.minReplicaCount : 1;
  let max = spec.maxReplicaCount;
  if (spec.pausedReplicas !== undefined) {
    // While paused at a count, the HPA is pinned to it (an HPA minimum cannot be 0).
    min = max = Math.max(spec.pausedReplicas, 1);
  }
  let partial: PartialBehavior | undefined = spec.behavior ? { ...spec.behavior } : undefined;
  if (spec.pausedScaleIn) partial = { ...partial, scaleDown: { ...partial?.scaleDown, selectPolicy: 'Disabled' } };
  if (spec.pausedScaleOut) partial = { ...partial, scaleUp: { ...partial?.scaleUp, selectPolicy: 'Disabled' } };
  const hpa: HpaSpec = { name: spec.name ? `keda-hpa-${spec.name}` : undefined, minReplicas: min, maxReplicas: max, metrics: metricSources(spec).map((s) => s.metric), behavior: partial ? withBehaviorDefaults(partial) : undefined };
  if (spec.tolerance) hpa.tolerance = spec.tolerance;
  return hpa;
}

/** KedaStep is what the scale executor did at one poll. */
export type KedaStep =
  | 'Paused'
  | 'ActivatedFromZeroOrIdle'
  | 'ScaleOutPaused'
  | 'PartialTriggerError'
  | 'Active'
  | 'FallbackPending'
  | 'TriggerError'
  | 'Deactivated'
  | 'ScalerCooldown'
  | 'ScaleInPaused'
  | 'SetToMinReplicas'
  | 'NoChange';

/** Input of requestScale: the ScaledObject state at one poll. */
export interface RequestScaleInput {
  active: boolean;
  error: boolean;
  currentReplicas: number;
  minReplicaCount: number;
  idleReplicaCount?: number;
  cooldownPeriod: number;
  initialCooldownPeriod: number;
  now: number;
  createdAt: number;
  /** Undefined when no trigger has been active yet. */
  lastActiveTime?: number;
  fallback?: Pick<FallbackSpec, 'replicas'>;
  pausedScaleIn?: boolean;
  pausedScaleOut?: boolean;
  forceActivation?: boolean;
}

/** Output of requestScale. */
export interface RequestScaleResult {
  /** The count KEDA writes to the scale target, if any. */
  setReplicas?: number;
  /** Set when lastActiveTime is updated. */
  lastActiveTime?: number;
  step: KedaStep;
}

/**
 * requestScale is the scale executor's `RequestScale`. KEDA only moves between 0 (or idle) and
 * minReplicaCount-or-1; every other change is left to the HPA.
 */
export function requestScale(s: RequestScaleInput): RequestScaleResult {
  const min = s.minReplicaCount;
  if (s.active || s.forceActivation) {
    if ((s.idleReplicaCount !== undefined && s.currentReplicas < min) || s.currentReplicas === 0) {
      if (s.pausedScaleOut) return { step: 'ScaleOutPaused' };
      return { setReplicas: min > 0 ? min : 1, lastActiveTime: s.now, step: 'ActivatedFromZeroOrIdle' };
    }
    // With a trigger in error, lastActiveTime is not refreshed.
    if (s.error) return { step: 'PartialTriggerError' };
    return { lastActiveTime: s.now, step: 'Active' };
  }
  // Scaling to zero here would stop the HPA from ever applying fallback.replicas, so KEDA waits.
  if (s.error && s.fallback && s.fallback.replicas !== 0) return { step: 'FallbackPending' };
  if (s.error && !s.fallback) return { step: 'TriggerError' };
  if ((s.idleReplicaCount !== undefined && s.currentReplicas > s.idleReplicaCount) || (s.currentReplicas > 0 && min === 0)) {
    if (s.pausedScaleIn) return { step: 'ScaleInPaused' };
    // cooldownPeriod only governs this step to 0 or idle; scale-in above it is the HPA's.
    const cooled = s.lastActiveTime === undefined ? s.createdAt + s.initialCooldownPeriod < s.now : s.lastActiveTime + s.cooldownPeriod < s.now;
    if (!cooled) return { step: 'ScalerCooldown' };
    return { setReplicas: s.idleReplicaCount ?? min, step: 'Deactivated' };
  }
  if (s.currentReplicas < min && s.idleReplicaCount === undefined) return { setReplicas: min, step: 'SetToMinReplicas' };
  return { step: 'NoChange' };
}

/** Input of getMetricsWithFallback for one metric at one HPA query. */
export interface FallbackInput {
  fallback: FallbackSpec | undefined;
  /** Consecutive failures recorded before this query. */
  failuresBefore: number;
  result: TriggerResult;
  /** The HPA target of the metric, in metric units. */
  target: { type: 'AverageValue' | 'Value'; value: number };
  currentReplicas: number;
  readyRunningPods: number;
  /** scalingModifiers.target as written, when modifiers are in use (fallback then needs an integer > 0). */
  modifiersTarget?: string;
}

/** Output of getMetricsWithFallback. */
export interface FallbackOutput {
  failures: number;
  /** The metric value reported to the HPA, in milli-units. */
  milli?: number;
  error?: string;
  fallbackActive: boolean;
}

/** fallbackReplicas is the count the fallback behavior picks. */
export function fallbackReplicas(f: FallbackSpec, currentReplicas: number): number {
  switch (f.behavior) {
    case 'currentReplicas': return currentReplicas;
    case 'currentReplicasIfHigher': return Math.max(currentReplicas, f.replicas);
    case 'currentReplicasIfLower': return Math.min(currentReplicas, f.replicas);
    default: return f.replicas;
  }
}

/**
 * doFallback is the synthetic metric: target x replicas, so the HPA computes exactly that count. For a
 * Value target the value is divided by the Running+Ready pods, which the HPA multiplies back.
 */
export function doFallback(f: FallbackSpec, target: { type: 'AverageValue' | 'Value'; value: number }, currentReplicas: number, readyRunningPods: number): { milli: number } | { error: string } {
  const r = fallbackReplicas(f, currentReplicas);
  // Upstream truncates the target to whole units first (int64 of the float value).
  const milli = Math.trunc(target.value) * 1000 * r;
  if (target.type === 'AverageValue') return { milli };
  if (readyRunningPods <= 0) return { error: 'fallback for a Value target needs at least one ready pod' };
  return { milli: truncDiv(milli, readyRunningPods) };
}

/** hasValidFallback is `HasValidFallback`: non-negative numbers, and an integer modifiers target above 0. */
export function hasValidFallback(f: FallbackSpec, modifiersTarget?: string): boolean {
  const modifiersOk = modifiersTarget === undefined || (/^[+-]?\d+$/.test(modifiersTarget) && Number(modifiersTarget) > 0);
  return f.failureThreshold >= 0 && f.replicas >= 0 && modifiersOk;
}

/**
 * getMetricsWithFallback counts consecutive failures of a metric; once they exceed failureThreshold the
 * HPA gets the fallback metric instead of the error. A success resets the count.
 */
export function getMetricsWithFallback(a: FallbackInput): FallbackOutput {
  const out = metricWithFallback(newFallbackOutput(), a.fallback, a.failuresBefore, a.result, a.target.type, a.target.value, a.currentReplicas, a.readyRunningPods, a.modifiersTarget);
  // One of milli and error is set: the answer carries that one only.
  return out.error === undefined ? { failures: out.failures, milli: out.milli, fallbackActive: out.fallbackActive } : { failures: out.failures, error: out.error, fallbackActive: out.fallbackActive };
}

function newFallbackOutput(): FallbackOutput {
  return { failures: 0, milli: undefined, error: undefined, fallbackActive: false };
}

/**
 * metricWithFallback is getMetricsWithFallback with positional arguments, written into `out`: the controller
 * runs it at every HPA query and keeps one output object.
 */
function metricWithFallback(out: FallbackOutput, fallbackSpec: FallbackSpec | undefined, failuresBefore: number, result: TriggerResult, targetType: 'AverageValue' | 'Value', targetValue: number, currentReplicas: number, readyRunningPods: number, modifiersTarget: string | undefined): FallbackOutput {
  // Upstream `updateStatus` skips the health patch unless a valid fallback is configured, so without
  // one the stored count never moves: no increment on an error, no reset on a success.
  const fallback = fallbackSpec && hasValidFallback(fallbackSpec, modifiersTarget) ? fallbackSpec : undefined;
  out.milli = undefined;
  out.error = undefined;
  out.fallbackActive = false;
  if (result.error === undefined) {
    out.failures = fallback ? 0 : failuresBefore;
    out.milli = toMilli(result.value);
    return out;
  }
  out.error = result.error || 'scaler error';
  if (!fallback) {
    out.failures = failuresBefore;
    return out;
  }
  out.failures = failuresBefore + 1;
  if (out.failures <= fallback.failureThreshold) return out;
  const fb = doFallback(fallback, { type: targetType, value: targetValue }, currentReplicas, readyRunningPods);
  if ('error' in fb) {
    out.error = fb.error;
    return out;
  }
  out.error = undefined;
  out.milli = fb.milli;
  out.fallbackActive = true;
  return out;
}

/** An External metric's reading. */
type ExternalReading = Extract<MetricReading, { kind: 'object' | 'external' }>;

/** NO_RESULT stands for a trigger the caller gave no result for. */
const NO_RESULT: TriggerResult = { value: -1, error: 'no result for this trigger' };

/** KedaPollResult is the outcome of one KEDA poll. */
export interface KedaPollResult {
  /** Count KEDA writes to the target at this poll. */
  scaleTo?: number;
  active: boolean;
  error: boolean;
  step: KedaStep;
  /** Why the composite formula could not be evaluated, when it could not. */
  message?: string;
}

/**
 * KedaController is one ScaledObject inside KEDA. Call `poll` every pollingInterval with each trigger's
 * result; call `hpaMetrics` each time the HPA queries the metrics adapter (its 15 s sync): failures
 * for fallback are counted per query, as upstream.
 */
export class KedaController {
  /** The HPA KEDA creates for this ScaledObject. */
  readonly hpaSpec: HpaSpec;
  private readonly sources: MetricSource[];
  private failures: number[];
  /** withFallback's answer, rewritten at each call. */
  private readonly fallbackOut = newFallbackOutput();
  /** The last External reading answered per metric (see hpaMetric). */
  private readonly lastExternal: Array<ExternalReading | undefined> = [];
  private lastPoll: number | undefined;
  private readonly formula: { ok: true; evaluate: CompiledFormula } | { ok: false; error: string } | undefined;
  /** When a trigger was last active (seconds); undefined until then. */
  lastActiveTime: number | undefined;

  constructor(readonly spec: ScaledObjectSpec, readonly createdAt: number) {
    this.hpaSpec = hpaSpecForScaledObject(spec);
    this.sources = metricSources(spec);
    this.failures = spec.triggers.map(() => 0);
    const names = spec.triggers.filter((t) => !isResourceTrigger(t) && t.name).map((t) => t.name!);
    this.formula = spec.scalingModifiers ? compileFormula(spec.scalingModifiers.formula, names) : undefined;
  }

  /** evaluate runs the compiled scalingModifiers formula. */
  private evaluate(env: Record<string, number>): { ok: true; value: number } | { ok: false; error: string } {
    if (!this.formula) return { ok: false, error: 'no scalingModifiers formula' };
    return this.formula.ok ? this.formula.evaluate(env) : this.formula;
  }

  /** dueAt is when the next poll is due: at creation, then every pollingInterval. */
  dueAt(): number {
    return this.lastPoll === undefined ? this.createdAt : this.lastPoll + this.spec.pollingInterval;
  }

  /** failuresOf returns the consecutive failures recorded for a trigger's metric. */
  failuresOf(trigger: number): number {
    return this.failures[trigger] ?? 0;
  }

  /** poll runs KEDA's scale loop once: trigger activity, then the executor's 0 <-> 1 / idle decision. */
  poll(now: number, currentReplicas: number, results: TriggerResult[]): KedaPollResult {
    this.lastPoll = now;
    const spec = this.spec;
    if (spec.pausedReplicas !== undefined || spec.paused) {
      // A paused ScaledObject skips the scale logic; a paused count is enforced on the target.
      const scaleTo = spec.pausedReplicas !== undefined && spec.pausedReplicas !== currentReplicas ? spec.pausedReplicas : undefined;
      return { scaleTo, active: false, error: false, step: 'Paused' };
    }
    const state = this.state(results);
    const r = requestScale({
      active: state.active,
      error: state.error,
      currentReplicas,
      minReplicaCount: spec.minReplicaCount,
      idleReplicaCount: spec.idleReplicaCount,
      cooldownPeriod: spec.cooldownPeriod,
      initialCooldownPeriod: spec.initialCooldownPeriod,
      now,
      createdAt: this.createdAt,
      lastActiveTime: this.lastActiveTime,
      fallback: spec.fallback,
      pausedScaleIn: spec.pausedScaleIn,
      pausedScaleOut: spec.pausedScaleOut,
      forceActivation: spec.forceActivation,
    });
    if (r.lastActiveTime !== undefined) this.lastActiveTime = r.lastActiveTime;
    return { scaleTo: r.setReplicas, active: state.active, error: state.error, step: r.step, message: state.message };
  }

  /** state is `getScaledObjectState`: active if any trigger is, or the composite is above its activation target. */
  private state(results: TriggerResult[]): { active: boolean; error: boolean; message?: string } {
    const spec = this.spec;
    let active = false;
    let error = false;
    const env: Record<string, number> = {};
    for (let i = 0; i < spec.triggers.length; i++) {
      const t = spec.triggers[i];
      // cpu/memory triggers have no External metric: they neither activate nor fail here.
      if (isResourceTrigger(t)) continue;
      const res = results[i];
      if (!res || res.error !== undefined) {
        error = true;
        continue;
      }
      if (isTriggerActive(res.value, t.metadata.activationThreshold)) active = true;
      if (t.name) env[t.name] = toMilli(res.value) / 1000;
    }
    let message: string | undefined;
    if (spec.scalingModifiers) {
      // With modifiers only the composite decides, and any trigger error makes the object inactive.
      active = false;
      if (!error) {
        const f = this.evaluate(env);
        if (f.ok) active = toMilli(f.value) / 1000 > spec.scalingModifiers.activationTarget;
        else message = f.error;
      }
    }
    // With only cpu/memory triggers the object is always active: nothing could ever wake it from zero.
    if (spec.triggers.every(isResourceTrigger) && !error) active = true;
    return { active, error, message };
  }

  /**
   * hpaMetrics answers the HPA's queries for one sync: one reading per `hpaSpec.metrics[i]`, written into `into`
   * when given (a caller that syncs often keeps one array). Resource metrics come from metrics-server, not KEDA:
   * pass `resourceReading` to fill them in.
   */
  hpaMetrics(_now: number, results: TriggerResult[], currentReplicas: number, readyRunningPods: number, resourceReading?: (metric: MetricSpec, index: number) => MetricReading, into: MetricReading[] = []): MetricReading[] {
    for (let i = 0; i < this.sources.length; i++) into[i] = this.hpaMetric(i, results, currentReplicas, readyRunningPods, resourceReading);
    // Only a longer array is cut: setting an array's length is a runtime call.
    if (into.length > this.sources.length) into.length = this.sources.length;
    return into;
  }

  private hpaMetric(i: number, results: TriggerResult[], currentReplicas: number, readyRunningPods: number, resourceReading?: (metric: MetricSpec, index: number) => MetricReading): MetricReading {
    const s = this.sources[i];
    if (s.composite) return this.compositeReading(results, currentReplicas, readyRunningPods);
    if (s.metric.type !== 'External') return resourceReading?.(s.metric, i) ?? { kind: 'error', message: `${s.metric.type} metric ${s.metric.name} is read from metrics-server, not from KEDA` };
    const target = s.metric.target;
    const fb = this.withFallback(s.trigger!, results, currentReplicas, readyRunningPods, target.type === 'Value' ? 'Value' : 'AverageValue', target.type === 'Utilization' ? 0 : target.milli / 1000, undefined);
    if (fb.milli === undefined) return { kind: 'error', message: fb.error ?? 'scaler error' };
    // Readings are never changed once made, so a value unchanged since the last query (the usual case: KEDA
    // polls less often than the HPA syncs) gets the same reading. Object.is keeps -0 apart from 0.
    const last = this.lastExternal[i];
    if (last !== undefined && Object.is(last.valuesMilli[0], fb.milli)) return last;
    const reading: ExternalReading = { kind: 'external', valuesMilli: [fb.milli] };
    this.lastExternal[i] = reading;
    return reading;
  }

  /** withFallback answers trigger t's metric through fallback and records its failures; the answer is read before the next call. */
  private withFallback(t: number, results: TriggerResult[], currentReplicas: number, readyRunningPods: number, targetType: 'AverageValue' | 'Value', targetValue: number, modifiersTarget: string | undefined): FallbackOutput {
    const out = metricWithFallback(this.fallbackOut, this.spec.fallback, this.failures[t], results[t] ?? NO_RESULT, targetType, targetValue, currentReplicas, readyRunningPods, modifiersTarget);
    this.failures[t] = out.failures;
    return out;
  }

  /** compositeReading is the composite metric: the formula over all triggers, or the fallback metric. */
  private compositeReading(results: TriggerResult[], currentReplicas: number, readyRunningPods: number): MetricReading {
    const sm = this.spec.scalingModifiers!;
    // Fallback uses the modifiers target parsed as an integer.
    // The target makes the trip through milli-units that a MetricTarget makes (x * 1000 / 1000 is not always x).
    const targetValue = (Number(sm.target) * 1000) / 1000;
    const env: Record<string, number> = {};
    let scalerError: string | undefined;
    let fallbackMilli: number | undefined;
    const triggers = this.spec.triggers;
    for (let t = 0; t < triggers.length; t++) {
      const trigger = triggers[t];
      if (isResourceTrigger(trigger)) continue;
      const out = this.withFallback(t, results, currentReplicas, readyRunningPods, sm.metricType, targetValue, sm.target);
      if (out.error !== undefined) scalerError ??= out.error;
      if (out.fallbackActive) fallbackMilli ??= out.milli;
      else if (out.milli !== undefined && trigger.name) env[trigger.name] = out.milli / 1000;
    }
    if (fallbackMilli !== undefined) return { kind: 'external', valuesMilli: [fallbackMilli] };
    if (scalerError !== undefined) return { kind: 'error', message: scalerError };
    const f = this.evaluate(env);
    if (!f.ok) return { kind: 'error', message: f.error };
    return { kind: 'external', valuesMilli: [toMilli(f.value)] };
  }
}
