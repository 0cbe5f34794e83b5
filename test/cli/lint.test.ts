import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
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

/** An HPA on the removed autoscaling/v2beta2 API: a finding on line 1 whose preferred fix rewrites that line. */
const OLD_API = 'apiVersion: autoscaling/v2beta2 # keep me\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web # café\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 3\n';
const FIXED_API = OLD_API.replace('v2beta2', 'v2');

/** Input as users have it on disk, and what lint and --fix must do with it: never crash, never mangle the file. */
const hostileCases: Array<{
  name: string;
  files: Record<string, string | Buffer>;
  /** Symbolic links to make: link path to target, relative to the folder. */
  links?: Record<string, string>;
  args: string[];
  input?: string;
  code: number;
  out?: RegExp;
  notOut?: RegExp;
  err?: RegExp;
  /** Expected bytes of files after the run. */
  after?: Record<string, string | Buffer>;
}> = [
  {
    name: 'a folder reached again through symbolic links is read once',
    files: { 'a/broken.yaml': readFileSync(join(FIX, 'broken.yaml')) },
    links: { 'a/loop': '..', b: 'a' },
    args: ['lint', '--format', 'json', '.'],
    code: 1,
    out: /"file": "a\/broken\.yaml"/,
    notOut: /loop|"b\/|multiple-autoscalers-on-target/,
  },
  {
    name: 'paths under the folder . are shown without ./',
    files: { 'x/broken.yaml': readFileSync(join(FIX, 'broken.yaml')) },
    args: ['lint', '.'],
    code: 1,
    out: /^  x\/broken\.yaml:8:3 /m,
  },
  {
    name: 'a byte order mark: columns as an editor counts them, and --fix keeps the mark',
    files: { 'bom.yaml': `\uFEFF${OLD_API}` },
    args: ['lint', '--fix', 'bom.yaml'],
    code: 0,
    after: { 'bom.yaml': `\uFEFF${FIXED_API}` },
  },
  {
    name: 'the column of a finding after a byte order mark',
    files: { 'bom.yaml': `\uFEFF${OLD_API}` },
    args: ['lint', 'bom.yaml'],
    code: 1,
    out: /bom\.yaml:1:13 +error .*removed-autoscaling-api/,
  },
  {
    name: 'CRLF line endings survive --fix',
    files: { 'crlf.yaml': OLD_API.replace(/\n/g, '\r\n') },
    args: ['lint', '--fix', 'crlf.yaml'],
    code: 0,
    after: { 'crlf.yaml': FIXED_API.replace(/\n/g, '\r\n') },
  },
  {
    name: 'a file that is not UTF-8 is linted with a note, and --fix leaves its bytes alone',
    files: { 'latin1.yaml': Buffer.from(OLD_API, 'latin1') },
    args: ['lint', '--fix', 'latin1.yaml'],
    code: 1,
    out: /latin1\.yaml:1:13 +error .*removed-autoscaling-api/,
    err: /latin1\.yaml is not UTF-8 text: .* --fix leaves it unchanged/,
    after: { 'latin1.yaml': Buffer.from(OLD_API, 'latin1') },
  },
  {
    name: 'standard input cannot be fixed in place',
    files: {},
    args: ['lint', '--fix', '-'],
    input: OLD_API,
    code: 2,
    err: /--fix cannot write to standard input; use --fix --dry-run/,
  },
  {
    name: 'standard input named twice is read once',
    files: {},
    args: ['lint', '-', '-'],
    input: OLD_API,
    code: 1,
    out: /1 problem \(1 error\) in 1 file/,
  },
  {
    name: 'nothing to fix: --fix --dry-run says so instead of printing nothing',
    files: { 'clean.yaml': readFileSync(join(FIX, 'clean.yaml')) },
    args: ['lint', '--fix', '--dry-run', 'clean.yaml'],
    code: 0,
    err: /no fix to apply/,
  },
];

for (const c of hostileCases) {
  test(`lint: hostile input (${c.name})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'scalelens-hostile-'));
    for (const [name, content] of Object.entries(c.files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    for (const [link, target] of Object.entries(c.links ?? {})) symlinkSync(target, join(dir, link));
    const r = run(c.args, { cwd: dir, input: c.input });
    assert.equal(r.code, c.code, `${r.out}\n${r.err}`);
    assert.doesNotMatch(r.err, /internal error|\n\s+at /, 'no stack trace');
    if (c.out) assert.match(r.out, c.out);
    if (c.notOut) assert.doesNotMatch(r.out, c.notOut);
    if (c.err) assert.match(r.err, c.err);
    for (const [name, content] of Object.entries(c.after ?? {})) assert.deepEqual(readFileSync(join(dir, name)), Buffer.from(content));
  });
}
