/**
 * The Kubernetes HPA controller, reproduced for simulation: the replica calculator
 * (`replica_calculator.go`), both normalisation paths and the reconcile loop (`horizontal.go`).
 * Functions keep their upstream names and integer semantics so the upstream test vectors pass
 * unchanged. Everything is pure: time is a parameter (seconds), history is explicit state.
 */
import { ceilToInt32, floatToInt32, MAX_INT32, MIN_INT32, toInt32, truncDiv } from './goIntegers';
import type { Behavior, HpaSpec, MetricSpec, ScalingRules, Tolerances } from './policy';
import { grown } from './typedArrays';

/** HpaOptions are the kube-controller-manager flags the HPA controller reads. */
export interface HpaOptions {
  /** Seconds between reconciles of one HPA (`--horizontal-pod-autoscaler-sync-period`). */
  syncPeriod: number;
  /** Tolerance in both directions (`--horizontal-pod-autoscaler-tolerance`). */
  tolerance: number;
  /** Scale-down stabilization window in seconds for the legacy path and for behaviors that leave it unset. */
  downscaleStabilization: number;
  /** Seconds after pod start during which CPU samples of not-yet-ready pods are ignored. */
  cpuInitializationPeriod: number;
  /** Seconds after start within which a readiness change still counts as the initial one. */
  delayOfInitialReadinessStatus: number;
  /** The HPAConfigurableTolerance gate: honour `behavior.*.tolerance` (beta, on by default from about v1.35). */
  configurableTolerance: boolean;
  /** Seconds one metrics-server sample covers, used by the CPU initialisation rule when a reading gives none. */
  resourceMetricWindow: number;
}

/** DEFAULT_HPA_OPTIONS are the upstream flag defaults. */
export const DEFAULT_HPA_OPTIONS: HpaOptions = {
  syncPeriod: 15,
  tolerance: 0.1,
  downscaleStabilization: 300,
  cpuInitializationPeriod: 300,
  delayOfInitialReadinessStatus: 30,
  configurableTolerance: true,
  resourceMetricWindow: 15,
};

/** isWithin is `Tolerances.isWithin`: inclusive at both ends. */
export function isWithin(t: Tolerances, ratio: number): boolean {
  return 1 - t.down <= ratio && ratio <= 1 + t.up;
}

const DEFAULT_TOLERANCES: Tolerances = { up: 0.1, down: 0.1 };

/** CalcPodState is how `groupPods` sees a pod for one metric; `unready` is only produced for CPU. */
export type CalcPodState = 'ready' | 'unready' | 'pending' | 'failed' | 'deleting';

/** CalcPod is one pod matched by the scale selector, as the replica calculator needs it. */
export interface CalcPod {
  name: string;
  state: CalcPodState;
  /** Summed request for the metric's resource (Utilization targets only); undefined = no request. */
  requestMilli?: number;
}

/** CalcError is a replica calculation that failed; the HPA counts the metric as invalid. */
export interface CalcError {
  error: string;
}

/** ResourceReplicas is the result of a Utilization calculation. */
export interface ResourceReplicas {
  replicas: number;
  /** Current utilization in percent of requests (int32, truncated). */
  utilization: number;
  /** Average usage per pod in milli-units (truncated). */
  rawUtilization: number;
}

/** UsageReplicas is the result of a value-based calculation; usage is in milli-units. */
export interface UsageReplicas {
  replicas: number;
  usage: number;
}

/** isCalcError tells a failed calculation from a result. */
export function isCalcError(x: object): x is CalcError {
  return typeof (x as CalcError).error === 'string';
}

interface Groups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/** groupPods sorts pods the way the replica calculator does, in upstream order. */
function groupPods(pods: CalcPod[], metrics: Map<string, number>): Groups {
  const g: Groups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const p of pods) {
    // Pods being deleted and failed pods are neither counted nor measured.
    if (p.state === 'deleting' || p.state === 'failed') g.ignored.add(p.name);
    // A pending pod (a GPU pod waiting for a node, say) is treated as unready.
    else if (p.state === 'pending') g.unready.add(p.name);
    else if (!metrics.has(p.name)) g.missing.add(p.name);
    else if (p.state === 'unready') g.unready.add(p.name);
    else g.readyPodCount++;
  }
  return g;
}

function withoutPods(metrics: Map<string, number>, ...sets: Array<Set<string>>): Map<string, number> {
  const out = new Map(metrics);
  for (const s of sets) for (const name of s) out.delete(name);
  return out;
}

/** getResourceUtilizationRatio is `metrics.GetResourceUtilizationRatio`: utilization over pods with a request. */
function getResourceUtilizationRatio(metrics: Map<string, number>, requests: Map<string, number>, targetUtilization: number): { ratio: number; utilization: number; raw: number } | CalcError {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [pod, value] of metrics) {
    const request = requests.get(pod);
    // Metrics for pods the lister did not return have no request: they are extraneous and skipped.
    if (request === undefined) continue;
    metricsTotal += value;
    requestsTotal += request;
    entries++;
  }
  if (requestsTotal === 0) return { error: 'no metrics returned matched known pods' };
  const utilization = toInt32(truncDiv(metricsTotal * 100, requestsTotal));
  return { ratio: utilization / targetUtilization, utilization, raw: truncDiv(metricsTotal, entries) };
}

/** getMetricUsageRatio is `metrics.GetMetricUsageRatio`: the integer mean over every sample, known pod or not. */
function getMetricUsageRatio(metrics: Map<string, number>, targetUsage: number): { ratio: number; usage: number } {
  let total = 0;
  for (const v of metrics.values()) total += v;
  const usage = truncDiv(total, metrics.size);
  return { ratio: usage / targetUsage, usage };
}

/** Arguments of getResourceReplicas. */
export interface ResourceReplicasArgs {
  currentReplicas: number;
  /** Target utilization in percent of requests. */
  targetUtilization: number;
  pods: CalcPod[];
  /** Usage per pod name (milli-units); pods without an entry are missing; unknown names are allowed. */
  usageMilli: Map<string, number>;
  tolerances?: Tolerances;
  /** Resource name, for messages. */
  resource?: string;
}

