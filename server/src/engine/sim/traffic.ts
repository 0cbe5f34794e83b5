/**
 * Traffic scenarios: the request rate over time (constant, diurnal, step, ramp or a replayed recording),
 * spikes on top, and optional Poisson noise, plus pure parsers for recordings (CSV and Prometheus
 * `query_range` JSON) that take text, never paths.
 */
import { drawPoisson, Rng } from './prng';
import { printable } from '../printable';
import { parallelDraws, PendingDraws } from './parallelDraws';

/** A point of a recorded rate: seconds from the start of the recording, requests per second. */
export interface TrafficPoint {
  t: number;
  rps: number;
}

/** The base shape of the request rate. */
export type TrafficShape =
  | { kind: 'constant'; rps: number }
  /** A sine between min and max with its peak at `peakAtSeconds` (e.g. 14 h = 50400) of each period. */
  | { kind: 'diurnal'; minRps: number; maxRps: number; peakAtSeconds: number; periodSeconds: number }
  | { kind: 'step'; fromRps: number; toRps: number; atSeconds: number }
  | { kind: 'ramp'; fromRps: number; toRps: number; startSeconds: number; endSeconds: number }
  /** A recording; after its last point the last rate holds. */
  | { kind: 'replay'; points: TrafficPoint[]; interpolation: 'linear' | 'step' };

/** A flash crowd: the rate is multiplied for a while. */
export interface Spike {
  atSeconds: number;
  durationSeconds: number;
  multiplier: number;
}

/** A full traffic scenario. */
export interface TrafficSpec {
  shape: TrafficShape;
  spikes: Spike[];
  /** `poisson` draws each step's arrivals from a Poisson law around the rate; `none` uses the rate as is. */
  noise: 'none' | 'poisson';
  /** Multiplies the whole rate (a what-if knob for recordings). */
  scale: number;
}

/** rateAt is the mean request rate (requests/s) of a scenario at time t, spikes included, noise excluded. */
export function rateAt(spec: TrafficSpec, t: number): number {
  let r = shapeRate(spec.shape, t);
  for (const s of spec.spikes) if (t >= s.atSeconds && t < s.atSeconds + s.durationSeconds) r *= s.multiplier;
  return Math.max(0, r * spec.scale);
}

function shapeRate(shape: TrafficShape, t: number): number {
  switch (shape.kind) {
    case 'constant':
      return shape.rps;
    case 'diurnal': {
      const mid = (shape.minRps + shape.maxRps) / 2;
      const amp = (shape.maxRps - shape.minRps) / 2;
      return mid + amp * Math.cos((2 * Math.PI * (t - shape.peakAtSeconds)) / shape.periodSeconds);
    }
    case 'step':
      return t < shape.atSeconds ? shape.fromRps : shape.toRps;
    case 'ramp': {
      if (t <= shape.startSeconds) return shape.fromRps;
      if (t >= shape.endSeconds) return shape.toRps;
      return shape.fromRps + ((shape.toRps - shape.fromRps) * (t - shape.startSeconds)) / (shape.endSeconds - shape.startSeconds);
    }
    case 'replay':
      return replayRate(shape.points, shape.interpolation, t);
  }
}

function replayRate(points: TrafficPoint[], interpolation: 'linear' | 'step', t: number): number {
  const n = points.length;
  if (n === 0) return 0;
  if (t <= points[0].t) return points[0].rps;
  if (t >= points[n - 1].t) return points[n - 1].rps;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (points[mid].t <= t) lo = mid;
    else hi = mid;
  }
  const a = points[lo];
  const b = points[hi];
  if (interpolation === 'step' || b.t === a.t) return a.rps;
  return a.rps + ((b.rps - a.rps) * (t - a.t)) / (b.t - a.t);
}

