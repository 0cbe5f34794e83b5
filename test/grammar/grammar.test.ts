/**
 * Snapshot tests of the PromQL injection grammar: every `test/fixtures/grammar/*.yaml` is tokenized with VS Code's
 * YAML grammar plus the injection, and the tokens are compared with the committed `<name>.yaml.snap`.
 * Run with `UPDATE_SNAPSHOTS=1` to rewrite the snapshots after a deliberate grammar change.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar } from 'vscode-textmate';
import { AGGREGATIONS, FUNCTIONS } from '../../server/src/engine/promql/functions';
import { repoRoot } from '../support/repo';

const ROOT = repoRoot();
const FIXTURES = join(ROOT, 'test', 'fixtures', 'grammar');
const INJECTION = join(ROOT, 'syntaxes', 'promql-injection.tmLanguage.json');
const INJECTION_SCOPE = 'promql.injection.scalelens';
const GRAMMARS: Record<string, string> = {
  'source.yaml': join(FIXTURES, 'yaml', 'yaml.tmLanguage.json'),
  'source.yaml.1.2': join(FIXTURES, 'yaml', 'yaml-1.2.tmLanguage.json'),
  'source.yaml.embedded': join(FIXTURES, 'yaml', 'yaml-embedded.tmLanguage.json'),
  [INJECTION_SCOPE]: INJECTION,
};

/** Structural YAML scopes that every token carries; left out so the snapshots show what matters. */
const NOISE = /^(source\.yaml|meta\.(stream|document|mapping|map\.(key|value)|block\.sequence|scalar)\.yaml)$/;

let grammar: Promise<IGrammar> | undefined;

