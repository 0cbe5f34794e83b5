/**
 * Test vectors: upstream test cases restated as JSON (`{ id, function, input, expected }`), run
 * against the simulator's controller functions. The tests and `scalelens vectors` both call
 * `runVectorFile`, so the CLI checks exactly what the tests check.
 *
 * Encoding notes (they follow the shipped files' `schema` block):
 * - `function` may carry a parenthesised description, e.g. `GetMetricReplicas (Pods metric)`.
 * - pods are `{ state, requestMilli, usageMilli }`; `usageMilli: null` means no sample (missing).
 * - events and recommendations carry `ageSeconds`; behavior rules may be the string `"default"`.
 * - a value written `X(default)` means the field is unset and X is its default.
 * - a fallback vector without `fallback` runs with fallback disabled; a `RequestScale` vector may set the
 *   `pausedScaleIn`, `pausedScaleOut` and `forceActivation` annotations (false when absent).
 * - a `reconcileAutoscaler` vector may add a Pods metric (`podsMetricTargetAverageMilli`, AverageValue),
 *   read from each pod's `metricMilli`.
 * - a `reconcileAutoscaler` vector without pods takes them from its replica-calculator twin
 *   (`TestX` -> `TestReplicaCalcX#n`), as its note says. Its `recommendations` are the controller's
 *   stored history; none written means an empty history, as the upstream harness seeds it, so no
 *   first-sight entry is added.
 */
import {
  calculateScaleDownLimitWithBehaviors,
  calculateScaleUpLimitWithScalingRules,
  CalcPod,
  CalcPodState,
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  getExternalMetricReplicas,
  getExternalPerPodMetricReplicas,
  getMetricReplicas,
  getObjectMetricReplicas,
  getObjectPerPodMetricReplicas,
  getResourceReplicas,
  HpaController,
  isCalcError,
  MetricReading,
  PodStatus,
  ScaleEvent,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
  TimestampedRecommendation,
} from './hpa';
import { doFallback, fallbackReplicas, getMetricsWithFallback, isTriggerActive, prometheusQueryResult, requestScale, toMilli } from './keda';
import { FallbackBehavior, FallbackSpec, HpaSpec, KEDA_DEFAULTS, PartialScalingRules, ScalingPolicy, ScalingRules, Tolerances, withBehaviorDefaults } from './policy';

/** Vector is one test case. */
export interface Vector {
  id: string;
  function: string;
  input: unknown;
  expected: unknown;
  note?: string;
}

/** VectorStatus: unsupported means the function or the input encoding is unknown (it counts as a failure). */
export type VectorStatus = 'pass' | 'fail' | 'unsupported';

/** VectorResult is the outcome of one vector. */
export interface VectorResult {
  id: string;
  function: string;
  status: VectorStatus;
  /** What was compared (prose fields the runner interprets are replaced by their checkable meaning). */
  expected: unknown;
  got?: unknown;
  message?: string;
}

/** VectorFileResult is the outcome of a vector file; `error` means the file itself could not be read as vectors. */
export interface VectorFileResult {
  results: VectorResult[];
  error?: string;
}

/** Thrown by the input readers; turned into an `unsupported` result. */
class BadInput extends Error {}

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Typed reads from a vector's input. */
class In {
  constructor(private readonly o: Obj, private readonly path = 'input') {}
  has(k: string): boolean {
    return this.o[k] !== undefined;
  }
  raw(k: string): unknown {
    return this.o[k];
  }
  num(k: string, fallback?: number): number {
    const v = this.o[k];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new BadInput(`${this.path}.${k} must be a number`);
    return v;
  }
  optNum(k: string): number | undefined {
    return this.o[k] === undefined || this.o[k] === null ? undefined : this.num(k);
  }
  bool(k: string, fallback?: boolean): boolean {
    const v = this.o[k];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'boolean') throw new BadInput(`${this.path}.${k} must be true or false`);
    return v;
  }
  str(k: string): string {
    const v = this.o[k];
    if (typeof v !== 'string') throw new BadInput(`${this.path}.${k} must be a string`);
    return v;
  }
  nums(k: string): number[] {
    const v = this.o[k];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw new BadInput(`${this.path}.${k} must be a list of numbers`);
    return v as number[];
  }
  list(k: string): In[] {
    const v = this.o[k] ?? [];
    if (!Array.isArray(v) || v.some((x) => !isObj(x))) throw new BadInput(`${this.path}.${k} must be a list of objects`);
    return (v as Obj[]).map((x, i) => new In(x, `${this.path}.${k}[${i}]`));
  }
  obj(k: string): In {
    const v = this.o[k];
    if (!isObj(v)) throw new BadInput(`${this.path}.${k} must be an object`);
    return new In(v, `${this.path}.${k}`);
  }
}