/** getResourceReplicas is `GetResourceReplicas`: Resource or ContainerResource metrics with a Utilization target. */
export function getResourceReplicas(a: ResourceReplicasArgs): ResourceReplicas | CalcError {
  const t = a.tolerances ?? DEFAULT_TOLERANCES;
  if (!(a.targetUtilization > 0)) return { error: 'target utilization must be positive' };
  if (a.pods.length === 0) return { error: 'no pods returned by selector while calculating replica count' };
  const g = groupPods(a.pods, a.usageMilli);
  const metrics = withoutPods(a.usageMilli, g.ignored, g.unready);
  if (metrics.size === 0) return { error: 'did not receive metrics for targeted pods (pods might be unready)' };
  const requests = new Map<string, number>();
  for (const p of a.pods) {
    if (p.requestMilli === undefined) return { error: `missing request for ${a.resource ?? 'the resource'} in pod ${p.name}` };
    requests.set(p.name, p.requestMilli);
  }
  const first = getResourceUtilizationRatio(metrics, requests, a.targetUtilization);
  if (isCalcError(first)) return first;
  const { ratio, utilization, raw } = first;
  const result = (replicas: number): ResourceReplicas => ({ replicas, utilization, rawUtilization: raw });

  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    // Return the current count when the change would be too small.
    if (isWithin(t, ratio)) return result(a.currentReplicas);
    // With no unready or missing pods, the count follows from the ready pods alone.
    return result(ceilToInt32(ratio * g.readyPodCount));
  }
  if (g.missing.size > 0) {
    if (ratio < 1) {
      // On a scale-down, missing pods are assumed to use 100 % of their request, or the target when it is above 100 %.
      const fallbackUtilization = Math.max(100, a.targetUtilization);
      for (const pod of g.missing) metrics.set(pod, truncDiv(requests.get(pod)! * fallbackUtilization, 100));
    } else if (ratio > 1) {
      // On a scale-up, missing pods are assumed to use nothing.
      for (const pod of g.missing) metrics.set(pod, 0);
    }
  }
  // On a scale-up, unready pods are assumed to use nothing, so pods still starting dampen the scale-up.
  if (scaleUpWithUnready) for (const pod of g.unready) metrics.set(pod, 0);

  const second = getResourceUtilizationRatio(metrics, requests, a.targetUtilization);
  if (isCalcError(second)) return second;
  const newRatio = second.ratio;
  // Keep the current count when the change is too small or the assumptions flip the direction.
  if (isWithin(t, newRatio) || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return result(a.currentReplicas);
  const newReplicas = ceilToInt32(newRatio * metrics.size);
  // Keep the current count when counting the extra pods (a rolling update's surge) reverses the direction.
  if ((newRatio < 1 && newReplicas > a.currentReplicas) || (newRatio > 1 && newReplicas < a.currentReplicas)) return result(a.currentReplicas);
  return result(newReplicas);
}

/** Arguments of calcPlainMetricReplicas and its callers. */
export interface PlainMetricArgs {
  currentReplicas: number;
  /** Target average per pod in milli-units. */
  targetUsageMilli: number;
  pods: CalcPod[];
  /** Value per pod name (milli-units); pods without an entry are missing. */
  valueMilli: Map<string, number>;
  tolerances?: Tolerances;
}

/** calcPlainMetricReplicas is the upstream function shared by Pods metrics and Resource AverageValue targets. */
function calcPlainMetricReplicas(a: PlainMetricArgs): UsageReplicas | CalcError {
  const t = a.tolerances ?? DEFAULT_TOLERANCES;
  if (!(a.targetUsageMilli > 0)) return { error: 'target must be positive' };
  if (a.pods.length === 0) return { error: 'no pods returned by selector while calculating replica count' };
  const g = groupPods(a.pods, a.valueMilli);
  const metrics = withoutPods(a.valueMilli, g.ignored, g.unready);
  if (metrics.size === 0) return { error: 'did not receive metrics for targeted pods (pods might be unready)' };
  const { ratio, usage } = getMetricUsageRatio(metrics, a.targetUsageMilli);

  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (isWithin(t, ratio)) return { replicas: a.currentReplicas, usage };
    return { replicas: ceilToInt32(ratio * g.readyPodCount), usage };
  }
  if (g.missing.size > 0) {
    // On a scale-down, missing pods are assumed to be exactly at the target; on a scale-up, at zero.
    if (ratio < 1) for (const pod of g.missing) metrics.set(pod, a.targetUsageMilli);
    else if (ratio > 1) for (const pod of g.missing) metrics.set(pod, 0);
  }
  if (scaleUpWithUnready) for (const pod of g.unready) metrics.set(pod, 0);
  const newRatio = getMetricUsageRatio(metrics, a.targetUsageMilli).ratio;
  if (isWithin(t, newRatio) || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return { replicas: a.currentReplicas, usage };
  const newReplicas = ceilToInt32(newRatio * metrics.size);
  if ((newRatio < 1 && newReplicas > a.currentReplicas) || (newRatio > 1 && newReplicas < a.currentReplicas)) return { replicas: a.currentReplicas, usage };
  return { replicas: newReplicas, usage };
}

/** getMetricReplicas is `GetMetricReplicas`: a Pods metric with an AverageValue target. */
export function getMetricReplicas(a: PlainMetricArgs): UsageReplicas | CalcError {
  return calcPlainMetricReplicas(a);
}

/** getRawResourceReplicas is `GetRawResourceReplicas`: a Resource metric with an AverageValue target. */
export function getRawResourceReplicas(a: PlainMetricArgs): UsageReplicas | CalcError {
  return calcPlainMetricReplicas(a);
}

/** Arguments shared by the Value-target calculators of Object and External metrics. */
export interface ValueTargetArgs {
  /** `scale.spec.replicas`. */
  currentReplicas: number;
  targetMilli: number;
  /** Pods in phase Running with Ready=True. */
  readyPodCount: number;
  /** Pods matched by the selector; with none the calculation fails (when the ready count is needed). */
  podCount?: number;
  tolerances?: Tolerances;
}

/** getUsageRatioReplicaCount is the upstream helper for Value targets; from zero it returns ceil(ratio). */
function getUsageRatioReplicaCount(a: ValueTargetArgs, ratio: number): number | CalcError {
  return usageRatioReplicaCount(a.currentReplicas, a.readyPodCount, a.podCount, a.tolerances ?? DEFAULT_TOLERANCES, ratio);
}

/** usageRatioReplicaCount is getUsageRatioReplicaCount with positional arguments (no argument object per sync). */
function usageRatioReplicaCount(currentReplicas: number, readyPodCount: number, podCount: number | undefined, tolerances: Tolerances, ratio: number): number | CalcError {
  if (currentReplicas !== 0) {
    if (isWithin(tolerances, ratio)) return currentReplicas;
    if (podCount === 0) return { error: 'unable to calculate ready pods: no pods returned by selector while calculating replica count' };
    const replicas = ratio * readyPodCount;
    return replicas > MAX_INT32 ? MAX_INT32 : ceilToInt32(replicas);
  }
  // Scaling from zero (HPAScaleToZero): no tolerance and no pod count, just the ratio.
  return ceilToInt32(ratio);
}

/** getObjectMetricReplicas is `GetObjectMetricReplicas`: an Object metric with a Value target. */
export function getObjectMetricReplicas(a: ValueTargetArgs & { usageMilli: number }): UsageReplicas | CalcError {
  if (!(a.targetMilli > 0)) return { error: 'target must be positive' };
  const replicas = getUsageRatioReplicaCount(a, a.usageMilli / a.targetMilli);
  return typeof replicas === 'number' ? { replicas, usage: a.usageMilli } : replicas;
}

/** getExternalMetricReplicas is `GetExternalMetricReplicas`: an External metric with a Value target (series summed). */
export function getExternalMetricReplicas(a: ValueTargetArgs & { seriesMilli: number[] }): UsageReplicas | CalcError {
  if (!(a.targetMilli > 0)) return { error: 'target must be positive' };
  if (a.seriesMilli.length === 0) return { error: 'no metrics returned from external metrics API' };
  const usage = sumOf(a.seriesMilli);
  const replicas = getUsageRatioReplicaCount(a, usage / a.targetMilli);
  return typeof replicas === 'number' ? { replicas, usage } : replicas;
}

/** Arguments shared by the AverageValue calculators of Object and External metrics. */
export interface PerPodTargetArgs {
  /** `scale.status.replicas`: every pod created, ready or not. */
  statusReplicas: number;
  targetAverageMilli: number;
  tolerances?: Tolerances;
}