/**
 * rateSeries fills the mean rate of each step [i·dt, (i+1)·dt), taken at the step's middle: rateAt there, shape
 * first, then each spike over the steps it covers, then the scale and the floor. A diurnal shape turns its angle by
 * a fixed rotation from step to step instead of taking a cosine per step, restarting from an exact cosine every
 * DIURNAL_ANCHOR steps: over a day the rates agree with rateAt within 5e-15 of the amplitude, and cost a fraction.
 * (Over a thousand periods both drift apart by the rounding of the angle itself, about 1e-12.)
 */
export function rateSeries(spec: TrafficSpec, steps: number, dt: number): Float64Array {
  const out = new Float64Array(steps);
  const shape = spec.shape;
  if (shape.kind === 'diurnal') diurnalSeries(out, shape.minRps, shape.maxRps, shape.peakAtSeconds, shape.periodSeconds, dt);
  else for (let i = 0; i < steps; i++) out[i] = shapeRate(shape, (i + 0.5) * dt);
  for (const sp of spec.spikes) {
    const { atSeconds, durationSeconds, multiplier } = sp;
    // The steps the spike covers, widened by a step on each side against rounding; the test below decides.
    let lo = Math.floor(atSeconds / dt - 0.5) - 1;
    if (!(lo > 0)) lo = 0;
    let hi = Math.ceil((atSeconds + durationSeconds) / dt) + 1;
    if (!(hi < steps)) hi = steps;
    for (let i = lo; i < hi; i++) {
      const t = (i + 0.5) * dt;
      if (t >= atSeconds && t < atSeconds + durationSeconds) out[i] *= multiplier;
    }
  }
  const scale = spec.scale;
  for (let i = 0; i < steps; i++) out[i] = Math.max(0, out[i] * scale);
  return out;
}

/** Steps between two exact cosines of a diurnal series. */
const DIURNAL_ANCHOR = 64;

function diurnalSeries(out: Float64Array, minRps: number, maxRps: number, peakAtSeconds: number, periodSeconds: number, dt: number): void {
  const mid = (minRps + maxRps) / 2;
  const amp = (maxRps - minRps) / 2;
  const angle = (i: number) => (2 * Math.PI * ((i + 0.5) * dt - peakAtSeconds)) / periodSeconds;
  const turn = (2 * Math.PI * dt) / periodSeconds;
  const cosTurn = Math.cos(turn);
  const sinTurn = Math.sin(turn);
  for (let start = 0; start < out.length; start += DIURNAL_ANCHOR) {
    const end = Math.min(out.length, start + DIURNAL_ANCHOR);
    let c = Math.cos(angle(start));
    let s = Math.sin(angle(start));
    out[start] = mid + amp * c;
    for (let i = start + 1; i < end; i++) {
      const next = c * cosTurn - s * sinTurn;
      s = s * cosTurn + c * sinTurn;
      c = next;
      out[i] = mid + amp * c;
    }
  }
}

/** arrivalSeries gives the requests arriving in each step: the rate × dt, or a Poisson draw around it. */
export function arrivalSeries(spec: TrafficSpec, rates: Float64Array, dt: number, rng: Rng): Float64Array {
  const out = new Float64Array(rates.length);
  if (spec.noise === 'poisson') drawPoisson(rates, dt, rng, out, 0, rates.length);
  else for (let i = 0; i < rates.length; i++) out[i] = rates[i] * dt;
  return out;
}

/** The traffic of each step of a run: the mean rate and the requests that arrive. */
export interface StepTraffic {
  rates: Float64Array;
  arrivals: Float64Array;
  /** Set while a worker thread may still be drawing `arrivals`: read a step only once `pending.waitFor` covers it. */
  pending?: PendingDraws;
}

/**
 * Scenarios whose step traffic is remembered (the least recently used goes first), and the longest run remembered:
 * at 16 bytes a step, the cache holds at most 16 MB (three days at 1 s steps each). The rates alone are remembered
 * for as many scenarios again, whatever the seed: a new seed draws new arrivals around the same rates.
 */