/** Evaluation time for vectors; ages are subtracted from it. */
const NOW = 1_000_000;

/** VectorContext is the whole file (for twins) and its defaults. */
export interface VectorContext {
  vectors: Vector[];
  defaults: Obj;
}

/** A handler returns what it computed and, when it interprets prose fields, the checkable expectation. */
type Handler = (input: In, v: Vector, ctx: VectorContext) => { got: Obj; expected?: Obj };

function tolerances(i: In): Tolerances | undefined {
  if (!i.has('toleranceUp') && !i.has('toleranceDown') && !i.has('tolerance')) return undefined;
  const both = i.num('tolerance', 0.1);
  return { up: i.num('toleranceUp', both), down: i.num('toleranceDown', both) };
}

const STATES: CalcPodState[] = ['ready', 'unready', 'pending', 'failed', 'deleting'];

function podState(p: In): CalcPodState {
  const s = p.str('state');
  if (!STATES.includes(s as CalcPodState)) throw new BadInput(`pod state '${s}' is not one of ${STATES.join(', ')}`);
  return s as CalcPodState;
}

/** calcPods turns encoded pods into calculator pods plus the sample map (null usage = missing). */
function calcPods(i: In, withRequests: boolean): { pods: CalcPod[]; usage: Map<string, number> } {
  const pods: CalcPod[] = [];
  const usage = new Map<string, number>();
  i.list('pods').forEach((p, k) => {
    const name = `pod-${k}`;
    pods.push({ name, state: podState(p), requestMilli: withRequests ? p.optNum('requestMilli') : undefined });
    const u = p.optNum('usageMilli');
    if (u !== undefined) usage.set(name, u);
  });
  return { pods, usage };
}

function ageEvents(list: In[]): ScaleEvent[] {
  return list.map((e) => ({ change: e.num('change'), time: NOW - e.num('ageSeconds'), outdated: false }));
}

function ageRecommendations(list: In[]): TimestampedRecommendation[] {
  return list.map((r) => ({ replicas: r.num('replicas'), time: NOW - r.num('ageSeconds') }));
}

function policies(x: unknown, path: string): ScalingPolicy[] {
  if (!Array.isArray(x)) throw new BadInput(`${path} must be a list`);
  return x.map((p, k) => {
    if (!isObj(p)) throw new BadInput(`${path}[${k}] must be an object`);
    const q = new In(p, `${path}[${k}]`);
    const type = q.str('type');
    if (type !== 'Pods' && type !== 'Percent') throw new BadInput(`${path}[${k}].type must be Pods or Percent`);
    return { type, value: q.num('value'), periodSeconds: q.num('periodSeconds') };
  });
}

/** rules decodes one behavior direction: "default" or a partial rules object, API defaults applied. */
function rules(i: In, key: 'scaleUp' | 'scaleDown'): ScalingRules {
  const raw = i.raw(key);
  let partial: PartialScalingRules | undefined;
  if (raw === undefined || raw === 'default') partial = undefined;
  else if (isObj(raw)) {
    const r = new In(raw, `input.${key}`);
    partial = {};
    if (r.has('stabilizationWindowSeconds')) partial.stabilizationWindowSeconds = r.num('stabilizationWindowSeconds');
    if (r.has('selectPolicy')) {
      const s = r.str('selectPolicy');
      if (s !== 'Max' && s !== 'Min' && s !== 'Disabled') throw new BadInput(`input.${key}.selectPolicy must be Max, Min or Disabled`);
      partial.selectPolicy = s;
    }
    if (r.has('policies')) partial.policies = policies(r.raw('policies'), `input.${key}.policies`);
  } else throw new BadInput(`input.${key} must be "default" or an object`);
  const full = withBehaviorDefaults({ [key]: partial })[key];
  // The schema's "default" scale-down window is the controller flag, 300 s.
  return { ...full, stabilizationWindowSeconds: full.stabilizationWindowSeconds ?? 300 };
}

