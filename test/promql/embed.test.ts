import assert from 'node:assert/strict';
import { test } from 'node:test';
import { embedQuery, editQuery, fromYamlOffset, toYamlRange } from '../../server/src/engine/promql/embed';
import { getNode, parseFile } from '../../server/src/engine/parse';
import { applyEdits } from '../../server/src/engine/services/fixes';

/** lift parses `q: <scalar>` and returns the file text and the embedded query of `q`. */
function lift(yaml: string) {
  const file = parseFile('file:///t.yaml', yaml);
  const node = getNode(file.docs[0].doc.contents, ['q']);
  const q = embedQuery(node);
  assert.ok(q, 'no embedded query');
  return { text: file.text, q };
}

/** valueAfter applies an edit and returns the new value of `q`. */
function valueAfter(yaml: string, edit: { start: number; end: number; newText: string }): unknown {
  const out = applyEdits(yaml, [edit]);
  const file = parseFile('file:///t.yaml', out);
  assert.equal(file.syntax.length, 0, `edit broke the YAML:\n${out}`);
  return (getNode(file.docs[0].doc.contents, ['q']) as { value?: unknown }).value;
}

const styles: Array<{ name: string; yaml: string; value: string; style: string }> = [
  { name: 'plain', yaml: 'q: sum(vllm:num_requests_waiting{model_name="m"})\n', value: 'sum(vllm:num_requests_waiting{model_name="m"})', style: 'plain' },
  { name: 'plain over two lines', yaml: 'q: sum(rate(x_total[2m]))\n  / 2\n', value: 'sum(rate(x_total[2m])) / 2', style: 'plain' },
  { name: 'plain with a trailing comment', yaml: 'q: up{job="a"} # the job\n', value: 'up{job="a"}', style: 'plain' },
  { name: 'single quotes with a doubled quote', yaml: "q: 'x{a=''b''}'\n", value: "x{a='b'}", style: 'single' },
  { name: 'double quotes with escapes', yaml: 'q: "x{a=\\"b\\\\c\\"}"\n', value: 'x{a="b\\c"}', style: 'double' },
  { name: 'double quotes folded over lines', yaml: 'q: "sum(x)\n  by (le)"\n', value: 'sum(x) by (le)', style: 'double' },
  { name: 'double quotes with an escaped line break', yaml: 'q: "sum(x\\\n    _total)"\n', value: 'sum(x_total)', style: 'double' },
  { name: 'literal block', yaml: 'q: |\n  sum(\n    x\n  )\nz: 1\n', value: 'sum(\n  x\n)\n', style: 'literal' },
  { name: 'literal block, strip', yaml: 'q: |-\n    a\n\n    b\n', value: 'a\n\nb', style: 'literal' },
  { name: 'literal block, keep', yaml: 'q: |+\n  a\n\n', value: 'a\n\n', style: 'literal' },
  { name: 'folded block', yaml: 'q: >\n  sum(x)\n  by (le)\n\n  / 2\n', value: 'sum(x) by (le)\n/ 2\n', style: 'folded' },
  { name: 'folded block with a more-indented line', yaml: 'q: >-\n  a\n    b\n  c\n', value: 'a\n  b\nc', style: 'folded' },
  { name: 'literal block with an indentation indicator', yaml: 'q: |2\n    x\n', value: '  x\n', style: 'literal' },
  { name: 'nested in a trigger', yaml: 'spec:\n  q: x\nq: |\n      rate(a[1m])\n', value: 'rate(a[1m])\n', style: 'literal' },
];

for (const c of styles) {
  test(`embed: ${c.name}: exact table and value`, () => {
    const { text, q } = lift(c.yaml);
    assert.equal(q.text, c.value);
    assert.equal(q.style, c.style);
    assert.ok(q.exact, 'table not exact');
    // Every character that is written as itself sits at its start offset.
    for (let i = 0; i < q.text.length; i++) {
      const src = text.slice(q.starts[i], q.ends[i]);
      const ch = q.text[i];
      if (src === ch) continue;
      // Folds, escapes and doubled quotes span other source text; check they are one of those.
      assert.ok(src === '\n' || src.startsWith('\\') || src === "''", `char ${i} (${JSON.stringify(ch)}) maps to ${JSON.stringify(src)}`);
    }
  });
}

test('embed: non-string scalars and collections are not queries', () => {
  const file = parseFile('file:///t.yaml', 'a: 5\nb: [x]\nc: true\n');
  for (const k of ['a', 'b', 'c']) assert.equal(embedQuery(getNode(file.docs[0].doc.contents, [k])), undefined, k);
});

const edits: Array<{ name: string; yaml: string; find: string; replace: string; value: string }> = [
  { name: 'rename in a plain scalar', yaml: 'q: sum(vllm:gpu_cache_usage_perc)\n', find: 'vllm:gpu_cache_usage_perc', replace: 'vllm:kv_cache_usage_perc', value: 'sum(vllm:kv_cache_usage_perc)' },
  { name: 'quote in a double-quoted scalar is escaped', yaml: 'q: "x{a=\\"b\\"}"\n', find: '"b"', replace: '"c"', value: 'x{a="c"}' },
  { name: 'quote in a single-quoted scalar is doubled', yaml: "q: 'x{a=\"b\"}'\n", find: '"b"', replace: "'c'", value: "x{a='c'}" },
  { name: 'rename across an escape', yaml: 'q: "x{a=\\"b\\"}"\n', find: 'a="b"', replace: 'model_name="b"', value: 'x{model_name="b"}' },
  { name: 'rename in a literal block', yaml: 'q: |\n  sum(\n    vllm:gpu_cache_usage_perc)\nz: 1\n', find: 'vllm:gpu_cache_usage_perc', replace: 'vllm:kv_cache_usage_perc', value: 'sum(\n  vllm:kv_cache_usage_perc)\n' },
  { name: 'replace across a folded line break', yaml: 'q: sum(a)\n  / sum(b)\n', find: 'sum(a) / sum(b)', replace: 'max(c)', value: 'max(c)' },
];

for (const c of edits) {
  test(`editQuery: ${c.name}`, () => {
    const { q } = lift(c.yaml);
    const from = q.text.indexOf(c.find);
    assert.ok(from >= 0);
    const edit = editQuery(q, from, from + c.find.length, c.replace);
    assert.ok(edit, 'no edit');
    assert.equal(valueAfter(c.yaml, edit), c.value);
  });
}

test('editQuery: a plain scalar cannot take ": " and gives no edit', () => {
  const { q } = lift('q: x\n');
  assert.equal(editQuery(q, 0, 1, 'a: b'), undefined);
});

test('toYamlRange and fromYamlOffset are inverse on a double-quoted scalar', () => {
  const yaml = 'q: "sum(x{a=\\"b\\"})"\n';
  const { text, q } = lift(yaml);
  const i = q.text.indexOf('b');
  const [s, e] = toYamlRange(q, i, i + 1);
  assert.equal(text.slice(s, e), 'b');
  assert.equal(fromYamlOffset(q, s), i);
  const [qs, qe] = toYamlRange(q, i - 1, i + 2);
  assert.equal(text.slice(qs, qe), '\\"b\\"');
});
