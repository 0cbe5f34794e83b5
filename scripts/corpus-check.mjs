// The corpus check: lints every file of the shared corpus of real manifests (one workspace per repository
// folder, so scale targets resolve across files), fails on a crash or an internal-error finding, and compares
// the finding codes of each file with test/corpus-expectations.json. Each file is linted under its original
// path in its repository (MANIFEST.tsv), so that rules reasoning about "files of the same folder" see the
// repository's real layout rather than the corpus's flattened one.
//
// Then every quick fix offered on a corpus file is applied and checked, as the fixture runner does for the
// rule fixtures: the result parses, the finding it targets is gone, no new error appears, nothing outside the
// edits changed, and the same fix is not offered again.
//
// Usage: node scripts/corpus-check.mjs [--update] [--show <code>] [--corpus <dir>]
//   --update       rewrite test/corpus-expectations.json from this run (crashes still fail)
//   --show <code>  print every finding with that code (or `all`), for review against the files
// The corpus defaults to ../shared/corpus next to the repository, or $SCALELENS_CORPUS.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadEngine } from './load-engine.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { update: { type: 'boolean', default: false }, show: { type: 'string' }, corpus: { type: 'string' } } });
const corpus = resolve(values.corpus ?? process.env.SCALELENS_CORPUS ?? join(root, '..', 'shared', 'corpus'));
const expectationsFile = join(root, 'test', 'corpus-expectations.json');

if (!existsSync(corpus)) {
  console.log(`corpus-check: no corpus at ${corpus}; nothing checked`);
  process.exit(0);
}

const engine = await loadEngine(root, 'corpus-check');
const settings = engine.defaultSettings;