/** plainDefault reads `X(default)` as "unset" and returns X, else the value itself. */
function plainDefault(v: string): { value: string; written: boolean } {
  const m = /^(\w+)\(default\)$/.exec(v);
  return m ? { value: m[1], written: false } : { value: v, written: true };
}

function fallbackSpec(i: In, ctx: VectorContext): FallbackSpec {
  const f = i.obj('fallback');
  const defaultBehavior = typeof ctx.defaults['fallback.behavior'] === 'string' ? (ctx.defaults['fallback.behavior'] as string) : 'static';
  const behavior = f.has('behavior') ? plainDefault(f.str('behavior')).value : defaultBehavior;
  const allowed: FallbackBehavior[] = ['static', 'currentReplicas', 'currentReplicasIfHigher', 'currentReplicasIfLower'];
  if (!allowed.includes(behavior as FallbackBehavior)) throw new BadInput(`fallback.behavior '${behavior}' is not one of ${allowed.join(', ')}`);
  return { failureThreshold: f.num('failureThreshold', 0), replicas: f.num('replicas'), behavior: behavior as FallbackBehavior };
}

function metricTarget(i: In): { type: 'AverageValue' | 'Value'; value: number } {
  const t = i.obj('metricTarget');
  const type = t.str('type');
  if (type === 'AverageValue') return { type, value: t.num('averageValue') };
  if (type === 'Value') return { type, value: t.num('value') };
  throw new BadInput('metricTarget.type must be AverageValue or Value');
}

/** kedaEncoded reads the `{ metricValue, threshold, metricType }` encoding of the keda file. */
function kedaEncoded(i: In, want: 'AverageValue' | 'Value'): { milli: number; targetMilli: number } {
  const type = i.has('metricType') ? i.str('metricType') : 'AverageValue';
  if (type !== want) throw new BadInput(`metricType ${type} does not match this function (${want})`);
  return { milli: toMilli(i.num('metricValue')), targetMilli: toMilli(i.num('threshold')) };
}

const POD_SENTENCE = /^(\d+) ready pods?, request (\d+)m, usage (\d+)m each$/;

/** e2ePods reads the pods of a reconcile vector: a list, a sentence, or the replica-calculator twin's. */
function e2ePods(i: In, v: Vector, ctx: VectorContext, current: number, target: number | undefined): In[] | undefined {
  const raw = i.raw('pods');
  if (typeof raw === 'string') {
    const m = POD_SENTENCE.exec(raw.trim());
    if (!m) throw new BadInput(`pods sentence '${raw}' is not "N ready pods, request Xm, usage Ym each"`);
    return Array.from({ length: Number(m[1]) }, () => new In({ state: 'ready', requestMilli: Number(m[2]), usageMilli: Number(m[3]) }));
  }
  if (raw !== undefined) return i.list('pods');
  if (target === undefined) return undefined;
  const twinId = `TestReplicaCalc${v.id.replace(/^Test/, '')}`;
  const twin = ctx.vectors.find((t) => (t.id === twinId || t.id.startsWith(`${twinId}#`)) && fnKey(t.function) === 'GetResourceReplicas');
  if (!twin || !isObj(twin.input)) throw new BadInput(`no pods given and no replica-calculator twin '${twinId}' in the file`);
  const ti = new In(twin.input, `${twin.id}.input`);
  if (ti.num('currentReplicas') !== current || ti.num('targetUtilization') !== target) throw new BadInput(`twin ${twin.id} has a different current count or target`);
  return ti.list('pods');
}

