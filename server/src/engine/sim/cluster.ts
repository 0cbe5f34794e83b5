/**
 * The cluster: GPU nodes and the pods of the scale target, from creation to deletion. A pod waits for a
 * node with free GPUs (a new node is provisioned when none is free), pulls its image (once per node when
 * images are cached), loads the model and becomes Ready; on scale-down it drains for up to its
 * termination grace period. Empty nodes go away after the scale-down delay. Transitions are events, so a
 * step where nothing changes costs nothing.
 */
import type { PodStatus } from './hpa';
import { PodLog } from './podLog';

/** The cluster and pod start-up parameters of one simulation. */
export interface ClusterParams {
  gpusPerNode: number;
  /** GPUs one replica needs (a multi-node replica takes whole nodes). */
  gpusPerReplica: number;
  /** Seconds from asking for a node to its GPUs being allocatable. */
  nodeProvisionSeconds: number;
  /** Seconds an empty node stays before it is removed. */
  nodeScaleDownDelaySeconds: number;
  /** Upper bound on nodes (NodePool limits, quota); Infinity when unbounded. */
  maxNodes: number;
  /** Nodes present at the start (raised to fit the initial replicas). */
  initialNodes: number;
  /** Nodes never removed. */
  minNodes: number;
  imagePullSeconds: number;
  /** True when a node keeps pulled images, so only the first pod on a node pulls. */
  imageCachedPerNode: boolean;
  modelLoadSeconds: number;
  engineStartSeconds: number;
  /** `model`: Ready once the model serves (a readiness or startup probe); `container`: Ready as soon as the container runs (no probe). */
  readyWhen: 'model' | 'container';
  terminationGracePeriodSeconds: number;
}

/** Where a pod is in its life. */
export type PodPhase = 'unschedulable' | 'pulling' | 'loading' | 'serving' | 'terminating' | 'gone';

/** A simulated pod (one replica; a multi-node replica is one unit here). */
export interface SimPod {
  index: number;
  name: string;
  phase: PodPhase;
  createdAt: number;
  /** When it was bound to a node (the pod's StartTime). */
  boundAt: number | undefined;
  /** When its container started (model loading begins). */
  startedAt: number | undefined;
  /** When the model served its first request. */
  servingAt: number | undefined;
  /** When the current phase ends (pulling, loading, terminating). */
  until: number;
  nodes: SimNode[];
  /** Scrape target id in the series store, once the container runs. */
  target: number;
  /** The HPA's view of the pod, refreshed by `statuses`. */
  status: PodStatus;
}

/** A GPU node. */
export interface SimNode {
  name: string;
  createdAt: number;
  /** When its GPUs become allocatable. */
  readyAt: number;
  freeGpus: number;
  imageCached: boolean;
  /** When it became empty (undefined while it holds pods). */
  emptySince: number | undefined;
  removedAt: number | undefined;
  /** Scheduled for a pod that is still waiting for it. */
  reserved: number;
}

/** Letters Kubernetes uses for generated name suffixes (no vowels, no look-alikes). */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** podSuffix derives a stable 5-letter suffix from an index (a bijective mix, so names never collide). */
function podSuffix(i: number): string {
  let x = Math.imul(i + 1, 0x9e3779b1) >>> 0;
  let s = '';
  for (let k = 0; k < 5; k++) {
    s += ALPHABET[x % ALPHABET.length];
    x = Math.floor(x / ALPHABET.length);
  }
  return s;
}

/** wholeFreeNodes lists the nodes with all their GPUs free (a multi-node replica takes whole nodes). */
function wholeFreeNodes(nodes: SimNode[], gpusPerNode: number): SimNode[] {
  return nodes.filter((n) => n.freeGpus === gpusPerNode);
}

/** PodTally counts the pods by where they are in their life. */
export interface PodTally {
  serving: number;
  /** Ready pods (see `Cluster.isReady`). */
  ready: number;
  /** Waiting for a node or pulling the image. */
  pending: number;
  loading: number;
  /** All but terminating ones (what `activeCount` gives). */
  active: number;
}

/** The order in which a ReplicaSet deletes pods: unscheduled, then starting, then ready ones. */
const DELETION_RANK: Record<PodPhase, number> = { unschedulable: 0, pulling: 1, loading: 2, serving: 3, terminating: 9, gone: 9 };

/** Callbacks the cluster uses to tell the world about pods it cannot decide alone. */
export interface ClusterHooks {
  /** A pod's container started (register its scrape target). */
  onContainerStart(pod: SimPod, now: number): void;
  /** A serving pod starts draining: returns how many seconds its in-flight work needs. */
  onDrain(pod: SimPod, now: number): number;
}

