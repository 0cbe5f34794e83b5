/**
 * YAML syntax messages: one broken snippet per situation of the yaml library that can be triggered, checking the
 * problem's code, that its range is where the library points (an unclosed `[` at the bracket), that the message
 * is the project's own rather than the library's, and that it names the key or token at fault.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { defaultSettings, parseFile, WorkspaceIndex } from '../../server/src/engine';
import { doValidation } from '../../server/src/engine/services/validation';
import { yamlMessage } from '../../server/src/engine/yamlMessages';

interface Case {
  name: string;
  text: string;
  code: string;
  /** Offsets of the problem in the text. */
  range: [number, number];
  /** Parts the message must contain: the key or token it names. */
  names?: string[];
  warning?: boolean;
}

const cases: Case[] = [
  { name: 'a key given twice', text: 'metadata:\n  name: a\n  name: b\n', code: 'yaml-duplicate-key', range: [22, 23], names: ['`name` appears twice'] },
  { name: 'a quoted key given twice', text: '"app": a\n"app": b\n', code: 'yaml-duplicate-key', range: [9, 10], names: ['`app` appears twice'] },
  { name: 'a key left of its siblings', text: 'metadata:\n  name: x\n labels: {}\n', code: 'yaml-bad-indent', range: [20, 21], names: ['`labels`'] },
  { name: 'a list never closed, in a mapping', text: 'spec:\n  args: [--model, llama\n  replicas: 1\n', code: 'yaml-bad-indent', range: [14, 29], names: ['`[`', '`]`'] },
  { name: 'a mapping never closed, at the top', text: '{app: vllm\n', code: 'yaml-missing-char', range: [0, 10], names: ['`{`', '`}`'] },
  { name: 'a key indented under a complete value', text: 'spec:\n  replicas: 1\n    minReplicas: 2\n', code: 'yaml-block-as-implicit-key', range: [18, 19], names: ['`replicas: 1`', '`minReplicas`'] },
  { name: 'a mapping on its key\'s line', text: 'metadata:\n  name: llama: 8b\n', code: 'yaml-block-as-implicit-key', range: [18, 19], names: ['`llama: 8b`', '`name`', "`'llama: 8b'`"] },
  { name: 'a list item left of its list', text: 'args:\n  - a\n - b\n', code: 'yaml-block-as-implicit-key', range: [12, 13], names: ['`- `'] },
  { name: 'a key spread over two lines', text: 'kind\napiVersion: v1\n', code: 'yaml-multiline-implicit-key', range: [0, 15], names: ['`kind`', '`apiVersion`'] },
  { name: 'a quoted key spread over two lines', text: '"name\nx": 1\n', code: 'yaml-multiline-implicit-key', range: [0, 8], names: ['`"name`'] },
  { name: 'a key without a colon', text: 'kind: Deployment\nspec\n', code: 'yaml-missing-char', range: [17, 21], names: ['`spec`'] },
  { name: 'a dash without its space', text: 'args:\n  - a\n  -b\n', code: 'yaml-missing-char', range: [14, 16], names: ['`-b`'] },
  { name: 'a text block not indented', text: 'script: |\necho hi\n', code: 'yaml-missing-char', range: [10, 17], names: ['`echo hi`', '`|`'] },
  { name: 'a list item key out of line', text: 'containers:\n- name: vllm\n image: x\n', code: 'yaml-missing-char', range: [25, 26], names: ['`image`'] },
  { name: 'an anchor glued to its value', text: 'a: &x[1]\n', code: 'yaml-missing-char', range: [5, 6], names: ['`&x`'] },
  // The parser finds these at the end of the text, one past its last character: the span is that last character.
  { name: 'a double quote never closed', text: 'name: "llama\n', code: 'yaml-missing-char', range: [12, 13], names: ['`"`'] },
  { name: 'a single quote never closed', text: "name: 'llama\n", code: 'yaml-missing-char', range: [12, 13], names: ["`'`", "`''`"] },
  { name: 'a mapping on the --- line', text: '--- kind: Pod\n', code: 'yaml-missing-char', range: [4, 5], names: ['`kind: Pod`', '`---`'] },
  { name: 'a list on its anchor\'s line', text: '&x - a\n', code: 'yaml-missing-char', range: [0, 2], names: ['`&x`'] },
  { name: 'a comment glued to a value', text: 'args: [a,#c\n]\n', code: 'yaml-missing-char', range: [9, 11], names: ['`#c`'] },
  { name: 'two list items without a comma', text: 'args: ["a" "b"]\n', code: 'yaml-missing-char', range: [11, 12], names: ['`"b"`', '`,`'] },
  { name: 'a directive without ---', text: '%YAML 1.2\nkind: Pod\n', code: 'yaml-missing-char', range: [10, 11], names: ['`---`'] },
  { name: 'text after a flow mapping (kserve sample)', text: '- image: {username}/torchserve:latest\n', code: 'yaml-unexpected-token', range: [19, 37], names: ['`/torchserve:latest`', "`'{username}/torchserve:latest'`"] },
  { name: 'text after a quoted value', text: 'name: "x" y\n', code: 'yaml-unexpected-token', range: [10, 11], names: ['`y`'] },
  { name: 'an empty list item', text: 'args: [a, , b]\n', code: 'yaml-unexpected-token', range: [10, 11], names: ['`,`'] },
  { name: 'a bad text block header', text: 'script: |x\n  b\n', code: 'yaml-unexpected-token', range: [9, 10], names: ['`|x`'] },
  { name: 'text on a text block header', text: 'script: | echo\n  b\n', code: 'yaml-unexpected-token', range: [10, 14], names: ['`echo`'] },
  { name: 'a list item among keys', text: 'kind: Pod\n- b\n', code: 'yaml-unexpected-token', range: [10, 11], names: ['`- `'] },
  { name: 'a stray closing bracket', text: 'args: [1]]\n', code: 'yaml-unexpected-token', range: [9, 10], names: ['`]`', '`[`'] },
  { name: 'a missing comma in a flow mapping', text: 'selector: {app: vllm tier: gpu}\n', code: 'yaml-block-in-flow', range: [16, 30], names: ['`vllm tier: gpu`'] },
  { name: 'two anchors', text: 'a: &x &y 1\n', code: 'yaml-multiple-anchors', range: [6, 8], names: ['`&y`'] },
  { name: 'two tags', text: 'a: !!str !!str 1\n', code: 'yaml-multiple-tags', range: [9, 14], names: ['`!!str`'] },
  { name: 'an anchor before its indicator', text: '&x ? a\n', code: 'yaml-bad-prop-order', range: [3, 4], names: ['`?`'] },
  { name: 'a tagged alias', text: 'a: !!str *x\n', code: 'yaml-alias-props', range: [9, 11], names: ['`*x`'] },
  { name: 'an alias without a name', text: 'start: *\n', code: 'yaml-bad-alias', range: [7, 8], names: ['`*`'] },
  { name: 'an anchor ending in a colon', text: 'a: &x: 1\n', code: 'yaml-bad-alias', range: [5, 6], names: ['`&x:`'], warning: true },
  { name: 'a tab as indentation', text: 'spec:\n\treplicas: 1\n', code: 'yaml-tab-as-indent', range: [6, 7] },
  { name: 'an unknown tag', text: 'replicas: !!foo 1\n', code: 'yaml-tag-resolve-failed', range: [10, 15], names: ['`!!foo`'], warning: true },
  { name: 'a mapping tag on a list', text: 'a: !!set [1]\n', code: 'yaml-bad-collection-type', range: [3, 8], names: ['`!!set`', 'mapping', 'list'], warning: true },
  { name: 'an unknown directive', text: '%FOO bar\n---\na: 1\n', code: 'yaml-bad-directive', range: [0, 8], names: ['`%FOO`'], warning: true },
  { name: 'an unsupported YAML version', text: '%YAML 1.3\n---\na: 1\n', code: 'yaml-bad-directive', range: [6, 9], names: ['`1.3`'], warning: true },
  { name: 'a regex escape in double quotes', text: 'query: "up{pod=~\'vllm-\\d+\'}"\n', code: 'yaml-bad-dq-escape', range: [22, 23], names: ['`\\d`'] },
  { name: 'a value starting with @', text: 'image: @sha\n', code: 'yaml-bad-scalar-start', range: [7, 8], names: ['`@`'] },
];

