/**
 * The workspace model: which Kubernetes objects a file holds, and a typed view of the parts the
 * rules and the simulator read (scale targets, containers, GPU requests, probes, replicas).
 */
import { isMap, isSeq } from 'yaml';
import type { Node as YNode, YAMLMap } from 'yaml';
import { getNode, getPair, ParsedFile, scalarNumber, scalarString, stringMap, YamlDoc, YPath } from './parse';
import { readRoot } from './readView';

/** Kinds the engine knows, keyed by `group/version` + kind. */
export type KnownKind =
  | 'ScaledObject'
  | 'ScaledJob'
  | 'TriggerAuthentication'
  | 'ClusterTriggerAuthentication'
  | 'HorizontalPodAutoscaler'
  | 'Deployment'
  | 'StatefulSet'
  | 'LeaderWorkerSet'
  | 'NodePool'
  | 'InferenceService'
  | 'PodAutoscaler'
  | 'ServingProfile';

/** One Kubernetes object found in a document. */
export interface K8sObject {
  file: ParsedFile;
  doc: YamlDoc;
  apiVersion: string;
  kind: string;
  name: string | undefined;
  namespace: string | undefined;
  /** Set when apiVersion + kind are recognised. */
  known: KnownKind | undefined;
  /** For HPAs: the autoscaling API version (`v1`, `v2`, `v2beta1`, `v2beta2`). */
  hpaVersion?: string;
}

const KNOWN: Array<{ api: RegExp; kind: string; known: KnownKind }> = [
  { api: /^keda\.sh\/v1alpha1$/, kind: 'ScaledObject', known: 'ScaledObject' },
  { api: /^keda\.sh\/v1alpha1$/, kind: 'ScaledJob', known: 'ScaledJob' },
  { api: /^keda\.sh\/v1alpha1$/, kind: 'TriggerAuthentication', known: 'TriggerAuthentication' },
  { api: /^keda\.sh\/v1alpha1$/, kind: 'ClusterTriggerAuthentication', known: 'ClusterTriggerAuthentication' },
  { api: /^autoscaling\/(v1|v2|v2beta1|v2beta2)$/, kind: 'HorizontalPodAutoscaler', known: 'HorizontalPodAutoscaler' },
  { api: /^apps\/v1$/, kind: 'Deployment', known: 'Deployment' },
  { api: /^apps\/v1$/, kind: 'StatefulSet', known: 'StatefulSet' },
  { api: /^leaderworkerset\.x-k8s\.io\/v1$/, kind: 'LeaderWorkerSet', known: 'LeaderWorkerSet' },
  { api: /^karpenter\.sh\/v1(beta1)?$/, kind: 'NodePool', known: 'NodePool' },
  { api: /^serving\.kserve\.io\/v1beta1$/, kind: 'InferenceService', known: 'InferenceService' },
  { api: /^autoscaling\.aibrix\.ai\/v1alpha1$/, kind: 'PodAutoscaler', known: 'PodAutoscaler' },
  { api: /^scalelens\.dev\/v1alpha1$/, kind: 'ServingProfile', known: 'ServingProfile' },
];

/** objectsOf lists the Kubernetes objects of a parsed file (documents without apiVersion/kind are skipped). */
export function objectsOf(file: ParsedFile): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of file.docs) {
    const root = readRoot(doc, file);
    if (!isMap(root)) continue;
    const apiVersion = scalarString(getNode(root, ['apiVersion'])) ?? '';
    const kind = scalarString(getNode(root, ['kind'])) ?? '';
    if (!apiVersion && !kind) continue;
    const name = scalarString(getNode(root, ['metadata', 'name']));
    const namespace = scalarString(getNode(root, ['metadata', 'namespace']));
    const hit = KNOWN.find((k) => k.kind === kind && k.api.test(apiVersion));
    const obj: K8sObject = { file, doc, apiVersion, kind, name, namespace, known: hit?.known };
    if (hit?.known === 'HorizontalPodAutoscaler') obj.hpaVersion = apiVersion.split('/')[1];
    out.push(obj);
  }
  return out;
}

/**
 * The root map of an object as the API server reads it: aliases followed and merge keys applied (see readView.ts).
 * Rules read through it; a node reached through an alias has the anchor's range, and fixes touching it are dropped.
 */
export function rootOf(obj: K8sObject): YAMLMap {
  return readRoot(obj.doc, obj.file) as YAMLMap;
}

