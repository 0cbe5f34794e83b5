/**
 * Cold-start figures for the rules, from the simulator's estimate (sim/coldstart.ts) with the workload's
 * ServingProfile when the workspace has one: how long a new replica takes to serve, how long its container
 * takes once started, and the scale-down window that covers a cold start.
 */
import type { K8sObject, WorkloadInfo } from '../../model';
import type { RuleContext } from '../types';
import { autoscalerView, AutoscalerView, resolveWorkload, ResolvedTarget } from './autoscaler';
import { effectiveBehavior, EffectiveBehavior } from './behavior';
import { estimateColdStart, type ColdStartEstimate } from '../../sim/coldstart';
import { findProfile } from '../../sim/profile';
import { memoCache, type WorkspaceIndex } from '../../workspace';

/** Estimates per target, valid for one generation of the workspace (several rules ask for the same target). */
const estimates = memoCache<K8sObject, ColdStartEstimate>('cold start');

/** coldStartOf estimates the cold start of a GPU workload; undefined for workloads without accelerators. */
export function coldStartOf(ws: WorkspaceIndex, target: K8sObject, workload: WorkloadInfo): ColdStartEstimate | undefined {
  if (workload.gpusPerPod <= 0) return undefined;
  return ws.memo(estimates, target, () => estimateColdStart(workload, findProfile(target, ws)?.profile));
}

/** containerStartSeconds is the part of a cold start a startup probe must wait for: loading the weights and starting the engine. */
export function containerStartSeconds(e: ColdStartEstimate): number {
  return e.parts.modelLoad + e.parts.engineStart;
}

/** describeColdStart spells out an estimate's parts for a message (`~11 min: node 5 min, image 4.8 min, ...`). */
export function describeColdStart(e: ColdStartEstimate): string {
  const p = e.parts;
  const parts = [`node ${duration(p.node)}`, `image pull ${duration(p.imagePull)}`, `weights ${duration(p.modelLoad)}`, `engine start ${duration(p.engineStart)}`];
  return `about ${duration(e.totalSeconds)} (${parts.join(', ')})`;
}

/** duration renders seconds as `45 s` or `7.5 min`. */
export function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  const min = seconds / 60;
  return `${Number.isInteger(min) ? min : min.toFixed(1)} min`;
}

/** Bounds of `stabilizationWindowSeconds` accepted by the HPA API. */
const MAX_WINDOW = 3600;

/** windowCovering returns a scale-down window of at least the cold start, in whole minutes, never below 300 s. */
export function windowCovering(coldStart: number | undefined): number {
  if (coldStart === undefined) return 300;
  return Math.min(MAX_WINDOW, Math.max(300, Math.ceil(coldStart / 60) * 60));
}

/** What the cold-start rules read about one autoscaler: its view, its GPU target, the estimate and its behavior. */
export interface ColdStartScope {
  view: AutoscalerView;
  resolved: ResolvedTarget;
  estimate: ColdStartEstimate;
  behavior: EffectiveBehavior;
}

/** coldStartScope gathers a cold-start rule's inputs; undefined when the target is unknown or has no GPU. */
export function coldStartScope(ctx: RuleContext): ColdStartScope | undefined {
  const view = autoscalerView(ctx.obj);
  const resolved = resolveWorkload(ctx.ws, ctx.obj);
  if (!view || !resolved) return undefined;
  const estimate = coldStartOf(ctx.ws, resolved.target, resolved.workload);
  const behavior = effectiveBehavior(ctx.obj, ctx.ws);
  if (!estimate || !behavior) return undefined;
  return { view, resolved, estimate, behavior };
}
