/** model-label-mismatch: a model filter on the label the engine does not publish. */
import { lookupMetric, SOURCES } from '../promql/catalogue';
import { querySites, siteEdit, siteRange, siteTouchesTemplate } from '../promql/sites';
import type { Rule } from './types';

/** The model label each publisher writes, and the one users confuse it with. */
const MODEL_LABEL: Readonly<Record<string, { has: string; wrong: string }>> = {
  vllm: { has: 'model_name', wrong: 'model' },
  sglang: { has: 'model_name', wrong: 'model' },
  triton: { has: 'model', wrong: 'model_name' },
  trtllm: { has: 'model', wrong: 'model_name' },
};

/** modelLabelMismatch reports `model=` on vLLM/SGLang metrics and `model_name=` on Triton metrics, with a fix that renames the label. */
export const modelLabelMismatch: Rule = {
  id: 'model-label-mismatch',
  defaultSeverity: 'warning',
  appliesTo: ['ScaledObject', 'ScaledJob'],
  docs: {
    summary: 'A query filters on `model` for vLLM or SGLang metrics, which carry `model_name`, or on `model_name` for Triton metrics, which carry `model`.',
    rationale:
      'A matcher on a label the series does not have matches nothing (unless it asks for the empty value), so the query returns no series and KEDA reads 0 ' +
      'with the default `ignoreNullValues`. vLLM and SGLang name the label `model_name`; Triton and its TensorRT-LLM backend use `model` and `version`. ' +
      'Some scrape configurations add or rename labels, so check the series in Prometheus if the filter is deliberate.',
    remedy: 'Use the label the engine publishes; the quick fix renames it inside the query.',
    sources: ['vLLM `vllm/v1/metrics/loggers.py` (labelnames `model_name`, `engine`)', 'Triton `docs/user_guide/metrics.md` (labels `model`, `version`)', 'vllm-project/production-stack `helm/templates/scaledobject-vllm.yaml` (filters `model=`)'],
  },
  check(ctx) {
    for (const site of querySites(ctx.obj)) {
      if (site.kind !== 'keda-query' || !site.analysis) continue;
      for (const use of site.analysis.selectors) {
        const hit = use.sel.name ? lookupMetric(use.sel.name) : undefined;
        const expect = hit ? MODEL_LABEL[hit.info.source] : undefined;
        if (!hit || !expect) continue;
        for (const m of use.sel.matchers) {
          if (m.label !== expect.wrong || hit.info.labels.includes(m.label)) continue;
          if (siteTouchesTemplate(ctx.obj, site, m.labelSpan.from, m.labelSpan.to)) continue;
          const [start, end] = siteRange(site, m.labelSpan.from, m.labelSpan.to);
          const edit = siteEdit(site, m.labelSpan.from, m.labelSpan.to, expect.has);
          const title = SOURCES.get(hit.info.source)?.title ?? hit.info.source;
          ctx.report({
            start,
            end,
            message: `${title} labels \`${hit.info.name}\` with \`${expect.has}\`, not \`${expect.wrong}\`: this matcher selects no series unless your scrape configuration adds \`${expect.wrong}\`. Use \`${expect.has}\`.`,
            fixes: edit ? [{ title: `Rename the label to ${expect.has}`, edits: [edit], isPreferred: true }] : undefined,
          });
        }
      }
    }
  },
};
