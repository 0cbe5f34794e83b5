/**
 * PodLog keeps what the summary needs of every pod a run created — when it was created, when it began to serve,
 * whether it waited for a new node — in typed arrays by creation order. The pods themselves can then be let go once
 * they are gone: a policy flapping at a high replica cap creates hundreds of thousands in a day, and keeping each
 * pod object (its status, node list and name) for the summary held over 100 MB.
 */

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

export class PodLog {
  private created = new Float64Array(64);
  /** NaN until the pod serves. */
  private serving = new Float64Array(64).fill(NaN);
  private newNode = new Uint8Array(64);
  /** Pods logged so far; a pod's index is its place in the log. */
  length = 0;

  /** add logs a new pod created at `createdAt` and returns its index. */
  add(createdAt: number): number {
    if (this.length === this.created.length) this.grow();
    const i = this.length++;
    this.created[i] = createdAt;
    return i;
  }

  /** served records when pod `index` began to serve. */
  served(index: number, at: number): void {
    this.serving[index] = at;
  }

  /** neededNode records that pod `index` waited for a new node. */
  neededNode(index: number): void {
    this.newNode[index] = 1;
  }

  /**
   * coldStarts sums up the pods from index `initialReplicas` on (the ones the autoscaler created), in creation
   * order, so the mean adds their times in the same order whatever became of the pods.
   */
  coldStarts(initialReplicas: number): ColdStarts {
    let count = 0;
    let served = 0;
    let withNewNode = 0;
    let sum = 0;
    let max = -Infinity;
    for (let i = Math.max(0, initialReplicas); i < this.length; i++) {
      count++;
      withNewNode += this.newNode[i];
      const at = this.serving[i];
      if (Number.isNaN(at)) continue;
      const seconds = at - this.created[i];
      served++;
      sum += seconds;
      if (seconds > max) max = seconds;
    }
    return { count, served, withNewNode, meanSeconds: served ? sum / served : undefined, maxSeconds: served ? max : undefined };
  }

  private grow(): void {
    const n = this.created.length * 2;
    const created = new Float64Array(n);
    created.set(this.created);
    const serving = new Float64Array(n).fill(NaN);
    serving.set(this.serving);
    const newNode = new Uint8Array(n);
    newNode.set(this.newNode);
    this.created = created;
    this.serving = serving;
    this.newNode = newNode;
  }
}
