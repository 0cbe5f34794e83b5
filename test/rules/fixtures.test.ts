/**
 * The generic rule fixture runner. Every folder `test/fixtures/rules/<rule-id>/` holds:
 * - `pass.yaml`: must yield no finding of the rule;
 * - `fail.yaml`: inline expectations (see fixtureFormat.ts); must yield exactly those findings of the rule;
 * - `fixed.yaml`: `fail.yaml` after the first fix of every finding of the rule (required when a fix is offered);
 *   a fix that edits another file of the folder is compared with `<name>.fixed.yaml`;
 * - optionally other `*.yaml` files (e.g. `target.yaml`), loaded into the same workspace, and `settings.json`
 *   with engine settings.
 * After the fix, the rule must be silent, every edited file must parse and no new error may appear.
 * `RULE=<id>` runs one folder.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyEdits, defaultSettings, doValidation, parseFile, WorkspaceIndex, type EngineSettings, type Finding } from '../../server/src/engine';
import { repoRoot } from '../support/repo';
import { asExpectation, describeExpectation, parseExpectations } from './fixtureFormat';

const FIXTURES = join(repoRoot(), 'test', 'fixtures', 'rules');
const SCENARIOS = new Set(['pass.yaml', 'fail.yaml', 'fixed.yaml']);

interface Folder {
  id: string;
  dir: string;
  /** Other files of the folder, by file name. */
  others: Map<string, string>;
  settings: EngineSettings;
}

function uriOf(id: string, name: string): string {
  return `file:///fixtures/${id}/${name}`;
}

function loadFolder(id: string): Folder {
  const dir = join(FIXTURES, id);
  const others = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.yaml') || SCENARIOS.has(name) || name.endsWith('.fixed.yaml')) continue;
    others.set(name, readFileSync(join(dir, name), 'utf8'));
  }
  const settingsFile = join(dir, 'settings.json');
  const settings = existsSync(settingsFile) ? { ...defaultSettings, ...JSON.parse(readFileSync(settingsFile, 'utf8')) } : defaultSettings;
  return { id, dir, others, settings };
}

/** lint lints one scenario file with the folder's other files in the same workspace. */
function lint(folder: Folder, name: string, text: string, others = folder.others): { findings: Finding[]; syntaxErrors: number } {
  const ws = new WorkspaceIndex();
  for (const [n, t] of others) ws.update(parseFile(uriOf(folder.id, n), t));
  const file = parseFile(uriOf(folder.id, name), text);
  ws.update(file);
  return { findings: doValidation(file, ws, folder.settings), syntaxErrors: file.syntax.filter((s) => !s.warning).length };
}

function noInternalErrors(findings: Finding[]): void {
  const internal = findings.filter((f) => f.code === 'internal-error');
  assert.deepEqual(internal.map((f) => f.message), [], 'a rule threw');
}

const folders = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((n) => existsSync(join(FIXTURES, n, 'fail.yaml'))).sort() : [];
const only = process.env.RULE;

test('every rule fixture folder has pass.yaml and fail.yaml', () => {
  const dirs = existsSync(FIXTURES) ? readdirSync(FIXTURES) : [];
  const incomplete = dirs.filter((d) => !existsSync(join(FIXTURES, d, 'pass.yaml')) || !existsSync(join(FIXTURES, d, 'fail.yaml')));
  assert.deepEqual(incomplete, []);
  if (only) assert.ok(dirs.includes(only), `RULE=${only} has no fixture folder`);
});

