/**
 * Which schema applies to an object. The table is generated (scripts/gen-schemas.mjs lists the kinds); adding a
 * kind is one row there, followed by `npm run gen`.
 */
import { generatedKinds } from './generated/kinds';
import type { GeneratedKind } from './jsonSchema';

/** API versions that were removed but keep the fields of a version that has a schema: used for help, never for validation. */
const FIELD_COMPATIBLE: Record<string, string> = { 'autoscaling/v2beta2': 'autoscaling/v2' };

/** schemaKind finds the schema of an exact apiVersion and kind. */
export function schemaKind(apiVersion: string, kind: string): GeneratedKind | undefined {
  return generatedKinds.find((k) => k.kind === kind && k.apiVersion === apiVersion);
}

/** helpKind finds the schema used for completion and hover, which also serves field-compatible removed versions. */
export function helpKind(apiVersion: string, kind: string): GeneratedKind | undefined {
  return schemaKind(apiVersion, kind) ?? schemaKind(FIELD_COMPATIBLE[apiVersion] ?? '', kind);
}

/** allKinds lists every kind with a schema. */
export function allKinds(): readonly GeneratedKind[] {
  return generatedKinds;
}
