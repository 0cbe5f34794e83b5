/** The summary of a simulation: size, cost, SLO attainment, cold starts and recovery after spikes. */
import type { ColdStarts, PodLog } from './podLog';
import type { CostTotals } from './cost';
import type { Spike } from './traffic';

/** How long the service took to meet its SLO again after one spike began. */
export interface Recovery {
  spikeAt: number;
  /** Seconds from the spike's start until the SLO held again for a minute; 0 if it never broke; null if it never recovered. */
  recoverSeconds: number | null;
}

/** Totals of one simulation. */
export interface Summary {
  durationSeconds: number;
  requests: {
    arrived: number;
    served: number;
    dropped: number;
    /** Requests that missed the latency objective, dropped ones included. */
    overSlo: number;
  };
  /** Share of requests that met the SLO (undefined without traffic). */
  sloAttainment: number | undefined;
  replicas: { peak: number; mean: number };
  /** GPUs of the nodes that existed. */
  gpus: { peak: number; mean: number };
  cost: CostTotals;
  coldStarts: ColdStarts;
  recoveries: Recovery[];
  /** Worst recovery over the spikes: null if one never recovered, undefined without spikes. */
  timeToRecoverSeconds: number | null | undefined;
  /** Serving capacity over demand, both integrated over the run (1 = exactly enough on average). */
  overProvisioning: number | undefined;
}

/** What the loop hands to buildSummary. */
export interface SummaryInput {
  seconds: number;
  arrived: number;
  served: number;
  dropped: number;
  overSlo: number;
  peakReplicas: number;
  meanReplicas: number;
  peakGpus: number;
  meanGpus: number;
  cost: CostTotals;
  overProvisioning: number | undefined;
  /** The pods of the run. */
  pods: PodLog;
  spikes: Spike[];
  /** Per step: 1 when the step met the SLO. */
  sloMet: Uint8Array;
  dt: number;
}

/** Seconds the SLO must hold without a break for a spike to count as recovered. */
const RECOVERY_HOLD_SECONDS = 60;
/** A break of the SLO counts against a spike if it starts before the spike ends or within this margin after. */
const BREAK_MARGIN_SECONDS = 600;

/** buildSummary condenses a run into its summary. */
export function buildSummary(s: SummaryInput): Summary {
  const recoveries = s.spikes.map((sp) => ({ spikeAt: sp.atSeconds, recoverSeconds: recoveryAfter(s.sloMet, s.dt, sp.atSeconds, sp.atSeconds + sp.durationSeconds + BREAK_MARGIN_SECONDS) }));
  let worst: number | null | undefined;
  for (const r of recoveries) {
    if (r.recoverSeconds === null) worst = null;
    else if (worst !== null) worst = Math.max(worst ?? 0, r.recoverSeconds);
  }
  return {
    durationSeconds: s.seconds,
    requests: { arrived: s.arrived, served: s.served, dropped: s.dropped, overSlo: s.overSlo },
    sloAttainment: s.arrived > 0 ? Math.max(0, 1 - s.overSlo / s.arrived) : undefined,
    replicas: { peak: s.peakReplicas, mean: s.meanReplicas },
    gpus: { peak: s.peakGpus, mean: s.meanGpus },
    cost: s.cost,
    coldStarts: s.pods.coldStarts(),
    recoveries,
    timeToRecoverSeconds: worst,
    overProvisioning: s.overProvisioning,
  };
}

/**
 * recoveryAfter finds the first break of the SLO in [from, breakBy) and returns how long after `from` the
 * SLO then held again for a minute: 0 without a break, null if it never held again.
 */
export function recoveryAfter(sloMet: Uint8Array, dt: number, from: number, breakBy: number): number | null {
  const start = Math.max(0, Math.ceil(from / dt));
  const last = Math.min(sloMet.length, Math.ceil(breakBy / dt));
  let i = start;
  while (i < last && sloMet[i]) i++;
  if (i >= last) return 0;
  const hold = Math.max(1, Math.ceil(RECOVERY_HOLD_SECONDS / dt));
  let run = 0;
  for (; i < sloMet.length; i++) {
    run = sloMet[i] ? run + 1 : 0;
    if (run >= hold) return (i - hold + 1) * dt - from;
  }
  return null;
}
