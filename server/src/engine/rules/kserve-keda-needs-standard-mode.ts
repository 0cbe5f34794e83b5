/**
 * kserve-keda-needs-standard-mode: a KServe InferenceService that asks for KEDA autoscaling
 * (`serving.kserve.io/autoscalerClass: keda`) in a deployment mode where KServe does not use it.
 */
import { isScalar } from 'yaml';
import { get, rootOf } from '../model';
import { scalarString } from '../parse';
import type { Fix } from '../types';
import { ensurePath, replaceScalarValue } from '../yamlEdit';
import { nameOf, spanOf, templateInside } from './helpers/autoscaler';
import { annotation, KSERVE_CLASS as CLASS, KSERVE_MODE as MODE, kserveModeOf } from './helpers/kserve';
import type { Rule } from './types';

/**
 * The mode written by the fix. KServe 0.17 renamed RawDeployment to Standard and still converts the old name; KServe
 * up to 0.16 knows only RawDeployment. So the old name works on every version.
 */
const STANDARD = 'RawDeployment';

/** kserveKedaNeedsStandardMode reports KEDA autoscaling asked of an InferenceService outside Standard mode. */
export const kserveKedaNeedsStandardMode: Rule = {
  id: 'kserve-keda-needs-standard-mode',
  defaultSeverity: 'error',
  appliesTo: ['InferenceService'],
  docs: {
    summary: 'A KServe InferenceService asks for KEDA autoscaling outside Standard (RawDeployment) mode.',
    rationale:
      'KServe creates a KEDA ScaledObject for an InferenceService (from `serving.kserve.io/autoscalerClass: keda` and `spec.predictor.autoScaling`) only when the predictor runs as a plain Deployment: Standard mode, called RawDeployment before KServe 0.17. In Serverless mode (KNative since 0.17) a Knative revision and its own autoscaler own the replicas, and ModelMesh has its own pods, so the KEDA metrics written on the InferenceService — the vLLM queue or KV-cache triggers that GPU serving needs — scale nothing. Without a `serving.kserve.io/deploymentMode` annotation the mode is the cluster\'s default (`defaultDeploymentMode` in the `inferenceservice-config` ConfigMap), which was Serverless in KServe\'s own configuration for years; the manifest alone does not say whether KEDA will be used.',
    remedy:
      'Set `serving.kserve.io/deploymentMode: RawDeployment` (KServe 0.17 and later also accept, and convert it to, `Standard`) on an InferenceService that scales with KEDA, or drop the `keda` class and use Knative\'s autoscaler (`autoscaling.knative.dev/*` annotations) in Serverless mode. The quick fixes write the annotation; review the change: in Standard mode the predictor loses scale to zero and uses a Kubernetes Service and Ingress (or Gateway) instead of a Knative route.',
    sources: [
      'KServe docs, model-serving/predictive-inference/autoscaling/keda-autoscaler (0.16): KEDA autoscaling is only supported in Raw deployment mode',
      'KServe docs, generative-inference/autoscaling (LLM metrics through KEDA): only available in Standard mode',
      'kserve/kserve#4608 (0.17: RawDeployment renamed Standard, Serverless renamed KNative); kserve/kserve#1758 (defaultDeploymentMode)',
    ],
  },
  check(ctx) {
    const obj = ctx.obj;
    const classPath = ['metadata', 'annotations', CLASS];
    if (annotation(obj, CLASS)?.toLowerCase() !== 'keda') return;
    if (templateInside(obj, ['metadata', 'annotations'])) return;
    const modePath = ['metadata', 'annotations', MODE];
    const modeNode = get(obj, modePath);
    const mode = scalarString(modeNode);
    const name = nameOf(obj);
    // A mode given as something else than text (a list, a map, nothing) is not KServe's to read either.
    if (modeNode !== undefined && mode === undefined) return;
    if (mode === undefined) {
      const root = rootOf(obj);
      const fixes: Fix[] = root ? [{ title: `Set ${MODE}: ${STANDARD} (KEDA needs it; review the switch from Knative)`, edits: [ensurePath(obj.file, root, modePath, STANDARD)], changesPolicy: true }] : [];
      ctx.report({
        ...spanOf(obj, classPath),
        severity: 'info',
        message: `InferenceService '${name}' asks for KEDA autoscaling but sets no ${MODE}: KServe creates the ScaledObject only in Standard (RawDeployment) mode, so this works only where the cluster's default mode is Standard. Set the mode on the InferenceService to make it explicit.`,
        fixes,
      });
      return;
    }
    // In Standard mode KServe makes the ScaledObject; a mode KServe does not know is not this rule's to judge.
    const kind = kserveModeOf(mode);
    if (kind === 'standard' || kind === 'other') return;
    const fixes: Fix[] = isScalar(modeNode) ? [{ title: `Set ${MODE} to ${STANDARD} (review the switch from ${mode})`, edits: [replaceScalarValue(modeNode, STANDARD)], changesPolicy: true }] : [];
    ctx.report({
      ...spanOf(obj, modePath),
      message: `InferenceService '${name}' asks for KEDA autoscaling (${CLASS}: keda) in ${mode} mode, where KServe does not create a KEDA ScaledObject: ${kind === 'modelmesh' ? 'ModelMesh runs its own pods' : "Knative's autoscaler owns the replicas"}, so the KEDA metrics scale nothing. KEDA needs Standard (RawDeployment) mode.`,
      fixes,
    });
  },
};