function podStatus(p: In, k: number): PodStatus {
  const long = NOW - 3600;
  const base: PodStatus = { name: `pod-${k}`, phase: 'Running', ready: true, deleting: false, startTime: long, readyTransitionTime: long };
  switch (podState(p)) {
    case 'ready': return base;
    // Never became ready: the Ready condition last changed at start, within the initial-readiness delay.
    case 'unready': return { ...base, ready: false };
    case 'pending': return { ...base, phase: 'Pending', ready: false };
    case 'failed': return { ...base, phase: 'Failed', ready: false };
    case 'deleting': return { ...base, deleting: true };
  }
}

const HANDLERS: Record<string, Handler> = {
  GetResourceReplicas: (i) => {
    const { pods, usage } = calcPods(i, true);
    if (i.has('extraMetricsForUnknownPods')) i.nums('extraMetricsForUnknownPods').forEach((u, k) => usage.set(`unknown-${k}`, u));
    const r = getResourceReplicas({ currentReplicas: i.num('currentReplicas'), targetUtilization: i.num('targetUtilization'), pods, usageMilli: usage, tolerances: tolerances(i), resource: 'cpu' });
    return { got: isCalcError(r) ? { error: r.error } : { replicas: r.replicas, utilizationPercent: r.utilization, rawAverageMilli: r.rawUtilization } };
  },
  GetMetricReplicas: (i) => {
    const { pods, usage } = calcPods(i, false);
    const r = getMetricReplicas({ currentReplicas: i.num('currentReplicas'), targetUsageMilli: i.num('targetAverageMilli'), pods, valueMilli: usage, tolerances: tolerances(i) });
    return { got: isCalcError(r) ? { error: r.error } : { replicas: r.replicas, averageMilli: r.usage } };
  },
  GetObjectMetricReplicas: (i) => {
    const r = getObjectMetricReplicas({ currentReplicas: i.num('currentReplicas'), usageMilli: i.num('usageMilli'), targetMilli: i.num('targetValueMilli'), readyPodCount: i.num('readyRunningPods'), tolerances: tolerances(i) });
    return { got: isCalcError(r) ? { error: r.error } : { replicas: r.replicas, usageMilli: r.usage } };
  },
  GetExternalMetricReplicas: (i) => {
    const hpaEncoded = i.has('seriesMilli');
    const k = hpaEncoded ? undefined : kedaEncoded(i, 'Value');
    const r = getExternalMetricReplicas({
      currentReplicas: i.num('currentReplicas'),
      seriesMilli: k ? [k.milli] : i.nums('seriesMilli'),
      targetMilli: k ? k.targetMilli : i.num('targetValueMilli'),
      readyPodCount: i.num('readyRunningPods'),
      tolerances: tolerances(i),
    });
    return { got: isCalcError(r) ? { error: r.error } : hpaEncoded ? { replicas: r.replicas, usageMilli: r.usage } : { replicas: r.replicas } };
  },
  GetObjectPerPodMetricReplicas: (i) => {
    const r = getObjectPerPodMetricReplicas({ statusReplicas: i.num('statusReplicas'), usageMilli: i.nums('seriesMilli').reduce((s, x) => s + x, 0), targetAverageMilli: i.num('targetAverageValueMilli'), tolerances: tolerances(i) });
    return { got: isCalcError(r) ? { error: r.error } : { replicas: r.replicas, usagePerPodMilli: r.usage } };
  },
  GetExternalPerPodMetricReplicas: (i) => {
    const hpaEncoded = i.has('seriesMilli');
    const k = hpaEncoded ? undefined : kedaEncoded(i, 'AverageValue');
    const r = getExternalPerPodMetricReplicas({
      statusReplicas: i.num('statusReplicas'),
      seriesMilli: k ? [k.milli] : i.nums('seriesMilli'),
      targetAverageMilli: k ? k.targetMilli : i.num('targetAverageValueMilli'),
      tolerances: tolerances(i),
    });
    return { got: isCalcError(r) ? { error: r.error } : hpaEncoded ? { replicas: r.replicas, usagePerPodMilli: r.usage } : { replicas: r.replicas } };
  },
  convertDesiredReplicasWithRules: (i) => {
    const r = convertDesiredReplicasWithRules(i.num('currentReplicas'), i.num('desiredReplicas'), i.num('minReplicas'), i.num('maxReplicas'));
    return { got: { replicas: r.replicas, condition: r.reason } };
  },
  stabilizeRecommendation: (i) => {
    const r = stabilizeRecommendation(ageRecommendations(i.list('recommendations')), i.num('desiredReplicas'), NOW, i.num('downscaleStabilizationWindowSeconds'));
    return { got: { replicas: r.replicas } };
  },
  convertDesiredReplicasWithBehaviorRate: (i) => {
    const r = convertDesiredReplicasWithBehaviorRate({
      currentReplicas: i.num('currentReplicas'),
      desiredReplicas: i.num('desiredReplicas'),
      minReplicas: i.num('minReplicas'),
      maxReplicas: i.num('maxReplicas'),
      scaleUp: rules(i, 'scaleUp'),
      scaleDown: rules(i, 'scaleDown'),
      scaleUpEvents: ageEvents(i.list('scaleUpEvents')),
      scaleDownEvents: ageEvents(i.list('scaleDownEvents')),
      now: NOW,
    });
    return { got: { replicas: r.replicas, condition: r.reason } };
  },
  calculateScaleUpLimitWithScalingRules: (i) => ({
    got: { limit: calculateScaleUpLimitWithScalingRules(i.num('currentReplicas'), ageEvents(i.list('scaleUpEvents')), ageEvents(i.list('scaleDownEvents')), rules(i, 'scaleUp'), NOW) },
  }),
  calculateScaleDownLimitWithBehaviors: (i) => ({
    got: { limit: calculateScaleDownLimitWithBehaviors(i.num('currentReplicas'), ageEvents(i.list('scaleUpEvents')), ageEvents(i.list('scaleDownEvents')), rules(i, 'scaleDown'), NOW) },
  }),
  stabilizeRecommendationWithBehaviors: (i) => {
    const r = stabilizeRecommendationWithBehaviors({
      recommendations: ageRecommendations(i.list('recommendations')),
      currentReplicas: i.num('currentReplicas'),
      desiredReplicas: i.num('desiredReplicas'),
      upWindowSeconds: i.num('scaleUpWindowSeconds'),
      downWindowSeconds: i.num('scaleDownWindowSeconds'),
      now: NOW,
    });
    return { got: { replicas: r.replicas } };
  },
  reconcileAutoscaler: (i, v, ctx) => {
    const current = i.num('specReplicas');
    const target = i.optNum('cpuTargetUtilization');
    const podsTarget = i.optNum('podsMetricTargetAverageMilli');
    const spec: HpaSpec = { minReplicas: i.num('minReplicas'), maxReplicas: i.num('maxReplicas'), metrics: [], behavior: undefined };
    const encoded = e2ePods(i, v, ctx, current, target) ?? [];
    const pods = encoded.map(podStatus);
    const usage = new Map<string, number>();
    const requests = new Map<string, number>();
    const podValues = new Map<string, number>();
    encoded.forEach((p, k) => {
      const u = p.optNum('usageMilli');
      const r = p.optNum('requestMilli');
      const m = p.optNum('metricMilli');
      if (u !== undefined) usage.set(`pod-${k}`, u);
      if (r !== undefined) requests.set(`pod-${k}`, r);
      if (m !== undefined) podValues.set(`pod-${k}`, m);
    });
    // Metric order follows the upstream harness: the CPU target first, then the listed Pods metric.
    const readings: MetricReading[] = [];
    if (target !== undefined) {
      spec.metrics.push({ type: 'Resource', name: 'cpu', target: { type: 'Utilization', averageUtilization: target } });
      readings.push({ kind: 'resource', usageMilli: usage, requestMilli: requests });
    }
    if (podsTarget !== undefined) {
      spec.metrics.push({ type: 'Pods', name: 'pods-metric', target: { type: 'AverageValue', milli: podsTarget } });
      readings.push({ kind: 'pods', valueMilli: podValues });
    }
    const hpa = new HpaController(spec);
    hpa.restore({ recommendations: ageRecommendations(i.list('recommendations')), scaleUpEvents: [], scaleDownEvents: [] });
    const d = hpa.reconcile(NOW, { specReplicas: current, statusReplicas: i.num('statusReplicas', current) }, pods, readings);
    return { got: { replicas: d.desiredReplicas } };
  },
  'prometheusScaler.ExecutePromQuery': (i) => {
    const r = prometheusQueryResult(i.num('httpStatus'), i.str('body'), i.bool('ignoreNullValues'));
    return { got: { value: r.value, error: r.error !== undefined } };
  },
  'prometheus isActive': (i) => ({ got: { active: isTriggerActive(i.num('queryValue'), i.num('activationThreshold', 0)) } }),
  'GetMetricsWithFallback/doFallback': (i, _v, ctx) => fallbackHandler(i, ctx),
  GetMetricsWithFallback: (i, _v, ctx) => fallbackHandler(i, ctx),
  doFallback: (i, v, ctx) => {
    const f = fallbackSpec(i, ctx);
    const target = metricTarget(i);
    const ready = i.num('readyRunningPods');
    const current = i.num('currentReplicas', ready);
    const fb = doFallback(f, target, current, ready);
    if ('error' in fb) return { got: { error: fb.error } };
    // hpaResult describes the HPA arriving at the fallback count; checked by running the HPA on the value.
    const hpa = target.type === 'Value'
      ? getExternalMetricReplicas({ currentReplicas: ready, seriesMilli: [fb.milli], targetMilli: toMilli(target.value), readyPodCount: ready })
      : getExternalPerPodMetricReplicas({ statusReplicas: current, seriesMilli: [fb.milli], targetAverageMilli: toMilli(target.value) });
    const expected = isObj(v.expected) ? { ...v.expected } : {};
    if ('hpaResult' in expected) {
      delete expected.hpaResult;
      expected.hpaReplicas = fallbackReplicas(f, current);
    }
    return { got: { metricValue: fb.milli / 1000, hpaReplicas: isCalcError(hpa) ? hpa.error : hpa.replicas }, expected };
  },
  RequestScale: (i, _v, ctx) => {
    const d = { ...KEDA_DEFAULTS, ...ctx.defaults } as Obj;
    const defaultNum = (k: keyof typeof KEDA_DEFAULTS) => (typeof d[k] === 'number' ? (d[k] as number) : KEDA_DEFAULTS[k]);
    const lastActive = i.optNum('secondsSinceLastActive');
    if (i.has('lastActiveTime') && i.raw('lastActiveTime') !== null) throw new BadInput('input.lastActiveTime may only be null; use secondsSinceLastActive');
    const r = requestScale({
      active: i.bool('active'),
      error: i.bool('isError', false),
      currentReplicas: i.num('current'),
      minReplicaCount: i.num('minReplicaCount', defaultNum('minReplicaCount')),
      idleReplicaCount: i.optNum('idleReplicaCount'),
      cooldownPeriod: i.num('cooldownPeriod', defaultNum('cooldownPeriod')),
      initialCooldownPeriod: i.num('initialCooldownPeriod', defaultNum('initialCooldownPeriod')),
      now: NOW,
      createdAt: NOW - i.num('secondsSinceCreation', NOW),
      lastActiveTime: lastActive === undefined ? undefined : NOW - lastActive,
      fallback: i.has('fallback') ? { replicas: i.obj('fallback').num('replicas') } : undefined,
      pausedScaleIn: i.bool('pausedScaleIn', false),
      pausedScaleOut: i.bool('pausedScaleOut', false),
      forceActivation: i.bool('forceActivation', false),
    });
    const got: Obj = { setReplicas: r.setReplicas ?? null, step: r.step };
    if (r.lastActiveTime !== undefined) got.lastActiveTime = r.lastActiveTime === NOW ? 'now' : NOW - r.lastActiveTime;
    return { got };
  },
};