/** get reads a node at a path from an object's root, through aliases and merge keys. */
export function get(obj: K8sObject, path: YPath): YNode | undefined {
  return getNode(readRoot(obj.doc, obj.file), path);
}

/** A container of a pod template, with what the rules need. */
export interface ContainerInfo {
  name: string | undefined;
  image: string | undefined;
  args: string[];
  command: string[];
  /** Resource requests and limits as written (quantities as strings). */
  requests: Record<string, string>;
  limits: Record<string, string>;
  hasStartupProbe: boolean;
  hasReadinessProbe: boolean;
  /** Kind of the readiness or startup probe: `httpGet`, `tcpSocket`, `exec` or `grpc`. */
  probeKinds: string[];
  /** Path of the container node from the document root. */
  path: YPath;
}

/** The serving engine a container runs, inferred from its image, command and args. */
export type EngineKind = 'vllm' | 'sglang' | 'triton' | 'tgi' | 'trtllm' | 'llm-d' | 'unknown';

/** A scalable workload with its pod template. */
export interface WorkloadInfo {
  obj: K8sObject;
  replicas: number | undefined;
  /** Path to the pod template spec (`spec.template.spec` and friends). */
  podSpecPath: YPath;
  containers: ContainerInfo[];
  /** GPUs requested per pod (sum over containers of GPU-like resources; LeaderWorkerSet counts the whole group). */
  gpusPerPod: number;
  /** The GPU-like resource names requested (`nvidia.com/gpu`, `nvidia.com/mig-1g.10gb`, `google.com/tpu`, ...). */
  gpuResources: string[];
  engine: EngineKind;
  nodeSelector: Record<string, string>;
  terminationGracePeriodSeconds: number | undefined;
  /** Pods per replica (LeaderWorkerSet group size; 1 otherwise). */
  podsPerReplica: number;
}

/** isGpuResource tells whether a resource name is an accelerator (GPU, MIG slice, shared GPU or TPU). */
export function isGpuResource(name: string): boolean {
  return /^(nvidia\.com\/(gpu|mig-.+|gpu\.shared)|amd\.com\/gpu|gpu\.intel\.com\/.+|google\.com\/tpu|habana\.ai\/gaudi|aws\.amazon\.com\/neuron(core|device)?)$/.test(name);
}

function stringList(node: unknown): string[] {
  if (!isSeq(node)) return [];
  return node.items.map((n) => scalarString(n)).filter((s): s is string => s !== undefined);
}

/** containersAt reads the containers of a pod spec at a path. */
export function containersAt(obj: K8sObject, podSpecPath: YPath): ContainerInfo[] {
  const out: ContainerInfo[] = [];
  const seq = get(obj, [...podSpecPath, 'containers']);
  if (!isSeq(seq)) return out;
  seq.items.forEach((c, i) => {
    if (!isMap(c)) return;
    const path = [...podSpecPath, 'containers', i];
    const probeKinds: string[] = [];
    for (const probe of ['startupProbe', 'readinessProbe']) {
      const p = getNode(c, [probe]);
      if (isMap(p)) for (const k of ['httpGet', 'tcpSocket', 'exec', 'grpc']) if (getNode(p, [k])) probeKinds.push(k);
    }
    out.push({
      name: scalarString(getNode(c, ['name'])),
      image: scalarString(getNode(c, ['image'])),
      args: stringList(getNode(c, ['args'])),
      command: stringList(getNode(c, ['command'])),
      requests: stringMap(getNode(c, ['resources', 'requests'])),
      limits: stringMap(getNode(c, ['resources', 'limits'])),
      hasStartupProbe: isMap(getNode(c, ['startupProbe'])),
      hasReadinessProbe: isMap(getNode(c, ['readinessProbe'])),
      probeKinds,
      path,
    });
  });
  return out;
}

/** detectEngine infers the serving engine from images, commands and args. */
export function detectEngine(containers: ContainerInfo[]): EngineKind {
  for (const c of containers) {
    const hay = [c.image ?? '', ...c.command, ...c.args].join(' ').toLowerCase();
    if (/sglang/.test(hay)) return 'sglang';
    if (/vllm/.test(hay)) return 'vllm';
    if (/text-generation-inference|text-generation-launcher|\btgi\b/.test(hay)) return 'tgi';
    if (/tritonserver|tritonserver|nvcr\.io\/nvidia\/tritonserver|\btriton\b/.test(hay)) return /trt.?llm|tensorrt.?llm/.test(hay) ? 'trtllm' : 'triton';
    if (/llm-d/.test(hay)) return 'llm-d';
  }
  return 'unknown';
}

