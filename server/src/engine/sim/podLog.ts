/**
 * PodLog keeps what the summary needs of the pods a run created — when each was created, when it began to serve,
 * whether it waited for a new node — without keeping the pods. A policy flapping at a high replica cap creates
 * hundreds of thousands of pods a day; kept for the summary, the pod objects held over 100 MB a day.
 *
 * A pod's entry is settled once it serves or is gone. Settled entries are added to the totals in creation order (as
 * far as every older entry is settled too) and their room is reused, so the log holds only the pods from the oldest
 * unsettled one on, usually a handful. `coldStarts` adds the rest, still in creation order: the mean sums the
 * times in the same order whatever became of the pods.
 */
import { grown } from './typedArrays';

/** What the summary says of the replicas created after the start. */
export interface ColdStarts {
  /** Replicas created after the start. */
  count: number;
  /** Of those, how many reached serving. */
  served: number;
  /** How many had to wait for a new node. */
  withNewNode: number;
  /** Seconds from creation to serving, over the ones that got there. */
  meanSeconds: number | undefined;
  maxSeconds: number | undefined;
}

const NEW_NODE = 1;
const GONE = 2;

/** Running totals over settled pods. */
interface Totals {
  count: number;
  served: number;
  withNewNode: number;
  sum: number;
  max: number;
}

export class PodLog {
  /** Index of the pod in room 0 of the arrays below. */
  private base = 0;
  private created = new Float64Array(64);
  /** NaN until the pod serves (`add` writes it). */
  private serving = new Float64Array(64);
  private flags = new Uint8Array(64);
  /** Pods logged so far; a pod's index is its place in creation order. */
  length = 0;
  /** Pods added to `totals` so far (every one below is settled). */
  private added = 0;
  private readonly totals: Totals = { count: 0, served: 0, withNewNode: 0, sum: 0, max: -Infinity };

  /**
   * `initial` is the number of pods there from the start: the first ones logged, not counted as cold starts. It is
   * set before the first pod is logged.
   */
  constructor(public initial = 0) {}

  /** The entries the log has room for: the pods from the oldest unsettled one on fit in it. */
  get room(): number {
    return this.created.length;
  }

  /** add logs a new pod created at `createdAt` and returns its index. */
  add(createdAt: number): number {
    if (this.length - this.base === this.created.length) this.makeRoom();
    const i = this.length++;
    const at = i - this.base;
    this.created[at] = createdAt;
    this.serving[at] = NaN;
    this.flags[at] = 0;
    return i;
  }

  /** served records when pod `index` began to serve. */
  served(index: number, at: number): void {
    if (index < this.added) return;
    this.serving[index - this.base] = at;
    this.settle();
  }

  /** neededNode records that pod `index` waited for a new node. */
  neededNode(index: number): void {
    if (index >= this.added) this.flags[index - this.base] |= NEW_NODE;
  }

  /** gone records that pod `index` is gone (served or not). */
  gone(index: number): void {
    if (index < this.added) return;
    this.flags[index - this.base] |= GONE;
    this.settle();
  }

  /** coldStarts gives the summary of the pods from index `initial` on, settled or not. */
  coldStarts(): ColdStarts {
    const t = { ...this.totals };
    for (let i = this.added; i < this.length; i++) this.addTo(t, i);
    return { count: t.count, served: t.served, withNewNode: t.withNewNode, meanSeconds: t.served ? t.sum / t.served : undefined, maxSeconds: t.served ? t.max : undefined };
  }

  /** settle adds the settled pods at the front of the log to the totals. */
  private settle(): void {
    while (this.added < this.length) {
      const at = this.added - this.base;
      if (Number.isNaN(this.serving[at]) && (this.flags[at] & GONE) === 0) return;
      this.addTo(this.totals, this.added);
      this.added++;
    }
  }

  private addTo(t: Totals, index: number): void {
    if (index < this.initial) return;
    const at = index - this.base;
    t.count++;
    if (this.flags[at] & NEW_NODE) t.withNewNode++;
    const served = this.serving[at];
    if (Number.isNaN(served)) return;
    const seconds = served - this.created[at];
    t.served++;
    t.sum += seconds;
    if (seconds > t.max) t.max = seconds;
  }

  /** makeRoom drops the added entries when they fill half the arrays or more, and doubles the arrays otherwise. */
  private makeRoom(): void {
    const drop = this.added - this.base;
    const keep = this.length - this.added;
    if (drop >= keep) {
      this.created.copyWithin(0, drop, drop + keep);
      this.serving.copyWithin(0, drop, drop + keep);
      this.flags.copyWithin(0, drop, drop + keep);
      this.base = this.added;
      return;
    }
    const n = this.created.length * 2;
    this.created = grown(this.created, n);
    this.serving = grown(this.serving, n);
    this.flags = grown(this.flags, n);
  }
}
