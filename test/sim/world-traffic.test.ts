import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../server/src/engine/sim/prng';
import { arrivalSeries, parsePrometheusRange, parseTrafficCsv, rateAt, rateSeries, TrafficShape, TrafficSpec } from '../../server/src/engine/sim/traffic';

const spec = (shape: TrafficShape, extra: Partial<TrafficSpec> = {}): TrafficSpec => ({ shape, spikes: [], noise: 'none', scale: 1, ...extra });

const rateCases: Array<{ name: string; spec: TrafficSpec; t: number; expected: number }> = [
  { name: 'constant', spec: spec({ kind: 'constant', rps: 7 }), t: 1234, expected: 7 },
  { name: 'diurnal at its peak', spec: spec({ kind: 'diurnal', minRps: 2, maxRps: 10, peakAtSeconds: 50400, periodSeconds: 86400 }), t: 50400, expected: 10 },
  { name: 'diurnal half a period from its peak', spec: spec({ kind: 'diurnal', minRps: 2, maxRps: 10, peakAtSeconds: 50400, periodSeconds: 86400 }), t: 50400 - 43200, expected: 2 },
  { name: 'step before', spec: spec({ kind: 'step', fromRps: 3, toRps: 9, atSeconds: 100 }), t: 99, expected: 3 },
  { name: 'step at its time', spec: spec({ kind: 'step', fromRps: 3, toRps: 9, atSeconds: 100 }), t: 100, expected: 9 },
  { name: 'ramp halfway', spec: spec({ kind: 'ramp', fromRps: 0, toRps: 10, startSeconds: 100, endSeconds: 200 }), t: 150, expected: 5 },
  { name: 'ramp after its end', spec: spec({ kind: 'ramp', fromRps: 0, toRps: 10, startSeconds: 100, endSeconds: 200 }), t: 500, expected: 10 },
  { name: 'replay, linear between points', spec: spec({ kind: 'replay', points: [{ t: 0, rps: 0 }, { t: 10, rps: 20 }], interpolation: 'linear' }), t: 5, expected: 10 },
  { name: 'replay, step between points', spec: spec({ kind: 'replay', points: [{ t: 0, rps: 4 }, { t: 10, rps: 20 }], interpolation: 'step' }), t: 9, expected: 4 },
  { name: 'replay holds its last rate', spec: spec({ kind: 'replay', points: [{ t: 0, rps: 4 }, { t: 10, rps: 20 }], interpolation: 'linear' }), t: 99, expected: 20 },
  { name: 'spike multiplies inside its window', spec: spec({ kind: 'constant', rps: 5 }, { spikes: [{ atSeconds: 10, durationSeconds: 5, multiplier: 4 }] }), t: 12, expected: 20 },
  { name: 'spike ends after its duration', spec: spec({ kind: 'constant', rps: 5 }, { spikes: [{ atSeconds: 10, durationSeconds: 5, multiplier: 4 }] }), t: 15, expected: 5 },
  { name: 'scale multiplies everything', spec: spec({ kind: 'constant', rps: 5 }, { scale: 3 }), t: 0, expected: 15 },
  { name: 'a negative rate is read as zero', spec: spec({ kind: 'constant', rps: -5 }), t: 0, expected: 0 },
];
for (const c of rateCases) test(`traffic rate: ${c.name}`, () => assert.ok(Math.abs(rateAt(c.spec, c.t) - c.expected) < 1e-9, `got ${rateAt(c.spec, c.t)}`));

test('traffic arrivals: without noise, arrivals are rate × step', () => {
  const s = spec({ kind: 'constant', rps: 2.5 });
  const rates = rateSeries(s, 10, 2);
  assert.deepEqual([...arrivalSeries(s, rates, 2, new Rng(1))], new Array(10).fill(5));
});

test('traffic arrivals: Poisson noise is whole, deterministic for a seed, and centred on the rate', () => {
  const s = spec({ kind: 'constant', rps: 30 }, { noise: 'poisson' });
  const rates = rateSeries(s, 20000, 1);
  const a = arrivalSeries(s, rates, 1, new Rng(42));
  const b = arrivalSeries(s, rates, 1, new Rng(42));
  const c = arrivalSeries(s, rates, 1, new Rng(43));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.ok(a.every((x) => Number.isInteger(x) && x >= 0));
  const mean = a.reduce((x, y) => x + y, 0) / a.length;
  const variance = a.reduce((x, y) => x + (y - mean) ** 2, 0) / a.length;
  assert.ok(Math.abs(mean - 30) < 0.3, `mean ${mean}`);
  assert.ok(Math.abs(variance - 30) < 2, `variance ${variance}`);
});

const csvCases: Array<{ name: string; text: string; points: Array<[number, number]>; problems: number }> = [
  { name: 'Unix seconds with a header', text: 'timestamp,rps\n1700000000,5\n1700000060,7.5\n', points: [[0, 5], [60, 7.5]], problems: 0 },
  { name: 'ISO dates, semicolons and comments', text: '# exported\n2025-01-01T00:00:00Z;3\n2025-01-01T00:01:00Z;4\n', points: [[0, 3], [60, 4]], problems: 0 },
  { name: 'unsorted lines are sorted', text: '20,2\n10,1\n', points: [[0, 1], [10, 2]], problems: 1 },
  { name: 'a bad line is skipped and reported', text: '0,1\nabc,def\n10,2\n', points: [[0, 1], [10, 2]], problems: 1 },
  { name: 'a negative rate is read as 0 and reported', text: '0,-3\n5,1\n', points: [[0, 0], [5, 1]], problems: 1 },
  { name: 'empty text gives nothing', text: '', points: [], problems: 0 },
];
for (const c of csvCases) {
  test(`traffic CSV: ${c.name}`, () => {
    const r = parseTrafficCsv(c.text);
    assert.deepEqual(r.points.map((p) => [p.t, p.rps]), c.points);
    assert.equal(r.problems.length, c.problems, r.problems.join('; '));
  });
}

const body = (result: unknown, extra: object = {}) => JSON.stringify({ status: 'success', data: { resultType: 'matrix', result }, ...extra });
const promCases: Array<{ name: string; text: string; points: Array<[number, number]>; problem?: RegExp }> = [
  { name: 'one series', text: body([{ metric: {}, values: [[1000, '2'], [1015, '3']] }]), points: [[0, 2], [15, 3]] },
  { name: 'several series are summed per timestamp', text: body([{ metric: { pod: 'a' }, values: [[1000, '2'], [1015, '3']] }, { metric: { pod: 'b' }, values: [[1000, '1'], [1015, 'NaN']] }]), points: [[0, 3], [15, 3]], problem: /2 series were summed/ },
  { name: 'not JSON', text: '{', points: [], problem: /not JSON/ },
  { name: 'an instant answer, not a range', text: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }), points: [], problem: /expected 'matrix'/ },
  { name: 'no series', text: body([]), points: [], problem: /no series/ },
];
for (const c of promCases) {
  test(`traffic Prometheus range: ${c.name}`, () => {
    const r = parsePrometheusRange(c.text);
    assert.deepEqual(r.points.map((p) => [p.t, p.rps]), c.points);
    if (c.problem) assert.ok(r.problems.some((p) => c.problem!.test(p)), r.problems.join('; '));
    else assert.deepEqual(r.problems, []);
  });
}
