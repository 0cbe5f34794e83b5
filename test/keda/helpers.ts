/** Shared builders of the trigger tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateTriggers } from '../../server/src/engine/keda/triggers';
import { parseFile, ParsedFile } from '../../server/src/engine/parse';
import { defaultSettings, EngineSettings, Finding } from '../../server/src/engine/types';
import { WorkspaceIndex } from '../../server/src/engine/workspace';

/** FIXTURES is the folder of the trigger fixtures (tests run from out/test/keda). */
export const FIXTURES = join(__dirname, '../../../test/fixtures/keda');

/** fixture reads a fixture file. */
export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

const HEAD = (kind: string) => `apiVersion: keda.sh/v1alpha1
kind: ${kind}
metadata:
  name: llm
spec:
  scaleTargetRef:
    name: vllm
  triggers:
`;

/** so builds a ScaledObject around a `triggers:` body (already indented by four spaces). */
export function so(triggers: string): string {
  return HEAD('ScaledObject') + triggers;
}

/** sj builds a ScaledJob around a `triggers:` body. */
export function sj(triggers: string): string {
  return HEAD('ScaledJob') + triggers;
}

/** A workspace with one file under test and, optionally, other files. */
export interface Linted {
  file: ParsedFile;
  ws: WorkspaceIndex;
  findings: Finding[];
}

/** lint runs the trigger checks on a text, with other files of the workspace indexed first. */
export function lint(text: string, settings: Partial<EngineSettings> = {}, others: Record<string, string> = {}): Linted {
  const ws = new WorkspaceIndex();
  for (const [uri, t] of Object.entries(others)) ws.update(parseFile(uri, t));
  const file = parseFile('file:///test.yaml', text, 1);
  const findings = ws.update(file).flatMap((o) => validateTriggers(o, ws, { ...defaultSettings, ...settings }));
  findings.sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
  return { file, ws, findings };
}
