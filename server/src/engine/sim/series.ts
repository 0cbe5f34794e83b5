/**
 * The scraped-metrics store: what Prometheus would hold after scraping the simulated pods at a fixed
 * interval. Records are kept in growable typed arrays (one row per scrape per pod) and turned into
 * `Series` only when a query selects a metric name, for the time window that query can look at.
 */
import { MetricDef, MetricScope, RECORD_FIELDS, SeriesName, seriesNamesOf } from './emitted';
import { grown } from './typedArrays';

/** One sample of a series; a NaN value is a staleness marker, written when a target stops being scraped. */
export interface Sample {
  t: number;
  v: number;
}

/** A time series: its labels (`__name__` included) and samples in time order. */
export interface Series {
  labels: Record<string, string>;
  samples: Sample[];
}

/**
 * What the PromQL evaluator reads: series by metric name, as of `now`. Returned series and samples are
 * read-only and valid until the next `select` of the same store (the newest-sample view reuses them).
 */
export interface SeriesSource {
  select(metric: string): Series[];
  /**
   * instant, when a source offers it, is what an instant selector reads of one metric at `now`: the series of
   * `select(metric)` whose labels pass `test`, in the same order, whose newest sample at or before `now` is newer
   * than `now − lookback` and is a value (not a staleness marker or NaN), with that value. It builds no series,
   * and may remember what `test` (a pure function) said of a label set; the result is read-only and reused by
   * the next call.
   */
  instant?(metric: string, lookbackSeconds: number, test: (labels: Record<string, string>) => boolean): InstantSamples;
  now: number;
}

/** The series an instant selector sees, as parallel lists: the first `count` entries are valid. */
export interface InstantSamples {
  count: number;
  labels: Array<Record<string, string>>;
  /** A typed array, so that filling it boxes no number; `addInstant` grows it. */
  values: Float64Array;
}

/** newInstantSamples makes an empty InstantSamples to fill with addInstant. */
export function newInstantSamples(): InstantSamples {
  return { count: 0, labels: [], values: new Float64Array(16) };
}

/** addInstant appends one series' value to an InstantSamples, growing it when full. */
export function addInstant(out: InstantSamples, labels: Record<string, string>, v: number): void {
  if (out.count === out.values.length) out.values = grown(out.values, out.values.length * 2);
  out.labels[out.count] = labels;
  out.values[out.count++] = v;
}

/** The labels a scrape target carries, per scope (engine endpoint, one per GPU, container). */
export interface TargetLabels {
  engine: Record<string, string>;
  gpus: Array<Record<string, string>>;
  container: Record<string, string>;
}

/**
 * Where a target's labels come from: the label sets themselves, or a function that makes the sets of one scope
 * (one set for the engine and the container, one per GPU) when a query first reads that scope. A set may hold a
 * `__name__` key already (a placeholder the store overwrites with each series' name).
 */
export type LabelSource = TargetLabels | ((scope: MetricScope) => Array<Record<string, string>>);

/** Which scopes of a target were scraped at one instant. */
export const Up = { engine: 1, gpu: 2, container: 4 } as const;

const SCOPE_BIT: Record<MetricScope, number> = { engine: Up.engine, gpu: Up.gpu, container: Up.container };

/** One pod's scrape history. */
/** The arrays of a target's history, passed on from a finished target to a new one. */
interface HistoryArrays {
  times: Float64Array;
  up: Uint8Array;
  rows: Float64Array;
}

/** What a released history holds: empty arrays, shared (a typed array costs a slow allocation even when empty). */
const RELEASED: HistoryArrays = { times: new Float64Array(0), up: new Uint8Array(0), rows: new Float64Array(0) };

class TargetHistory {
  times: Float64Array;
  up: Uint8Array;
  rows: Float64Array;
  length = 0;
  /** Label sets already built, by series name and `le` (a scope can give several, one per GPU). */
  readonly labelCache = new Map<SeriesName, Array<Record<string, string>>>();
  /** Series of the newest-sample view, by series name, updated in place at each select. */
  readonly latestCache = new Map<SeriesName, Series[]>();
  /** The last label sets looked up, and for which series name: a query reads the same name at every poll. */
  lastName: SeriesName | undefined;
  lastLabels: Array<Record<string, string>> = [];
  /** What the last selector test said of each of `lastLabels`, and which test that was. */
  testedName: SeriesName | undefined;
  test: ((labels: Record<string, string>) => boolean) | undefined;
  passed: boolean[] = [];

  /** Label sets made so far, by scope. */
  private readonly scopes: Partial<Record<MetricScope, Array<Record<string, string>>>> = {};

  /** In the store's live list (read by selections); a scrape puts a target dropped from it back. */
  inLive = true;
  /** No scrape will come any more (the pod is gone): once too old for every query, its arrays may be reused. */
  finished = false;