for (const id of folders) {
  if (only && id !== only) continue;
  const folder = loadFolder(id);

  test(`${id}: pass.yaml yields no ${id} finding`, () => {
    const { findings } = lint(folder, 'pass.yaml', readFileSync(join(folder.dir, 'pass.yaml'), 'utf8'));
    noInternalErrors(findings);
    assert.deepEqual(findings.filter((f) => f.code === id).map((f) => f.message), []);
  });

  const fail = parseExpectations(readFileSync(join(folder.dir, 'fail.yaml'), 'utf8'));

  test(`${id}: fail.yaml yields exactly the annotated findings`, () => {
    const own = fail.expectations.filter((e) => e.code === id);
    assert.ok(own.length > 0, 'fail.yaml has no expectation for its own rule');
    const { findings } = lint(folder, 'fail.yaml', fail.text);
    noInternalErrors(findings);
    const actual = findings.filter((f) => f.code === id);
    const got = actual.map((f) => describeExpectation(asExpectation(fail.text, f))).sort();
    const want = own.map(describeExpectation).sort();
    assert.deepEqual(got, want, `findings:\n${actual.map((f) => `  ${describeExpectation(asExpectation(fail.text, f))}: ${f.message}`).join('\n')}`);
    for (const e of own) {
      const f = actual.find((x) => describeExpectation(asExpectation(fail.text, x)) === describeExpectation(e));
      assert.ok(f && f.message.includes(e.message), `message at ${describeExpectation(e)} should contain "${e.message}", got "${f?.message}"`);
    }
  });

  test(`${id}: the first fix of every finding gives fixed.yaml`, () => {
    const { findings } = lint(folder, 'fail.yaml', fail.text);
    const own = findings.filter((f) => f.code === id);
    const fixes = own.map((f) => f.fixes?.[0]).filter((f) => f !== undefined);
    const fixedPath = join(folder.dir, 'fixed.yaml');
    if (!fixes.length) {
      assert.ok(!existsSync(fixedPath), 'fixed.yaml exists but the rule offers no fix');
      return;
    }
    assert.ok(existsSync(fixedPath), 'the rule offers a fix: add fixed.yaml');
    const failUri = uriOf(id, 'fail.yaml');
    const edits = fixes.flatMap((f) => f.edits);
    const fixedText = applyEdits(fail.text, edits.filter((e) => e.uri === undefined || e.uri === failUri).map((e) => ({ ...e, uri: undefined })));
    assert.equal(fixedText, readFileSync(fixedPath, 'utf8'));
    const others = new Map(folder.others);
    for (const [name, text] of folder.others) {
      const mine = edits.filter((e) => e.uri === uriOf(id, name));
      if (!mine.length) continue;
      const expected = join(folder.dir, name.replace(/\.yaml$/, '.fixed.yaml'));
      assert.ok(existsSync(expected), `a fix edits ${name}: add ${name.replace(/\.yaml$/, '.fixed.yaml')}`);
      const edited = applyEdits(text, mine.map((e) => ({ ...e, uri: undefined })));
      assert.equal(edited, readFileSync(expected, 'utf8'));
      assert.equal(parseFile(uriOf(id, name), edited).syntax.filter((s) => !s.warning).length, 0, `${name} no longer parses`);
      others.set(name, edited);
    }
    const unknown = edits.filter((e) => e.uri !== undefined && e.uri !== failUri && ![...folder.others.keys()].some((n) => uriOf(id, n) === e.uri));
    assert.deepEqual(unknown, [], 'a fix edits a file outside the fixture folder');

    const after = lint(folder, 'fixed.yaml', fixedText, others);
    assert.equal(after.syntaxErrors, 0, 'fixed.yaml does not parse');
    noInternalErrors(after.findings);
    assert.deepEqual(after.findings.filter((f) => f.code === id).map((f) => f.message), [], 'the finding is still there after the fix');
    const errorsBefore = countBy(findings.filter((f) => f.severity === 'error'));
    const newErrors = after.findings.filter((f) => f.severity === 'error' && (errorsBefore.get(f.code) ?? 0) === 0);
    assert.deepEqual(newErrors.map((f) => `${f.code}: ${f.message}`), [], 'the fix introduced an error');
  });
}

function countBy(findings: Finding[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of findings) m.set(f.code, (m.get(f.code) ?? 0) + 1);
  return m;
}
