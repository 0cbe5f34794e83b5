/** The documentation of every finding code, rendered as Markdown or plain text, and links to a published copy. */
import { triggerChecks } from '../keda/triggers';
import { rules } from '../rules';
import type { CheckDoc } from '../rules/types';
import { schemaChecks } from '../schema/validate';

/**
 * docsUrl links a code to its section of a published copy of docs/rules.md: `base` is that page's URL and every
 * code is a heading there, so its anchor is the code itself. The project has no public home of its own, so the
 * caller always names the copy.
 */
export function docsUrl(base: string, code: string): string {
  return `${base.replace(/#.*$/, '')}#${code}`;
}

/** checkDocMarkdown renders a code's documentation as Markdown, the same body as its section of docs/rules.md. */
export function checkDocMarkdown(doc: CheckDoc): string {
  const { summary, rationale, remedy, sources } = doc.docs;
  const parts = [summary, `**Why it matters.** ${rationale}`, `**What to do.** ${remedy}`];
  if (sources.length) parts.push(`**Sources.**\n\n${sources.map((s) => `- ${s}`).join('\n')}`);
  return parts.join('\n\n');
}

/** checkDocText renders a code's documentation as plain text, for viewers that show no Markdown. */
export function checkDocText(doc: CheckDoc): string {
  const { summary, rationale, remedy, sources } = doc.docs;
  const parts = [summary, `Why it matters: ${rationale}`, `What to do: ${remedy}`];
  if (sources.length) parts.push(`Sources:\n${sources.map((s) => `- ${s}`).join('\n')}`);
  return parts.join('\n\n');
}

/** Checks built into the engine outside of schema/trigger modules. */
const coreChecks: CheckDoc[] = [
  {
    id: 'yaml-syntax',
    defaultSeverity: 'error',
    docs: {
      summary: 'The file is not valid YAML.',
      rationale: 'kubectl, Helm and GitOps controllers reject a manifest that does not parse, so nothing in it takes effect.',
      remedy: 'Fix the syntax at the marked place. The message names the key or character at fault (a key given twice, a line out of alignment with its siblings, a tab used as indentation, a quote or bracket never closed, an alias `*name` with no `&name` before it in the same document) and the usual repair. One mistake often confuses the reader for a few lines after it, so fix the first problem of a document and check again.',
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