function fallbackHandler(i: In, ctx: VectorContext): { got: Obj } {
  const scalerError = i.bool('scalerError');
  const out = getMetricsWithFallback({
    fallback: i.has('fallback') ? fallbackSpec(i, ctx) : undefined,
    failuresBefore: i.num('numberOfFailuresBefore', 0),
    result: scalerError ? { value: -1, error: 'scaler error' } : { value: i.num('metricValue') },
    target: i.has('metricTarget') ? metricTarget(i) : { type: 'AverageValue', value: 0 },
    currentReplicas: i.num('currentReplicas', 0),
    readyRunningPods: i.num('readyRunningPods', 0),
  });
  const got: Obj = { numberOfFailuresAfter: out.failures };
  if (out.milli !== undefined) got.metricValue = out.milli / 1000;
  if (out.error !== undefined) got.error = out.error;
  return { got };
}

/** fnKey strips a parenthesised description from a function name. */
function fnKey(fn: string): string {
  return fn.replace(/\s*\(.*\)\s*$/, '').trim();
}

/** SUPPORTED_FUNCTIONS lists the function names the runner knows. */
export const SUPPORTED_FUNCTIONS = Object.keys(HANDLERS);

function same(expected: unknown, got: unknown): boolean {
  if (typeof expected === 'number' && typeof got === 'number') return expected === got || (Number.isNaN(expected) && Number.isNaN(got));
  if (Array.isArray(expected)) return Array.isArray(got) && expected.length === got.length && expected.every((e, k) => same(e, got[k]));
  if (isObj(expected)) return isObj(got) && Object.keys(expected).every((k) => same(expected[k], got[k]));
  return expected === got;
}

