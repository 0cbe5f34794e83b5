/**
 * Broken versions of real manifests: the bundled examples and the rule and schema fixtures, each cut, shuffled,
 * re-indented or sprinkled with YAML punctuation a few times over, from a fixed seed. Whatever the damage, the engine
 * must answer: no exception, no `internal-error` finding, every span inside the text, every fix's edits inside it,
 * and a fix offered on a document that parses must leave it parsing. The simulation of whatever autoscaler survives
 * must run or say why it cannot.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { applyEdits, defaultSettings, doComplete, doHover, doValidation, parseFile, WorkspaceIndex } from '../../server/src/engine';
import { prepareSimulation } from '../../server/src/engine/sim/inputs';
import { simulate } from '../../server/src/engine/sim/simulate';
import { seeded, yamlFiles } from '../support/random';
import { repoRoot } from '../support/repo';

const root = repoRoot();

const sources = [...yamlFiles(join(root, 'examples')), ...yamlFiles(join(root, 'test', 'fixtures'))];

const PUNCTUATION = [':', '-', '- ', '{', '}', '[', ']', '"', "'", '*', '&a ', '<<: *a', '{{ .Values.x }}', '${X}', '\t', '#', '|', '>', '?', '!!str ', '---\n', '...\n', '%YAML 1.2\n', 'null', '~', '-1', '1e999', '.nan', '.inf', 'true', '""', '[]', '{}', 'é', '\\', ': :', 'x: *b', '&b [1]'];
const VALUES = ['[a, b]', '{x: 1}', '"5"', '5', '-3', '0', 'true', 'null', '1.5', '"abc"', '999999999999', '""', '- a'];

function damage(text: string, random: () => number): string {
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const lines = text.split('\n');
  const times = 1 + Math.floor(random() * 3);
  for (let k = 0; k < times; k++) {
    // A deleted line can leave nothing to damage: start again from one empty line.
    if (lines.length === 0) lines.push('');
    const i = Math.floor(random() * lines.length);
    switch (Math.floor(random() * 8)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, pick(lines));
        break;
      case 2:
        lines[i] = ' '.repeat(Math.floor(random() * 6)) + lines[i].trimStart();
        break;
      case 3: {
        const at = Math.floor(random() * (lines[i].length + 1));
        lines[i] = lines[i].slice(0, at) + pick(PUNCTUATION) + lines[i].slice(at);
        break;
      }
      case 4: {
        const j = Math.floor(random() * lines.length);
        [lines[i], lines[j]] = [lines[j], lines[i]];
        break;
      }
      case 5:
        lines[i] = lines[i].replace(/: .*$/, `: ${pick(VALUES)}`);
        break;
      case 6:
        lines.length = Math.max(1, i);
        break;
      default:
        lines[i] = lines[i].replace(/^(\s*)-\s/, '$1');
    }
  }
  return lines.join('\n');
}

function check(text: string, name: string, random: () => number): void {
  const file = parseFile(`file:///mutations/${name}`, text, 1);
  const ws = new WorkspaceIndex();
  ws.update(file);
  const parses = !file.syntax.some((p) => !p.warning);
  for (const f of doValidation(file, ws, defaultSettings)) {
    assert.notEqual(f.code, 'internal-error', f.message);
    assert.ok(f.start >= 0 && f.start <= f.end && f.end <= text.length, `${f.code} at ${f.start}..${f.end} of ${text.length}`);
    for (const fix of f.fixes ?? []) {
      const edits = fix.edits.filter((e) => e.uri === undefined || e.uri === file.uri);
      for (const e of edits) assert.ok(e.start >= 0 && e.start <= e.end && e.end <= text.length, `${f.code} fix edits ${e.start}..${e.end}`);
      const after = parseFile(`file:///mutations/${name}`, applyEdits(text, edits), 2);
      if (parses) assert.deepEqual(after.syntax.filter((p) => !p.warning).map((p) => p.message), [], `${f.code}: ${fix.title}`);
    }
  }
  for (let k = 0; k < 10; k++) {
    const offset = Math.floor(random() * (text.length + 1));
    doComplete(file, offset, ws);
    doHover(file, offset, ws);
  }
  for (const obj of ws.objectsIn(file.uri)) {
    if (obj.known !== 'HorizontalPodAutoscaler' && obj.known !== 'ScaledObject') continue;
    const prepared = prepareSimulation(obj, ws, {});
    if ('error' in prepared) {
      assert.doesNotMatch(prepared.error, /internal error/);
      continue;
    }
    const result = simulate({ ...prepared.input, durationSeconds: 600 });
    assert.ok(result.series.t.length > 0);
  }
}

test('damaged manifests: answered without exceptions, spans inside the text, fixes that keep YAML parsing', () => {
  assert.ok(sources.length > 20, `${sources.length} source files`);
  const random = seeded(20261128);
  for (let i = 0; i < 300; i++) {
    const source = sources[Math.floor(random() * sources.length)];
    const text = damage(readFileSync(source, 'utf8'), random);
    const name = relative(root, source).replace(/[\\/]/g, '--');
    try {
      check(text, name, random);
    } catch (e) {
      throw new Error(`damaged ${relative(root, source)} (case ${i}):\n${text}\n\n${(e as Error).message}`);
    }
  }
});

test('a quote left open at the very end of the text is reported on its last character', () => {
  for (const text of ["a: 1\nb: '", 'a: "x', "'"]) {
    const file = parseFile('file:///eof.yaml', text);
    assert.ok(file.syntax.length > 0, text);
    for (const p of file.syntax) assert.ok(p.start >= 0 && p.start < p.end && p.end <= text.length, `${JSON.stringify(text)}: ${p.start}..${p.end}`);
  }
});
