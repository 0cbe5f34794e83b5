/**
 * JSON-schema validation of the known kinds against the generated schemas (KEDA CRDs at 8b4f083ca8c8,
 * Kubernetes v1.32.2). Validators are precompiled by `npm run gen`, so the first validation of a document
 * costs what any other does: no schema is compiled at run time.
 */
import { type K8sObject, rootOf } from '../model';
import type { CheckDoc } from '../rules/types';
import type { EngineSettings, Finding } from '../types';
import { errorsToFindings } from './ajvToFindings';
import { toPlain } from './plain';
import { schemaKind } from './registry';

const SCHEMA_SOURCES = [
  'KEDA CRDs, kedacore/keda 8b4f083ca8c8 config/crd/bases/keda.sh_*.yaml',
  'Kubernetes v1.32.2 OpenAPI schemas (yannh/kubernetes-json-schema layout)',
];

/** Checks this module reports, for docs and codeDescription links. */
export const schemaChecks: CheckDoc[] = [
  {
    id: 'schema-unknown-property',
    defaultSeverity: 'error',
    docs: {
      summary: 'A field that the kind does not have, usually a typo or a field of a different kind or API version.',
      rationale:
        '`kubectl apply` rejects unknown fields under strict field validation, and tools that prune them apply the object without the setting: an HPA-style `minReplicas` in a ScaledObject is dropped, and the policy quietly runs on the default of 0.',
      remedy: 'Rename the field to the suggested one (the quick fix does it when the match is clear) or remove it.',
      sources: SCHEMA_SOURCES,
    },
  },
  {
    id: 'schema-type',
    defaultSeverity: 'error',
    docs: {
      summary: 'A value of the wrong type, such as a number where the schema wants text.',
      rationale:
        'The API server rejects the whole object. The common case is KEDA trigger metadata: it is a map of strings, so `threshold: 5` fails where `threshold: "5"` is accepted.',
      remedy: 'Write the value in the expected type; the quick fix quotes an unquoted number or boolean, or unquotes a quoted number where a number is expected.',
      sources: SCHEMA_SOURCES,
    },
  },
  {
    id: 'schema-enum',
    defaultSeverity: 'error',
    docs: {
      summary: 'A value outside the set the field accepts, such as `selectPolicy: max` instead of `Max`.',
      rationale: 'Values are case-sensitive. Kubernetes and KEDA reject unknown values, or worse, treat them as the default.',
      remedy: 'Use one of the listed values; the quick fix offers the closest one.',
      sources: [...SCHEMA_SOURCES, 'Kubernetes API validation of HPA behavior (pkg/apis/autoscaling/validation)'],
    },
  },
  {
    id: 'schema-range',
    defaultSeverity: 'error',
    docs: {
      summary: 'A number, text or list outside its allowed range, such as a stabilization window above 3600 s or an empty `triggers` list.',
      rationale: 'The API server or KEDA refuses values outside these bounds, so the policy never takes effect.',
      remedy: 'Bring the value within the stated bound.',
      sources: [...SCHEMA_SOURCES, 'Kubernetes API validation of HPA behavior (pkg/apis/autoscaling/validation)'],
    },
  },
  {
    id: 'schema-pattern',
    defaultSeverity: 'error',
    docs: {
      summary: 'Text in the wrong format, such as a resource quantity that Kubernetes cannot parse (`nvidia.com/gpu: one`).',
      rationale: 'Quantities, dates and names have fixed syntaxes; the API server rejects anything else.',
      remedy: 'Write the value in the format the message names, e.g. `2`, `500m` or `4Gi` for a quantity.',
      sources: SCHEMA_SOURCES,
    },
  },
  {
    id: 'schema-required',
    defaultSeverity: 'error',
    docs: {
      summary: 'A required field is missing, such as `scaleTargetRef` of an HPA or `triggers` of a ScaledObject.',
      rationale: 'The API server rejects the object, so the autoscaler does not exist until it is fixed.',
      remedy: 'Add the field named in the message under the marked key.',
      sources: SCHEMA_SOURCES,
    },
  },
  {
    id: 'schema-invalid',
    defaultSeverity: 'error',
    docs: {
      summary: 'A value the schema rejects for a reason not covered by the other schema checks.',
      rationale: 'The API server rejects objects that do not match their schema.',
      remedy: 'Compare the value with the field documentation shown on hover.',
      sources: SCHEMA_SOURCES,
    },
  },
];

/**
 * A file named as a patch (`patch-hpa.yaml`, `hpa_patch.yaml`, `patches/...`) holds partial objects that kustomize
 * merges into a base: missing required fields are expected there, unknown fields and wrong types are not.
 */
const PATCH_FILE = /(^|[^a-z0-9])patch(es)?([^a-z0-9]|$)/i;

/** validateSchema validates one object against the schema of its kind and API version. */
export function validateSchema(obj: K8sObject, _settings: EngineSettings): Finding[] {
  if (!obj.known) return [];
  const kind = schemaKind(obj.apiVersion, obj.kind);
  const root = rootOf(obj);
  if (!kind || !root) return [];
  try {
    const data = toPlain(root);
    if (data === undefined || kind.validate(data)) return [];
    const findings = errorsToFindings(kind.validate.errors ?? [], obj, kind, data);
    return isPatchFile(obj.file.uri) ? findings.filter((f) => f.code !== 'schema-required') : findings;
  } catch (e) {
    // A bug here must not take the other checks down; it shows as an internal finding instead.
    return [{ code: 'internal-error', severity: 'hint', message: `Schema validation failed: ${(e as Error).message}`, start: obj.doc.start, end: obj.doc.start }];
  }
}

/** isPatchFile tells whether a file's path names it as a kustomize patch. */
export function isPatchFile(uri: string): boolean {
  const parts = uri.split('/');
  return parts.slice(-2).some((p) => PATCH_FILE.test(p.replace(/\.(ya?ml)$/i, '')));
}
