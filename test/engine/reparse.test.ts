import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAlias, isCollection, isPair, isScalar, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import { getNode, maskTemplates, parseFile, scalarString, type ParsedFile } from '../../server/src/engine/parse';
import { embedQuery } from '../../server/src/engine/promql/embed';
import { seeded, yamlFiles } from '../support/random';
import { repoRoot } from '../support/repo';

/** shape lists what the engine reads of a parse: ranges, values, scalar source tokens, errors and warnings. */
function shape(docs: Document.Parsed[]): unknown {
  const walk = (node: unknown, out: unknown[]): void => {
    if (isPair(node)) {
      walk(node.key, out);
      walk(node.value, out);
    } else if (isScalar(node)) {
      const t = node.srcToken as { type: string; offset: number; source: string; end?: Array<{ offset: number }>; props?: Array<{ offset: number }> } | undefined;
      out.push(['scalar', node.range, node.type, node.value, t && [t.type, t.offset, t.source, t.end?.map((e) => e.offset), t.props?.map((p) => p.offset)]]);
    } else if (isAlias(node)) out.push(['alias', node.range, node.source]);
    else if (isCollection(node)) {
      out.push(['collection', node.range, node.items.length]);
      for (const item of node.items) walk(item, out);
    }
  };
  return docs.map((d) => {
    const nodes: unknown[] = [];
    walk(d.contents, nodes);
    return { range: d.range, errors: d.errors.map((e) => [e.code, e.message, e.pos]), warnings: d.warnings.map((w) => [w.code, w.message, w.pos]), nodes };
  });
}

function fileShape(f: ParsedFile): unknown {
  return { docs: f.docs.map((d) => [d.index, d.start, d.end]), syntax: f.syntax, parsed: shape(f.docs.map((d) => d.doc)) };
}

const texts: Array<{ name: string; text: string }> = [
  { name: 'comments before the first ---', text: '# header\n# more\n---\na: 1\n---\nb: 2\n' },
  { name: 'no leading ---', text: 'a: 1\n---\nb: 2\n---\n' },
  { name: 'comments between and after documents', text: 'a: 1\n# about b\n---\nb: 2\n# trailing\n' },
  { name: 'byte order mark and unclosed brackets', text: '\ufeff---\na: 1\n---\nb: [1, 2\n---\nc: {x: 1\n' },
  { name: 'CRLF line ends and a comment on the marker', text: 'a: 1\r\n---\r\nb: 2\r\n--- # c\r\nc: 3\r\n' },
  { name: 'root scalars and tags on the marker line', text: '--- |\n  text\n--- >\n folded\n---\n- a\n--- !!map\nx: 1\n' },
  { name: 'empty documents, anchors and aliases', text: '---\n# only a comment\n---\n---\na: &x 1\nb: *x\n' },
  { name: 'duplicate keys and bad indentation', text: 'a: 1\na: 2\n---\nb: 1\n  c: 2\n---\n? complex\n: value\n' },
  { name: 'directives are parsed whole', text: '%YAML 1.2\n---\na: 1\n...\n---\nb: 2\n' },
];

for (const c of texts) {
  test(`parse: documents parsed one by one equal a whole parse (${c.name})`, () => {
    const f = parseFile('file:///x.yaml', c.text);
    const whole = parseAllDocuments(maskTemplates(c.text).masked, { keepSourceTokens: true, prettyErrors: false, uniqueKeys: true, strict: false }) as Document.Parsed[];
    assert.deepEqual(shape(f.docs.map((d) => d.doc)), shape(whole));
  });
}

test('parse: a quote left open before --- stays an error of its own document', () => {
  const f = parseFile('file:///x.yaml', 'key: "open\n---\nkind: B\n');
  assert.equal(f.docs.length, 2);
  assert.equal(scalarString(getNode(f.docs[1].doc.contents, ['kind'])), 'B');
  assert.ok(f.syntax.some((p) => p.code === 'yaml-missing-char' && p.start <= f.docs[0].end));
});

const query = "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nspec:\n  triggers:\n    - type: prometheus\n      metadata:\n        query: |\n          sum(rate(x[1m]))\n";
const base = ['kind: A\nspec:\n  x: 1\n', query, 'kind: C\nlist: [1, 2]\nname: "quoted \\" text"\n'].map((d) => `---\n${d}`).join('');