const TRAFFIC_CACHE_ENTRIES = 4;
const TRAFFIC_CACHE_MAX_STEPS = 250_000;
/** Recordings with more points than this are not remembered: writing their key would cost a good part of a run. */
const TRAFFIC_CACHE_MAX_POINTS = 5000;
const trafficCache = new Map<string, StepTraffic>();
const rateCache = new Map<string, Float64Array>();

/**
 * stepTraffic is rateSeries and arrivalSeries (Poisson draws from `seed`) for a run, remembered for the last few
 * scenarios: they are a pure function of the scenario, the steps and the seed, and running one scenario again
 * with another policy (what-if knobs, comparisons, lenses after an edit) is the common case. The rates do not
 * depend on the seed, and are remembered apart for a run with another seed. The arrays are shared between runs:
 * callers only read them. Long runs' arrivals may come from the draw worker (`parallelDraws.ts`) as the run goes:
 * see `StepTraffic.pending`.
 */
export function stepTraffic(spec: TrafficSpec, steps: number, dt: number, seed: number): StepTraffic {
  const cacheable = steps <= TRAFFIC_CACHE_MAX_STEPS && !(spec.shape.kind === 'replay' && spec.shape.points.length > TRAFFIC_CACHE_MAX_POINTS);
  const rateKey = cacheable ? trafficKey(spec, steps, dt) : undefined;
  if (rateKey === undefined) return withArrivals(spec, rateSeries(spec, steps, dt), dt, seed);
  const key = `${rateKey}\u0000${trafficKey(seed)}`;
  const hit = recall(trafficCache, key);
  if (hit) return hit;
  let rates = recall(rateCache, rateKey);
  if (!rates) remember(rateCache, rateKey, (rates = rateSeries(spec, steps, dt)));
  const traffic = withArrivals(spec, rates, dt, seed);
  remember(trafficCache, key, traffic);
  return traffic;
}

/** withArrivals adds the arrivals to a run's rates: drawn by the worker thread when it takes the run, else here. */
function withArrivals(spec: TrafficSpec, rates: Float64Array, dt: number, seed: number): StepTraffic {
  const pending = spec.noise === 'poisson' ? parallelDraws(rates, dt, seed) : undefined;
  if (pending) return { rates, arrivals: pending.out, pending };
  return { rates, arrivals: arrivalSeries(spec, rates, dt, new Rng(seed)) };
}

/** forgetTraffic empties the traffic caches, so that the next run draws its traffic again (tests compare ways of drawing). */
export function forgetTraffic(): void {
  trafficCache.clear();
  rateCache.clear();
}

/** recall looks a key up in an LRU map, making it the most recently used. */
function recall<T>(cache: Map<string, T>, key: string): T | undefined {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
  }
  return hit;
}

/** remember adds to an LRU map of TRAFFIC_CACHE_ENTRIES, dropping the least recently used. */
function remember<T>(cache: Map<string, T>, key: string, value: T): void {
  cache.set(key, value);
  if (cache.size > TRAFFIC_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
}

/**
 * trafficKey writes its arguments as a key; numbers JSON cannot tell apart (NaN, ±Infinity, -0) are spelled out.
 * Undefined when they cannot be written (a hand-made input with a cycle, say): such a run is simply not remembered.
 */
function trafficKey(...parts: unknown[]): string | undefined {
  try {
    return JSON.stringify(parts, (_k, v: unknown) => (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? { number: Object.is(v, -0) ? '-0' : String(v) } : v));
  } catch {
    return undefined;
  }
}

/** The outcome of parsing a recording: points relative to its first timestamp, and what was skipped. */
export interface ParsedRecording {
  points: TrafficPoint[];
  problems: string[];
}

/**
 * parseTrafficCsv reads `timestamp,requests_per_second` lines. Timestamps are Unix seconds or ISO 8601
 * dates; a header line, blank lines and `#` comments are skipped; `,`, `;` or tab separate the columns.
 */
export function parseTrafficCsv(text: string): ParsedRecording {
  const raw: TrafficPoint[] = [];
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const s = line.trim();
    if (!s || s.startsWith('#')) return;
    const cols = s.split(/[,;\t]/).map((c) => c.trim());
    if (cols.length < 2) {
      problems.push(`line ${i + 1}: expected two columns (timestamp, requests per second)`);
      return;
    }
    const t = parseTimestamp(cols[0]);
    const rps = Number(cols[1]);
    if (t === undefined || cols[1] === '' || !Number.isFinite(rps)) {
      // A first line of words is a header, not a problem.
      if (raw.length === 0 && problems.length === 0 && !/\d/.test(cols[1])) return;
      // The line is quoted back to a terminal or a panel.
      problems.push(`line ${i + 1}: could not read '${printable(s.slice(0, 60))}'`);
      return;
    }
    if (rps < 0) {
      problems.push(`line ${i + 1}: negative rate ${rps} read as 0`);
      raw.push({ t, rps: 0 });
      return;
    }
    raw.push({ t, rps });
  });
  return { points: normalise(raw, problems), problems };
}

