import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist', 'cli.js');
const FIX = join(ROOT, 'test', 'fixtures', 'cli', 'lint');

/** run executes the bundled CLI as a user would, in a folder without a .scalelens.yaml. */
function run(args: string[], opts: { input?: string; cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? FIX, input: opts.input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...opts.env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('lint: a clean file exits 0 and says so', () => {
  const r = run(['lint', 'clean.yaml']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /1 file checked, no problems/);
});

test('lint: findings print file:line:col, severity, message and code, and exit 1', () => {
  const r = run(['lint', 'broken.yaml']);
  assert.equal(r.code, 1);
  assert.match(r.out, /broken\.yaml:8:3 +error +.*minReplicaCount.* schema-unknown-property/);
  assert.match(r.out, /broken\.yaml:14:20 +error +.* trigger-value-not-string/);
  assert.doesNotMatch(r.out, /\u001b\[/, 'no color when not a TTY');
});

test('lint: --fail-on decides the exit code', () => {
  assert.equal(run(['lint', '--fail-on', 'none', 'broken.yaml']).code, 0);
  assert.equal(run(['lint', '--fail-on', 'error', 'clean.yaml']).code, 0);
});

test('lint: usage and I/O errors exit 2 with a clear message', () => {
  const cases: Array<[string[], RegExp]> = [
    [['lint', 'missing.yaml'], /no such file or folder: missing\.yaml/],
    [['lint'], /no input given/],
    [['lint', '--format', 'xml', 'clean.yaml'], /unknown format 'xml'/],
    [['lint', '--fail-on', 'bad', 'clean.yaml'], /--fail-on must be/],
    [['lint', '--config', 'nope.yaml', 'clean.yaml'], /config file not found/],
    [['lint', '--docs-url', 'docs/rules.md', 'clean.yaml'], /--docs-url must be an http\(s\) URL/],
    [['lint', '--docs-url', 'file:///tmp/rules.md', 'clean.yaml'], /--docs-url must be an http\(s\) URL/],
    [['lint', '--bogus', 'clean.yaml'], /Unknown option/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ];
  for (const [args, msg] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}${r.err}`);
    assert.match(r.err, msg);
  }
});

test('lint: folders are searched recursively, globs expand, stdin is read with -', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scalelens-cli-'));
  cpSync(FIX, join(dir, 'a', 'b'), { recursive: true });
  const folder = run(['lint', '--format', 'json', '--fail-on', 'none', dir]);
  const files = (JSON.parse(folder.out) as Array<{ file: string }>).map((f) => f.file.replace(dir, ''));
  assert.deepEqual(files.sort(), ['/a/b/broken.yaml', '/a/b/clean.yaml']);
  const glob = run(['lint', '--format', 'json', '--fail-on', 'none', `${dir}/**/br*.yaml`]);
  assert.equal((JSON.parse(glob.out) as unknown[]).length, 1);
  const stdin = run(['lint', '--format', 'json', '-'], { input: readFileSync(join(FIX, 'broken.yaml'), 'utf8') });
  assert.equal(stdin.code, 1);
  assert.equal(JSON.parse(stdin.out)[0].file, '<stdin>');
});

test('lint: JSON output carries 1-based positions, codes and fix titles', () => {
  const r = run(['lint', '--format', 'json', 'broken.yaml']);
  const [file] = JSON.parse(r.out) as Array<{ file: string; findings: Array<{ code: string; line: number; column: number; fixes: string[] }> }>;
  const unknown = file.findings.find((f) => f.code === 'schema-unknown-property')!;
  assert.deepEqual([unknown.line, unknown.column], [8, 3]);
  assert.ok(unknown.fixes.some((t) => /minReplicaCount/.test(t)));
});

/** The docs links a lint run is given: by flag, by `.scalelens.yaml`, both, or none. */
const docsLinkCases: Array<{ name: string; args: string[]; config?: string; base: string | undefined }> = [
  { name: 'no docs URL: no links', args: [], base: undefined },
  { name: '--docs-url', args: ['--docs-url', 'https://docs.example.test/scalelens/rules.md'], base: 'https://docs.example.test/scalelens/rules.md' },
  { name: 'docsUrl in .scalelens.yaml', args: [], config: 'docsUrl: https://wiki.example.test/rules.md\n', base: 'https://wiki.example.test/rules.md' },
  { name: 'a fragment of the URL gives way to the code', args: ['--docs-url', 'https://docs.example.test/rules.md#top'], base: 'https://docs.example.test/rules.md' },
  { name: '--docs-url wins over the config', args: ['--docs-url', 'http://flag.example.test/r.md'], config: 'docsUrl: https://wiki.example.test/rules.md\n', base: 'http://flag.example.test/r.md' },
];

/** lintIn runs lint over copies of the fixtures in a fresh folder, with an optional `.scalelens.yaml`. */
function lintIn(args: string[], config?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'scalelens-docs-'));
  cpSync(FIX, dir, { recursive: true });
  if (config !== undefined) writeFileSync(join(dir, '.scalelens.yaml'), config);
  return run(['lint', ...args, 'broken.yaml', 'clean.yaml'], { cwd: dir });
}

/** sectionBody returns the body of a code's section in docs/rules.md (after its severity line). */
function sectionBody(rulesMd: string, code: string): string | undefined {
  const section = rulesMd.split(/^## /m).find((s) => s.startsWith(`${code}\n`));
  return section?.split('\n\n').slice(2).join('\n\n').trim();
}

const sarifSchema = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));
const rulesMd = readFileSync(join(ROOT, 'docs', 'rules.md'), 'utf8');

interface SarifRule { id: string; help: { text: string; markdown: string }; helpUri?: string }

for (const c of docsLinkCases) {
  test(`lint: SARIF output validates against the SARIF 2.1.0 schema and carries each rule's docs (${c.name})`, () => {
    const r = lintIn(['--format', 'sarif', ...c.args], c.config);
    assert.equal(r.code, 1, r.err);
    const log = JSON.parse(r.out) as { runs: Array<{ results: unknown; tool: { driver: { rules: unknown; informationUri?: string } } }> };
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(sarifSchema);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    const results = log.runs[0].results as Array<{ ruleId: string; ruleIndex: number; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }>;
    const rules = log.runs[0].tool.driver.rules as SarifRule[];
    assert.ok(results.length >= 2);
    for (const res of results) assert.equal(rules[res.ruleIndex].id, res.ruleId);
    assert.equal(results[0].locations[0].physicalLocation.artifactLocation.uri, 'broken.yaml');
    assert.equal(log.runs[0].tool.driver.informationUri, undefined, 'the tool has no home page to name');
    for (const rule of rules) {
      assert.equal(rule.help.markdown, sectionBody(rulesMd, rule.id), `${rule.id}: help.markdown is its docs/rules.md section`);
      assert.ok(rule.help.text.startsWith(rule.help.markdown.split('\n')[0]), `${rule.id}: help.text starts with the summary`);
      assert.doesNotMatch(rule.help.text, /\*\*/, `${rule.id}: help.text is plain text`);
      assert.equal(rule.helpUri, c.base === undefined ? undefined : `${c.base}#${rule.id}`);
    }
  });

  test(`lint: JSON output links each finding to its docs only when given a docs URL (${c.name})`, () => {
    const r = lintIn(['--format', 'json', ...c.args], c.config);
    const findings = (JSON.parse(r.out) as Array<{ findings: Array<{ code: string; docs?: string }> }>).flatMap((f) => f.findings);
    assert.ok(findings.length >= 2);
    for (const f of findings) assert.equal(f.docs, c.base === undefined ? undefined : `${c.base}#${f.code}`);
  });
}

test('lint: .scalelens.yaml turns rules off and changes severities', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scalelens-cfg-'));
  cpSync(join(FIX, 'broken.yaml'), join(dir, 'broken.yaml'));
  writeFileSync(join(dir, '.scalelens.yaml'), 'rules:\n  schema-unknown-property: off\n  trigger-value-not-string: warning\n');
  const r = run(['lint', '--format', 'json', 'broken.yaml'], { cwd: dir });
  const codes = (JSON.parse(r.out)[0].findings as Array<{ code: string; severity: string }>).map((f) => `${f.code}:${f.severity}`);
  assert.ok(!codes.some((c) => c.startsWith('schema-unknown-property')));
  assert.ok(codes.includes('trigger-value-not-string:warning'));
  const badConfigs: Array<[string, RegExp]> = [
    ['rules:\n  foo: loud\n', /rules\.foo must be one of/],
    ['docsUrl: 42\n', /docsUrl must be an http\(s\) URL/],
    ['docsUrl: docs/rules.md\n', /docsUrl must be an http\(s\) URL/],
  ];
  for (const [config, msg] of badConfigs) {
    writeFileSync(join(dir, '.scalelens.yaml'), config);
    const bad = run(['lint', 'broken.yaml'], { cwd: dir });
    assert.equal(bad.code, 2, config);
    assert.match(bad.err, msg);
  }
});

test('lint: --fix --dry-run prints a diff and leaves the file alone; --fix writes it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scalelens-fix-'));
  const file = join(dir, 'broken.yaml');
  cpSync(join(FIX, 'broken.yaml'), file);
  const before = readFileSync(file, 'utf8');
  const dry = run(['lint', '--fix', '--dry-run', 'broken.yaml'], { cwd: dir });
  assert.match(dry.out, /^-\s+threshold: 5$/m);
  assert.match(dry.out, /^\+\s+threshold: "5"$/m);
  assert.equal(readFileSync(file, 'utf8'), before);
  run(['lint', '--fix', 'broken.yaml'], { cwd: dir });
  const after = readFileSync(file, 'utf8');
  assert.match(after, /threshold: "5"/);
  assert.match(after, /minReplicaCount: 1/);
  assert.equal(after.split('\n').length, before.split('\n').length, 'only the fixed lines change');
});

test('lint: color on a TTY is forced with --color', () => {
  const r = run(['lint', '--color', 'broken.yaml'], { env: { NO_COLOR: '' } });
  assert.match(r.out, /\u001b\[31m/);
});
