/** Shared helpers of the schema tests: linting one text and keeping its schema findings. */
import { defaultSettings, doValidation, parseFile, WorkspaceIndex, type EngineSettings, type Finding, type ParsedFile } from '../../server/src/engine';
import { validateSchema } from '../../server/src/engine/schema/validate';

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
