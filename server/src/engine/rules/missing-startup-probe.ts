/**
 * missing-startup-probe: a GPU model-serving container has no startup or readiness probe that waits for the
 * model to be loaded.
 */
import { isMap } from 'yaml';
import type { YAMLMap } from 'yaml';
import { containersAt, detectEngine, get, isGpuResource, type ContainerInfo, type K8sObject, rootOf } from '../model';
import { getNode, scalarString, type YPath } from '../parse';
import type { Fix } from '../types';
import { templateInside } from './helpers/autoscaler';
import { coldStartOf, containerStartSeconds } from './helpers/coldstart';
import { ENGINES, servingPort } from './helpers/serving';
import { insertIntoMap } from '../yamlEdit';
import type { Rule, RuleContext } from './types';

/** HTTP paths that report liveness or metrics only, not that a model is loaded. */
const NOT_READINESS = /^\/?(metrics|livez?|v2\/health\/live|healthz\/live)\/?$/;

/** Probe period of the generated startup probe, in seconds. */
const PERIOD = 10;

/** Start-up time allowed when no estimate exists (no GPU on the container itself), in seconds. */
const DEFAULT_LOAD = 900;

/** missingStartupProbe reports GPU serving containers without a probe that waits for the model. */
export const missingStartupProbe: Rule = {
  id: 'missing-startup-probe',
  defaultSeverity: 'warning',
  appliesTo: ['Deployment', 'StatefulSet', 'LeaderWorkerSet'],
  docs: {
    summary: 'A GPU model-serving container has no startup or readiness probe that checks the model is loaded.',
    rationale:
      'Loading weights, compiling and capturing CUDA graphs takes from a minute to a quarter of an hour. Without a probe that answers only once the model serves (vLLM and TGI `/health`, Triton `/v2/health/ready`, or `/v1/models`), the pod counts as Ready as soon as its process starts, or as soon as a TCP port opens: Services send it traffic that fails or waits, and for the autoscaler it is capacity that is not there yet, so it stops scaling out while users queue. A `tcpSocket` probe is not enough, because servers open their port before or while the model loads.',
    remedy:
      'Add a `startupProbe` with `httpGet` on the engine\'s readiness endpoint, and a `failureThreshold × periodSeconds` that covers the longest model load you expect (the pod is restarted if it is exceeded), plus a `readinessProbe` on the same endpoint for later overloads. The quick fix adds the startup probe with the engine\'s path and the container\'s port.',
    sources: [
      'vllm-project/vllm PR #45551 (resource-ready is not service-ready for model servers)',
      'kubernetes/kubernetes#28692 (HPA scaling on pods that are still starting)',
      'Kubernetes docs: Configure Liveness, Readiness and Startup Probes',
      'Triton docs: /v2/health/ready; vLLM and TGI: /health',
    ],
  },
  check(ctx) {
    const obj = ctx.obj;
    const workload = ctx.ws.workload(obj);
    if (!workload) return;
    const podSpecPath: YPath = obj.known === 'LeaderWorkerSet' && get(obj, ['spec', 'leaderWorkerTemplate', 'leaderTemplate'])
      // In a LeaderWorkerSet with its own leader template, the leader serves and the workers only hold shards.
      ? ['spec', 'leaderWorkerTemplate', 'leaderTemplate', 'spec']
      : workload.podSpecPath;
    // An unknown image with GPUs is taken for a model server only when it is autoscaled (looked up once, lazily).
    let autoscaled: boolean | undefined;
    for (const c of containersAt(obj, podSpecPath)) {
      const gpu = [...Object.keys(c.requests), ...Object.keys(c.limits)].some(isGpuResource) || (obj.known === 'LeaderWorkerSet' && workload.gpusPerPod > 0);
      const engine = detectEngine([c]);
      if (!gpu || templateInside(obj, c.path)) continue;
      if (engine === 'unknown' && !(autoscaled ??= ctx.ws.autoscalersOf(obj).length > 0)) continue;
      const probes = probeState(obj, c);
      if (probes === 'ok') continue;
      const nameNode = getNode(rootOf(obj), [...c.path, 'name']) ?? getNode(rootOf(obj), [...c.path, 'image']);
      if (!nameNode?.range) continue;
      const facts = ENGINES[engine];
      const what = probes === 'tcp' ? 'only has a tcpSocket probe, which passes as soon as the port opens' : 'has no startup or readiness probe';
      ctx.report({
        start: nameNode.range[0],
        end: nameNode.range[1],
        message: `GPU serving container '${c.name ?? c.image}' ${what}: the pod counts as ready before the model is loaded, so it gets traffic it cannot serve and the autoscaler counts it as capacity. Probe ${facts ? `${facts.healthPath}` : 'the engine\'s readiness endpoint'} with httpGet.`,
        fixes: facts ? fixFor(ctx, c, engine) : undefined,
      });
    }
  },
};

/** probeState tells whether a container has a probe that can see the model loaded, only a TCP probe, or none. */
function probeState(obj: K8sObject, c: ContainerInfo): 'ok' | 'tcp' | 'none' {
  let tcp = false;
  for (const kind of ['startupProbe', 'readinessProbe']) {
    const probe = get(obj, [...c.path, kind]);
    if (!isMap(probe)) continue;
    if (getNode(probe, ['exec']) || getNode(probe, ['grpc'])) return 'ok';
    const http = getNode(probe, ['httpGet']);
    if (http) {
      const path = scalarString(getNode(http, ['path'])) ?? '/';
      if (!NOT_READINESS.test(path)) return 'ok';
    }
    if (getNode(probe, ['tcpSocket'])) tcp = true;
  }
  return tcp ? 'tcp' : 'none';
}

function fixFor(ctx: RuleContext, c: ContainerInfo, engine: keyof typeof ENGINES): Fix[] {
  const facts = ENGINES[engine]!;
  const container = get(ctx.obj, c.path) as YAMLMap;
  const estimate = coldStartOf(ctx.ws, ctx.obj, ctx.ws.workload(ctx.obj)!);
  const load = estimate ? 2 * containerStartSeconds(estimate) : DEFAULT_LOAD;
  const probe = {
    httpGet: { path: facts.healthPath, port: servingPort(ctx.obj, c, facts) },
    periodSeconds: PERIOD,
    // Twice the estimated load and start, at least 5 minutes: running out restarts the pod and the load with it.
    failureThreshold: Math.max(30, Math.ceil(load / PERIOD)),
  };
  const after = ['readinessProbe', 'livenessProbe', 'ports', 'resources'].find((k) => getNode(container, [k]) !== undefined);
  return [{ title: `Add a startupProbe on ${facts.healthPath} (${facts.label})`, edits: [insertIntoMap(ctx.obj.file, container, { startupProbe: probe }, { after })] }];
}
