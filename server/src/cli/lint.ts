/** `scalelens lint`: the engine over files, with text/JSON/SARIF output and optional fixes. */
import { existsSync, writeFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { applyEdits, doValidation, EngineSettings, Finding, parseFile, severityRank, Severity, WorkspaceIndex } from '../engine';
import { findConfig, isDocsUrl, loadConfig } from '../config';
import { formatJson, formatSarif, formatText, FileResult } from './format';
import { CommandIO, parseCommand } from './command';
import { encodedText, encodingNotes, InputFile, inputsFor } from './inputs';

export const LINT_HELP = `Usage: scalelens lint [options] <file|folder|glob|->...

Checks KEDA and HPA autoscaling manifests for GPU model serving.

Options:
  -f, --format <text|json|sarif>   output format (default: text)
      --fail-on <severity|none>    exit 1 when a finding is at or above it (default: error)
  -c, --config <file>              config file (default: nearest .scalelens.yaml)
      --docs-url <url>             link each finding and SARIF rule to <url>#<code>, your published copy of
                                   docs/rules.md (default: docsUrl in the config; no links without it)
      --fix                        apply the preferred fixes to the files (never to standard input, nor
                                   to a file that is not UTF-8)
      --dry-run                    with --fix: print a diff instead of writing
  -o, --output <file>              write the report to a file
      --color / --no-color         force colors on or off (default: on for a terminal)
  -h, --help                       show this help

Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or I/O error.
`;

export interface LintIO extends CommandIO {
  readStdin: () => string;
  version: string;
}

/** runLint runs the lint command and returns the exit code. */
export function runLint(argv: string[], io: LintIO): number {
  const parsed = parseCommand(
    {
      name: 'lint',
      help: LINT_HELP,
      formats: ['text', 'json', 'sarif'],
      needsInput: true,
      options: {
        'fail-on': { type: 'string', default: 'error' },
        config: { type: 'string', short: 'c' },
        'docs-url': { type: 'string' },
        fix: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        output: { type: 'string', short: 'o' },
      },
    },
    argv,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals, format, color } = parsed;
  const failOn = String(values['fail-on']);
  if (!['error', 'warning', 'info', 'hint', 'none'].includes(failOn)) {
    io.stderr(`scalelens lint: --fail-on must be error, warning, info, hint or none\n`);
    return 2;
  }
  const configFile = values.config;
  const configPath = configFile ?? findConfig(process.cwd());
  if (configFile && !existsSync(configFile)) {
    io.stderr(`scalelens lint: config file not found: ${configFile}\n`);
    return 2;
  }
  const docsFlag = values['docs-url'];
  if (docsFlag !== undefined && !isDocsUrl(docsFlag)) {
    io.stderr(`scalelens lint: --docs-url must be an http(s) URL\n`);
    return 2;
  }
  const { settings, problems, docsUrl: docsFromConfig } = loadConfig(configPath);
  if (problems.length) {
    io.stderr(problems.map((p) => `scalelens lint: ${p}`).join('\n') + '\n');
    return 2;
  }
  const docsBase = docsFlag ?? docsFromConfig;

  const inputs = inputsFor('lint', positionals, io);
  if (!inputs) return 2;
  if (values.fix && !values['dry-run'] && inputs.some((i) => i.display === '<stdin>')) {
    io.stderr(`scalelens lint: --fix cannot write to standard input; use --fix --dry-run to print the diff\n`);
    return 2;
  }
  for (const note of encodingNotes(inputs, values.fix === true)) io.stderr(`scalelens lint: ${note}\n`);

  const results = lintAll(inputs, settings);
  let unwritten = false;
  if (values.fix) {
    const { diff, failures } = applyFixes(inputs, results, settings, !values['dry-run']);
    for (const f of failures) io.stderr(`scalelens lint: ${f}\n`);
    unwritten = failures.length > 0;
    if (values['dry-run']) {
      if (diff) io.stdout(diff);
      else io.stderr(`scalelens lint: no fix to apply (only preferred fixes are applied; the editor offers the others)\n`);
    }
  }

  const report = format === 'json' ? formatJson(results, docsBase) : format === 'sarif' ? formatSarif(results, io.version, docsBase) : formatText(results, color);
  const output = values.output;
  if (output) {
    try {
      writeFileSync(output, report);
    } catch (e) {
      io.stderr(`scalelens lint: cannot write ${output}: ${(e as Error).message}\n`);
      return 2;
    }
  } else if (!(values.fix && values['dry-run'])) io.stdout(report);

  // The report is printed all the same: it shows what is left in the files that could not be fixed.
  if (unwritten) return 2;
  if (failOn === 'none') return 0;
  const threshold = severityRank[failOn as Severity];
  return results.some((r) => r.findings.some((f) => severityRank[f.severity] <= threshold)) ? 1 : 0;
}

/** lintAll indexes every input first (so scale targets resolve across files), then validates each. */
export function lintAll(inputs: InputFile[], settings: EngineSettings): FileResult[] {
  const ws = new WorkspaceIndex();
  const files = inputs.map((i) => parseFile(i.uri, i.text, 1));
  for (const f of files) ws.update(f);
  return inputs.map((input, i) => ({ display: input.display, file: files[i], findings: doValidation(files[i], ws, settings) }));
}

/**
 * applyFixes applies preferred fixes round by round until none is left (at most 10 rounds), so that
 * fixes whose edits overlap are applied one after the other. Returns a unified-style diff and the files
 * that could not be written; the results of the files written replace their initial ones.
 */
function applyFixes(inputs: InputFile[], initial: FileResult[], settings: EngineSettings, write: boolean): { diff: string; failures: string[] } {
  let out = '';
  const failures: string[] = [];
  const current = inputs.map((i) => ({ ...i }));
  let results = initial;
  for (let round = 0; round < 10; round++) {
    let changed = false;
    results.forEach((r, i) => {
      // Writing back a file read with replacement characters would destroy the bytes that were not UTF-8.
      if (inputs[i].notUtf8) return;
      const edits = pickEdits(r.findings);
      if (!edits.length) return;
      try {
        current[i].text = applyEdits(current[i].text, edits);
        changed = true;
      } catch {
        // overlapping edits: left for the next round
      }
    });
    if (!changed) break;
    results = lintAll(current, settings);
  }
  inputs.forEach((orig, i) => {
    if (orig.text === current[i].text) return;
    out += simpleDiff(orig.display, orig.text, current[i].text);
    if (!write) return;
    try {
      writeFileSync(orig.display, encodedText(orig, current[i].text));
      initial[i] = results[i];
    } catch (e) {
      failures.push(`cannot write ${orig.display}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  });
  return { diff: out, failures };
}

function pickEdits(findings: Finding[]): Array<{ start: number; end: number; newText: string }> {
  const taken: Array<{ start: number; end: number; newText: string }> = [];
  for (const f of findings) {
    const fix = f.fixes?.find((x) => x.isPreferred);
    if (!fix || fix.edits.some((e) => e.uri !== undefined)) continue;
    if (fix.edits.some((e) => taken.some((t) => e.start < t.end && t.start < e.end || (e.start === t.start && e.end === t.end)))) continue;
    taken.push(...fix.edits);
  }
  return taken;
}

/** simpleDiff prints changed lines with a little context, in unified-diff style. */
function simpleDiff(name: string, a: string, b: string): string {
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, a, b, '', '', { context: 2 });
}
