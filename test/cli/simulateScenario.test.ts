/** The `--scenario` syntax and the traffic it builds over a profile's base rate (recordings: test/sim/recording.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario, pinScenario, ScenarioRequest } from '../../server/src/cli/scenario';
import { rateAt, TrafficSpec } from '../../server/src/engine/sim/traffic';
import { describeTraffic } from '../../server/src/report/traffic';

const parseCases: Array<{ name: string; text: string; expected: ScenarioRequest | RegExp }> = [
  { name: 'profile', text: 'profile', expected: { kind: 'profile' } },
  { name: 'bare constant', text: 'constant', expected: { kind: 'constant', rps: undefined } },
  { name: 'constant rate', text: 'constant:20.5', expected: { kind: 'constant', rps: 20.5 } },
  { name: 'diurnal range and peak', text: 'diurnal:5-60@14h', expected: { kind: 'diurnal', minRps: 5, maxRps: 60, peakAt: 50400 } },
  { name: 'spike multiplier, start and length', text: 'spike:x4@2h/30m', expected: { kind: 'spike', rps: undefined, multiplier: 4, at: 7200, duration: 1800 } },
  { name: 'spike with base rate', text: 'spike:20x3@1h30m', expected: { kind: 'spike', rps: 20, multiplier: 3, at: 5400, duration: undefined } },
  { name: 'step', text: 'step:10-40@1h', expected: { kind: 'step', fromRps: 10, toRps: 40, at: 3600 } },
  { name: 'ramp', text: 'ramp:10-40@1h/2h', expected: { kind: 'ramp', fromRps: 10, toRps: 40, start: 3600, duration: 7200 } },
  { name: 'case-insensitive name', text: 'SPIKE', expected: { kind: 'spike', rps: undefined, multiplier: undefined, at: undefined, duration: undefined } },
  { name: 'unknown name', text: 'tsunami:x3', expected: /unknown scenario 'tsunami'/ },
  { name: 'words for a rate', text: 'constant:lots', expected: /cannot read 'constant:lots'/ },
  { name: 'bad time unit', text: 'step:1-2@3q', expected: /cannot read/ },
  { name: 'profile with parameters', text: 'profile:3', expected: /takes no parameters/ },
  { name: 'spike of zero times the rate', text: 'spike:x0', expected: /cannot use 'spike:x0': a spike multiplies the rate/ },
  { name: 'spike of no duration', text: 'spike:x4@1h/0m', expected: /a spike of no duration changes nothing/ },
  { name: 'spike of a fraction of the rate (a dip)', text: 'spike:x0.5', expected: { kind: 'spike', rps: undefined, multiplier: 0.5, at: undefined, duration: undefined } },
  { name: 'diurnal minimum above the maximum', text: 'diurnal:10-1', expected: /the daily minimum 10 is above the maximum 1/ },
  { name: 'diurnal peak past the day', text: 'diurnal:1-10@25h', expected: /the peak is a time of day, before 24h/ },
  { name: 'ramp of no duration', text: 'ramp:1-100@1h/0s', expected: /a ramp of no duration is a step/ },
];
for (const c of parseCases) {
  test(`parseScenario: ${c.name}`, () => {
    const r = parseScenario(c.text);
    if (c.expected instanceof RegExp) {
      assert.ok('error' in r, JSON.stringify(r));
      assert.match(r.error, c.expected);
    } else assert.deepEqual(r, c.expected);
  });
}

// Traffic as the simulator builds it for each scenario (the spike scenario puts its own spike first).
const built: Record<'constant' | 'diurnal' | 'spike' | 'step' | 'ramp', TrafficSpec> = {
  constant: { shape: { kind: 'constant', rps: 10 }, spikes: [], noise: 'poisson', scale: 1 },
  diurnal: { shape: { kind: 'diurnal', minRps: 3, maxRps: 20, peakAtSeconds: 50400, periodSeconds: 86400 }, spikes: [], noise: 'poisson', scale: 1 },
  spike: { shape: { kind: 'constant', rps: 10 }, spikes: [{ atSeconds: 3600, durationSeconds: 1800, multiplier: 3 }, { atSeconds: 9000, durationSeconds: 60, multiplier: 2 }], noise: 'poisson', scale: 1 },
  step: { shape: { kind: 'step', fromRps: 5, toRps: 15, atSeconds: 3600 }, spikes: [], noise: 'none', scale: 1 },
  ramp: { shape: { kind: 'ramp', fromRps: 5, toRps: 20, startSeconds: 3600, endSeconds: 10800 }, spikes: [], noise: 'none', scale: 1 },
};

const pinCases: Array<{ name: string; scenario: string; rates: Array<[number, number]>; pinned: string[]; problem?: RegExp }> = [
  { name: 'nothing pinned keeps the simulator\'s traffic', scenario: 'spike', rates: [[1800, 10], [3700, 30], [9030, 20]], pinned: [] },
  { name: 'spike numbers replace the scenario spike only', scenario: 'spike:x4@2h/30m', rates: [[3700, 10], [7300, 40], [9030, 20]], pinned: ['traffic.multiplier', 'traffic.at', 'traffic.duration'] },
  { name: 'spike base rate', scenario: 'spike:20', rates: [[100, 20], [3700, 60]], pinned: ['traffic.rps'] },
  { name: 'constant rate', scenario: 'constant:7', rates: [[0, 7]], pinned: ['traffic.rps'] },
  { name: 'diurnal range and peak', scenario: 'diurnal:10-30@12h', rates: [[43200, 30], [0, 10]], pinned: ['traffic.minRps', 'traffic.maxRps', 'traffic.peakAt'] },
  { name: 'step', scenario: 'step:1-9@30m', rates: [[1700, 1], [1900, 9]], pinned: ['traffic.fromRps', 'traffic.toRps', 'traffic.at'] },
  { name: 'ramp start keeps its length', scenario: 'ramp:0-100@1h30m', rates: [[5400, 0], [9000, 50], [12600, 100]], pinned: ['traffic.fromRps', 'traffic.toRps', 'traffic.start', 'traffic.end'] },
  { name: 'ramp start and length', scenario: 'ramp:0-100@1h/1h', rates: [[3600, 0], [5400, 50], [7200, 100]], pinned: ['traffic.fromRps', 'traffic.toRps', 'traffic.start', 'traffic.end'] },
  { name: 'a spike after the horizon is reported', scenario: 'spike:x2@30h', rates: [[100, 10]], pinned: ['traffic.multiplier', 'traffic.at'], problem: /after the end of the 86400 s horizon/ },
];
for (const c of pinCases) {
  test(`pinScenario: ${c.name}`, () => {
    const req = parseScenario(c.scenario);
    assert.ok(!('error' in req) && req.kind !== 'profile');
    const before = structuredClone(built[req.kind]);
    const { traffic, assumptions, problems } = pinScenario(built[req.kind], req, 86400);
    for (const [t, rps] of c.rates) assert.ok(Math.abs(rateAt(traffic, t) - rps) < 1e-9, `rate at ${t}: ${rateAt(traffic, t)} ≠ ${rps}`);
    assert.deepEqual(assumptions.map((a) => a.name), c.pinned);
    assert.ok(assumptions.every((a) => a.origin === 'user' && a.where === '--scenario'));
    if (c.problem) assert.ok(problems.some((p) => c.problem!.test(p)), problems.join('\n'));
    else assert.deepEqual(problems, []);
    assert.deepEqual(built[req.kind], before, 'the input is not modified');
  });
}

test('pinScenario: numbers for another shape are reported, not applied', () => {
  const req = parseScenario('step:1-2');
  assert.ok(!('error' in req) && req.kind === 'step');
  const r = pinScenario(built.constant, req, 3600);
  assert.deepEqual(r.traffic, built.constant);
  assert.match(r.problems[0], /built a constant traffic for 'step'/);
});

const profileTraffic = built.spike;

const describeCases: Array<{ name: string; traffic: TrafficSpec; expected: string }> = [
  { name: 'spike', traffic: profileTraffic, expected: 'spike: 10 req/s, ×3 at 1h for 30m, ×2 at 2h30m for 1m, Poisson arrivals' },
  { name: 'diurnal, scaled', traffic: { shape: { kind: 'diurnal', minRps: 5, maxRps: 60, peakAtSeconds: 50400, periodSeconds: 86400 }, spikes: [], noise: 'none', scale: 2 }, expected: 'diurnal: 5 req/s to 60 req/s, peak at 14:00, scaled ×2, no noise' },
  { name: 'ramp', traffic: { shape: { kind: 'ramp', fromRps: 1, toRps: 2, startSeconds: 3600, endSeconds: 5400 }, spikes: [], noise: 'none', scale: 1 }, expected: 'ramp: 1 req/s to 2 req/s from 1h to 1h30m, no noise' },
];
for (const c of describeCases) test(`describeTraffic: ${c.name}`, () => assert.equal(describeTraffic(c.traffic), c.expected));
