/**
 * The HPA behavior an autoscaler ends up with, read through the simulator's policy reader (so defaults and
 * KEDA's pause annotations are the simulator's), and how fast that behavior lets the replica count grow.
 */
import { calculateScaleUpLimit, calculateScaleUpLimitWithScalingRules, storeScaleEvent, type ScaleEvent } from '../../sim/hpa';
import { policyFromObject, withBehaviorDefaults, type Behavior } from '../../sim/policy';
import type { K8sObject } from '../../model';
import { memoCache, type WorkspaceIndex } from '../../workspace';

/** The HPA controller's sync period, in seconds. */
const SYNC_SECONDS = 15;

/** The behavior of an autoscaler; `behavior` undefined means the legacy normalisation. */
export interface EffectiveBehavior {
  behavior: Behavior | undefined;
  /** Replica bounds as the HPA sees them (KEDA's minimum 0 becomes 1). */
  min: number;
  max: number;
  /** KEDA never scales in (paused-scale-in, paused) or out (paused-scale-out, paused). */
  noScaleIn: boolean;
  noScaleOut: boolean;
}

// Several rules read the behavior of the same autoscaler: read it once per object and workspace generation.
const behaviors = memoCache<K8sObject, EffectiveBehavior | undefined>('effective behavior');

/** effectiveBehavior reads an HPA or ScaledObject; undefined when the simulator cannot read it. */
export function effectiveBehavior(obj: K8sObject, ws: WorkspaceIndex): EffectiveBehavior | undefined {
  return ws.memo(behaviors, obj, () => readBehavior(obj, ws));
}

function readBehavior(obj: K8sObject, ws: WorkspaceIndex): EffectiveBehavior | undefined {
  const p = policyFromObject(obj, ws);
  if ('error' in p) return undefined;
  if (p.kind === 'hpa') return { behavior: p.spec.behavior, min: p.spec.minReplicas, max: p.spec.maxReplicas, noScaleIn: false, noScaleOut: false };
  const s = p.spec;
  const paused = s.paused || s.pausedReplicas !== undefined;
  return {
    behavior: s.behavior ? withBehaviorDefaults(s.behavior) : undefined,
    min: Math.max(1, s.minReplicaCount),
    max: s.maxReplicaCount,
    noScaleIn: paused || s.pausedScaleIn,
    noScaleOut: paused || s.pausedScaleOut,
  };
}

/** scaleDownWindow is the scale-down stabilization in force: the behavior's window, else the controller's 300 s. */
export function scaleDownWindow(b: EffectiveBehavior): number | undefined {
  if (b.noScaleIn || b.behavior?.scaleDown.selectPolicy === 'Disabled') return undefined;
  return b.behavior?.scaleDown.stabilizationWindowSeconds ?? 300;
}

/**
 * reachableWithin returns the replica count the scale-up limits allow after `seconds` of sustained overload,
 * starting from `start`: one HPA sync every 15 s, each raising the count to the limit of its policies.
 */
export function reachableWithin(b: EffectiveBehavior, start: number, seconds: number): number {
  if (b.noScaleOut || b.behavior?.scaleUp.selectPolicy === 'Disabled') return start;
  let current = start;
  let events: { up: ScaleEvent[]; down: ScaleEvent[] } = { up: [], down: [] };
  for (let t = 0; t < seconds && current < b.max; t += SYNC_SECONDS) {
    const limit = b.behavior ? Math.max(current, calculateScaleUpLimitWithScalingRules(current, events.up, events.down, b.behavior.scaleUp, t)) : calculateScaleUpLimit(current);
    const next = Math.min(b.max, limit);
    if (next > current) events = storeScaleEvent(b.behavior, events, current, next, t);
    current = next;
  }
  return current;
}
