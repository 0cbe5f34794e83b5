/** The documentation of every finding code, and the URL each diagnostic links to. */
import { triggerChecks } from '../keda/triggers';
import { rules } from '../rules';
import type { CheckDoc } from '../rules/types';
import { schemaChecks } from '../schema/validate';

/** Where rule docs are published; each code has an anchor in docs/rules.md. */
export const DOCS_BASE = 'https://github.com/scalelens/scalelens/blob/main/docs/rules.md';

/** docsUrl is the documentation link of a code. */
export function docsUrl(code: string): string {
  return `${DOCS_BASE}#${code}`;
}

/** Checks built into the engine outside of schema/trigger modules. */
const coreChecks: CheckDoc[] = [
  {
    id: 'yaml-syntax',
    defaultSeverity: 'error',
    docs: {
      summary: 'The file is not valid YAML.',
      rationale: 'kubectl, Helm and GitOps controllers reject a manifest that does not parse, so nothing in it takes effect.',
      remedy: 'Fix the syntax at the marked place; the message names what the parser expected.',
      sources: ['YAML 1.2 specification'],
    },
  },
  {
    id: 'templated-file',
    defaultSeverity: 'info',
    docs: {
      summary: 'The file holds template expressions (Helm/Go templates, envsubst or Terraform placeholders).',
      rationale: 'A template is not the manifest the cluster will see: values, conditionals and includes decide the final shape, so checks that depend on them would guess.',
      remedy: 'Nothing to fix. For complete checks, lint the rendered output, e.g. `helm template . | scalelens lint -`.',
      sources: ['Helm template guide'],
    },
  },
  {
    id: 'internal-error',
    defaultSeverity: 'hint',
    docs: {
      summary: 'A check failed on this document.',
      rationale: 'ScaleLens never lets one failing check hide the others; this marks where a check gave up.',
      remedy: 'Please report the document that triggered it.',
      sources: [],
    },
  },
];

/** allCheckDocs lists the documentation of every code the engine can report. */
export function allCheckDocs(): CheckDoc[] {
  return [
    ...coreChecks,
    ...schemaChecks,
    ...triggerChecks,
    ...rules.map((r) => ({ id: r.id, defaultSeverity: r.defaultSeverity, docs: r.docs })),
  ];
}