/** The library's own messages for a text, to tell them from ours. */
function libraryMessages(text: string): string[] {
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, strict: false });
  return (Array.isArray(docs) ? docs : []).flatMap((d) => [...d.errors, ...d.warnings].map((e) => e.message));
}

for (const c of cases) {
  test(`yaml message: ${c.name}`, () => {
    const problems = parseFile('file:///broken.yaml', c.text).syntax;
    const p = problems.find((x) => x.code === c.code);
    assert.ok(p, `no ${c.code} among ${problems.map((x) => x.code).join(', ')}`);
    assert.deepEqual([p.start, p.end], c.range);
    assert.equal(p.warning, c.warning === true);
    const library = libraryMessages(c.text);
    assert.ok(library.length > 0, 'the snippet no longer triggers the library');
    assert.ok(!library.includes(p.message), `the library's text is shown: ${p.message}`);
    for (const part of c.names ?? []) assert.ok(p.message.includes(part), `"${part}" missing from: ${p.message}`);
  });
}

const fallbacks: Array<{ name: string; code: string; message: string }> = [
  { name: 'a code the table does not know', code: 'SOMETHING_NEW', message: 'Something new went wrong' },
  { name: 'a known code with a message no situation matches', code: 'MISSING_CHAR', message: 'Missing something new' },
];
for (const f of fallbacks) {
  test(`yaml message: the library's text for ${f.name}`, () => {
    assert.equal(yamlMessage({ code: f.code, message: f.message, start: 0, end: 1 }, 'a: 1\n'), f.message);
  });
}

test('yaml message: a key that cannot be read is not named, and the message still stands', () => {
  const text = ': 1\n: 2\n';
  const p = parseFile('file:///dup.yaml', text).syntax.find((x) => x.code === 'yaml-duplicate-key');
  assert.ok(p);
  assert.match(p.message, /^This key appears twice/);
});

test('yaml message: diagnostics carry the new wording under the yaml-syntax code', () => {
  const file = parseFile('file:///dup.yaml', 'apiVersion: apps/v1\nkind: Deployment\nkind: Deployment\n');
  const ws = new WorkspaceIndex();
  ws.update(file);
  const syntax = doValidation(file, ws, defaultSettings).filter((f) => f.code === 'yaml-syntax');
  assert.deepEqual(syntax.map((f) => [f.start, f.end, f.severity]), [[37, 38, 'error']]);
  assert.match(syntax[0].message, /^`kind` appears twice in this mapping/);
});
