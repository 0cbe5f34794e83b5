/** Terminal charts and tables: resampling to the width, overlaid line styles, color only when asked. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineChart, resample, table, visibleLength } from '../../server/src/cli/termChart';

const resampleCases: Array<{ name: string; values: Array<number | null>; width: number; merge: 'mean' | 'max'; expected: number[] }> = [
  { name: 'means of equal buckets', values: [1, 3, 5, 7], width: 2, merge: 'mean', expected: [2, 6] },
  { name: 'max keeps peaks', values: [1, 9, 2, 3], width: 2, merge: 'max', expected: [9, 3] },
  { name: 'fewer points than columns', values: [4, 5], width: 10, merge: 'mean', expected: [4, 5] },
  { name: 'unknown points are skipped', values: [null, 2, NaN, 4], width: 2, merge: 'mean', expected: [2, 4] },
  { name: 'an empty bucket repeats the last value', values: [3, null, null, null], width: 2, merge: 'mean', expected: [3, 3] },
];
for (const c of resampleCases) test(`resample: ${c.name}`, () => assert.deepEqual(resample(c.values, c.width, c.merge), c.expected));

const t = Array.from({ length: 120 }, (_, i) => i * 60);
const ramp = t.map((_, i) => i);
const flat = t.map(() => 50);

test('lineChart: one row per level, the time axis and a legend, within the width', () => {
  const out = lineChart('Title', [{ label: 'ramp', values: ramp, color: 'blue' }, { label: 'flat', values: flat, color: 'red' }], { width: 60, height: 6, color: false, t, format: (v) => v.toFixed(0) });
  const lines = out.split('\n');
  assert.equal(lines[0], 'Title');
  assert.equal(lines.length, 1 + 7 + 2);
  assert.match(lines[8], /^\s+0:00\s+1:00\s+2:00$/);
  assert.match(lines[9], /── ramp\s+━━ flat/);
  for (const l of lines) assert.ok(visibleLength(l) <= 60, `${visibleLength(l)}: ${l}`);
  assert.ok(out.includes('━'), 'the second line is drawn in its own style');
  assert.doesNotMatch(out, /\x1b\[/);
});

test('lineChart: the bottom level is labelled 0, never -0', () => {
  // With a top of 3.8514 asciichart's lowest level comes out a hair below zero.
  const values = t.map(() => 3.8514);
  const out = lineChart('T', [{ label: 'v', values, color: 'blue' }], { width: 60, height: 7, color: false, t, format: (v) => v.toFixed(1) });
  assert.doesNotMatch(out, /-0\.0/);
  assert.match(out, /^\s+0\.0[┼┤]/m);
});

test('lineChart: colors only when asked', () => {
  const out = lineChart('T', [{ label: 'ramp', values: ramp, color: 'blue' }], { width: 60, height: 4, color: true, t, format: (v) => v.toFixed(0) });
  assert.match(out, /\x1b\[34m/);
});

test('table: columns aligned by visible width, numbers to the right', () => {
  const out = table([['name', 'value'], ['\x1b[1mbold\x1b[22m', '1'], ['longer name', '1,000']], new Set([1]), '');
  const rows = out.split('\n').map((r) => r.replace(/\x1b\[[0-9;]*m/g, ''));
  assert.deepEqual(rows, ['name         value', 'bold             1', 'longer name  1,000']);
});
