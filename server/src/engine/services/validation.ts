/**
 * doValidation: every check of the engine over one file, with the user's severities and suppressions.
 * A broken document is input, not an error: this function returns findings and never throws for bad YAML.
 */
import { validateTriggers } from '../keda/triggers';
import type { K8sObject } from '../model';
import { overlapsTemplate, ParsedFile } from '../parse';
import { sharedSpans, touchesShared, unresolvedAliases } from '../readView';
import { rules } from '../rules';
import type { Rule } from '../rules/types';
import { validateSchema } from '../schema/validate';
import type { EngineSettings, Finding, Severity } from '../types';
import type { WorkspaceIndex } from '../workspace';

/** Codes of findings that a template expression can cause, and which templated files therefore never show. */
const TEMPLATE_SENSITIVE = /^(schema-|trigger-|yaml-)/;

/** doValidation validates a parsed file against the workspace. */
export function doValidation(file: ParsedFile, ws: WorkspaceIndex, settings: EngineSettings, isCancelled: () => boolean = () => false): Finding[] {
  if (!settings.validate) return [];
  const findings: Finding[] = [];
  const templated = file.templated !== undefined;

  let hiddenSyntax = 0;
  for (const p of file.syntax) {
    if (templated) { hiddenSyntax++; continue; }
    findings.push({ code: 'yaml-syntax', severity: p.warning ? 'warning' : 'error', message: p.message, start: p.start, end: p.end });
  }
  if (templated) findings.push(templatedNotice(file, hiddenSyntax));
  for (const doc of file.docs) {
    for (const a of unresolvedAliases(doc, file)) {
      if (templated && overlapsTemplate(file, a.start, a.end)) continue;
      findings.push({ code: 'yaml-syntax', severity: 'error', message: `\`*${a.name}\` names no anchor: an alias refers to an \`&${a.name}\` set earlier in the same document, and without one kubectl cannot read the file.`, start: a.start, end: a.end });
    }
  }

  const objs = ws.ensure(file);
  for (const obj of objs) {
    if (isCancelled()) return findings;
    if (!obj.known) continue;
    const own: Finding[] = [];
    own.push(...validateSchema(obj, settings));
    if (obj.known === 'ScaledObject' || obj.known === 'ScaledJob') own.push(...validateTriggers(obj, ws, settings));
    for (const rule of rules) {
      if (!rule.appliesTo.includes(obj.known)) continue;
      runRule(rule, obj, file, ws, settings, own);
    }
    withoutSharedEdits(own, file, ws);
    for (const f of dropShadowed(withoutRepeats(own))) {
      if (templated && TEMPLATE_SENSITIVE.test(f.code) && (f.code === 'schema-required' || overlapsTemplate(file, f.start, f.end))) continue;
      findings.push(f);
    }
  }
  return applyUserSettings(file, findings, settings);
}

/**
 * withoutSharedEdits drops the fixes that would edit YAML shared through an anchor: rules read through aliases and
 * merge keys, so a value they fix may be written once and used in several places, where one edit changes them all.
 * The finding stays, without that fix. Files without aliases or merge keys have nothing shared and lose nothing.
 */
function withoutSharedEdits(findings: Finding[], file: ParsedFile, ws: WorkspaceIndex): void {
  for (const f of findings) {
    if (!f.fixes?.length) continue;
    const kept = f.fixes.filter((fix) =>
      fix.edits.every((e) => {
        const target = e.uri === undefined || e.uri === file.uri ? file : ws.file(e.uri);
        return !target || !touchesShared(sharedSpans(target), e.start, e.end);
      }),
    );
    if (kept.length !== f.fixes.length) f.fixes = kept.length ? kept : undefined;
  }
}

/**
 * withoutRepeats keeps one of identical findings (same check, place and message): a value written once under an
 * anchor and read through two aliases is one problem, though two readers meet it.
 */