/** perPodReplicas is the common body: the total divided by the target, ignoring readiness. */
function perPodReplicas(a: PerPodTargetArgs, usage: number): UsageReplicas {
  const replicas = perPodReplicaCount(a.statusReplicas, a.targetAverageMilli, usage, a.tolerances ?? DEFAULT_TOLERANCES);
  // The reported per-pod usage is rounded up; with no pods it is 0.
  return { replicas, usage: a.statusReplicas === 0 ? 0 : Math.ceil(usage / a.statusReplicas) };
}

/** perPodReplicaCount is perPodReplicas' count alone, with positional arguments (what a sync needs). */
function perPodReplicaCount(statusReplicas: number, targetAverageMilli: number, usage: number, tolerances: Tolerances): number {
  const ratio = usage / (targetAverageMilli * statusReplicas);
  return isWithin(tolerances, ratio) ? statusReplicas : ceilToInt32(usage / targetAverageMilli);
}

/** getObjectPerPodMetricReplicas is `GetObjectPerPodMetricReplicas`: an Object metric with an AverageValue target. */
export function getObjectPerPodMetricReplicas(a: PerPodTargetArgs & { usageMilli: number }): UsageReplicas | CalcError {
  if (!(a.targetAverageMilli > 0)) return { error: 'target must be positive' };
  return perPodReplicas(a, a.usageMilli);
}

/** getExternalPerPodMetricReplicas is `GetExternalPerPodMetricReplicas`: External with AverageValue (KEDA's default). */
export function getExternalPerPodMetricReplicas(a: PerPodTargetArgs & { seriesMilli: number[] }): UsageReplicas | CalcError {
  if (!(a.targetAverageMilli > 0)) return { error: 'target must be positive' };
  if (a.seriesMilli.length === 0) return { error: 'no metrics returned from external metrics API' };
  return perPodReplicas(a, sumOf(a.seriesMilli));
}

/** sumOf adds the values in order (as Go's loop over the series does). */
function sumOf(values: number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum;
}

// ---------------------------------------------------------------- normalisation

/** TimestampedRecommendation is one un-stabilized desired count the controller remembered. */
export interface TimestampedRecommendation {
  replicas: number;
  /** Seconds. */
  time: number;
}

/** ScaleEvent is one change of the scale target, kept per direction for the behavior policies. */
export interface ScaleEvent {
  /** Absolute change in replicas. */
  change: number;
  time: number;
  /** Older than the longest policy period: the slot may be reused. */
  outdated: boolean;
}

/** LimitReason is the ScalingLimited condition reason a normalisation reports. */
export type LimitReason = 'DesiredWithinRange' | 'ScaleUpLimit' | 'TooManyReplicas' | 'TooFewReplicas' | 'ScaleDownLimit';

/**
 * Proposals is where a normalisation keeps the proposals it stabilizes over: it answers a window's extreme and
 * stores the new proposal in one call. `Recommendations` keeps upstream's list slot for slot (the exported pure
 * functions return that list); `RecommendationWindow` is the controller's own, built for a sync every 15 s.
 */
interface Proposals {
  /** The legacy rule: the max of `desired` and every proposal at or after now − window; then stores `desired`. */
  stabilizeLegacy(desired: number, now: number, windowSeconds: number): number;
  /**
   * The two-sided rule: `current` raised to the min of the proposals strictly newer than now − upWindow and
   * lowered to the max of those strictly newer than now − downWindow (`desired` counting in both); then stores it.
   */
  stabilizeTwoSided(current: number, desired: number, now: number, upWindowSeconds: number, downWindowSeconds: number): number;
  toArray(): TimestampedRecommendation[];
}

/**
 * Recommendations is upstream's list of timestamped recommendations, slot for slot (a new proposal reuses the last
 * slot that fell out of every window), in two typed arrays.
 */
export class Recommendations implements Proposals {
  replicas: Float64Array;
  time: Float64Array;
  length = 0;

  constructor(capacity: number) {
    this.replicas = new Float64Array(Math.max(4, capacity));
    this.time = new Float64Array(Math.max(4, capacity));
  }

  static from(list: readonly TimestampedRecommendation[]): Recommendations {
    const r = new Recommendations(list.length);
    for (const rec of list) r.store(-1, rec.replicas, rec.time);
    return r;
  }

  toArray(): TimestampedRecommendation[] {
    const out: TimestampedRecommendation[] = [];
    for (let i = 0; i < this.length; i++) out.push({ replicas: this.replicas[i], time: this.time[i] });
    return out;
  }

  stabilizeLegacy(desired: number, now: number, windowSeconds: number): number {
    let max = desired;
    let oldIndex = -1;
    const cutoff = now - windowSeconds;
    const { replicas, time, length } = this;
    for (let i = 0; i < length; i++) {
      // A recommendation exactly at the cutoff still counts here (upstream uses Before).
      if (time[i] < cutoff) oldIndex = i;
      else if (replicas[i] > max) max = replicas[i];
    }
    // The un-stabilized proposal is stored, reusing a slot that fell out of the window.
    this.store(oldIndex, desired, now);
    return max;
  }

  stabilizeTwoSided(current: number, desired: number, now: number, upWindowSeconds: number, downWindowSeconds: number): number {
    const upCutoff = now - upWindowSeconds;
    const downCutoff = now - downWindowSeconds;
    let up = desired;
    let down = desired;
    let oldIndex = -1;
    const { replicas: counts, time, length } = this;
    for (let i = 0; i < length; i++) {
      const t = time[i];
      // Strictly newer than the cutoff: with a zero window the past never counts.
      if (t > upCutoff) up = Math.min(up, counts[i]);
      if (t > downCutoff) down = Math.max(down, counts[i]);
      if (t < upCutoff && t < downCutoff) oldIndex = i;
    }
    this.store(oldIndex, desired, now);
    return clampStabilized(current, up, down);
  }

  /** store puts a recommendation in slot `oldIndex` (one that fell out of every window), or appends it when that is −1. */
  store(oldIndex: number, replicas: number, time: number): void {
    let i = oldIndex;
    if (i < 0) {
      if (this.length === this.time.length) {
        this.replicas = grown(this.replicas, this.length * 2);
        this.time = grown(this.time, this.length * 2);
      }
      i = this.length++;
    }
    this.replicas[i] = replicas;
    this.time[i] = time;
  }
}

/** clampStabilized raises `current` to the scale-up bound, then lowers it to the scale-down bound. */
function clampStabilized(current: number, up: number, down: number): number {
  let replicas = current;
  if (replicas < up) replicas = up;
  if (replicas > down) replicas = down;
  return replicas;
}

/**
 * RecommendationWindow is the controller's history of proposals. Every decision is upstream's: the same window
 * rules, over the same proposals, as `Recommendations`. What differs is the keeping: proposals are held in time
 * order and dropped once older than every window (upstream reuses one such slot and leaves the others; no window
 * reaches them either way), and each window's extreme comes from a monotonic queue, so a sync costs O(1) amortized
 * instead of a scan of the whole window (40 proposals for a 10-minute window).
 *
 * It relies on what a running controller does: its windows are fixed (they come from its spec and options), and
 * its syncs move forward in time. A history restored out of order is sorted; should a sync come earlier than the
 * last one, or under other windows, the queues are rebuilt from the proposals still held, which are all upstream
 * could use unless the windows grew. Exported for the tests that hold it to `Recommendations`.
 */