  /** Takes the arrays of a finished target when given them (allocating typed arrays is slow, and pods come and go). */
  constructor(readonly id: number, private readonly source: LabelSource, private readonly stride: number, private readonly retention: number, reuse?: HistoryArrays) {
    if (reuse) {
      this.times = reuse.times;
      this.up = reuse.up;
      this.rows = reuse.rows;
    } else {
      this.times = new Float64Array(64);
      this.up = new Uint8Array(64);
      this.rows = new Float64Array(64 * stride);
    }
  }

  /** release hands the history's arrays over for reuse; the history must not be read or written afterwards. */
  release(): HistoryArrays {
    const arrays = { times: this.times, up: this.up, rows: this.rows };
    this.times = RELEASED.times;
    this.up = RELEASED.up;
    this.rows = RELEASED.rows;
    this.length = 0;
    return arrays;
  }

  /** scopeLabels gives the label sets of one scope, made when a query first reads it (most never are). */
  scopeLabels(scope: MetricScope): Array<Record<string, string>> {
    const made = this.scopes[scope];
    if (made) return made;
    const src = this.source;
    const sets = typeof src === 'function' ? src(scope) : scope === 'engine' ? [src.engine] : scope === 'gpu' ? src.gpus : [src.container];
    this.scopes[scope] = sets;
    return sets;
  }

  /** Time of the last row. */
  get last(): number {
    return this.length ? this.times[this.length - 1] : -Infinity;
  }

  push(t: number, up: number, record: Float64Array, columns: Int32Array): void {
    if (this.length === this.times.length) this.makeRoom(t);
    const i = this.length++;
    this.times[i] = t;
    this.up[i] = up;
    const base = i * this.stride;
    for (let k = 0; k < columns.length; k++) this.rows[base + k] = record[columns[k]];
  }

  /**
   * makeRoom frees rows no query can read any more, or grows the arrays when too few are old enough. Queries
   * run at t or later and look back at most `retention`; the row just before that window stays, because a
   * selector reads it to tell whether the first row of the window follows a missing scrape (staleness).
   */
  private makeRoom(t: number): void {
    const drop = this.firstIndexAfter(t - this.retention) - 1;
    if (drop < this.length / 2) {
      this.grow();
      return;
    }
    const n = this.length - drop;
    this.times.copyWithin(0, drop, this.length);
    this.up.copyWithin(0, drop, this.length);
    this.rows.copyWithin(0, drop * this.stride, this.length * this.stride);
    this.length = n;
  }

  private grow(): void {
    const n = this.times.length * 2;
    this.times = grown(this.times, n);
    this.up = grown(this.up, n);
    this.rows = grown(this.rows, n * this.stride);
  }