/** Cluster holds nodes and pods and moves them through their phases. */
export class Cluster {
  readonly pods: SimPod[] = [];
  readonly nodes: SimNode[] = [];
  /** What the summary needs of every pod ever created (the pod objects go once they are gone). */
  readonly log = new PodLog();
  private nodeCount = 0;
  /** Bumped whenever pods or nodes change, so callers can cache counts. */
  version = 0;
  /** The last list `statuses` made, and the version it was made at. */
  private statusList: PodStatus[] = [];
  private statusVersion = -1;
  /** Earliest time at which some phase ends; steps before it skip `advance`. */
  private nextEvent = Infinity;
  private readonly podsPerNode: number;
  private readonly nodesPerReplica: number;
  private readonly template: string;

  constructor(readonly params: ClusterParams, private readonly workloadName: string, private readonly hooks: ClusterHooks) {
    const gpr = Math.max(0, params.gpusPerReplica);
    this.nodesPerReplica = gpr > params.gpusPerNode ? Math.ceil(gpr / params.gpusPerNode) : 1;
    this.podsPerNode = gpr === 0 ? Infinity : gpr > params.gpusPerNode ? 0 : Math.floor(params.gpusPerNode / gpr);
    // Stands for the ReplicaSet's pod-template hash in pod names.
    this.template = podSuffix(0x5ca1e) + podSuffix(7);
  }

  /** start places the initial replicas on warm nodes at time 0: they are serving from the first step. */
  start(replicas: number): void {
    this.version++;
    this.log.initial = replicas;
    const needed = this.podsPerNode === Infinity ? 0 : this.podsPerNode === 0 ? replicas * this.nodesPerReplica : Math.ceil(replicas / this.podsPerNode);
    const nodes = Math.max(needed, this.params.initialNodes);
    for (let i = 0; i < nodes; i++) this.addNode(0, 0, true);
    for (let i = 0; i < replicas; i++) {
      const pod = this.newPod(0);
      const placed = this.place(pod, 0);
      if (!placed) continue;
      pod.startedAt = 0;
      pod.servingAt = 0;
      this.log.served(pod.index, 0);
      pod.phase = 'serving';
      this.hooks.onContainerStart(pod, 0);
    }
    this.recomputeNextEvent(0);
  }

  /** activeCount is the number of pods that count toward the Deployment's replicas (all but terminating ones). */
  activeCount(): number {
    let n = 0;
    for (const p of this.pods) if (p.phase !== 'terminating') n++;
    return n;
  }

  /** tally counts the pods into `out` in one pass: by phase, ready (what Services route to and the HPA counts), active. */
  tally(out: PodTally): PodTally {
    let serving = 0;
    let ready = 0;
    let pending = 0;
    let loading = 0;
    let active = 0;
    for (const p of this.pods) {
      if (p.phase !== 'terminating') active++;
      if (this.isReady(p)) ready++;
      if (p.phase === 'serving') serving++;
      else if (p.phase === 'loading') loading++;
      else if (p.phase === 'unschedulable' || p.phase === 'pulling') pending++;
    }
    out.serving = serving;
    out.ready = ready;
    out.pending = pending;
    out.loading = loading;
    out.active = active;
    return out;
  }

  /** isReady tells whether the pod's Ready condition is true. */
  isReady(p: SimPod): boolean {
    if (p.phase === 'serving') return true;
    return p.phase === 'loading' && this.params.readyWhen === 'container';
  }

  /** billedNodes is the number of nodes that exist (provisioning included). */
  billedNodes(): number {
    return this.nodes.length;
  }

  /** scaleTo creates or deletes pods so that the active ones match the desired count, as a ReplicaSet does. */
  scaleTo(desired: number, now: number): void {
    this.version++;
    let active = this.activeCount();
    while (active < desired) {
      this.newPod(now);
      active++;
    }
    // The ReplicaSet deletes the least useful pods first. A deleted pod leaves the candidates (it is terminating or
    // gone), so picking the least useful one each time deletes the same pods in the same order as sorting would.
    for (; active > desired; active--) this.deletePod(this.leastUseful()!, now);
    this.schedule(now);
  }

