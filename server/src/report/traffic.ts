/** Traffic scenarios in words, for report headers and the assumptions they summarise. */
import type { TrafficSpec } from '../engine/sim/traffic';

/** describeTraffic says in words what a traffic scenario is (`spike: 15 req/s, ×3 at 2h for 30m, Poisson arrivals`). */
export function describeTraffic(t: TrafficSpec): string {
  const rps = (v: number) => `${round(v)} req/s`;
  const s = t.shape;
  let text: string;
  switch (s.kind) {
    case 'constant':
      text = `${t.spikes.length ? 'spike' : 'constant'}: ${rps(s.rps)}`;
      break;
    case 'diurnal':
      text = `diurnal: ${rps(s.minRps)} to ${rps(s.maxRps)}, peak at ${clock(s.peakAtSeconds)}`;
      break;
    case 'step':
      text = `step: ${rps(s.fromRps)} to ${rps(s.toRps)} at ${shortDuration(s.atSeconds)}`;
      break;
    case 'ramp':
      text = `ramp: ${rps(s.fromRps)} to ${rps(s.toRps)} from ${shortDuration(s.startSeconds)} to ${shortDuration(s.endSeconds)}`;
      break;
    case 'replay':
      text = `replay: ${s.points.length} recorded points over ${shortDuration(s.points.length ? s.points[s.points.length - 1].t : 0)}`;
      break;
  }
  const parts = [text];
  for (const sp of t.spikes) parts.push(`×${round(sp.multiplier)} at ${shortDuration(sp.atSeconds)} for ${shortDuration(sp.durationSeconds)}`);
  if (t.scale !== 1) parts.push(`scaled ×${round(t.scale)}`);
  parts.push(t.noise === 'poisson' ? 'Poisson arrivals' : 'no noise');
  return parts.join(', ');
}

/** shortDuration prints a time the way the scenario syntax writes it (`2h`, `30m`, `1h30m`, `45s`). */
export function shortDuration(seconds: number): string {
  let s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

function clock(seconds: number): string {
  const m = Math.round(seconds / 60) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
