/**
 * kserve-cpu-autoscaling-on-gpu: a KServe InferenceService whose predictor requests GPUs and whose autoscaler
 * scales on CPU or memory, written out or by KServe's default in Standard mode.
 */
import { get } from '../model';
import { kindSpan, nameOf, spanOf, templateInside } from './helpers/autoscaler';
import { annotation, KNATIVE_CLASS, KSERVE_CLASS, KSERVE_MODE, kserveModeOf, kserveSignals, knativeHpaClass, predictorGpus } from './helpers/kserve';
import type { Rule } from './types';

const ADVICE =
  'a GPU-bound model server can queue requests while its CPU stays idle. Scale on the serving queue instead, e.g. in Standard mode `serving.kserve.io/autoscalerClass: keda` with an External prometheus metric on `vllm:num_requests_waiting`.';

/** kserveCpuAutoscalingOnGpu reports InferenceServices that scale a GPU predictor on CPU or memory. */
export const kserveCpuAutoscalingOnGpu: Rule = {
  id: 'kserve-cpu-autoscaling-on-gpu',
  defaultSeverity: 'warning',
  appliesTo: ['InferenceService'],
  docs: {
    summary: 'A KServe InferenceService scales a GPU predictor on CPU or memory, by choice or by default.',
    rationale:
      'The autoscaler KServe makes for an InferenceService scales on what `spec.predictor.autoScaling.metrics`, `spec.predictor.scaleMetric` or the `serving.kserve.io/metric` and `autoscaling.knative.dev/metric` annotations name. When none is written, Standard mode (RawDeployment) gets a HorizontalPodAutoscaler on 80 % CPU utilization, and Knative\'s HPA class also scales on CPU. The HPA class reads only the Resource entries of `autoScaling.metrics`: given only External (prometheus) or PodMetric entries without `serving.kserve.io/autoscalerClass: keda`, KServe makes an HPA with no metric, which Kubernetes defaults to 80 % CPU. For a predictor that requests GPUs this is the CPU-on-GPU trap of plain HPAs: the model server\'s CPU barely moves with load, so the predictor does not scale out while requests wait for the GPU. Knative\'s default class (requests in flight per replica) and KEDA metrics on the engine\'s queue are not reported.',
    remedy:
      'In Standard mode set `serving.kserve.io/autoscalerClass: keda` and give `spec.predictor.autoScaling.metrics` an External metric with a prometheus query on the engine\'s queue (`vllm:num_requests_waiting` for vLLM, the backend of KServe\'s Hugging Face runtime), or stay in Serverless mode with Knative\'s concurrency autoscaler and a target per replica. Removing Knative\'s HPA class annotation brings back Knative\'s own autoscaler.',
    sources: [
      'KServe docs, autoscaling with Kubernetes HPA: Standard mode uses an HPA, scaleMetric cpu or memory, 80 % CPU by default',
      'KServe pkg/controller/v1beta1/inferenceservice/reconcilers/hpa/hpa_reconciler.go getHPAMetrics (Resource entries only; cpu at DefaultCPUUtilization when nothing is set)',
      'Kubernetes autoscaling/v2 defaults: an HPA without metrics scales on 80 % CPU utilization',
      'KServe docs, generative-inference/autoscaling: KEDA with vLLM metrics from Prometheus',
      'OME docs, component-autoscaling: a component with no autoscaling settings gets an HPA on 80 % CPU',
      'kedacore/keda#7538 (GPU nodes at 10% CPU while the GPUs are saturated)',
    ],
  },
  check(ctx) {
    const obj = ctx.obj;
    if (templateInside(obj, ['metadata', 'annotations']) || templateInside(obj, ['spec', 'predictor'])) return;
    const gpus = predictorGpus(obj);
    if (!gpus.resources.length) return;
    const cls = annotation(obj, KSERVE_CLASS)?.toLowerCase();
    // KServe makes no autoscaler for these classes: someone else sets the replicas.
    if (cls === 'none' || cls === 'external') return;
    const mode = kserveModeOf(annotation(obj, KSERVE_MODE));
    if (mode === 'modelmesh' || mode === 'other') return;
    const gpuNode = gpus.path ? get(obj, gpus.path) : undefined;
    const related = gpuNode?.range ? [{ uri: obj.file.uri, start: gpuNode.range[0], end: gpuNode.range[1], message: 'GPU requested here' }] : undefined;
    const name = nameOf(obj);
    const requests = gpus.resources.join(', ');
    const hpaClass = mode === 'standard' && (cls === undefined || cls === 'hpa');
    // KServe's HPA class reads only the Resource entries of autoScaling.metrics; External and PodMetric ones need KEDA.
    const signals = kserveSignals(obj).filter((s) => !(hpaClass && s.nonResource));
    if (signals.length) {
      if (!signals.every((s) => s.metric === 'cpu' || s.metric === 'memory')) return;
      const what = [...new Set(signals.map((s) => s.metric))].join(' and ');
      ctx.report({ ...spanOf(obj, signals[0].path), message: `InferenceService '${name}' scales its predictor, which requests ${requests}, on ${what} usage: ${ADVICE}`, related });
      return;
    }
    const ignored = kserveSignals(obj).find((s) => s.nonResource);
    if (hpaClass && ignored) {
      ctx.report({ ...spanOf(obj, ignored.path), message: `InferenceService '${name}' gives autoScaling a ${ignored.metric} metric, which KServe's HPA class does not read: the HPA it makes for the predictor, which requests ${requests}, has no metric, and Kubernetes then scales it on 80% CPU utilization. Set ${KSERVE_CLASS}: keda for KEDA to read it.`, related });
      return;
    }
    if (hpaClass) {
      ctx.report({ ...kindSpan(obj), message: `InferenceService '${name}' runs in Standard mode and names no autoscaling metric, so KServe scales its predictor, which requests ${requests}, with an HPA on 80% CPU utilization: ${ADVICE}`, related });
      return;
    }
    if (mode !== 'standard' && knativeHpaClass(obj)) {
      ctx.report({
        ...spanOf(obj, ['metadata', 'annotations', KNATIVE_CLASS]),
        message: `InferenceService '${name}' uses Knative's HPA class with no metric, which scales on CPU, for a predictor that requests ${requests}. Without the class annotation Knative's own autoscaler scales on requests in flight per replica; ${ADVICE}`,
        related,
      });
    }
  },
};
