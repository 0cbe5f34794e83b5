/**
 * Traffic from the command line. `--scenario` names one of the simulator's scenarios, as the editor's
 * panel does, and may pin its numbers (`spike:x4@2h/30m`); what is not pinned comes from the
 * ServingProfile, else from the simulator's defaults.
 */
import { parseDuration } from '../engine/sim/profile';
import { TrafficSpec } from '../engine/sim/traffic';

/** Names accepted by `--scenario`. */
export const SCENARIO_NAMES = ['profile', 'constant', 'diurnal', 'spike', 'step', 'ramp'] as const;

/** SCENARIO_HELP documents the `--scenario` syntax for `--help`. */
export const SCENARIO_HELP = `Scenarios (RPS in requests/s; times like 90s, 30m, 2h, 1h30m):
  profile                        the ServingProfile's traffic, else a default day (the default)
  constant[:RPS]                 a flat rate                                 constant:20
  diurnal[:MIN-MAX[@PEAK]]       a daily sine                                diurnal:5-60@14h
  spike[:[RPS]xMULT[@AT[/DUR]]]  a flat rate with a flash crowd              spike:x4@2h/30m
  step[:FROM-TO[@AT]]            a jump from one rate to another             step:10-40@1h
  ramp[:FROM-TO[@START[/DUR]]]   a linear climb                              ramp:10-40@1h/2h
Numbers left out come from the ServingProfile's traffic fields, else from the simulator's defaults
(rates relative to what the minimum replicas serve; a spike of x3 at 1h for 30m).`;

/** A value the command line set, to list among the assumptions. */
export interface CliAssumption {
  name: string;
  value: string | number | boolean;
  origin: 'user';
  where: string;
}

/** A parsed `--scenario`: the scenario's name and the numbers pinned on the command line. */
export type ScenarioRequest =
  | { kind: 'profile' }
  | { kind: 'constant'; rps?: number }
  | { kind: 'diurnal'; minRps?: number; maxRps?: number; peakAt?: number }
  | { kind: 'spike'; rps?: number; multiplier?: number; at?: number; duration?: number }
  | { kind: 'step'; fromRps?: number; toRps?: number; at?: number }
  | { kind: 'ramp'; fromRps?: number; toRps?: number; start?: number; duration?: number };

const NUM = '(\\d+(?:\\.\\d+)?)';
const DUR = '([0-9][0-9.a-z]*)';
const SYNTAX: Record<Exclude<ScenarioRequest['kind'], 'profile'>, RegExp> = {
  constant: new RegExp(`^${NUM}?$`),
  diurnal: new RegExp(`^(?:${NUM}-${NUM})?(?:@${DUR})?$`),
  spike: new RegExp(`^${NUM}?(?:[x×*]${NUM})?(?:@${DUR}(?:/${DUR})?)?$`),
  step: new RegExp(`^(?:${NUM}-${NUM})?(?:@${DUR})?$`),
  ramp: new RegExp(`^(?:${NUM}-${NUM})?(?:@${DUR}(?:/${DUR})?)?$`),
};

/** parseScenario reads a `--scenario` value; the error says what was expected. */
export function parseScenario(text: string): ScenarioRequest | { error: string } {
  const i = text.indexOf(':');
  const name = (i < 0 ? text : text.slice(0, i)).trim().toLowerCase();
  const params = i < 0 ? '' : text.slice(i + 1).trim();
  if (name === 'profile') return params ? { error: `'profile' takes no parameters` } : { kind: 'profile' };
  if (!(name in SYNTAX)) return { error: `unknown scenario '${name}' (use ${SCENARIO_NAMES.join(', ')})` };
  const kind = name as keyof typeof SYNTAX;
  const m = SYNTAX[kind].exec(params);
  const bad = { error: `cannot read '${text}': see 'scalelens simulate --help' for the ${kind} syntax` };
  if (!m) return bad;
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  const times = m.slice(1).map((s) => (s === undefined ? undefined : parseDuration(s)));
  if (m.slice(1).some((s, k) => s !== undefined && /[a-z]/.test(s) && times[k] === undefined)) return bad;
  const req = ((): ScenarioRequest => {
    switch (kind) {
      case 'constant':
        return { kind, rps: num(m[1]) };
      case 'diurnal':
        return { kind, minRps: num(m[1]), maxRps: num(m[2]), peakAt: times[2] };
      case 'spike':
        return { kind, rps: num(m[1]), multiplier: num(m[2]), at: times[2], duration: times[3] };
      case 'step':
        return { kind, fromRps: num(m[1]), toRps: num(m[2]), at: times[2] };
      case 'ramp':
        return { kind, fromRps: num(m[1]), toRps: num(m[2]), start: times[2], duration: times[3] };
    }
  })();
  const wrong = nonsense(req);
  return wrong ? { error: `cannot use '${text}': ${wrong}` } : req;
}