/** originalPaths maps `<repo folder>/<saved name>` to the file's path in its repository. */
function originalPaths() {
  const out = new Map();
  const manifest = join(corpus, 'MANIFEST.tsv');
  if (!existsSync(manifest)) return out;
  const [header, ...rows] = readFileSync(manifest, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
  const saved = header.indexOf('saved_path');
  const path = header.indexOf('path');
  for (const r of rows) if (r[saved] && r[path]) out.set(r[saved], r[path]);
  return out;
}
const paths = originalPaths();

/** Lints one repository folder as a workspace; returns findings per file and the failures. */
function lintFolder(repo) {
  return lintFiles(repo).out;
}

function lintFiles(repo) {
  const dir = join(corpus, repo);
  const names = readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
  const ws = new engine.WorkspaceIndex();
  const files = names.map((n) => engine.parseFile(`file:///corpus/${repo}/${paths.get(`${repo}/${n}`) ?? n}`, readFileSync(join(dir, n), 'utf8'), 1));
  for (const f of files) ws.update(f);
  const out = [];
  for (let i = 0; i < files.length; i++) {
    const key = `${repo}/${names[i]}`;
    try {
      out.push({ key, file: files[i], findings: engine.doValidation(files[i], ws, settings) });
    } catch (e) {
      out.push({ key, file: files[i], findings: [], crash: e.stack ?? String(e) });
    }
  }
  return { out, files };
}

/** countBy counts findings per code (optionally only errors). */
function countBy(findings, onlyErrors = false) {
  const m = new Map();
  for (const f of findings) if (!onlyErrors || f.severity === 'error') m.set(f.code, (m.get(f.code) ?? 0) + 1);
  return m;
}

/**
 * checkFixes applies each fix offered in one folder to a fresh copy of the folder's workspace and checks the
 * result. Returns failure messages and the number of fixes checked.
 */
function checkFixes(repo) {
  const { out, files } = lintFiles(repo);
  const problems = [];
  let checked = 0;
  const lintAll = (texts) => {
    const ws = new engine.WorkspaceIndex();
    const parsed = files.map((f) => (texts.has(f.uri) ? engine.parseFile(f.uri, texts.get(f.uri), 2) : f));
    for (const f of parsed) ws.update(f);
    return parsed.map((f) => engine.doValidation(f, ws, settings));
  };
  const before = out.map((r) => r.findings);
  const allBefore = before.flat();
  for (const [i, r] of out.entries()) {
    for (const finding of r.findings) {
      for (const fix of finding.fixes ?? []) {
        checked++;
        const where = `${r.key}: ${finding.code} fix "${fix.title}"`;
        const byUri = new Map();
        for (const e of fix.edits) {
          const uri = e.uri ?? r.file.uri;
          if (!byUri.has(uri)) byUri.set(uri, []);
          byUri.get(uri).push({ ...e, uri: undefined });
        }
        const texts = new Map();
        let ok = true;
        for (const [uri, edits] of byUri) {
          const f = files.find((x) => x.uri === uri);
          if (!f) { problems.push(`${where}: edits a file outside the workspace (${uri})`); ok = false; break; }
          try {
            const after = engine.applyEdits(f.text, edits);
            // Nothing outside the edited span changes.
            const lo = Math.min(...edits.map((e) => e.start));
            const hi = Math.max(...edits.map((e) => e.end));
            if (!after.startsWith(f.text.slice(0, lo)) || !after.endsWith(f.text.slice(hi))) problems.push(`${where}: text outside the edits changed`);
            texts.set(uri, after);
          } catch (e) {
            problems.push(`${where}: edits cannot be applied (${e.message})`);
            ok = false;
          }
        }
        if (!ok) continue;
        const after = lintAll(texts);
        const allAfter = after.flat();
        const syntaxBefore = allBefore.filter((f) => f.code === 'yaml-syntax').length;
        if (allAfter.filter((f) => f.code === 'yaml-syntax').length > syntaxBefore) problems.push(`${where}: the result does not parse`);
        if ((countBy(allAfter).get(finding.code) ?? 0) >= (countBy(allBefore).get(finding.code) ?? 0)) problems.push(`${where}: the finding is still there`);
        const errBefore = countBy(allBefore, true);
        for (const [code, n] of countBy(allAfter, true)) if (n > (errBefore.get(code) ?? 0)) problems.push(`${where}: adds an error ${code}`);
        const again = after[i].some((f) => f.code === finding.code && (f.fixes ?? []).some((x) => x.title === fix.title && x.edits.length === fix.edits.length && f.start === finding.start));
        if (again) problems.push(`${where}: is offered again after it was applied`);
      }
    }
  }
  return { problems, checked };
}

const repos = readdirSync(corpus, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const started = performance.now();
const results = repos.flatMap(lintFolder);
const elapsed = performance.now() - started;

const failures = [];
const actual = {};
const perCode = new Map();
for (const r of results) {
  if (r.crash) failures.push(`${r.key}: the engine threw\n${r.crash}`);
  const counts = {};
  for (const f of r.findings) {
    if (f.code === 'internal-error') failures.push(`${r.key}: ${f.message}`);
    counts[f.code] = (counts[f.code] ?? 0) + 1;
  }
  actual[r.key] = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  for (const [code, n] of Object.entries(counts)) {
    const c = perCode.get(code) ?? { files: 0, findings: 0 };
    c.files++;
    c.findings += n;
    perCode.set(code, c);
  }
  if (values.show) {
    for (const f of r.findings) {
      if (values.show !== 'all' && f.code !== values.show) continue;
      const { line, col } = engine.lineCol(r.file, f.start);
      console.log(`${r.key}:${line}:${col} ${f.severity} ${f.code}: ${f.message}`);
    }
  }
}

console.log(`corpus-check: ${results.length} files in ${repos.length} folders, parsed and linted in ${elapsed.toFixed(0)} ms`);
console.log('findings per code (files / findings):');
for (const [code, c] of [...perCode].sort(([a], [b]) => a.localeCompare(b))) console.log(`  ${code.padEnd(40)} ${String(c.files).padStart(4)} / ${c.findings}`);

if (values.update) {
  writeFileSync(expectationsFile, JSON.stringify(actual, null, 2) + '\n');
  console.log(`corpus-check: wrote ${expectationsFile}`);
} else {
  const expected = existsSync(expectationsFile) ? JSON.parse(readFileSync(expectationsFile, 'utf8')) : {};
  for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const a = JSON.stringify(actual[key] ?? null);
    const e = JSON.stringify(expected[key] ?? null);
    if (a !== e) failures.push(`${key}: expected ${e}, got ${a}`);
  }
}

let fixesChecked = 0;
for (const repo of repos) {
  const { problems, checked } = checkFixes(repo);
  fixesChecked += checked;
  failures.push(...problems);
}
console.log(`corpus-check: ${fixesChecked} quick fixes applied and checked`);

if (failures.length) {
  console.error(`corpus-check: ${failures.length} problem(s):\n${failures.map((f) => `  ${f}`).join('\n')}`);
  console.error('A new or lost finding is either a rule change to review (then run with --update) or a false positive to fix in the rule.');
  process.exit(1);
}
console.log('corpus-check: ok');
