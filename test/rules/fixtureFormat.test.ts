import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../server/src/engine';
import { asExpectation, describeExpectation, parseExpectations } from './fixtureFormat';

test('fixture format: expectation lines are removed and point at the line above, in the stripped text', () => {
  const text = ['a: 1', 'spec:', '  min: 5', '  #    ^ error[min-exceeds-max]: greater than', '  #  ^^^^ info[other-rule]: second one', 'end: 0', ''].join('\n');
  const { text: clean, expectations } = parseExpectations(text);
  assert.equal(clean, 'a: 1\nspec:\n  min: 5\nend: 0\n');
  assert.deepEqual(expectations, [
    { line: 2, col: 7, width: 1, severity: 'error', code: 'min-exceeds-max', message: 'greater than' },
    { line: 2, col: 5, width: 4, severity: 'info', code: 'other-rule', message: 'second one' },
  ]);
});

test('fixture format: an ordinary comment with carets but no code stays in the text', () => {
  const text = 'a: 1\n# ^^^ just a drawing\n';
  assert.deepEqual(parseExpectations(text), { text, expectations: [] });
});

test('fixture format: an expectation on the first line has nothing to point at', () => {
  assert.throws(() => parseExpectations('# ^ error[x]: y\na: 1\n'), /needs a line above/);
});

const TEXT = 'a: 1\nspec:\n  min: 5\n  max: 2\n';
const spans: Array<{ name: string; start: number; end: number; want: string }> = [
  { name: 'a span inside one line', start: TEXT.indexOf('min'), end: TEXT.indexOf('min') + 3, want: '3:3+3 warning[r]' },
  { name: 'a span over several lines is cut at the end of its first line', start: TEXT.indexOf('spec'), end: TEXT.indexOf('max'), want: '2:1+5 warning[r]' },
  { name: 'an empty span still gets one caret', start: TEXT.indexOf('min'), end: TEXT.indexOf('min'), want: '3:3+1 warning[r]' },
];
for (const c of spans) {
  test(`fixture format: ${c.name}`, () => {
    const f: Finding = { code: 'r', severity: 'warning', message: '', start: c.start, end: c.end };
    assert.equal(describeExpectation(asExpectation(TEXT, f)), c.want);
  });
}