  /** firstIndexAfter is the first row with time > t (binary search). */
  firstIndexAfter(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * ScrapeStore keeps the scrape history of every pod for the fields the simulated queries can read, and
 * answers `select` for a window ending at a given time.
 */
export class ScrapeStore {
  /** Targets by id; a finished one is dropped (undefined) once no query reaches it, so a run's pods do not pile up. */
  private readonly targets: Array<TargetHistory | undefined> = [];
  /** Targets with a row recent enough for some query: older ones are skipped by `select`. */
  private live: TargetHistory[] = [];
  private pruneBefore = -Infinity;
  /** Arrays of finished targets no query reaches any more, for new targets. */
  private readonly spare: HistoryArrays[] = [];
  /** Ids of those targets, for new targets: the ids, and what callers keep by id, stay as many as the pods alive at once. */
  private readonly freeIds: number[] = [];
  private readonly names: Map<string, SeriesName[]>;
  /** Record field → column of the stored row, −1 when the field is not kept. */
  private readonly columnOf: Int32Array;
  /** Column → record field. */
  private readonly columns: Int32Array;

  /**
   * Creates a store for a catalogue; `keep` lists the series names that queries may select (undefined keeps
   * all) and `retention` is the longest window any query reads, in seconds.
   */
  constructor(catalogue: MetricDef[], keep: Iterable<string> | undefined, private readonly retention: number) {
    this.names = seriesNamesOf(catalogue);
    const wanted = new Set<number>();
    const keepNames = keep ? new Set(keep) : undefined;
    for (const [name, list] of this.names) if (!keepNames || keepNames.has(name)) for (const s of list) wanted.add(s.field);
    this.columns = Int32Array.from([...wanted].sort((a, b) => a - b));
    this.columnOf = new Int32Array(RECORD_FIELDS).fill(-1);
    this.columns.forEach((f, i) => (this.columnOf[f] = i));
  }

  /** seriesNames lists every series name the catalogue can produce. */
  seriesNames(): string[] {
    return [...this.names.keys()];
  }

  /** keeps tells whether a record field is stored (callers may skip computing the others). */
  keeps(field: number): boolean {
    return this.columnOf[field] >= 0;
  }

  /**
   * addTarget registers a pod and returns its id for `record`. The id may be one a finished target had: callers that
   * keep state by id start it afresh.
   */
  addTarget(labels: LabelSource): number {
    const id = this.freeIds.pop() ?? this.targets.length;
    const h = new TargetHistory(id, labels, this.columns.length, this.retention, this.spare.pop());
    this.targets[id] = h;
    this.live.push(h);
    return id;
  }

  /** record stores one scrape of a target; `up` is a bit set of `Up` scopes that answered. */
  record(target: number, t: number, up: number, record: Float64Array): void {
    // Only a finished target is ever dropped, and a finished one gets no more scrapes.
    const h = this.targets[target]!;
    h.push(t, up, record, this.columns);
    // Dropped from the live list while it had no recent scrape (none yet, or a scrape interval longer than the retention).
    if (!h.inLive) {
      h.inLive = true;
      this.live.push(h);
    }
  }

  /** finish says no scrape of the target will come any more, so its arrays can be reused once no query reaches them. */
  finish(target: number): void {
    this.targets[target]!.finished = true;
  }

  /**
   * source gives the view the PromQL evaluator reads at time t, holding the samples of (t − window, t].
   * With `latestOnly` (a query without range selectors) each series holds only its newest sample in the
   * window, which is all an instant selector looks at. Setting the view's `now` moves it to another time, so
   * a caller that evaluates the same query again and again can keep one view.
   */
  source(t: number, window: number, latestOnly = false): SeriesSource {
    return new StoreView(this, t, window, latestOnly);
  }

  /**
   * instantAt is `SeriesSource.instant` for a view of (t − window, t]: it reads the newest row of each target
   * at or before t straight from the typed arrays, with the same row, window and staleness rules as `select`.
   */
  instantAt(metric: string, t: number, window: number, lookback: number, test: (labels: Record<string, string>) => boolean, out: InstantSamples): InstantSamples {
    out.count = 0;
    const list = this.seriesNamed(metric);
    if (!list) return out;
    const from = t - window;
    const lookbackFrom = t - lookback;
    const stride = this.columns.length;
    this.prune(t);
    const live = this.live;
    for (let j = 0; j < live.length; j++) {
      const target = live[j];
      // The newest row at or before t; scrapes come in time order, so it is usually the last one.
      const n = target.length;
      const i = (n > 0 && target.times[n - 1] <= t ? n : target.firstIndexAfter(t)) - 1;
      if (i < 0) continue;
      const rowTime = target.times[i];
      if (rowTime <= from || rowTime <= lookbackFrom) continue;
      for (let k = 0; k < list.length; k++) {
        const sn = list[k];
        const col = this.columnOf[sn.field];
        // A scope missing from the newest scrape gives a staleness marker or nothing: no value either way.
        if (col < 0 || (target.up[i] & SCOPE_BIT[sn.def.scope]) === 0) continue;
        const v = target.rows[i * stride + col] * sn.def.scale;
        if (Number.isNaN(v)) continue;
        const labelSets = this.labelsOf(target, sn, metric);
        // A target's labels never change, so the selector's verdict on them is kept for the next poll.
        if (target.testedName !== sn || target.test !== test) {
          target.testedName = sn;
          target.test = test;
          target.passed = labelSets.map(test);
        }
        for (let m = 0; m < labelSets.length; m++) if (target.passed[m]) addInstant(out, labelSets[m], v);
      }
    }
    return out;
  }

  /**
   * seriesNamed looks up the series names of a metric. A poll asks with the same string object as the one
   * before (the parsed query's), which is compared by identity; a Map lookup would compare its characters.
   */
  private seriesNamed(metric: string): SeriesName[] | undefined {
    if (metric !== this.lastMetric) {
      this.lastMetric = metric;
      this.lastSeries = this.names.get(metric);
    }
    return this.lastSeries;
  }

  private lastMetric: string | undefined;
  private lastSeries: SeriesName[] | undefined;

  /** select builds the series of one metric name from the stored scrapes in (t − window, t]. */
  select(metric: string, t: number, window: number, latestOnly = false): Series[] {
    const list = this.names.get(metric);
    if (!list) return [];
    const out: Series[] = [];
    const from = t - window;
    this.prune(t);
    for (const target of this.live) {
      if (target.last <= from) continue;
      const end = target.firstIndexAfter(t);
      const start = latestOnly ? Math.max(end - 1, target.firstIndexAfter(from)) : target.firstIndexAfter(from);
      if (start >= end) continue;
      for (const sn of list) {
        const col = this.columnOf[sn.field];
        if (col < 0) continue;
        if (latestOnly) {
          this.latestOf(target, sn, metric, end - 1, col, out);
          continue;
        }
        const samples = this.samplesOf(target, start, end, col, SCOPE_BIT[sn.def.scope], sn.def.scale);
        if (!samples) continue;
        const labelSets = this.labelsOf(target, sn, metric);
        for (let i = 0; i < labelSets.length; i++) out.push({ labels: labelSets[i], samples: i ? samples.slice() : samples });
      }
    }
    return out;
  }

  /**
   * latestOf adds the newest-sample series of a target (row i) to `out`: the sample itself, or a staleness
   * marker when the scope was missing from that scrape after answering the one before. Each poll and sync
   * reads this view, so its objects are kept per target and refreshed in place.
   */
  private latestOf(target: TargetHistory, sn: SeriesName, metric: string, i: number, col: number, out: Series[]): void {
    const bit = SCOPE_BIT[sn.def.scope];
    let v: number;
    if (target.up[i] & bit) v = target.rows[i * this.columns.length + col] * sn.def.scale;
    else if (i > 0 && target.up[i - 1] & bit) v = NaN;
    else return;
    let cached = target.latestCache.get(sn);
    if (!cached) {
      cached = this.labelsOf(target, sn, metric).map((labels) => ({ labels, samples: [{ t: 0, v: 0 }] }));
      target.latestCache.set(sn, cached);
    }
    for (const series of cached) {
      const sample = series.samples[0];
      sample.t = target.times[i];
      sample.v = v;
      out.push(series);
    }
  }

  /**
   * labelsOf gives the label sets of a target's series: `__name__`, the scope's labels, `le`. They are built
   * once (in `buildLabels`: a closure here would cost a context allocation at every call of this hot function).
   */
  private labelsOf(target: TargetHistory, sn: SeriesName, metric: string): Array<Record<string, string>> {
    if (target.lastName === sn) return target.lastLabels;
    const sets = target.labelCache.get(sn) ?? buildLabels(target, sn, metric);
    return this.remember(target, sn, sets);
  }

  private remember(target: TargetHistory, sn: SeriesName, sets: Array<Record<string, string>>): Array<Record<string, string>> {
    target.lastName = sn;
    target.lastLabels = sets;
    return sets;
  }

  /** prune forgets, for selection, targets whose last row is older than the retention (pods long gone). */
  private prune(t: number): void {
    const cutoff = t - this.retention;
    if (cutoff < this.pruneBefore + this.retention / 4) return;
    this.pruneBefore = cutoff;
    const live: TargetHistory[] = [];
    for (const h of this.live) {
      if (h.last > cutoff) live.push(h);
      else {
        h.inLive = false;
        if (h.finished) {
          this.spare.push(h.release());
          this.targets[h.id] = undefined;
          this.freeIds.push(h.id);
        }
      }
    }
    this.live = live;
  }

  private samplesOf(target: TargetHistory, start: number, end: number, col: number, bit: number, scale: number): Sample[] | undefined {
    const stride = this.columns.length;
    let samples: Sample[] | undefined;
    let wasUp = start > 0 && (target.up[start - 1] & bit) !== 0;
    for (let i = start; i < end; i++) {
      const isUp = (target.up[i] & bit) !== 0;
      if (isUp) (samples ??= []).push({ t: target.times[i], v: target.rows[i * stride + col] * scale });
      // Prometheus writes a staleness marker at the first scrape a series is missing from.
      else if (wasUp) (samples ??= []).push({ t: target.times[i], v: NaN });
      wasUp = isUp;
    }
    return samples;
  }
}

/** buildLabels makes and caches the label sets of a target's series (see `ScrapeStore.labelsOf`). */
function buildLabels(target: TargetHistory, sn: SeriesName, metric: string): Array<Record<string, string>> {
  const sets = target.scopeLabels(sn.def.scope).map((base) => {
    // A set made from a template that already starts with `__name__` is cloned (fast), then named; others are
    // spread behind a new `__name__`, which keeps the same order of labels.
    let labels: Record<string, string>;
    if ('__name__' in base) {
      labels = { ...base };
      labels.__name__ = metric;
    } else labels = { __name__: metric, ...base };
    if (sn.le !== undefined) labels.le = sn.le;
    return labels;
  });
  target.labelCache.set(sn, sets);
  return sets;
}

/** A store's view at one time for one query window: the `SeriesSource` the PromQL evaluator reads. */
class StoreView implements SeriesSource {
  private readonly scratch = newInstantSamples();

  constructor(private readonly store: ScrapeStore, public now: number, private readonly window: number, private readonly latestOnly: boolean) {}

  select(metric: string): Series[] {
    return this.store.select(metric, this.now, this.window, this.latestOnly);
  }

  instant(metric: string, lookbackSeconds: number, test: (labels: Record<string, string>) => boolean): InstantSamples {
    return this.store.instantAt(metric, this.now, this.window, lookbackSeconds, test, this.scratch);
  }
}