function withoutRepeats(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}\u0000${f.start}\u0000${f.end}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * dropShadowed removes a generic schema finding when a more specific check reports the same span
 * (e.g. `threshold: 5` is both a schema type error and the trigger check's "metadata values are strings",
 * which knows the fix): the user sees one diagnostic per problem.
 */
function dropShadowed(findings: Finding[]): Finding[] {
  const specific = new Set(findings.filter((f) => !f.code.startsWith('schema-')).map((f) => `${f.start}:${f.end}`));
  if (!specific.size) return findings;
  return findings.filter((f) => !f.code.startsWith('schema-') || !specific.has(`${f.start}:${f.end}`));
}

function runRule(rule: Rule, obj: K8sObject, file: ParsedFile, ws: WorkspaceIndex, settings: EngineSettings, out: Finding[]): void {
  try {
    rule.check({
      obj,
      file,
      ws,
      settings,
      report: (f) => out.push({ code: rule.id, severity: rule.defaultSeverity, ...f }),
    });
  } catch (e) {
    // A rule bug must never take diagnostics down; it becomes a visible internal finding instead.
    out.push({ code: 'internal-error', severity: 'hint', message: `Rule ${rule.id} failed: ${(e as Error).message}`, start: obj.doc.start, end: obj.doc.start });
  }
}

function templatedNotice(file: ParsedFile, hiddenSyntax: number): Finding {
  const first = file.templates[0];
  const what = file.templated === 'helm' ? 'a Helm/Go template' : file.templated === 'terraform' ? 'a Terraform template' : 'a file with ${...} placeholders';
  const extra = hiddenSyntax ? ` ${hiddenSyntax} YAML syntax problem${hiddenSyntax > 1 ? 's' : ''} caused by template lines ${hiddenSyntax > 1 ? 'are' : 'is'} not shown.` : '';
  return {
    code: 'templated-file',
    severity: 'info',
    message: `This is ${what}: ScaleLens stays silent where template expressions stand. Lint the rendered output for full checks (e.g. \`helm template . | scalelens lint -\`).${extra}`,
    start: first.start,
    end: first.end,
  };
}

const DISABLE_LINE = /#\s*scalelens-disable-next-line\b([^\n]*)/g;
const DISABLE_FILE = /#\s*scalelens-disable(?:-file)?(?![-\w])([^\n]*)/g;

function idsOf(rest: string): Set<string> | 'all' {
  const ids = rest.split(/[\s,]+/).map((s) => s.trim()).filter((s) => s && !s.startsWith('--'));
  return ids.length ? new Set(ids) : 'all';
}

/** applyUserSettings applies severity overrides and inline suppressions. */
export function applyUserSettings(file: ParsedFile, findings: Finding[], settings: EngineSettings): Finding[] {
  const text = file.text;
  const fileOff: Array<Set<string> | 'all'> = [];
  const lineOff = new Map<number, Set<string> | 'all'>();
  if (text.includes('scalelens-disable')) {
    for (const m of text.matchAll(DISABLE_FILE)) fileOff.push(idsOf(m[1]));
    for (const m of text.matchAll(DISABLE_LINE)) {
      // The next line that holds something other than a comment.
      let next = text.indexOf('\n', m.index!);
      while (next >= 0) {
        const lineEnd = text.indexOf('\n', next + 1);
        const line = text.slice(next + 1, lineEnd < 0 ? text.length : lineEnd).trim();
        if (line && !line.startsWith('#')) break;
        next = lineEnd;
      }
      if (next >= 0) lineOff.set(lineIndex(text, next + 1), idsOf(m[1]));
    }
  }
  const out: Finding[] = [];
  for (const f of findings) {
    const override = settings.rules[f.code];
    if (override === 'off') continue;
    if (fileOff.some((s) => s === 'all' || s.has(f.code))) continue;
    if (lineOff.size) {
      const s = lineOff.get(lineIndex(text, f.start));
      if (s && (s === 'all' || s.has(f.code))) continue;
    }
    out.push(override ? { ...f, severity: override as Severity } : f);
  }
  out.sort((a, b) => a.start - b.start || a.end - b.end);
  return out;
}

function lineIndex(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
