/**
 * Serving-engine facts the GPU rules and their fixes use: each engine's queue metric, KV-cache metric,
 * readiness endpoint and default HTTP port, and how to find the port a container really serves on.
 */
import { isMap, isSeq } from 'yaml';
import { get, isGpuResource, type ContainerInfo, type EngineKind, type K8sObject } from '../../model';
import { getNode, scalarNumber, scalarString, type YPath } from '../../parse';
import { queueMetricFor } from '../../promql/catalogue';

/** What the fixes need to know about a serving engine. */
export interface EngineFacts {
  label: string;
  /** Selector of the gauge of requests waiting to be scheduled: the primary scale-out signal. */
  queueMetric: string;
  /** KV-cache usage gauge (0..1), where the engine has one. */
  kvMetric?: string;
  /** HTTP path that answers 200 only once the model is loaded. */
  healthPath: string;
  /** HTTP port when nothing in the manifest says otherwise. */
  defaultPort: number;
  /** Command-line flags that set the HTTP port. */
  portFlags: string[];
}

function facts(engine: EngineKind, f: Omit<EngineFacts, 'queueMetric'>): EngineFacts {
  return { ...f, queueMetric: queueMetricFor(engine)! };
}

// TensorRT-LLM served through Triton keeps Triton's front end and health endpoints.
const TRITON_FRONT = { healthPath: '/v2/health/ready', defaultPort: 8000, portFlags: ['--http-port'] };

/** ENGINES maps a detected engine to its facts; engines ScaleLens cannot write a fix for are absent. */
export const ENGINES: Partial<Record<EngineKind, EngineFacts>> = {
  vllm: facts('vllm', { label: 'vLLM', kvMetric: 'vllm:kv_cache_usage_perc', healthPath: '/health', defaultPort: 8000, portFlags: ['--port'] }),
  sglang: facts('sglang', { label: 'SGLang', kvMetric: 'sglang:token_usage', healthPath: '/health', defaultPort: 30000, portFlags: ['--port'] }),
  tgi: facts('tgi', { label: 'TGI', healthPath: '/health', defaultPort: 80, portFlags: ['--port'] }),
  triton: facts('triton', { label: 'Triton', ...TRITON_FRONT }),
  trtllm: facts('trtllm', { label: 'TensorRT-LLM on Triton', ...TRITON_FRONT }),
};

/** selectorWith adds label matchers to a metric selector written as `name` or `name{...}`. */
export function selectorWith(metric: string, matchers: string): string {
  if (!matchers) return metric;
  const brace = metric.indexOf('{');
  return brace < 0 ? `${metric}{${matchers}}` : `${metric.slice(0, -1)}, ${matchers}}`;
}

/** Where generated triggers read metrics until the user points them at their own Prometheus. */
export const PROMETHEUS_PLACEHOLDER = 'http://prometheus-operated.monitoring.svc:9090';

/** Queue length per replica the generated triggers aim for: a starting point to tune against latency goals. */
export const QUEUE_THRESHOLD = 5;

/** KV-cache usage per replica the composite formula aims for. */
export const KV_THRESHOLD = 0.8;

/** Ports that are never the HTTP API of an engine (Triton gRPC and metrics). */
const NON_HTTP_PORTS = new Set([8001, 8002]);

/** servingPort finds the HTTP port of a container: a port flag, a port named http, else the first port, else the default. */
export function servingPort(obj: K8sObject, c: ContainerInfo, facts: EngineFacts): number {
  const argv = [...c.command, ...c.args].flatMap((a) => a.split(/\s+/));
  for (let i = 0; i < argv.length; i++) {
    for (const flag of facts.portFlags) {
      if (argv[i] === flag && /^\d+$/.test(argv[i + 1] ?? '')) return Number(argv[i + 1]);
      if (argv[i].startsWith(`${flag}=`) && /^\d+$/.test(argv[i].slice(flag.length + 1))) return Number(argv[i].slice(flag.length + 1));
    }
  }
  const ports = get(obj, [...c.path, 'ports']);
  if (isSeq(ports)) {
    const list = ports.items.filter(isMap).map((p) => ({ name: scalarString(getNode(p, ['name'])) ?? '', port: scalarNumber(getNode(p, ['containerPort'])) }));
    const named = list.find((p) => /^http/.test(p.name) && p.port !== undefined);
    if (named) return named.port!;
    const first = list.find((p) => p.port !== undefined && !NON_HTTP_PORTS.has(p.port));
    if (first) return first.port!;
  }
  return facts.defaultPort;
}

/** gpuRequestPath returns the path of the first GPU resource request or limit of a workload, for related info. */
export function gpuRequestPath(obj: K8sObject, containers: ContainerInfo[]): YPath | undefined {
  for (const c of containers) {
    for (const section of ['limits', 'requests'] as const) {
      const res = c[section];
      const name = Object.keys(res).find(isGpuResource);
      if (name && get(obj, [...c.path, 'resources', section, name])) return [...c.path, 'resources', section, name];
    }
  }
  return undefined;
}
