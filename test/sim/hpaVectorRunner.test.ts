import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runVectors } from '../../server/src/cli/vectors';
import { runVector, runVectorFile, Vector } from '../../server/src/engine/sim/vectors';

const FIXTURES = join(__dirname, '../../../test/fixtures/vectors');

const scaleUp: Vector = {
  id: 'TestReplicaCalcScaleUp',
  function: 'GetResourceReplicas',
  input: { currentReplicas: 3, targetUtilization: 30, pods: [600, 1000, 1400].map((u) => ({ state: 'ready', requestMilli: 2000, usageMilli: u })) },
  expected: { replicas: 5, utilizationPercent: 50, rawAverageMilli: 1000 },
};

describe('runVector', () => {
  const cases: Array<{ name: string; vector: Vector; status: 'pass' | 'fail' | 'unsupported'; message?: RegExp }> = [
    { name: 'the upstream case passes', vector: scaleUp, status: 'pass' },
    { name: 'a wrong count fails', vector: { ...scaleUp, expected: { replicas: 6 } }, status: 'fail', message: /replicas: expected 6, got 5/ },
    { name: 'a wrong secondary field fails', vector: { ...scaleUp, expected: { replicas: 5, utilizationPercent: 51 } }, status: 'fail', message: /utilizationPercent/ },
    { name: 'an expected error that does not happen fails', vector: { ...scaleUp, expected: { error: 'no pods' } }, status: 'fail', message: /expected an error/ },
    { name: 'an unknown function is unsupported', vector: { ...scaleUp, function: 'GetMagicReplicas' }, status: 'unsupported', message: /unknown function/ },
    { name: 'a malformed input is unsupported', vector: { ...scaleUp, input: { currentReplicas: 'three' } }, status: 'unsupported', message: /currentReplicas must be a number/ },
    { name: 'an unknown pod state is unsupported', vector: { ...scaleUp, input: { currentReplicas: 1, targetUtilization: 50, pods: [{ state: 'sleepy', requestMilli: 1 }] } }, status: 'unsupported', message: /pod state 'sleepy'/ },
    { name: 'a description after the function name is ignored', vector: { ...scaleUp, function: 'GetResourceReplicas (Resource / Utilization)' }, status: 'pass' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = runVector(c.vector);
      assert.equal(r.status, c.status, r.message);
      if (c.message) assert.match(r.message ?? '', c.message);
    });
  }

  test('a file that is not a vector file is reported, not thrown', () => {
    assert.match(runVectorFile({ tests: [] }).error ?? '', /not a vector file/);
    assert.match(runVectorFile([{ id: 1 }]).error ?? '', /string id and function/);
  });
});

describe('scalelens vectors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scalelens-vectors-'));
  const unsupported = join(dir, 'unsupported.json');
  writeFileSync(unsupported, JSON.stringify({ vectors: [scaleUp, { ...scaleUp, id: 'x', function: 'Nope' }] }));
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{ "vectors": [');
  const binary = join(dir, 'binary.json');
  writeFileSync(binary, Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0xff, 0x00, 0x07]));

  function run(args: string[]): { code: number; out: string; err: string } {
    let out = '';
    let err = '';
    const code = runVectors(args, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, isTTY: false });
    return { code, out, err };
  }

  const cases: Array<{ name: string; args: string[]; code: number; out?: RegExp; err?: RegExp }> = [
    { name: 'the shipped HPA vectors all pass', args: [join(FIXTURES, 'hpa.json')], code: 0, out: /66 vectors, 66 passed, 0 failed, 0 unsupported/ },
    { name: 'the shipped KEDA vectors all pass', args: [join(FIXTURES, 'keda.json')], code: 0, out: /29 vectors, 29 passed, 0 failed, 0 unsupported/ },
    { name: 'the extra upstream HPA vectors all pass', args: [join(FIXTURES, 'hpa-upstream-extra.json')], code: 0, out: /59 vectors, 59 passed, 0 failed, 0 unsupported/ },
    { name: 'the extra upstream KEDA vectors all pass', args: [join(FIXTURES, 'keda-upstream-extra.json')], code: 0, out: /30 vectors, 30 passed, 0 failed, 0 unsupported/ },
    { name: 'a deliberately wrong vector fails with expected and got', args: [join(FIXTURES, 'wrong.json')], code: 1, out: /FAIL {2}TestReplicaCalcScaleUp[^\n]*\n\s+replicas: expected 6, got 5\n\s+expected: \{"replicas":6[^\n]*\n\s+got: +\{"replicas":5/ },
    { name: 'an unknown function exits 2 and is listed', args: [unsupported], code: 2, out: /UNSUPPORTED {2}x {2}Nope/ },
    { name: 'a file cut short exits 2', args: [broken], code: 2, err: /broken\.json is not JSON: / },
    { name: 'binary noise exits 2 and is not echoed raw', args: [binary], code: 2, err: /^scalelens vectors: \S+binary\.json is not JSON: [^\u0000-\u0009\u000b-\u001f\ufffd]*$/ },
    { name: 'a missing file exits 2', args: [join(dir, 'absent.json')], code: 2, err: /cannot read \S+absent\.json: ENOENT/ },
    { name: 'no file exits 2', args: [], code: 2, err: /exactly one vector file/ },
    { name: 'an unknown format exits 2', args: ['--format', 'xml', join(FIXTURES, 'hpa.json')], code: 2, err: /unknown format/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = run(c.args);
      assert.equal(r.code, c.code, r.out + r.err);
      if (c.out) assert.match(r.out, c.out);
      if (c.err) assert.match(r.err, c.err);
    });
  }

  test('JSON output carries the summary and every result', () => {
    const r = run(['--format', 'json', join(FIXTURES, 'wrong.json')]);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.out) as { total: number; passed: number; failed: number; results: Array<{ status: string; got: unknown }> };
    assert.deepEqual([doc.total, doc.passed, doc.failed], [2, 1, 1]);
    assert.deepEqual(doc.results.map((x) => x.status), ['fail', 'pass']);
    assert.deepEqual(doc.results[0].got, { replicas: 5, utilizationPercent: 50, rawAverageMilli: 1000 });
  });
});