  /** leastUseful is the pod a ReplicaSet deletes first: by DELETION_RANK, then the newest; undefined if none is active. */
  private leastUseful(): SimPod | undefined {
    let victim: SimPod | undefined;
    for (const p of this.pods) {
      if (p.phase === 'terminating') continue;
      if (!victim) {
        victim = p;
        continue;
      }
      const byRank = DELETION_RANK[p.phase] - DELETION_RANK[victim.phase];
      if (byRank < 0 || (byRank === 0 && (p.createdAt > victim.createdAt || (p.createdAt === victim.createdAt && p.index > victim.index)))) victim = p;
    }
    return victim;
  }

  /** quietUntil is the time of the next transition: before it, `advance` changes nothing. */
  quietUntil(): number {
    return this.nextEvent;
  }

  /** advance applies every transition due by `now` (node ready, image pulled, model loaded, drain done, node removal). */
  advance(now: number): void {
    // Most steps change nothing: this test is small enough for the JIT to inline into the step loop.
    if (now >= this.nextEvent) this.applyDue(now);
  }

  private applyDue(now: number): void {
    this.version++;
    let freed = false;
    for (const p of this.pods) {
      if (p.until > now) continue;
      if (p.phase === 'pulling') {
        p.phase = 'loading';
        p.startedAt = p.until;
        for (const n of p.nodes) n.imageCached = this.params.imageCachedPerNode;
        p.until = p.startedAt + this.params.modelLoadSeconds + this.params.engineStartSeconds;
        this.hooks.onContainerStart(p, now);
      } else if (p.phase === 'loading') {
        p.phase = 'serving';
        p.servingAt = p.until;
        this.log.served(p.index, p.until);
        p.until = Infinity;
      } else if (p.phase === 'terminating') {
        this.release(p, now);
        freed = true;
      }
    }
    if (freed) this.pods.splice(0, this.pods.length, ...this.pods.filter((p) => p.phase !== 'gone'));
    this.schedule(now);
    this.removeEmptyNodes(now);
    this.recomputeNextEvent(now);
  }

  private recomputeNextEvent(now: number): void {
    let next = Infinity;
    const canShrink = this.nodes.length > this.params.minNodes;
    for (const n of this.nodes) {
      if (n.readyAt > now) next = Math.min(next, n.readyAt);
      else if (canShrink && n.emptySince !== undefined) next = Math.min(next, n.emptySince + this.params.nodeScaleDownDelaySeconds);
    }
    // A phase ending exactly now (an image already on the node) is handled at the next step.
    for (const p of this.pods) if (p.until >= now && p.until < next) next = p.until;
    this.nextEvent = next;
  }

  /**
   * statuses gives the HPA's view of the pods. Each pod's status object is kept and refreshed in place; the list
   * is remade only when the cluster changed since the last call (the HPA asks at every sync, pods change far
   * less often), so callers only read it.
   */
  statuses(): PodStatus[] {
    if (this.statusVersion === this.version) return this.statusList;
    this.statusVersion = this.version;
    const out: PodStatus[] = [];
    for (const p of this.pods) {
      const ready = this.isReady(p);
      const st = p.status;
      st.phase = p.phase === 'loading' || p.phase === 'serving' || (p.phase === 'terminating' && p.startedAt !== undefined) ? 'Running' : 'Pending';
      st.ready = ready;
      st.deleting = p.phase === 'terminating';
      st.startTime = p.boundAt;
      // The Ready condition exists from the start (False); it turns True when the pod becomes ready.
      st.readyTransitionTime = p.startedAt === undefined ? undefined : ready ? (this.params.readyWhen === 'container' ? p.startedAt : p.servingAt) : p.startedAt;
      out.push(st);
    }
    this.statusList = out;
    return out;
  }

  private newPod(now: number): SimPod {
    const index = this.log.add(now);
    const name = `${this.workloadName}-${this.template}-${podSuffix(index)}`;
    const pod: SimPod = { index, name, phase: 'unschedulable', createdAt: now, boundAt: undefined, startedAt: undefined, servingAt: undefined, until: Infinity, nodes: [], target: -1, status: { name, phase: 'Pending', ready: false, deleting: false } };
    this.pods.push(pod);
    return pod;
  }

  private addNode(now: number, delay: number, cached: boolean): SimNode {
    // A node counts as empty from the moment it is ready until a pod is bound to it.
    const node: SimNode = { name: `gpu-node-${this.nodeCount++}`, createdAt: now, readyAt: now + delay, freeGpus: this.params.gpusPerNode, imageCached: cached && this.params.imageCachedPerNode, emptySince: now + delay, removedAt: undefined, reserved: 0 };
    this.nodes.push(node);
    if (node.readyAt > now) this.nextEvent = Math.min(this.nextEvent, node.readyAt);
    return node;
  }