/** quantityToNumber parses a Kubernetes quantity (`2`, `500m`, `4Gi`) to a number of units. */
export function quantityToNumber(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const mult: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6 };
  return m[2] ? n * mult[m[2]] : n;
}

/** workloadOf builds the workload view of a Deployment, StatefulSet or LeaderWorkerSet; undefined otherwise. */
export function workloadOf(obj: K8sObject): WorkloadInfo | undefined {
  let podSpecPath: YPath;
  let podsPerReplica = 1;
  if (obj.known === 'Deployment' || obj.known === 'StatefulSet') podSpecPath = ['spec', 'template', 'spec'];
  else if (obj.known === 'LeaderWorkerSet') {
    podSpecPath = ['spec', 'leaderWorkerTemplate', 'workerTemplate', 'spec'];
    podsPerReplica = scalarNumber(get(obj, ['spec', 'leaderWorkerTemplate', 'size'])) ?? 1;
  } else return undefined;
  const containers = containersAt(obj, podSpecPath);
  // Extended resources must have requests == limits, and limits alone imply requests.
  let gpus = 0;
  const gpuResources = new Set<string>();
  for (const c of containers) {
    for (const k of new Set([...Object.keys(c.requests), ...Object.keys(c.limits)])) {
      if (!isGpuResource(k)) continue;
      gpuResources.add(k);
      gpus += quantityToNumber(c.limits[k] ?? c.requests[k]) ?? 0;
    }
  }
  if (obj.known === 'LeaderWorkerSet') {
    // The leader may have its own template; a group is leader + (size - 1) workers.
    const leaderPath: YPath = ['spec', 'leaderWorkerTemplate', 'leaderTemplate', 'spec'];
    const leader = containersAt(obj, leaderPath);
    let leaderGpus = gpus;
    if (leader.length) {
      leaderGpus = 0;
      for (const c of leader) for (const k of new Set([...Object.keys(c.requests), ...Object.keys(c.limits)])) if (isGpuResource(k)) { gpuResources.add(k); leaderGpus += quantityToNumber(c.limits[k] ?? c.requests[k]) ?? 0; }
    }
    gpus = leaderGpus + gpus * Math.max(0, podsPerReplica - 1);
    containers.push(...leader);
  }
  return {
    obj,
    replicas: scalarNumber(get(obj, ['spec', 'replicas'])),
    podSpecPath,
    containers,
    gpusPerPod: gpus,
    gpuResources: [...gpuResources],
    engine: detectEngine(containers),
    nodeSelector: stringMap(get(obj, [...podSpecPath, 'nodeSelector'])),
    terminationGracePeriodSeconds: scalarNumber(get(obj, [...podSpecPath, 'terminationGracePeriodSeconds'])),
    podsPerReplica,
  };
}

/** A reference to a scale target, as written in `scaleTargetRef`. */
export interface TargetRef {
  kind: string;
  name: string;
  apiVersion: string | undefined;
  /** Path of the `scaleTargetRef` node, for diagnostics. */
  path: YPath;
}

/** targetRefOf reads `spec.scaleTargetRef` of an HPA, a ScaledObject or an AIBrix PodAutoscaler (KEDA defaults the kind to Deployment). */
export function targetRefOf(obj: K8sObject): TargetRef | undefined {
  if (obj.known !== 'ScaledObject' && obj.known !== 'HorizontalPodAutoscaler' && obj.known !== 'PodAutoscaler') return undefined;
  const path: YPath = ['spec', 'scaleTargetRef'];
  const name = scalarString(get(obj, [...path, 'name']));
  if (!name) return undefined;
  const kind = scalarString(get(obj, [...path, 'kind'])) ?? 'Deployment';
  const apiVersion = scalarString(get(obj, [...path, 'apiVersion']));
  return { kind, name, apiVersion, path };
}

/** hasPath tells whether a key exists (even with a null value). */
export function hasPath(obj: K8sObject, path: YPath): boolean {
  return getPair(readRoot(obj.doc, obj.file), path) !== undefined;
}
