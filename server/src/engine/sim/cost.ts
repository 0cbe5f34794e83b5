/**
 * Cost: GPU prices as dated, editable defaults (docs/autoscalers.md §4.5), and the bill of a simulation.
 * Nodes are billed for as long as they exist, provisioning and the wait before an empty node is removed
 * included, because that is how cloud instances are charged.
 */

/** Quality of a figure: A primary source, B engineering write-up with a method, C listing or anecdote to re-check. */
export type SourceQuality = 'A' | 'B' | 'C';

/** A default on-demand price of one GPU-hour, with where it comes from. */
export interface GpuPrice {
  gpu: GpuType;
  usdPerGpuHour: number;
  source: string;
  /** When the figure was last compared with its source (year-month). */
  lastChecked: string;
  quality: SourceQuality;
}

/** GPU models the simulator knows defaults for. */
export type GpuType = 'H100' | 'H200' | 'A100-80GB' | 'A100-40GB' | 'L40S' | 'L4' | 'A10G' | 'T4';

/**
 * Default prices. Cloud prices change often; every figure is a starting point for the user's own number
 * (`spec.gpu.pricePerGpuHour` of a ServingProfile). GPUs without a sourced figure have no default.
 */
export const GPU_PRICES: GpuPrice[] = [
  { gpu: 'H100', usdPerGpuHour: 6.9, source: 'AWS p5.48xlarge (8×H100) on demand after the June 2025 cut of up to 45 %: about $55/h, divided by 8; the old list price was $98.32/h ($12.29 per GPU)', lastChecked: '2026-08', quality: 'C' },
  { gpu: 'A100-40GB', usdPerGpuHour: 4.1, source: 'AWS p4d.24xlarge (8×A100-40GB) at $32.77/h, divided by 8; the P4 family was also cut in 2025, so this is likely high', lastChecked: '2026-08', quality: 'C' },
  { gpu: 'A100-80GB', usdPerGpuHour: 4.1, source: 'no separate 80 GB figure was sourced: the p4d per-GPU price is used (GCP a2-highgpu-1g is about $3.67/h)', lastChecked: '2026-08', quality: 'C' },
  { gpu: 'L4', usdPerGpuHour: 0.8, source: 'AWS g6.xlarge (1×L4) at about $0.80/h', lastChecked: '2026-08', quality: 'C' },
  { gpu: 'A10G', usdPerGpuHour: 1.0, source: 'AWS g5.xlarge (1×A10G) at about $1.01–1.09/h', lastChecked: '2026-08', quality: 'C' },
];

/** priceOf finds the default price of a GPU type. */
export function priceOf(gpu: GpuType | undefined): GpuPrice | undefined {
  return gpu ? GPU_PRICES.find((p) => p.gpu === gpu) : undefined;
}

/** The totals of a simulated bill. */
export interface CostTotals {
  /** GPU-hours of the nodes that existed (what is paid for). */
  billedGpuHours: number;
  /** GPU-hours held by pods that were serving. */
  servingGpuHours: number;
  /** Share of billed GPU-hours not used by a serving pod (provisioning, loading, empty or partly used nodes). */
  idleShare: number;
  /** Total cost in USD; undefined when no price is known. */
  usd: number | undefined;
  usdPerDay: number | undefined;
  usdPerMillionRequests: number | undefined;
}

/** costTotals closes the bill of a run of `seconds` that served `requests` requests. */
export function costTotals(billedGpuSeconds: number, servingGpuSeconds: number, usdPerGpuHour: number | undefined, seconds: number, requests: number): CostTotals {
  const billedGpuHours = billedGpuSeconds / 3600;
  const servingGpuHours = servingGpuSeconds / 3600;
  const usd = usdPerGpuHour === undefined ? undefined : billedGpuHours * usdPerGpuHour;
  return {
    billedGpuHours,
    servingGpuHours,
    idleShare: billedGpuHours > 0 ? Math.max(0, 1 - servingGpuHours / billedGpuHours) : 0,
    usd,
    usdPerDay: usd === undefined || seconds <= 0 ? undefined : (usd * 86400) / seconds,
    usdPerMillionRequests: usd === undefined || requests <= 0 ? undefined : (usd * 1e6) / requests,
  };
}