/** nonsense tells why a scenario that reads well cannot be simulated as meant, or undefined when it can. */
function nonsense(req: ScenarioRequest): string | undefined {
  switch (req.kind) {
    case 'diurnal':
      if (req.minRps !== undefined && req.maxRps !== undefined && req.minRps > req.maxRps) return `the daily minimum ${req.minRps} is above the maximum ${req.maxRps}`;
      if (req.peakAt !== undefined && req.peakAt >= 86400) return 'the peak is a time of day, before 24h';
      return undefined;
    case 'spike':
      if (req.multiplier === 0) return 'a spike multiplies the rate, so ×0 would be no traffic at all (use constant:0 for that)';
      if (req.duration === 0) return 'a spike of no duration changes nothing';
      return undefined;
    case 'ramp':
      if (req.duration === 0) return 'a ramp of no duration is a step (use step:FROM-TO@AT)';
      return undefined;
    default:
      return undefined;
  }
}

/**
 * pinScenario puts the numbers given on the command line into the traffic the simulator built for the
 * scenario, and lists them (under the simulator's names: `traffic.at`) as the user's values.
 */
export function pinScenario(traffic: TrafficSpec, req: Exclude<ScenarioRequest, { kind: 'profile' }>, horizonSeconds: number): { traffic: TrafficSpec; assumptions: CliAssumption[]; problems: string[] } {
  const assumptions: CliAssumption[] = [];
  const problems: string[] = [];
  const pin = <T extends number | undefined>(name: string, value: T): T => {
    if (value !== undefined) assumptions.push({ name: `traffic.${name}`, value, origin: 'user', where: '--scenario' });
    return value;
  };
  const late = (name: string, t: number | undefined) => {
    if (t !== undefined && t >= horizonSeconds) problems.push(`--scenario: ${name} ${t} s is at or after the end of the ${horizonSeconds} s horizon, so it is not simulated`);
  };
  const shape = { ...traffic.shape };
  const spikes = traffic.spikes.map((s) => ({ ...s }));
  const mismatch = () => problems.push(`--scenario: the simulator built a ${shape.kind} traffic for '${req.kind}', so the numbers given were not applied`);
  switch (req.kind) {
    case 'constant':
      if (shape.kind !== 'constant') mismatch();
      else shape.rps = pin('rps', req.rps) ?? shape.rps;
      break;
    case 'diurnal':
      if (shape.kind !== 'diurnal') mismatch();
      else {
        shape.minRps = pin('minRps', req.minRps) ?? shape.minRps;
        shape.maxRps = pin('maxRps', req.maxRps) ?? shape.maxRps;
        shape.peakAtSeconds = pin('peakAt', req.peakAt) ?? shape.peakAtSeconds;
      }
      break;
    case 'spike': {
      // The scenario's own spike comes first, before any the profile lists.
      const spike = spikes[0];
      if (shape.kind !== 'constant' || !spike) mismatch();
      else {
        shape.rps = pin('rps', req.rps) ?? shape.rps;
        spike.multiplier = pin('multiplier', req.multiplier) ?? spike.multiplier;
        spike.atSeconds = pin('at', req.at) ?? spike.atSeconds;
        spike.durationSeconds = pin('duration', req.duration) ?? spike.durationSeconds;
        late('the spike at', req.at);
      }
      break;
    }
    case 'step':
      if (shape.kind !== 'step') mismatch();
      else {
        shape.fromRps = pin('fromRps', req.fromRps) ?? shape.fromRps;
        shape.toRps = pin('toRps', req.toRps) ?? shape.toRps;
        shape.atSeconds = pin('at', req.at) ?? shape.atSeconds;
        late('the step at', req.at);
      }
      break;
    case 'ramp':
      if (shape.kind !== 'ramp') mismatch();
      else {
        shape.fromRps = pin('fromRps', req.fromRps) ?? shape.fromRps;
        shape.toRps = pin('toRps', req.toRps) ?? shape.toRps;
        const length = req.duration ?? shape.endSeconds - shape.startSeconds;
        shape.startSeconds = pin('start', req.start) ?? shape.startSeconds;
        if (req.start !== undefined || req.duration !== undefined) shape.endSeconds = pin('end', shape.startSeconds + length);
        late('the ramp start', req.start);
      }
      break;
  }
  return { traffic: { ...traffic, shape, spikes }, assumptions, problems };
}
