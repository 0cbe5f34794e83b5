/** The shape of the generated JSON schemas (draft-07, as scripts/gen-schemas.mjs writes them) and of their validators. */

/** One node of a JSON schema, with the project's annotations. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
  description?: string;
  markdownDescription?: string;
  $comment?: string;
  /** The project's structured facts: unit of a number and what matters for GPU serving. */
  'x-scalelens'?: { unit?: string; gpu?: string };
  definitions?: Record<string, JsonSchema>;
}

/** One validation error, as ajv reports it (messages are not generated: the engine writes its own). */
export interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** A precompiled validator: returns true when valid, else leaves the errors on `errors`. */
export interface Validator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

/** A kind with a schema: the row of the generated table. */
export interface GeneratedKind {
  /** File stem of the schema in schemas/ (`scaledobject`, `horizontalpodautoscaler-v1`). */
  id: string;
  kind: string;
  apiVersion: string;
  /** sha256 of the schema file the validator was compiled from. */
  sha256: string;
  schema: JsonSchema;
  validate: Validator;
}
