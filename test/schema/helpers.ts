/** Shared helpers of the schema tests: the repository root, linting one text, and cursor-marked documents. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultSettings, doValidation, parseFile, WorkspaceIndex, type EngineSettings, type Finding, type ParsedFile } from '../../server/src/engine';
import { validateSchema } from '../../server/src/engine/schema/validate';

/** repoRoot finds the folder holding package.json above the compiled test. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test');
    dir = up;
  }
  return dir;
}

/** lint runs the whole engine over one file and returns its findings. */
export function lint(text: string, uri = 'file:///test/manifest.yaml', settings: EngineSettings = defaultSettings): { file: ParsedFile; findings: Finding[] } {
  const file = parseFile(uri, text);
  return { file, findings: doValidation(file, new WorkspaceIndex(), settings) };
}

/**
 * validateAll runs only schema validation over every object of a text, as the schema module reports it
 * (the engine may then drop a schema finding that a more specific check reports on the same span).
 */
export function validateAll(text: string, uri = 'file:///test/manifest.yaml'): Finding[] {
  const file = parseFile(uri, text);
  return new WorkspaceIndex().ensure(file).flatMap((o) => validateSchema(o, defaultSettings)).sort((a, b) => a.start - b.start);
}

/** schemaFindings keeps the findings of schema validation. */
export function schemaFindings(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.code.startsWith('schema-'));
}

/** cursor splits a document marked with `|` into its text and the cursor offset. */
export function cursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('|');
  if (offset < 0 || marked.indexOf('|', offset + 1) >= 0) throw new Error(`mark the cursor with exactly one |: ${marked}`);
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}