export class RecommendationWindow implements Proposals {
  /** Proposals in time order in [start, end) of these arrays. */
  private time: Float64Array;
  private replicas: Float64Array;
  private start = 0;
  private end = 0;
  /** Indices of the window's max candidates (values falling, times rising) in [maxStart, maxEnd). */
  private maxQ: Int32Array;
  private maxStart = 0;
  private maxEnd = 0;
  /** Indices of the window's min candidates (values rising, times rising) in [minStart, minEnd). */
  private minQ: Int32Array;
  private minStart = 0;
  private minEnd = 0;
  /** The rule and windows the queues were last trimmed for, and when: queues are valid only going forward. */
  private lastRule = '';
  private lastUp = NaN;
  private lastDown = NaN;
  private lastNow = -Infinity;

  constructor(list: readonly TimestampedRecommendation[]) {
    const n = Math.max(64, list.length * 2);
    this.time = new Float64Array(n);
    this.replicas = new Float64Array(n);
    this.maxQ = new Int32Array(n);
    this.minQ = new Int32Array(n);
    this.load(list);
  }

  /** load replaces the history with the list, in time order (the sort is stable: equal times keep list order). */
  private load(list: readonly TimestampedRecommendation[]): void {
    this.start = this.end = this.maxStart = this.maxEnd = this.minStart = this.minEnd = 0;
    this.lastRule = '';
    for (const r of [...list].sort((a, b) => a.time - b.time)) this.append(r.replicas, r.time);
  }

  toArray(): TimestampedRecommendation[] {
    const out: TimestampedRecommendation[] = [];
    for (let i = this.start; i < this.end; i++) out.push({ replicas: this.replicas[i], time: this.time[i] });
    return out;
  }

  stabilizeLegacy(desired: number, now: number, windowSeconds: number): number {
    this.prepare('legacy', now, NaN, windowSeconds);
    const cutoff = now - windowSeconds;
    // Proposals at the cutoff count (upstream uses Before): only older ones leave the queue and the history.
    while (this.maxStart < this.maxEnd && this.time[this.maxQ[this.maxStart]] < cutoff) this.maxStart++;
    while (this.start < this.end && this.time[this.start] < cutoff) this.start++;
    let max = desired;
    if (this.maxStart < this.maxEnd && this.replicas[this.maxQ[this.maxStart]] > max) max = this.replicas[this.maxQ[this.maxStart]];
    this.append(desired, now);
    return max;
  }

  stabilizeTwoSided(current: number, desired: number, now: number, upWindowSeconds: number, downWindowSeconds: number): number {
    this.prepare('two-sided', now, upWindowSeconds, downWindowSeconds);
    const upCutoff = now - upWindowSeconds;
    const downCutoff = now - downWindowSeconds;
    // Strictly newer than the cutoff counts: with a zero window the past never does.
    while (this.minStart < this.minEnd && this.time[this.minQ[this.minStart]] <= upCutoff) this.minStart++;
    while (this.maxStart < this.maxEnd && this.time[this.maxQ[this.maxStart]] <= downCutoff) this.maxStart++;
    while (this.start < this.end && this.time[this.start] < upCutoff && this.time[this.start] < downCutoff) this.start++;
    let up = desired;
    let down = desired;
    // Proposals are whole numbers (int32 upstream), so plain comparisons pick what the scan's Math.min/max would.
    if (this.minStart < this.minEnd && this.replicas[this.minQ[this.minStart]] < up) up = this.replicas[this.minQ[this.minStart]];
    if (this.maxStart < this.maxEnd && this.replicas[this.maxQ[this.maxStart]] > down) down = this.replicas[this.maxQ[this.maxStart]];
    this.append(desired, now);
    return clampStabilized(current, up, down);
  }

  /** prepare rebuilds the queues unless this sync moves forward under the rule and windows they were trimmed for. */
  private prepare(rule: string, now: number, up: number, down: number): void {
    if (rule === this.lastRule && Object.is(up, this.lastUp) && down === this.lastDown && now >= this.lastNow) {
      this.lastNow = now;
      return;
    }
    this.lastRule = rule;
    this.lastUp = up;
    this.lastDown = down;
    this.lastNow = now;
    this.maxStart = this.maxEnd = this.minStart = this.minEnd = 0;
    for (let i = this.start; i < this.end; i++) this.enqueue(i);
  }

  /** append adds a proposal at the back (or, when older than the newest, re-sorts the history). */
  private append(replicas: number, time: number): void {
    if (this.end > this.start && time < this.time[this.end - 1]) {
      this.load([...this.toArray(), { replicas, time }]);
      return;
    }
    if (this.end === this.time.length) this.makeRoom();
    const i = this.end++;
    this.time[i] = time;
    this.replicas[i] = replicas;
    this.enqueue(i);
  }

  /** enqueue adds proposal i to the back of both queues, dropping the candidates it outlives and outranks. */
  private enqueue(i: number): void {
    const v = this.replicas[i];
    while (this.maxEnd > this.maxStart && this.replicas[this.maxQ[this.maxEnd - 1]] <= v) this.maxEnd--;
    this.maxQ[this.maxEnd++] = i;
    while (this.minEnd > this.minStart && this.replicas[this.minQ[this.minEnd - 1]] >= v) this.minEnd--;
    this.minQ[this.minEnd++] = i;
  }

  /** makeRoom moves the live proposals and queues to the front of their arrays, growing them when half full. */
  private makeRoom(): void {
    const live = this.end - this.start;
    const size = live * 2 > this.time.length ? this.time.length * 2 : this.time.length;
    const shift = (from: Float64Array): Float64Array => {
      const to = size === from.length ? from : new Float64Array(size);
      to.set(from.subarray(this.start, this.end));
      return to;
    };
    const moveQueue = (q: Int32Array, qs: number, qe: number): Int32Array => {
      const to = size === q.length ? q : new Int32Array(size);
      for (let k = qs; k < qe; k++) to[k - qs] = q[k] - this.start;
      return to;
    };
    this.time = shift(this.time);
    this.replicas = shift(this.replicas);
    this.maxQ = moveQueue(this.maxQ, this.maxStart, this.maxEnd);
    this.maxEnd -= this.maxStart;
    this.maxStart = 0;
    this.minQ = moveQueue(this.minQ, this.minStart, this.minEnd);
    this.minEnd -= this.minStart;
    this.minStart = 0;
    this.end = live;
    this.start = 0;
  }
}

/** stabilizeRecommendation is the legacy rule: the max of this proposal and every proposal in the window. */
export function stabilizeRecommendation(recommendations: TimestampedRecommendation[], desired: number, now: number, windowSeconds: number): { replicas: number; recommendations: TimestampedRecommendation[] } {
  const next = Recommendations.from(recommendations);
  return { replicas: next.stabilizeLegacy(desired, now, windowSeconds), recommendations: next.toArray() };
}

/** calculateScaleUpLimit is the legacy scale-up cap per sync: max(2 x current, 4). */
export function calculateScaleUpLimit(currentReplicas: number): number {
  return floatToInt32(Math.max(2 * currentReplicas, 4));
}

/** convertDesiredReplicasWithRules clamps a legacy recommendation to [min, min(max, scale-up cap)]. */
export function convertDesiredReplicasWithRules(currentReplicas: number, desiredReplicas: number, minReplicas: number, maxReplicas: number): { replicas: number; reason: LimitReason } {
  const out = { replicas: 0 };
  const reason = legacyLimit(out, currentReplicas, desiredReplicas, minReplicas, maxReplicas);
  return { replicas: out.replicas, reason };
}