  /** place binds a pod to nodes with enough free GPUs (image-cached nodes first, then the fullest); false if none. */
  private place(pod: SimPod, now: number): boolean {
    const gpr = this.params.gpusPerReplica;
    if (gpr <= 0) {
      // A pod without GPUs fits on the cluster's other nodes, which are not modelled.
      pod.boundAt = now;
      return true;
    }
    const ready: SimNode[] = [];
    for (const n of this.nodes) if (n.readyAt <= now) ready.push(n);
    let chosen: SimNode[] = [];
    if (this.nodesPerReplica > 1) {
      const free = wholeFreeNodes(ready, this.params.gpusPerNode);
      if (free.length < this.nodesPerReplica) return false;
      chosen = free.slice(0, this.nodesPerReplica);
    } else {
      let best: SimNode | undefined;
      for (const n of ready) {
        if (n.freeGpus < gpr) continue;
        if (!best || (n.imageCached && !best.imageCached) || (n.imageCached === best.imageCached && n.freeGpus < best.freeGpus)) best = n;
      }
      if (!best) return false;
      chosen = [best];
    }
    const perNode = this.nodesPerReplica > 1 ? this.params.gpusPerNode : gpr;
    for (const n of chosen) {
      n.freeGpus -= perNode;
      n.emptySince = undefined;
      if (n.reserved > 0) {
        n.reserved--;
        this.log.neededNode(pod.index);
      }
    }
    pod.nodes = chosen;
    pod.boundAt = now;
    return true;
  }

  /** schedule binds waiting pods and asks for nodes for the ones that do not fit. */
  private schedule(now: number): void {
    let waiting = 0;
    for (const p of this.pods) {
      if (p.phase !== 'unschedulable') continue;
      if (this.place(p, now)) {
        p.phase = 'pulling';
        const cached = p.nodes.every((n) => n.imageCached);
        p.until = now + (cached ? 0 : this.params.imagePullSeconds);
        this.nextEvent = Math.min(this.nextEvent, p.until);
      } else waiting++;
    }
    if (waiting === 0) return;
    // Capacity already on its way counts before asking for more (what the cluster autoscaler does).
    let incoming = 0;
    for (const n of this.nodes) if (n.readyAt > now) incoming += this.nodesPerReplica > 1 ? 1 / this.nodesPerReplica : Math.floor(n.freeGpus / Math.max(1, this.params.gpusPerReplica));
    let missing = Math.ceil(waiting - incoming);
    while (missing > 0 && this.nodes.length < this.params.maxNodes) {
      const per = this.nodesPerReplica > 1 ? this.nodesPerReplica : 1;
      for (let k = 0; k < per && this.nodes.length < this.params.maxNodes; k++) this.addNode(now, this.params.nodeProvisionSeconds, false).reserved = this.nodesPerReplica > 1 ? 1 : this.podsPerNode;
      missing -= this.nodesPerReplica > 1 ? 1 : this.podsPerNode;
    }
  }

  private deletePod(p: SimPod, now: number): void {
    if (p.phase === 'serving') {
      const need = this.hooks.onDrain(p, now);
      p.phase = 'terminating';
      p.until = now + Math.min(this.params.terminationGracePeriodSeconds, Math.max(1, need));
      this.nextEvent = Math.min(this.nextEvent, p.until);
      return;
    }
    // A pod that serves nothing yet stops at once: its GPUs are free again.
    this.release(p, now);
    this.pods.splice(this.pods.indexOf(p), 1);
  }

  private release(p: SimPod, now: number): void {
    if (p.phase !== 'unschedulable') {
      const perNode = this.nodesPerReplica > 1 ? this.params.gpusPerNode : this.params.gpusPerReplica;
      for (const n of p.nodes) {
        n.freeGpus += perNode;
        if (n.freeGpus >= this.params.gpusPerNode) {
          n.emptySince = now;
          this.nextEvent = Math.min(this.nextEvent, now + this.params.nodeScaleDownDelaySeconds);
        }
      }
    }
    p.phase = 'gone';
    p.until = Infinity;
    this.log.gone(p.index);
  }

  /** removeEmptyNodes drops the nodes that have been empty for the scale-down delay. */
  private removeEmptyNodes(now: number): void {
    for (let i = this.nodes.length - 1; i >= 0 && this.nodes.length > this.params.minNodes; i--) {
      const n = this.nodes[i];
      if (n.emptySince === undefined || n.readyAt > now || n.emptySince + this.params.nodeScaleDownDelaySeconds > now) continue;
      n.removedAt = now;
      this.nodes.splice(i, 1);
    }
  }
}