/** compare checks every expected key except notes; an expected error text only requires some error. */
function compare(expected: Obj, got: Obj): string[] {
  const diffs: string[] = [];
  for (const [k, e] of Object.entries(expected)) {
    if (k === 'note') continue;
    if (k === 'error' && typeof e === 'string') {
      if (typeof got.error !== 'string' || !got.error) diffs.push('error: expected an error, got none');
      continue;
    }
    if (!same(e, got[k])) diffs.push(`${k}: expected ${JSON.stringify(e)}, got ${JSON.stringify(got[k])}`);
  }
  if (typeof got.error === 'string' && !('error' in expected)) diffs.push(`unexpected error: ${got.error}`);
  return diffs;
}

/** runVector runs one vector; it never throws. */
export function runVector(v: Vector, ctx: VectorContext = { vectors: [v], defaults: {} }): VectorResult {
  const base = { id: v.id, function: v.function, expected: v.expected };
  const handler = HANDLERS[fnKey(v.function)];
  if (!handler) return { ...base, status: 'unsupported', message: `unknown function '${v.function}' (known: ${SUPPORTED_FUNCTIONS.join(', ')})` };
  if (!isObj(v.input)) return { ...base, status: 'unsupported', message: 'input must be an object' };
  if (!isObj(v.expected)) return { ...base, status: 'unsupported', message: 'expected must be an object' };
  try {
    const { got, expected = v.expected as Obj } = handler(new In(v.input), v, ctx);
    const diffs = compare(expected, got);
    return { ...base, expected, status: diffs.length ? 'fail' : 'pass', got, message: diffs.length ? diffs.join('; ') : undefined };
  } catch (e) {
    if (e instanceof BadInput) return { ...base, status: 'unsupported', message: `bad input: ${e.message}` };
    return { ...base, status: 'fail', message: `internal error: ${(e as Error).message}` };
  }
}

/** runVectorFile runs every vector of a parsed vector file (`{ vectors: [...] }` or a bare list). */
export function runVectorFile(json: unknown): VectorFileResult {
  const list = Array.isArray(json) ? json : isObj(json) ? json.vectors : undefined;
  if (!Array.isArray(list)) return { results: [], error: 'not a vector file: expected { "vectors": [...] } or a list of vectors' };
  const vectors: Vector[] = [];
  for (const [k, x] of list.entries()) {
    if (!isObj(x) || typeof x.id !== 'string' || typeof x.function !== 'string') return { results: [], error: `vector ${k} needs a string id and function` };
    vectors.push({ id: x.id, function: x.function, input: x.input, expected: x.expected, note: typeof x.note === 'string' ? x.note : undefined });
  }
  const defaults = isObj(json) && isObj(json.defaults) ? json.defaults : {};
  const ctx: VectorContext = { vectors, defaults };
  return { results: vectors.map((v) => runVector(v, ctx)) };
}