/** legacyLimit is convertDesiredReplicasWithRules setting `out.replicas` and returning the reason (no object per sync). */
function legacyLimit(out: { replicas: number }, currentReplicas: number, desiredReplicas: number, minReplicas: number, maxReplicas: number): LimitReason {
  // The cap guards against bursts of bogus usage reports scaling far in one step.
  const scaleUpLimit = calculateScaleUpLimit(currentReplicas);
  const capped = maxReplicas > scaleUpLimit;
  const maxAllowed = capped ? scaleUpLimit : maxReplicas;
  if (desiredReplicas < minReplicas) {
    out.replicas = minReplicas;
    return 'TooFewReplicas';
  }
  if (desiredReplicas > maxAllowed) {
    out.replicas = maxAllowed;
    return capped ? 'ScaleUpLimit' : 'TooManyReplicas';
  }
  out.replicas = desiredReplicas;
  return 'DesiredWithinRange';
}

/** Result of a normalisation: the count to set and why. */
export interface Normalized {
  replicas: number;
  /** The stabilized recommendation before rate and range limits. */
  stabilized: number;
  /** Stabilization reason when stabilization changed the proposal, else the limit reason. */
  reason: LimitReason | 'ScaleUpStabilized' | 'ScaleDownStabilized';
  recommendations: TimestampedRecommendation[];
}

/** Normalization is a normalisation's outcome without the proposals (the controller rewrites one at each sync). */
type Normalization = Omit<Normalized, 'recommendations'>;

function newNormalization(): Normalization {
  return { replicas: 0, stabilized: 0, reason: 'DesiredWithinRange' };
}

function pickReason(limit: LimitReason, stabilization: 'ScaleUpStabilized' | 'ScaleDownStabilized', prenormalized: number, stabilized: number): Normalized['reason'] {
  if (limit !== 'DesiredWithinRange') return limit;
  return stabilized !== prenormalized ? stabilization : 'DesiredWithinRange';
}

/** normalizeDesiredReplicas is the legacy path (behavior == nil): stabilize, then clamp with the 2x/4 cap. */
export function normalizeDesiredReplicas(a: LegacyNormalizeArgs): Normalized {
  const next = Recommendations.from(a.recommendations);
  const n = normalizeInPlace(newNormalization(), next, a.currentReplicas, a.desiredReplicas, a.minReplicas, a.maxReplicas, a.now, a.downscaleStabilization);
  return { replicas: n.replicas, stabilized: n.stabilized, reason: n.reason, recommendations: next.toArray() };
}

/** Arguments of normalizeDesiredReplicas. */
export interface LegacyNormalizeArgs {
  recommendations: TimestampedRecommendation[];
  currentReplicas: number;
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  now: number;
  downscaleStabilization: number;
}

/**
 * normalizeInPlace is normalizeDesiredReplicas storing the proposal in `recommendations`, which the caller owns,
 * and writing the outcome into `out`; it takes positional arguments (no objects per sync).
 */
function normalizeInPlace(out: Normalization, recommendations: Proposals, current: number, desired: number, min: number, max: number, now: number, downscaleStabilization: number): Normalization {
  const stabilized = recommendations.stabilizeLegacy(desired, now, downscaleStabilization);
  const limit = legacyLimit(out, current, stabilized, min, max);
  out.stabilized = stabilized;
  out.reason = pickReason(limit, 'ScaleDownStabilized', desired, stabilized);
  return out;
}

/** getReplicasChangePerPeriod sums the changes of the events newer than the period (strictly). */
export function getReplicasChangePerPeriod(periodSeconds: number, events: ScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds;
  let sum = 0;
  for (const e of events) if (e.time > cutoff) sum += e.change;
  return sum;
}

function periodStartReplicas(current: number, periodSeconds: number, upEvents: ScaleEvent[], downEvents: ScaleEvent[], now: number): number {
  // The count at the start of the period: undo the changes made within it, in both directions.
  return current - getReplicasChangePerPeriod(periodSeconds, upEvents, now) + getReplicasChangePerPeriod(periodSeconds, downEvents, now);
}