function parseTimestamp(s: string): number | undefined {
  if (/^[+-]?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    const ms = Date.parse(s);
    return Number.isFinite(ms) ? ms / 1000 : undefined;
  }
  return undefined;
}

/**
 * parsePrometheusRange reads the JSON answer of a Prometheus `query_range` call. Several series are summed
 * at each timestamp (a per-pod rate becomes the total); NaN or infinite values count as 0.
 */
export function parsePrometheusRange(text: string): ParsedRecording {
  const problems: string[] = [];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return { points: [], problems: [`not JSON: ${(e as Error).message}`] };
  }
  const data = isObject(body) && isObject(body.data) ? body.data : undefined;
  if (!data) return { points: [], problems: ['no "data" object: expected the answer of /api/v1/query_range'] };
  if (isObject(body) && body.status !== undefined && body.status !== 'success') problems.push(`status is '${String(body.status)}'`);
  if (data.resultType !== 'matrix') return { points: [], problems: [...problems, `resultType is '${String(data.resultType)}', expected 'matrix'`] };
  const result = Array.isArray(data.result) ? data.result : [];
  if (result.length === 0) return { points: [], problems: [...problems, 'the result holds no series'] };
  if (result.length > 1) problems.push(`${result.length} series were summed`);
  const byTime = new Map<number, number>();
  for (const series of result) {
    const values = isObject(series) && Array.isArray(series.values) ? series.values : [];
    for (const pair of values) {
      if (!Array.isArray(pair) || pair.length < 2) continue;
      const t = Number(pair[0]);
      const v = Number(pair[1]);
      if (!Number.isFinite(t)) continue;
      byTime.set(t, (byTime.get(t) ?? 0) + (Number.isFinite(v) && v > 0 ? v : 0));
    }
  }
  const raw = [...byTime].map(([t, rps]) => ({ t, rps }));
  return { points: normalise(raw, problems), problems };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** normalise sorts points, merges duplicate timestamps and makes times relative to the first. */
function normalise(raw: TrafficPoint[], problems: string[]): TrafficPoint[] {
  if (raw.length === 0) return [];
  const sorted = [...raw].sort((a, b) => a.t - b.t);
  if (raw.some((p, i) => i > 0 && p.t < raw[i - 1].t)) problems.push('timestamps were not in order and were sorted');
  const t0 = sorted[0].t;
  const out: TrafficPoint[] = [];
  for (const p of sorted) {
    const t = p.t - t0;
    if (out.length && out[out.length - 1].t === t) out[out.length - 1].rps = p.rps;
    else out.push({ t, rps: p.rps });
  }
  return out;
}

/** spanOf is the length in seconds of a scenario's own definition (a recording's span, else undefined). */
export function spanOf(spec: TrafficSpec): number | undefined {
  if (spec.shape.kind !== 'replay' || spec.shape.points.length === 0) return undefined;
  return spec.shape.points[spec.shape.points.length - 1].t;
}
