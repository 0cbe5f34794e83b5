import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkRecording, parseRecording, recordingFormat } from '../../server/src/engine/sim/recording';
import { repoRoot } from '../support/repo';

const fixture = (name: string) => readFileSync(join(repoRoot(), 'test/fixtures/cli/traffic', name), 'utf8');

/** Recordings as a host reads them (name and text), and what checkRecording says of each: nothing, or why not. */
const cases: Array<{ name: string; file: unknown; text: () => unknown; error?: RegExp }> = [
  { name: 'CSV of Unix seconds', file: 'step.csv', text: () => fixture('step.csv') },
  { name: 'CSV of ISO dates, semicolons, a comment', file: 'rps.CSV', text: () => '# from the gateway\n2026-01-01T00:00:00Z;4\n2026-01-01T00:01:00Z;6\n' },
  { name: 'Prometheus query_range JSON of two series', file: 'step.json', text: () => fixture('step.json') },
  { name: 'JSON extension in capitals', file: 'RANGE.JSON', text: () => fixture('step.json') },
  { name: 'CSV with a header only', file: 'empty.csv', text: () => fixture('empty.csv'), error: /^empty\.csv holds no usable traffic point$/ },
  { name: 'empty text', file: 'nothing.csv', text: () => '', error: /^nothing\.csv holds no usable traffic point$/ },
  { name: 'CSV of clock times without dates', file: 'bad.csv', text: () => 'time,requests_per_second\n09:00,12\n09:05,15\n', error: /^bad\.csv holds no usable traffic point: line 2: could not read '09:00,12'; line 3: could not read '09:05,15'$/ },
  { name: 'binary noise is quoted back without control characters', file: 'noise.csv', text: () => 'time,rps\n\u0000\u001b[2J\ufffd\ufffd,\u00071\n', error: /^noise\.csv holds no usable traffic point: line 2: could not read '\?\?\[2J\?\?,\?1'$/ },
  { name: 'CSV of one column', file: 'one.csv', text: () => '1767225600\n', error: /line 1: expected two columns/ },
  { name: 'Prometheus JSON cut short', file: 'range.json', text: () => '{"data": ', error: /^range\.json holds no usable traffic point: not JSON/ },
  { name: 'Prometheus instant query instead of a range', file: 'instant.json', text: () => '{"status":"success","data":{"resultType":"vector","result":[]}}', error: /resultType is 'vector', expected 'matrix'/ },
  { name: 'Prometheus values of the wrong types', file: 'types.json', text: () => '{"data":{"resultType":"matrix","result":[{"values":"many"},{"values":[["soon","1"],{"t":1}]}]}}', error: /^types\.json holds no usable traffic point: 2 series were summed$/ },
  { name: 'a CSV read as JSON because of its name', file: 'rps.json', text: () => fixture('step.csv'), error: /not JSON/ },
  { name: 'text that is not a string', file: 'rps.csv', text: () => 42, error: /^rps\.csv has no text to replay$/ },
  { name: 'no text', file: 'rps.csv', text: () => undefined, error: /^rps\.csv has no text to replay$/ },
  { name: 'a name that is not a string', file: 7, text: () => fixture('step.csv'), error: /^the recording has no file name/ },
  { name: 'an empty name', file: '', text: () => fixture('step.csv'), error: /^the recording has no file name/ },
];

for (const c of cases) {
  test(`checkRecording: ${c.name}`, () => {
    const err = checkRecording(c.file, c.text());
    if (c.error) assert.match(err ?? '(usable)', c.error);
    else assert.equal(err, undefined);
  });
}

test('recordingFormat: the name decides, as the simulator reads it', () => {
  assert.deepEqual(['a.json', 'a.JSON', 'a.csv', 'a.txt', 'json'].map(recordingFormat), ['prometheus', 'prometheus', 'csv', 'csv', 'csv']);
});

test('parseRecording: both formats give the same points for the same traffic', () => {
  const csv = parseRecording('step.csv', fixture('step.csv'));
  const json = parseRecording('step.json', fixture('step.json'));
  assert.equal(csv.points.length, json.points.length);
  assert.deepEqual(json.points, csv.points);
  assert.deepEqual(csv.problems, []);
  assert.deepEqual(json.problems, ['2 series were summed']);
});
