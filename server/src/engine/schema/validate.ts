/** JSON-schema validation of the known kinds (filled in by the schema module). */
import type { K8sObject } from '../model';
import type { CheckDoc } from '../rules/types';
import type { EngineSettings, Finding } from '../types';

/** Checks this module reports, for docs and codeDescription links. */
export const schemaChecks: CheckDoc[] = [];

/** validateSchema validates one object against the schema of its kind. */
export function validateSchema(_obj: K8sObject, _settings: EngineSettings): Finding[] {
  return [];
}
