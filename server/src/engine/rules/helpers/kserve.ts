/**
 * What the KServe rules read of an InferenceService (`serving.kserve.io/v1beta1`): its deployment mode, the
 * autoscaler KServe makes for it, the metric that autoscaler scales on, and the accelerators its predictor requests.
 */
import { isMap, isSeq } from 'yaml';
import { get, isGpuResource, type K8sObject } from '../../model';
import { scalarString, type YPath } from '../../parse';

export const KSERVE_CLASS = 'serving.kserve.io/autoscalerClass';
export const KSERVE_MODE = 'serving.kserve.io/deploymentMode';
const KSERVE_METRIC = 'serving.kserve.io/metric';
export const KNATIVE_CLASS = 'autoscaling.knative.dev/class';
const KNATIVE_METRIC = 'autoscaling.knative.dev/metric';

/** The deployment modes by what they do: Standard (RawDeployment) runs a plain Deployment, Knative a revision. */
export type KServeMode = 'standard' | 'knative' | 'modelmesh';

/** kserveModeOf reads `serving.kserve.io/deploymentMode`: undefined when absent, `other` for a value KServe does not know. */
export function kserveModeOf(text: string | undefined): KServeMode | 'other' | undefined {
  if (text === undefined) return undefined;
  switch (text.toLowerCase()) {
    case 'rawdeployment':
    case 'standard':
      return 'standard';
    case 'serverless':
    case 'knative':
      return 'knative';
    case 'modelmesh':
      return 'modelmesh';
    default:
      return 'other';
  }
}

/** annotation reads one annotation of an object as text. */
export function annotation(obj: K8sObject, key: string): string | undefined {
  return scalarString(get(obj, ['metadata', 'annotations', key]));
}

/** The frameworks a v1beta1 predictor may name (the old schema: `predictor.<framework>.resources`). */
const FRAMEWORKS = ['model', 'tensorflow', 'pytorch', 'sklearn', 'xgboost', 'onnx', 'triton', 'huggingface', 'lightgbm', 'pmml', 'paddle', 'mlflow'];

/** The accelerators an InferenceService's predictor requests, and where the first one is written. */
export interface PredictorGpus {
  resources: string[];
  path: YPath | undefined;
}

/** predictorGpus reads the GPU-like resources of the predictor's model or framework block and its containers. */
export function predictorGpus(obj: K8sObject): PredictorGpus {
  const resources = new Set<string>();
  let path: YPath | undefined;
  const look = (base: YPath) => {
    for (const part of ['limits', 'requests']) {
      const map = get(obj, [...base, 'resources', part]);
      if (!isMap(map)) continue;
      for (const pair of map.items) {
        const name = scalarString(pair.key);
        if (name === undefined || !isGpuResource(name)) continue;
        resources.add(name);
        path ??= [...base, 'resources', part, name];
      }
    }
  };
  for (const f of FRAMEWORKS) look(['spec', 'predictor', f]);
  const containers = get(obj, ['spec', 'predictor', 'containers']);
  if (isSeq(containers)) containers.items.forEach((_c, i) => look(['spec', 'predictor', 'containers', i]));
  return { resources: [...resources], path };
}

/** How the autoscaler KServe makes for an InferenceService is told what to scale on. */
export interface KServeSignal {
  /** `cpu`, `memory`, or another metric (`concurrency`, `rps`); for `autoScaling.metrics`, a Resource's name or the entry's type. */
  metric: string;
  /** True for an `autoScaling.metrics` entry that is not a Resource metric (External, PodMetric). */
  nonResource: boolean;
  /** Where it is written. */
  path: YPath;
}

/**
 * kserveSignals lists what the InferenceService's autoscaler is told to scale on, from the most specific setting
 * down: `spec.predictor.autoScaling.metrics`, `spec.predictor.scaleMetric`, the `serving.kserve.io/metric` annotation
 * and Knative's `autoscaling.knative.dev/metric`. Empty when the InferenceService names none.
 */
export function kserveSignals(obj: K8sObject): KServeSignal[] {
  const metrics = get(obj, ['spec', 'predictor', 'autoScaling', 'metrics']);
  if (isSeq(metrics) && metrics.items.length) {
    return metrics.items.map((_item, i) => {
      const base: YPath = ['spec', 'predictor', 'autoScaling', 'metrics', i];
      const type = scalarString(get(obj, [...base, 'type']));
      if (type === 'Resource') return { metric: scalarString(get(obj, [...base, 'resource', 'name'])) ?? 'resource', nonResource: false, path: [...base, 'resource', 'name'] };
      return { metric: type ?? 'unknown', nonResource: true, path: [...base, 'type'] };
    });
  }
  const written: Array<[YPath, string | undefined]> = [
    [['spec', 'predictor', 'scaleMetric'], scalarString(get(obj, ['spec', 'predictor', 'scaleMetric']))],
    [['metadata', 'annotations', KSERVE_METRIC], annotation(obj, KSERVE_METRIC)],
    [['metadata', 'annotations', KNATIVE_METRIC], annotation(obj, KNATIVE_METRIC)],
  ];
  for (const [path, metric] of written) if (metric !== undefined) return [{ metric: metric.toLowerCase(), nonResource: false, path }];
  return [];
}

/** knativeHpaClass tells whether Knative is told to use its HPA class (which scales on CPU unless told otherwise). */
export function knativeHpaClass(obj: K8sObject): boolean {
  return annotation(obj, KNATIVE_CLASS) === 'hpa.autoscaling.knative.dev';
}
