/**
 * replicas-set-on-autoscaled-target: the workload an autoscaler scales also states `spec.replicas`, so every
 * apply (kubectl, Helm, Argo CD, Flux) resets the replica count the autoscaler chose.
 */
import { get, rootOf } from '../model';
import { overlapsTemplate, type ParsedFile } from '../parse';
import { autoscalerView, nameOf, resolveWorkload, targetSpan } from './helpers/autoscaler';
import { deletePair, lineStart, mapAt } from '../yamlEdit';
import type { Rule } from './types';

/** replicasSetOnAutoscaledTarget reports autoscaled workloads that also set spec.replicas. */
export const replicasSetOnAutoscaledTarget: Rule = {
  id: 'replicas-set-on-autoscaled-target',
  defaultSeverity: 'warning',
  appliesTo: ['HorizontalPodAutoscaler', 'ScaledObject'],
  docs: {
    summary: 'The scale target of an autoscaler sets `spec.replicas` in its manifest.',
    rationale:
      'Once an HPA or ScaledObject owns a workload, the replica count is the autoscaler\'s to set. A `spec.replicas` left in the Deployment or StatefulSet manifest is applied again on every deploy or GitOps sync, which drops a scaled-out GPU service back to that number (requests queue while new pods take minutes to load the model) or scales up an idle one, until the autoscaler corrects it on its next pass. GitOps tools also show the workload as permanently out of sync.',
    remedy:
      'Remove `spec.replicas` from the workload manifest and let the autoscaler\'s minimum decide the starting size. The quick fix deletes the line, in the workload\'s own file when it lives elsewhere.',
    sources: [
      'Kubernetes docs: Horizontal Pod Autoscaling, "Migrating Deployments and StatefulSets to horizontal autoscaling"',
      'KICS query 5744cbb8 (HPA targeted Deployments with configured replica count)',
      'kube-score testdata deployment-with-hpa-has-replicas.yaml',
    ],
  },
  check(ctx) {
    if (!autoscalerView(ctx.obj)) return;
    const resolved = resolveWorkload(ctx.ws, ctx.obj);
    if (!resolved) return;
    const { target } = resolved;
    const replicas = get(target, ['spec', 'replicas']);
    // A templated count, or a line a template directive may leave out (`{{- if not .Values.autoscaling }}`), is the chart's business.
    if (!replicas?.range || overlapsTemplate(target.file, replicas.range[0], replicas.range[1]) || directiveAbove(target.file, replicas.range[0])) return;
    const spec = mapAt(rootOf(target), ['spec']);
    const del = spec ? deletePair(target.file, spec, 'replicas') : undefined;
    const sameFile = target.file.uri === ctx.obj.file.uri;
    ctx.report({
      ...targetSpan(ctx.obj),
      message: `${target.kind} '${nameOf(target)}' sets spec.replicas: ${target.file.text.slice(replicas.range[0], replicas.range[1])}, which every apply or GitOps sync restores over the count this autoscaler chose. Remove it from the workload.`,
      related: [{ uri: target.file.uri, start: replicas.range[0], end: replicas.range[1], message: 'replicas set here' }],
      fixes: del ? [{ title: `Remove spec.replicas from ${target.kind} '${nameOf(target)}'`, edits: [{ ...del, uri: sameFile ? undefined : target.file.uri }], isPreferred: true }] : undefined,
    });
  },
};

/** directiveAbove tells whether the closest non-blank line above an offset holds a template expression. */
function directiveAbove(file: ParsedFile, offset: number): boolean {
  let end = lineStart(file.text, offset) - 1;
  while (end > 0) {
    const start = lineStart(file.text, end);
    if (file.text.slice(start, end).trim() !== '') return overlapsTemplate(file, start, end);
    end = start - 1;
  }
  return false;
}
