/** The rule framework: one file per rule under `rules/`, listed explicitly in `rules/index.ts`. */
import type { EngineSettings, Finding, Fix, Severity } from '../types';
import type { K8sObject, KnownKind } from '../model';
import type { ParsedFile } from '../parse';
import type { WorkspaceIndex } from '../workspace';

/** Documentation of a rule or check, in the project's own words; `docs/rules.md` is generated from it. */
export interface RuleDocs {
  /** One sentence: what the rule checks. */
  summary: string;
  /** Why it matters for GPU model serving. */
  rationale: string;
  /** What to do about it. */
  remedy: string;
  /** Where the underlying fact comes from (upstream code, docs, issues). */
  sources: string[];
}

/** What a rule's check receives: one object, its file, the workspace and the settings. */
export interface RuleContext {
  obj: K8sObject;
  file: ParsedFile;
  ws: WorkspaceIndex;
  settings: EngineSettings;
  /** report records a finding for this rule; severity defaults to the rule's (or the user's override). */
  report(f: { start: number; end: number; message: string; severity?: Severity; fixes?: Fix[]; related?: Finding['related']; tags?: Finding['tags'] }): void;
}

/** A lint rule. */
export interface Rule {
  /** kebab-case id; also the file name and the diagnostic code. */
  id: string;
  defaultSeverity: Severity;
  /** The kinds of object the check runs on. */
  appliesTo: KnownKind[];
  docs: RuleDocs;
  check(ctx: RuleContext): void;
}

/** A built-in check that is not a rule file (YAML syntax, schema, trigger metadata); documented the same way. */
export interface CheckDoc {
  id: string;
  defaultSeverity: Severity;
  docs: RuleDocs;
}