function yamlWithInjection(): Promise<IGrammar> {
  grammar ??= (async () => {
    const wasm = readFileSync(join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new Registry({
      onigLib: Promise.resolve({ createOnigScanner: (s) => new oniguruma.OnigScanner(s), createOnigString: (s) => new oniguruma.OnigString(s) }),
      loadGrammar: async (scope) => (GRAMMARS[scope] ? parseRawGrammar(readFileSync(GRAMMARS[scope], 'utf8'), GRAMMARS[scope]) : null),
      getInjections: (scope) => (scope === 'source.yaml' ? [INJECTION_SCOPE] : undefined),
    });
    const g = await registry.loadGrammar('source.yaml');
    if (!g) throw new Error('YAML grammar not loaded');
    return g;
  })();
  return grammar;
}

/** snapshot renders each line followed by its non-blank tokens: `#  col-end "text"  scopes`. */
function snapshot(g: IGrammar, text: string): string {
  const out: string[] = [];
  let stack = INITIAL;
  for (const line of text.split('\n')) {
    const r = g.tokenizeLine(line, stack);
    stack = r.ruleStack;
    out.push(`>${line}`);
    for (const t of r.tokens) {
      const s = line.slice(t.startIndex, t.endIndex);
      if (!s.trim()) continue;
      const scopes = t.scopes.filter((x) => !NOISE.test(x)).join(' ');
      out.push(`#  ${t.startIndex}-${t.endIndex} ${JSON.stringify(s)}  ${scopes}`);
    }
  }
  return out.join('\n') + '\n';
}

const fixtures = readdirSync(FIXTURES).filter((n) => n.endsWith('.yaml')).sort();

test('grammar fixtures exist', () => assert.ok(fixtures.length >= 3));

for (const name of fixtures) {
  test(`grammar snapshot: ${name}`, async () => {
    const g = await yamlWithInjection();
    const actual = snapshot(g, readFileSync(join(FIXTURES, name), 'utf8'));
    const snapPath = join(FIXTURES, `${name}.snap`);
    if (process.env.UPDATE_SNAPSHOTS) writeFileSync(snapPath, actual);
    assert.ok(existsSync(snapPath), `no snapshot: run with UPDATE_SNAPSHOTS=1 and review ${name}.snap`);
    assert.equal(actual, readFileSync(snapPath, 'utf8'));
  });
}

/** scopeOf tokenizes one document and returns the scopes of the first token equal to `text` on the line holding `marker`. */
async function scopeOf(doc: string, marker: string, text: string): Promise<string[]> {
  const g = await yamlWithInjection();
  let stack = INITIAL;
  for (const line of doc.split('\n')) {
    const r = g.tokenizeLine(line, stack);
    stack = r.ruleStack;
    if (!line.includes(marker)) continue;
    const t = r.tokens.find((x) => line.slice(x.startIndex, x.endIndex) === text);
    assert.ok(t, `token ${text} not found on ${line}`);
    return t.scopes;
  }
  throw new Error(`line with ${marker} not found`);
}

const scopeCases: Array<{ name: string; doc: string; marker: string; text: string; has: string; not?: string }> = [
  { name: 'a metric name', doc: 'query: sum(vllm:num_requests_waiting)\n', marker: 'query', text: 'vllm:num_requests_waiting', has: 'variable.other.metric.promql' },
  { name: 'a function', doc: 'query: rate(x[5m])\n', marker: 'query', text: 'rate', has: 'support.function.promql' },
  { name: 'an aggregation', doc: 'query: sum by (pod) (x)\n', marker: 'query', text: 'sum', has: 'support.function.aggregation.promql' },
  { name: 'a grouping label', doc: 'query: sum by (pod) (x)\n', marker: 'query', text: 'pod', has: 'entity.other.attribute-name.label.promql' },
  { name: 'a duration', doc: 'query: rate(x[5m])\n', marker: 'query', text: '5m', has: 'constant.numeric.duration.promql' },
  { name: 'a YAML comment after a plain query', doc: 'query: x # note\n', marker: 'query', text: ' note', has: 'comment.line.number-sign.yaml' },
  { name: 'a sibling key after a block query is YAML again', doc: 'a:\n  query: |\n    sum(x)\n  threshold: "5"\n', marker: 'threshold', text: 'threshold', has: 'entity.name.tag.yaml', not: 'meta.embedded.block.promql' },
  { name: 'another key is not PromQL', doc: 'a:\n  serverAddress: rate(x)\n', marker: 'serverAddress', text: 'rate(x)', has: 'string.unquoted.plain.out.yaml', not: 'support.function.promql' },
];

for (const c of scopeCases) {
  test(`grammar scope: ${c.name}`, async () => {
    const scopes = await scopeOf(c.doc, c.marker, c.text);
    assert.ok(scopes.includes(c.has), `${c.text}: ${scopes.join(' ')}`);
    if (c.not) assert.ok(!scopes.includes(c.not), `${c.text}: ${scopes.join(' ')}`);
  });
}

test('the grammar knows the same functions and aggregations as the engine', () => {
  const raw = readFileSync(INJECTION, 'utf8');
  const grammarJson = JSON.parse(raw) as { repository: { tokens: { patterns: Array<{ match?: string; name?: string }> } } };
  const words = (scope: string): string[] => {
    const p = grammarJson.repository.tokens.patterns.find((x) => x.name === scope);
    assert.ok(p?.match, scope);
    return /\\b\(([^)]*)\)/.exec(p.match)![1].split('|').sort();
  };
  assert.deepEqual(words('support.function.promql'), [...FUNCTIONS.keys()].sort());
  assert.deepEqual(words('support.function.aggregation.promql'), [...AGGREGATIONS.keys()].sort());
});

test('package.json contributes the injection into YAML', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { grammars?: Array<{ scopeName: string; path: string; injectTo?: string[] }> } };
  const entry = pkg.contributes.grammars?.find((g) => g.scopeName === INJECTION_SCOPE);
  assert.ok(entry, 'no grammars entry');
  assert.deepEqual(entry.injectTo, ['source.yaml']);
  assert.equal(join(ROOT, entry.path), INJECTION);
  const grammarJson = JSON.parse(readFileSync(INJECTION, 'utf8')) as { scopeName: string };
  assert.equal(grammarJson.scopeName, INJECTION_SCOPE);
});