/** calculateScaleUpLimitWithScalingRules is the highest count the scale-up policies allow now. */
export function calculateScaleUpLimitWithScalingRules(currentReplicas: number, upEvents: ScaleEvent[], downEvents: ScaleEvent[], rules: ScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return currentReplicas;
  // For scaling up, Min picks the policy allowing the smallest change, Max the largest.
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? MAX_INT32 : MIN_INT32;
  for (const p of rules.policies) {
    const start = periodStartReplicas(currentReplicas, p.periodSeconds, upEvents, downEvents, now);
    // A percent limit is rounded up, or a small count could never grow.
    const proposed = p.type === 'Pods' ? start + p.value : ceilToInt32(start * (1 + p.value / 100));
    result = pickMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** calculateScaleDownLimitWithBehaviors is the lowest count the scale-down policies allow now. */
export function calculateScaleDownLimitWithBehaviors(currentReplicas: number, upEvents: ScaleEvent[], downEvents: ScaleEvent[], rules: ScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return currentReplicas;
  // For scaling down, Min (smallest change) means the highest floor.
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? MIN_INT32 : MAX_INT32;
  for (const p of rules.policies) {
    const start = periodStartReplicas(currentReplicas, p.periodSeconds, upEvents, downEvents, now);
    // A percent limit on scale-down is truncated toward zero.
    const proposed = p.type === 'Pods' ? start - p.value : floatToInt32(start * (1 - p.value / 100));
    result = pickMin ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** Arguments of the behavior-path functions. */
export interface BehaviorArgs {
  currentReplicas: number;
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
  now: number;
}

/** convertDesiredReplicasWithBehaviorRate applies the policies' rate limits and the min/max range. */
export function convertDesiredReplicasWithBehaviorRate(a: BehaviorArgs): { replicas: number; reason: LimitReason } {
  const out = { replicas: 0 };
  const reason = behaviorRate(out, a.currentReplicas, a.desiredReplicas, a.minReplicas, a.maxReplicas, a.scaleUp, a.scaleDown, a.scaleUpEvents, a.scaleDownEvents, a.now);
  return { replicas: out.replicas, reason };
}

/**
 * behaviorRate is convertDesiredReplicasWithBehaviorRate with positional arguments, setting `out.replicas` and
 * returning the reason (no objects per sync).
 */
function behaviorRate(out: { replicas: number }, current: number, desired: number, min: number, max: number, scaleUp: ScalingRules, scaleDown: ScalingRules, upEvents: ScaleEvent[], downEvents: ScaleEvent[], now: number): LimitReason {
  out.replicas = desired;
  if (desired > current) {
    // Until older scale-up events expire, the limit never goes below the current count. So from maxReplicas up it
    // cannot cap below the range, and it (a pure function of the events) is not computed.
    const limit = current >= max ? current : Math.max(current, calculateScaleUpLimitWithScalingRules(current, upEvents, downEvents, scaleUp, now));
    const capped = max > limit;
    const maxAllowed = capped ? limit : max;
    if (desired > maxAllowed) {
      out.replicas = maxAllowed;
      return capped ? 'ScaleUpLimit' : 'TooManyReplicas';
    }
  } else if (desired < current) {
    // Likewise the floor is never above the current count: from minReplicas down the range decides.
    const limit = current <= min ? current : Math.min(current, calculateScaleDownLimitWithBehaviors(current, upEvents, downEvents, scaleDown, now));
    const floored = min < limit;
    const minAllowed = floored ? limit : min;
    if (desired < minAllowed) {
      out.replicas = minAllowed;
      return floored ? 'ScaleDownLimit' : 'TooFewReplicas';
    }
  }
  return 'DesiredWithinRange';
}

/** Arguments of stabilizeRecommendationWithBehaviors. */
export interface BehaviorStabilizeArgs {
  recommendations: TimestampedRecommendation[];
  currentReplicas: number;
  desiredReplicas: number;
  upWindowSeconds: number;
  downWindowSeconds: number;
  now: number;
}

/**
 * stabilizeRecommendationWithBehaviors is the two-sided window: the lowest proposal within the
 * scale-up window bounds scale-up, the highest within the scale-down window bounds scale-down.
 */
export function stabilizeRecommendationWithBehaviors(a: BehaviorStabilizeArgs): { replicas: number; reason: 'ScaleUpStabilized' | 'ScaleDownStabilized'; recommendations: TimestampedRecommendation[] } {
  const next = Recommendations.from(a.recommendations);
  const replicas = next.stabilizeTwoSided(a.currentReplicas, a.desiredReplicas, a.now, a.upWindowSeconds, a.downWindowSeconds);
  return { replicas, reason: a.desiredReplicas >= a.currentReplicas ? 'ScaleUpStabilized' : 'ScaleDownStabilized', recommendations: next.toArray() };
}

/** Arguments of normalizeDesiredReplicasWithBehaviors. */
export type BehaviorNormalizeArgs = Omit<BehaviorArgs, 'scaleUp' | 'scaleDown'> & { behavior: Behavior; recommendations: TimestampedRecommendation[]; downscaleStabilization: number };

/** normalizeDesiredReplicasWithBehaviors is the behavior path: two-sided stabilization, then rate limits. */
export function normalizeDesiredReplicasWithBehaviors(a: BehaviorNormalizeArgs): Normalized {
  const next = Recommendations.from(a.recommendations);
  const n = normalizeWithBehaviorsInPlace(newNormalization(), next, a.behavior, a.currentReplicas, a.desiredReplicas, a.minReplicas, a.maxReplicas, a.scaleUpEvents, a.scaleDownEvents, a.now, a.downscaleStabilization);
  return { replicas: n.replicas, stabilized: n.stabilized, reason: n.reason, recommendations: next.toArray() };
}

/**
 * normalizeWithBehaviorsInPlace is normalizeDesiredReplicasWithBehaviors storing the proposal in `recommendations`,
 * which the caller owns, and writing the outcome into `out`; it takes positional arguments (no objects per sync).
 */
function normalizeWithBehaviorsInPlace(out: Normalization, recommendations: Proposals, behavior: Behavior, current: number, desired: number, min: number, max: number, upEvents: ScaleEvent[], downEvents: ScaleEvent[], now: number, downscaleStabilization: number): Normalization {
  // A behavior that leaves the scale-down window unset gets the controller flag (maybeInitScaleDownStabilizationWindow).
  const downWindow = behavior.scaleDown.stabilizationWindowSeconds ?? downscaleStabilization;
  const stabilized = recommendations.stabilizeTwoSided(current, desired, now, behavior.scaleUp.stabilizationWindowSeconds ?? 0, downWindow);
  const limit = behaviorRate(out, current, stabilized, min, max, behavior.scaleUp, behavior.scaleDown, upEvents, downEvents, now);
  out.stabilized = stabilized;
  out.reason = pickReason(limit, desired >= current ? 'ScaleUpStabilized' : 'ScaleDownStabilized', desired, stabilized);
  return out;
}

function longestPolicyPeriod(rules: ScalingRules): number {
  let longest = 0;
  for (const p of rules.policies) longest = Math.max(longest, p.periodSeconds);
  return longest;
}

/** storeScaleEvent records a change for the behavior policies, reusing a slot older than the longest period. */
export function storeScaleEvent(behavior: Behavior | undefined, events: { up: ScaleEvent[]; down: ScaleEvent[] }, prevReplicas: number, newReplicas: number, now: number): { up: ScaleEvent[]; down: ScaleEvent[] } {
  // Without a behavior the events would never be read, so the controller keeps none.
  if (!behavior) return events;
  const upward = newReplicas > prevReplicas;
  const list = (upward ? events.up : events.down).slice();
  recordScaleEvent(list, upward ? behavior.scaleUp : behavior.scaleDown, Math.abs(newReplicas - prevReplicas), now);
  return upward ? { up: list, down: events.down } : { up: events.up, down: list };
}

/**
 * recordScaleEvent is storeScaleEvent's body on one direction's list, which it changes in place. The events
 * themselves are never changed (copies of the list may share them): an event that turns outdated is replaced.
 */
function recordScaleEvent(events: ScaleEvent[], rules: ScalingRules, change: number, now: number): void {
  const cutoff = now - longestPolicyPeriod(rules);
  let slot = -1;
  for (let i = 0; i < events.length; i++) {
    let e = events[i];
    // Events keep one shape (a literal, not a spread), so the code that reads them stays monomorphic.
    if (e.time < cutoff && !e.outdated) {
      e = { change: e.change, time: e.time, outdated: true };
      events[i] = e;
    }
    if (e.outdated) slot = i;
  }
  const entry: ScaleEvent = { change, time: now, outdated: false };
  if (slot >= 0) events[slot] = entry;
  else events.push(entry);
}

// ---------------------------------------------------------------- controller

/** PodStatus is a pod of the scale target as the HPA sees it. */
export interface PodStatus {
  name: string;
  phase: 'Pending' | 'Running' | 'Failed';
  ready: boolean;
  /** A deletion timestamp is set. */
  deleting: boolean;
  /** Seconds; undefined = not started (counted unready for CPU). */
  startTime?: number;
  /** Last transition of the Ready condition; undefined = no Ready condition yet (counted unready for CPU). */
  readyTransitionTime?: number;
}

/** MetricReading is what the metrics APIs return for one `spec.metrics[i]`, in milli-units. */
export type MetricReading =
  | {
      kind: 'resource';
      /** Usage per pod (for ContainerResource, of that container); pods without an entry are missing. */
      usageMilli: Map<string, number>;
      /** Request per pod for the resource (needed by Utilization targets). */
      requestMilli: Map<string, number>;
      /** Time of the samples (seconds); defaults to the reconcile time. */
      timestamp?: number;
      /** Seconds the samples cover; defaults to HpaOptions.resourceMetricWindow. */
      windowSeconds?: number;
    }
  | { kind: 'pods'; valueMilli: Map<string, number> }
  | { kind: 'object' | 'external'; valuesMilli: number[] }
  | { kind: 'error'; message: string };

/** HpaReason says what decided the count of one reconcile. */
export type HpaReason = LimitReason | 'ScaleUpStabilized' | 'ScaleDownStabilized' | 'ScalingDisabled' | 'AboveMaxReplicas' | 'BelowMinReplicas' | 'FailedGetMetrics';

/** HpaDecision is the outcome of one reconcile (an object the controller rewrites at the next one). */
export interface HpaDecision {
  desiredReplicas: number;
  /** Max over the metric proposals; undefined when metrics were not evaluated or all failed. */
  metricReplicas: number | undefined;
  reason: HpaReason;
  perMetric: Array<{ replicas?: number; error?: string }>;
  /** The scale subresource was updated (desired differs from current). */
  scaled: boolean;
  /** The stabilized recommendation, when normalisation ran. */
  stabilizedReplicas?: number;
  /** Why metrics failed, when they did. */
  error?: string;
}

/** HpaHistory is the controller's in-memory state for one HPA. */
export interface HpaHistory {
  /** Undefined until the first reconcile records the current count. */
  recommendations: TimestampedRecommendation[] | undefined;
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

/**
 * optionsWith is the defaults overridden by `opts`, as `{ ...DEFAULT_HPA_OPTIONS, ...opts }` would give, but built
 * from a literal: V8 gives a spread's result another shape after a few calls, which deoptimizes the code reading
 * the options once per process, in the middle of a run.
 */
function optionsWith(opts: Partial<HpaOptions> | undefined): HpaOptions {
  const d = DEFAULT_HPA_OPTIONS;
  const options: HpaOptions = { syncPeriod: d.syncPeriod, tolerance: d.tolerance, downscaleStabilization: d.downscaleStabilization, cpuInitializationPeriod: d.cpuInitializationPeriod, delayOfInitialReadinessStatus: d.delayOfInitialReadinessStatus, configurableTolerance: d.configurableTolerance, resourceMetricWindow: d.resourceMetricWindow };
  return Object.assign(options, opts);
}

/** tolerancesFor resolves the tolerances of an HPA: per-direction overrides need a behavior and the gate. */
export function tolerancesFor(spec: HpaSpec, opts: HpaOptions): Tolerances {
  const base = { up: opts.tolerance, down: opts.tolerance };
  if (!spec.behavior || !opts.configurableTolerance) return base;
  return { up: spec.tolerance?.up ?? base.up, down: spec.tolerance?.down ?? base.down };
}

/**
 * cpuPodState is groupPods' CPU readiness rule. While a pod is young, its CPU sample is ignored unless it
 * is ready and the sample was taken a full window after it became ready (start-up CPU spikes would
 * otherwise trigger scale-ups); later, only a pod that never became ready is ignored.
 */
export function cpuPodState(pod: PodStatus, sampleTime: number, windowSeconds: number, now: number, opts: HpaOptions): 'ready' | 'unready' {
  if (pod.readyTransitionTime === undefined || pod.startTime === undefined) return 'unready';
  if (pod.startTime + opts.cpuInitializationPeriod > now) {
    return !pod.ready || sampleTime < pod.readyTransitionTime + windowSeconds ? 'unready' : 'ready';
  }
  return !pod.ready && pod.startTime + opts.delayOfInitialReadinessStatus > pod.readyTransitionTime ? 'unready' : 'ready';
}

function calcState(pod: PodStatus): CalcPodState | undefined {
  if (pod.deleting) return 'deleting';
  if (pod.phase === 'Failed') return 'failed';
  if (pod.phase === 'Pending') return 'pending';
  return undefined;
}

interface MetricContext {
  specReplicas: number;
  statusReplicas: number;
  pods: PodStatus[];
  now: number;
  tolerances: Tolerances;
  opts: HpaOptions;
}

/** resourceCalcPods is how the replica calculator sees the pods for a resource metric (CPU has its readiness rule). */
function resourceCalcPods(resource: string, reading: Extract<MetricReading, { kind: 'resource' }>, c: MetricContext): CalcPod[] {
  const sampleTime = reading.timestamp ?? c.now;
  const window = reading.windowSeconds ?? c.opts.resourceMetricWindow;
  return c.pods.map((p) => ({
    name: p.name,
    state: calcState(p) ?? (resource === 'cpu' ? cpuPodState(p, sampleTime, window, c.now, c.opts) : 'ready'),
    requestMilli: reading.requestMilli.get(p.name),
  }));
}

/**
 * metricReplicas proposes a count for one metric spec from its reading: a bare count, or the error (no object per
 * sync unless the metric fails, and no closure: a captured variable would cost a context allocation each call).
 */
function metricReplicas(spec: MetricSpec, reading: MetricReading | undefined, c: MetricContext): number | CalcError {
  if (!reading) return { error: 'no reading for this metric' };
  if (reading.kind === 'error') return { error: reading.message };
  switch (spec.type) {
    case 'Resource':
    case 'ContainerResource': {
      if (reading.kind !== 'resource') return { error: `expected a resource reading, got ${reading.kind}` };
      if (reading.usageMilli.size === 0) return { error: 'no metrics returned from resource metrics API' };
      const pods = resourceCalcPods(spec.name, reading, c);
      let r: UsageReplicas | ResourceReplicas | CalcError;
      if (spec.target.type === 'AverageValue') r = getRawResourceReplicas({ currentReplicas: c.specReplicas, targetUsageMilli: spec.target.milli, pods, valueMilli: reading.usageMilli, tolerances: c.tolerances });
      else if (spec.target.type === 'Utilization') r = getResourceReplicas({ currentReplicas: c.specReplicas, targetUtilization: spec.target.averageUtilization, pods, usageMilli: reading.usageMilli, tolerances: c.tolerances, resource: spec.name });
      else return { error: 'a resource metric needs an averageUtilization or averageValue target' };
      return isCalcError(r) ? r : r.replicas;
    }
    case 'Pods': {
      if (reading.kind !== 'pods') return { error: `expected a pods reading, got ${reading.kind}` };
      if (reading.valueMilli.size === 0) return { error: 'no metrics returned from custom metrics API' };
      if (spec.target.type !== 'AverageValue') return { error: 'a Pods metric needs an averageValue target' };
      // Readiness is not consulted for custom metrics: a running pod that reports a value counts.
      const pods: CalcPod[] = [];
      for (const p of c.pods) pods.push({ name: p.name, state: calcState(p) ?? 'ready' });
      const r = getMetricReplicas({ currentReplicas: c.specReplicas, targetUsageMilli: spec.target.milli, pods, valueMilli: reading.valueMilli, tolerances: c.tolerances });
      return isCalcError(r) ? r : r.replicas;
    }
    case 'Object':
    case 'External': {
      const want = spec.type === 'Object' ? 'object' : 'external';
      if (reading.kind !== want) return { error: `expected an ${want} reading, got ${reading.kind}` };
      if (reading.valuesMilli.length === 0) return { error: `no metrics returned for ${spec.type} metric ${spec.name}` };
      const t = spec.target;
      if (t.type === 'Utilization') return { error: `${spec.type} metrics take a value or averageValue target` };
      // The bodies of getObject(PerPod)MetricReplicas and getExternal(PerPod)MetricReplicas, without their argument
      // and result objects (this runs at every sync).
      if (!(t.milli > 0)) return { error: 'target must be positive' };
      const usage = spec.type === 'Object' ? reading.valuesMilli[0] : sumOf(reading.valuesMilli);
      if (t.type === 'Value') return usageRatioReplicaCount(c.specReplicas, readyRunningCount(c.pods), c.pods.length, c.tolerances, usage / t.milli);
      return perPodReplicaCount(c.statusReplicas, t.milli, usage, c.tolerances);
    }
  }
}

/** readyRunningCount counts the pods in phase Running with Ready=True (what Value targets multiply by). */
function readyRunningCount(pods: PodStatus[]): number {
  let n = 0;
  for (const p of pods) if (p.phase === 'Running' && p.ready) n++;
  return n;
}

/**
 * proposeReplicas keeps the largest proposal over the metrics, writing each metric's outcome into `perMetric` (its
 * entries are reused): the proposal, or -1 when the metrics cannot decide. A broken metric blocks everything when
 * all metrics are broken, and blocks scale-down when any is: the HPA never scales down on partial data.
 */
function proposeReplicas(specs: MetricSpec[], readings: MetricReading[], c: MetricContext, perMetric: HpaDecision['perMetric']): number {
  let replicas = 0;
  let invalid = 0;
  for (let i = 0; i < specs.length; i++) {
    const r = metricReplicas(specs[i], readings[i], c);
    let entry = perMetric[i];
    if (entry === undefined) {
      entry = { replicas: undefined, error: undefined };
      perMetric[i] = entry;
    }
    if (typeof r !== 'number') {
      entry.replicas = undefined;
      entry.error = r.error;
      invalid++;
      continue;
    }
    entry.replicas = r;
    entry.error = undefined;
    if (replicas === 0 || r > replicas) replicas = r;
  }
  truncate(perMetric, specs.length);
  if (specs.length === 0 || invalid >= specs.length || (invalid > 0 && replicas < c.specReplicas)) return -1;
  return replicas;
}

/** truncate cuts an array to n entries; only a longer one is touched (setting the length is a runtime call). */
function truncate(list: unknown[], n: number): void {
  if (list.length > n) list.length = n;
}

/** metricsError is the message for the metrics that failed (as upstream words it), undefined when none did. */
function metricsError(perMetric: HpaDecision['perMetric']): string | undefined {
  if (perMetric.length === 0) return 'the HPA has no metrics';
  let invalid = 0;
  let firstError: string | undefined;
  for (const m of perMetric) {
    if (m.error === undefined) continue;
    invalid++;
    firstError ??= m.error;
  }
  return firstError === undefined ? undefined : `invalid metrics (${invalid} invalid out of ${perMetric.length}), first error is: ${firstError}`;
}

/**
 * HpaController is one HPA inside the controller: call `reconcile` every `syncPeriod` seconds with
 * the scale subresource, the pods matched by the selector and one reading per metric.
 */
export class HpaController {
  readonly options: HpaOptions;
  private recommendations: RecommendationWindow | undefined;
  private scaleUpEvents: ScaleEvent[] = [];
  private scaleDownEvents: ScaleEvent[] = [];
  private lastSync: number | undefined;
  /** When the controller last changed the scale, in seconds. */
  lastScaleTime: number | undefined;

  /** The tolerances in effect, fixed by the spec and the options. */
  private readonly tolerance: Tolerances;
  /** What reconcile hands the calculators, the normalisation's outcome and the decision: rewritten at each sync. */
  private readonly context: MetricContext;
  private readonly normalization = newNormalization();
  private readonly decision: HpaDecision = { desiredReplicas: 0, metricReplicas: undefined, reason: 'DesiredWithinRange', perMetric: [], scaled: false, stabilizedReplicas: undefined, error: undefined };

  constructor(readonly spec: HpaSpec, opts?: Partial<HpaOptions>) {
    this.options = optionsWith(opts);
    this.tolerance = tolerancesFor(spec, this.options);
    this.context = { specReplicas: 0, statusReplicas: 0, pods: [], now: 0, tolerances: this.tolerance, opts: this.options };
  }

  /** dueAt is when the next reconcile is due (the first one immediately). */
  dueAt(): number {
    return this.lastSync === undefined ? -Infinity : this.lastSync + this.options.syncPeriod;
  }

  /** tolerances in effect for this HPA. */
  tolerances(): Tolerances {
    return { ...this.tolerance };
  }

  /** history returns a copy of the stored recommendations and scale events. */
  history(): HpaHistory {
    return { recommendations: this.recommendations?.toArray(), scaleUpEvents: this.scaleUpEvents.slice(), scaleDownEvents: this.scaleDownEvents.slice() };
  }

  /** restore replaces the stored history, e.g. to resume a simulation or replay an upstream test case. */
  restore(h: HpaHistory): void {
    this.recommendations = h.recommendations && new RecommendationWindow(h.recommendations);
    this.scaleUpEvents = h.scaleUpEvents.slice();
    this.scaleDownEvents = h.scaleDownEvents.slice();
  }

  /**
   * reconcile runs one `reconcileAutoscaler` pass at time `now` (seconds). The decision is the controller's own
   * object, rewritten by the next reconcile (it runs every sync): read it, and copy what must be kept.
   */
  reconcile(now: number, scale: { specReplicas: number; statusReplicas: number }, pods: PodStatus[], metrics: MetricReading[]): HpaDecision {
    this.lastSync = now;
    const spec = this.spec;
    const current = scale.specReplicas;
    // First sight: remember the current count, so a new HPA cannot scale down within its first window.
    this.recommendations ??= new RecommendationWindow([{ replicas: current, time: now }]);
    const min = spec.minReplicas;
    const d = this.decision;
    d.metricReplicas = undefined;
    d.scaled = false;
    d.stabilizedReplicas = undefined;
    d.error = undefined;
    if (current === 0 && min !== 0) {
      // Scaled to zero by someone else (KEDA, a person): the HPA stands aside until the count is positive.
      d.desiredReplicas = current;
      d.reason = 'ScalingDisabled';
      truncate(d.perMetric, 0);
      return d;
    } else if (current > spec.maxReplicas) {
      // Out-of-range counts are corrected at once, without metrics, stabilization or rate limits.
      d.desiredReplicas = spec.maxReplicas;
      d.reason = 'AboveMaxReplicas';
      truncate(d.perMetric, 0);
    } else if (current < min) {
      d.desiredReplicas = min;
      d.reason = 'BelowMinReplicas';
      truncate(d.perMetric, 0);
    } else {
      const c = this.context;
      c.specReplicas = current;
      c.statusReplicas = scale.statusReplicas;
      c.pods = pods;
      c.now = now;
      const replicas = proposeReplicas(spec.metrics, metrics, c, d.perMetric);
      d.error = metricsError(d.perMetric);
      if (replicas === -1) {
        d.desiredReplicas = current;
        d.reason = 'FailedGetMetrics';
        return d;
      }
      // The controller owns its history (history() and restore() copy it), so the proposal is stored in place.
      const n = spec.behavior
        ? normalizeWithBehaviorsInPlace(this.normalization, this.recommendations, spec.behavior, current, replicas, min, spec.maxReplicas, this.scaleUpEvents, this.scaleDownEvents, now, this.options.downscaleStabilization)
        : normalizeInPlace(this.normalization, this.recommendations, current, replicas, min, spec.maxReplicas, now, this.options.downscaleStabilization);
      d.desiredReplicas = n.replicas;
      d.metricReplicas = replicas;
      d.reason = n.reason;
      d.stabilizedReplicas = n.stabilized;
    }
    if (d.desiredReplicas !== current) {
      d.scaled = true;
      // Without a behavior the events would never be read, so the controller keeps none.
      if (spec.behavior) {
        const upward = d.desiredReplicas > current;
        recordScaleEvent(upward ? this.scaleUpEvents : this.scaleDownEvents, upward ? spec.behavior.scaleUp : spec.behavior.scaleDown, Math.abs(d.desiredReplicas - current), now);
      }
      this.lastScaleTime = now;
    }
    return d;
  }
}
