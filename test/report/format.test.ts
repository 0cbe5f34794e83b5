/** How report figures and the differences between two policies read. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaTone, formatClock, formatDelta, formatDuration, formatUsd, groupThousands, METRICS } from '../../server/src/report/format';
import { metricDeltas } from '../../server/src/report/model';
import type { MetricId, ReportMetrics } from '../../server/src/report/types';

const def = (id: MetricId) => METRICS.find((m) => m.id === id)!;

const deltaCases: Array<{ name: string; id: MetricId; delta: number | null; values?: number[]; text: string; tone: string }> = [
  { name: 'attainment up is better', id: 'sloAttainment', delta: 0.2853, text: '+28.5 pt', tone: 'better' },
  { name: 'cost up is worse', id: 'usdPerDay', delta: 12.4, text: '+$12.40', tone: 'worse' },
  { name: 'cost between figures in cents keeps cents', id: 'usdPerMillionRequests', delta: -1.13, values: [5.23, 4.1], text: '−$1.13', tone: 'better' },
  { name: 'cost between whole-dollar figures is in whole dollars', id: 'usdPerMillionRequests', delta: -51.02, values: [572.4, 521.38], text: '−$51', tone: 'better' },
  { name: 'cost down is better', id: 'usdPerDay', delta: -1234.5, text: '−$1,235', tone: 'better' },
  { name: 'fewer drops is better', id: 'dropped', delta: -33997.2, text: '−33,997', tone: 'better' },
  { name: 'replicas have no better side', id: 'peakReplicas', delta: 3, text: '+3', tone: 'same' },
  { name: 'faster recovery is better', id: 'timeToRecoverSeconds', delta: -1740, text: '−29 min', tone: 'better' },
  { name: 'no change', id: 'billedGpuHours', delta: 0, text: '±0', tone: 'same' },
  { name: 'unknown', id: 'costUsd', delta: null, text: '', tone: 'same' },
];
for (const c of deltaCases) {
  test(`delta: ${c.name}`, () => {
    assert.equal(formatDelta(def(c.id), c.delta, c.values), c.text);
    assert.equal(deltaTone(def(c.id), c.delta), c.tone);
  });
}

const valueCases: Array<[string, string, string]> = [
  ['groupThousands', groupThousands(1234567.4), '1,234,567'],
  ['groupThousands of a small negative', groupThousands(-0.2), '0'],
  ['formatUsd cents', formatUsd(5.678), '$5.68'],
  ['formatUsd dollars', formatUsd(1324.8), '$1,325'],
  ['formatDuration seconds', formatDuration(54), '54 s'],
  ['formatDuration minutes', formatDuration(1948), '32 min'],
  ['formatDuration hours', formatDuration(21600), '6 h'],
  ['formatDuration hours and a half', formatDuration(9000), '2.5 h'],
  ['formatClock', formatClock(5400), '1:30'],
];
for (const [name, actual, expected] of valueCases) test(`format: ${name}`, () => assert.equal(actual, expected));

test('metricDeltas: b − a, null where either side is unknown', () => {
  const base = Object.fromEntries(METRICS.map((m) => [m.id, 1])) as ReportMetrics;
  const other = { ...base, costUsd: null, peakReplicas: 4 } as ReportMetrics;
  const d = metricDeltas(base, other);
  assert.equal(d.peakReplicas, 3);
  assert.equal(d.costUsd, null);
  assert.equal(d.sloAttainment, 0);
});