/** edit replaces text[at, at + remove) of base by insert; `at` is found by the marker string. */
function edit(marker: string, insert: string, remove = 0, skip = 0): string {
  const at = base.indexOf(marker) + skip;
  assert.ok(at >= skip, `marker ${marker}`);
  return base.slice(0, at) + insert + base.slice(at + remove);
}

const edits: Array<{ name: string; text: string }> = [
  { name: 'a character in the first document moves the others', text: edit('x: 1', 'yy', 0, 3) },
  { name: 'a line in the middle document', text: edit('      metadata', '      name: q\n') },
  { name: 'a character in the last document', text: edit('list', 'z') },
  { name: 'a new --- splits a document', text: edit('spec:\n  x', '---\n') },
  { name: 'a removed --- joins two documents', text: edit('---\nkind: C', '', 4) },
  { name: 'a broken line', text: edit('  triggers', ': [') },
  { name: 'everything replaced', text: 'other: 1\n' },
  { name: 'everything removed', text: '' },
  { name: 'a template makes the file parse whole', text: edit('x: 1', '{{ .Values.x }}', 1, 3) },
];

for (const c of edits) {
  test(`reparse: an edit gives what a fresh parse gives (${c.name})`, () => {
    const previous = parseFile('file:///x.yaml', base, 1);
    const incremental = parseFile('file:///x.yaml', c.text, 2, previous);
    const fresh = parseFile('file:///x.yaml', c.text, 2);
    assert.deepEqual(fileShape(incremental), fileShape(fresh));
  });
}

test('reparse: a query moved by an edit keeps its exact offsets', () => {
  const previous = parseFile('file:///x.yaml', base, 1);
  const moved = parseFile('file:///x.yaml', edit('x: 1', '12345', 0, 3), 2, previous);
  const node = getNode(moved.docs[1].doc.contents, ['spec', 'triggers', 0, 'metadata', 'query']);
  const q = embedQuery(node as never);
  assert.ok(q?.exact);
  assert.equal(moved.text.slice(q.starts[0], q.starts[0] + 3), 'sum');
});

test('reparse: documents before the edit are taken over as they are', () => {
  const previous = parseFile('file:///x.yaml', base, 1);
  const next = parseFile('file:///x.yaml', edit('list', 'z'), 2, previous);
  assert.equal(next.docs[0].doc, previous.docs[0].doc);
  assert.equal(next.docs[1].doc, previous.docs[1].doc);
  assert.notEqual(next.docs[2].doc, previous.docs[2].doc);
});

test('reparse: the parse of another file is not taken over', () => {
  const previous = parseFile('file:///other.yaml', base, 1);
  const next = parseFile('file:///x.yaml', base, 2, previous);
  assert.notEqual(next.docs[0].doc, previous.docs[0].doc);
  assert.deepEqual(fileShape(next), fileShape(parseFile('file:///x.yaml', base, 2)));
});

test('reparse: random edits of the bundled examples give what a fresh parse gives, step after step', () => {
  const sources = yamlFiles(join(repoRoot(), 'examples')).map((f) => readFileSync(f, 'utf8'));
  const random = seeded(20261128);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  // Typing, deleting and pasting, including what changes how documents split: markers, directives, templates, CRLF.
  const inserts = ['x', ': ', '\n', '---\n', '\n---\n', '  ', '- ', '{', '}', '"', "'", '#', 'a: 1\n', '{{ x }}', '\t', '...\n', '%YAML 1.2\n---\n', '\r\n', '\ufeff'];
  for (let run = 0; run < 25; run++) {
    let text = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(sources)).join('---\n');
    let previous = parseFile('file:///r.yaml', text, 1);
    for (let step = 0; step < 15; step++) {
      const at = Math.floor(random() * (text.length + 1));
      const remove = random() < 0.4 ? Math.floor(random() * 8) : 0;
      text = text.slice(0, at) + (random() < 0.8 ? pick(inserts) : '') + text.slice(at + remove);
      const next = parseFile('file:///r.yaml', text, step + 2, previous);
      assert.deepEqual(fileShape(next), fileShape(parseFile('file:///r.yaml', text, step + 2)), `run ${run}, step ${step}:\n${text}`);
      previous = next;
    }
  }
});
