/**
 * From a workspace to a simulation: the autoscaler (read by `policyFromObject`), its scale target, the
 * ServingProfile that applies, and documented defaults for everything else. Every value used is
 * reported with its origin (manifest, profile, default) and where it was read.
 */
import { get, targetRefOf, type K8sObject, type WorkloadInfo } from '../model';
import { overlapsTemplate } from '../parse';
import type { WorkspaceIndex } from '../workspace';
import { resolveModel, resolveServing } from './capacity';
import { coldStartWith } from './coldstart';
import { priceOf } from './cost';
import type { ModelFacts, SimAssumption } from './infer';
import { policyFromObject, quantityToMilli } from './policy';
import { findProfile, ProfileMatch, profileNumber, profileString, Resolver, ServingProfile } from './profile';
import type { SloSpec } from './serving';
import { simulate, SimulationInput, SimulationResult, WorkloadSpec } from './simulate';
import { parseRecordingAs, readRecording, recordingFormat, RecordingFormat } from './recording';
import type { ParsedRecording, Spike, TrafficShape, TrafficSpec } from './traffic';

/** Options of a workspace simulation. */
export interface PrepareOptions {
  /**
   * Reads a file named by a profile (a traffic recording), relative to the profile's uri; the host
   * supplies it, the engine never touches the disk. Returning undefined reports the file as unreadable.
   */
  readText?: (path: string, fromUri: string) => string | undefined;
  /** A traffic scenario chosen by the user (editor or CLI), overriding the profile's. */
  scenario?: string;
  /**
   * A traffic recording to replay (CSV or Prometheus query_range JSON), overriding the profile's. Handing the same
   * object for several autoscalers (a comparison) parses it once.
   */
  replay?: { name: string; text: string };
}

/** A simulation ready to run, with what it assumed. */
export interface PreparedSimulation {
  input: SimulationInput;
  assumptions: SimAssumption[];
  /** Values that were given but could not be used. */
  problems: string[];
  autoscaler: K8sObject;
  target: K8sObject;
  profile: ProfileMatch | undefined;
}

/** A workspace simulation's result with its assumptions. */
export interface WorkspaceSimulation extends PreparedSimulation {
  result: SimulationResult;
}

const DAY = 86400;
/** Most GPUs one replica may take (a multi-node group included): 128 nodes of 8. */
const MAX_GPUS_PER_REPLICA = 1024;

/** prepareSimulation builds the input of a simulation of an HPA or ScaledObject found in the workspace; it never throws. */
export function prepareSimulation(autoscaler: K8sObject, ws: WorkspaceIndex, opts: PrepareOptions = {}): PreparedSimulation | { error: string } {
  try {
    return prepare(autoscaler, ws, opts);
  } catch (e) {
    // A bug must not take the editor down: it becomes an error the user can report.
    return { error: `internal error while preparing the simulation: ${(e as Error).message}` };
  }
}

/** describeRef names an autoscaler's scale target as written (`LeaderWorkerSet 'vllm'`), templates included. */
function describeRef(autoscaler: K8sObject): string {
  const ref = targetRefOf(autoscaler);
  if (!ref) return 'its scale target';
  const node = get(autoscaler, [...ref.path, 'name']);
  const name = node?.range && overlapsTemplate(autoscaler.file, node.range[0], node.range[1]) ? autoscaler.file.text.slice(node.range[0], node.range[1]) : ref.name;
  return `${ref.apiVersion ? `${ref.apiVersion} ` : ''}${ref.kind} '${name}'`;
}

/** Recordings given for runs, parsed, for as long as the caller keeps the object it handed. */
const replays = new WeakMap<object, { name: string; text: string; read: ReturnType<typeof readRecording> }>();

function replayedRecording(replay: { name: string; text: string }): ReturnType<typeof readRecording> {
  // A request's JSON may hand anything here: only an object can be remembered, and readRecording reports the rest.
  if (typeof replay !== 'object' || replay === null) return readRecording(undefined, undefined);
  const hit = replays.get(replay);
  // The caller may have changed the object since: only the same name and text are the same recording.
  if (hit && hit.name === replay.name && hit.text === replay.text) return hit.read;
  const read = readRecording(replay.name, replay.text);
  replays.set(replay, { name: replay.name, text: replay.text, read });
  return read;
}

function prepare(autoscaler: K8sObject, ws: WorkspaceIndex, opts: PrepareOptions): PreparedSimulation | { error: string } {
  const policy = policyFromObject(autoscaler, ws);
  if ('error' in policy) return { error: policy.error };
  const target = ws.resolveTarget(autoscaler);
  if (!target) return { error: `the scale target is not in the workspace: add the file that defines ${describeRef(autoscaler)}` };
  const w = ws.workload(target);
  if (!w) return { error: `${target.apiVersion} ${target.kind} '${target.name ?? ''}' is not a workload the simulator can read: it reads apps/v1 Deployment and StatefulSet, and leaderworkerset.x-k8s.io/v1 LeaderWorkerSet` };
  // A recording given for this run is the user's choice: if it holds no usable point the run fails, never a default day.
  let replayed: ParsedRecording | undefined;
  if (opts.replay) {
    const read = replayedRecording(opts.replay);
    if ('error' in read) return read;
    replayed = read;
  }
  const match = findProfile(target, ws);
  const profile = match?.profile;
  const problems: string[] = (profile?.problems ?? []).map((p) => `profile ${p.where}: ${p.message}`);
  const r = new Resolver(profile);
  const assumptions: SimAssumption[] = policy.assumptions.map((a) => ({ ...a, file: autoscaler.file.uri }));
  if (match) assumptions.push({ name: 'profile', value: match.profile.name ?? '(unnamed)', origin: 'profile', file: match.profile.obj.file.uri, where: 'metadata.name', note: `matched by ${match.by}` });

  const model = resolveModel(w, r);
  // A GPU count no node pool holds (a typo such as 1e308, or a fraction) would have the run place a node per GPU.
  if (!(Number.isInteger(model.gpusPerReplica) && model.gpusPerReplica >= 1 && model.gpusPerReplica <= MAX_GPUS_PER_REPLICA)) {
    return { error: `${describeRef(autoscaler)} asks for ${model.gpusPerReplica} GPUs per replica (the GPU resources its pods request): the simulator takes a whole number from 1 to ${MAX_GPUS_PER_REPLICA}` };
  }
  const serving = resolveServing(w, model, r);
  const cold = coldStartWith(w, model, r);
  const slo: SloSpec = {
    ttftSeconds: r.number('slo.ttft', 'slo.ttft', undefined, { value: 2, note: 'time to first token within 2 s, a common interactive objective' }),
    e2eSeconds: r.optional('slo.e2e', 'slo.e2e', undefined),
    percentile: r.number('slo.percentile', 'slo.percentile', undefined, { value: 95, note: 'objectives are stated at the 95th percentile' }),
  };
  const min = policy.kind === 'hpa' ? policy.spec.minReplicas : policy.spec.minReplicaCount;
  const max = policy.kind === 'hpa' ? policy.spec.maxReplicas : policy.spec.maxReplicaCount;
  const perReplica = serving.tokensPerSecond / Math.max(1, serving.meanOutputTokens);
  const traffic = resolveTraffic(r, profile, opts, replayed, problems, Math.max(1, min) * perReplica);
  const replay = traffic.shape.kind === 'replay' ? traffic.shape.points : undefined;
  const durationSeconds = r.number('simulation.duration', 'simulation.duration', undefined, replay && replay.length > 1
    ? { value: replay[replay.length - 1].t, note: 'the span of the recording' }
    : { value: DAY, note: 'one day' });
  const stepSeconds = r.number('simulation.step', 'simulation.step', undefined, { value: 1, note: 'one-second steps' });
  const probe = w.containers.some((c) => c.hasReadinessProbe || c.hasStartupProbe);
  const manifestReplicas = w.replicas !== undefined ? { value: Math.min(max, Math.max(min, w.replicas)), file: target.file.uri, where: 'spec.replicas' } : undefined;
  const input: SimulationInput = {
    policy: policy.kind === 'hpa' ? { kind: 'hpa', spec: policy.spec } : { kind: 'keda', spec: policy.spec },
    workload: workloadSpec(w, servedName(r, model.facts, target)),
    serving,
    slo,
    cluster: {
      gpusPerNode: model.gpusPerNode,
      gpusPerReplica: model.gpusPerReplica,
      nodeProvisionSeconds: cold.parts.node,
      nodeScaleDownDelaySeconds: r.number('cluster.nodeScaleDownDelay', 'cluster.nodeScaleDownDelay', undefined, { value: 600, note: 'cluster-autoscaler --scale-down-unneeded-time default (10 min)' }),
      maxNodes: r.optional('cluster.maxNodes', 'cluster.maxNodes', undefined) ?? Infinity,
      initialNodes: r.number('cluster.initialNodes', 'cluster.initialNodes', undefined, { value: 0, note: 'only the nodes the initial replicas need' }),
      minNodes: r.number('cluster.minNodes', 'cluster.minNodes', undefined, { value: 0, note: 'every empty node can go' }),
      imagePullSeconds: cold.parts.imagePull,
      imageCachedPerNode: cold.imageCachedPerNode,
      modelLoadSeconds: cold.parts.modelLoad,
      engineStartSeconds: cold.parts.engineStart,
      readyWhen: r.string<'model' | 'container'>('readyWhen', undefined, { value: probe ? 'model' : 'container', file: target.file.uri, where: `${w.podSpecPath.join('.')}.containers[*].${probe ? 'readinessProbe/startupProbe' : 'readinessProbe (absent)'}`, note: probe ? 'a probe holds readiness until the model serves' : 'without a probe, a pod is Ready while its model still loads' }, { value: 'model', note: '' }),
      terminationGracePeriodSeconds: r.number('terminationGracePeriodSeconds', undefined, w.terminationGracePeriodSeconds !== undefined ? { value: w.terminationGracePeriodSeconds, file: target.file.uri, where: `${w.podSpecPath.join('.')}.terminationGracePeriodSeconds` } : undefined, { value: 30, note: 'Kubernetes default' }),
    },
    traffic,
    gpuPricePerHour: resolvePrice(r, model.gpuType, problems),
    scrapeIntervalSeconds: r.number('prometheus.scrapeInterval', 'prometheus.scrapeInterval', undefined, { value: 15, note: 'a common ServiceMonitor interval (kube-prometheus-stack defaults to 30 s)' }),
    durationSeconds,
    stepSeconds,
    outputResolutionSeconds: r.number('simulation.outputResolution', 'simulation.outputResolution', undefined, { value: Math.max(stepSeconds, Math.round(durationSeconds / 1440)), note: 'about 1,440 points' }),
    seed: r.number('simulation.seed', 'simulation.seed', undefined, { value: 1, note: 'a fixed seed: the same input gives the same run' }),
    initialReplicas: r.number('simulation.initialReplicas', 'simulation.initialReplicas', manifestReplicas, { value: min, note: 'the autoscaler minimum' }),
  };
  return { input, assumptions: [...assumptions, ...r.assumptions], problems, autoscaler, target, profile: match };
}

/** simulateObject prepares and runs the simulation of an autoscaler of the workspace; it never throws. */
export function simulateObject(autoscaler: K8sObject, ws: WorkspaceIndex, opts: PrepareOptions = {}): WorkspaceSimulation | { error: string } {
  const prepared = prepareSimulation(autoscaler, ws, opts);
  if ('error' in prepared) return prepared;
  try {
    return { ...prepared, result: simulate(prepared.input) };
  } catch (e) {
    return { error: `internal error while simulating: ${(e as Error).message}` };
  }
}

/** servedName is the value of the engine's model label: the profile's, else the served name from the args. */
function servedName(r: Resolver, facts: ModelFacts, target: K8sObject): string | undefined {
  const fromArgs = facts.assumptions.find((a) => a.name === 'model');
  const manifest = facts.servedName && fromArgs ? { value: facts.servedName, file: target.file.uri, where: fromArgs.where ?? '' } : undefined;
  const name = r.string('model.servedName', 'model.servedName', manifest, { value: '', note: 'unknown: series carry no model label' });
  return name || undefined;
}

/** workloadSpec gives the names, labels and requests the simulated pods present. */
function workloadSpec(w: WorkloadInfo, model: string | undefined): WorkloadSpec {
  const serving = w.containers.find((c) => Object.keys(c.limits).some((k) => k.includes('gpu'))) ?? w.containers[0];
  return {
    name: w.obj.name ?? 'workload',
    namespace: w.obj.namespace ?? 'default',
    engine: w.engine,
    model,
    container: serving?.name ?? 'server',
    requestsMilli: w.containers.map((c) => ({
      container: c.name ?? '',
      cpu: c.requests.cpu !== undefined ? quantityToMilli(c.requests.cpu) : c.limits.cpu !== undefined ? quantityToMilli(c.limits.cpu) : undefined,
      memory: c.requests.memory !== undefined ? quantityToMilli(c.requests.memory) : c.limits.memory !== undefined ? quantityToMilli(c.limits.memory) : undefined,
    })),
  };
}

/** resolvePrice picks the GPU-hour price: the profile's, else the dated default for the GPU type. */
function resolvePrice(r: Resolver, gpu: Parameters<typeof priceOf>[0], problems: string[]): number | undefined {
  const def = priceOf(gpu);
  if (!def && !profileNumber(r.profile, 'gpu.pricePerGpuHour')) {
    problems.push(`no default price for ${gpu} GPUs: set spec.gpu.pricePerGpuHour in a ServingProfile to see cost`);
    return undefined;
  }
  return r.number('gpu.pricePerGpuHour', 'gpu.pricePerGpuHour', undefined, {
    value: def?.usdPerGpuHour ?? 0,
    note: def ? `${def.source}; quality ${def.quality}, last checked ${def.lastChecked}` : '',
  });
}

/** resolveTraffic builds the traffic scenario from the profile, or a default day around the minimum's capacity. */
function resolveTraffic(r: Resolver, p: ServingProfile | undefined, opts: PrepareOptions, replayed: ParsedRecording | undefined, problems: string[], baseCapacity: number): TrafficSpec {
  const noise = r.string<'none' | 'poisson'>('traffic.noise', 'traffic.noise', undefined, { value: 'poisson', note: 'arrivals drawn from a Poisson law' });
  const scale = r.number('traffic.scale', 'traffic.scale', undefined, { value: 1, note: 'the rate as given' });
  const spikes: Spike[] = (p?.spikes ?? []).filter((s) => s.atSeconds !== undefined && s.durationSeconds !== undefined && s.multiplier !== undefined).map((s) => ({ atSeconds: s.atSeconds!, durationSeconds: s.durationSeconds!, multiplier: s.multiplier! }));
  const scenario = opts.replay ? 'replay' : opts.scenario ?? profileString(p, 'traffic.scenario')?.value;
  const num = (name: string, fallback: number, note: string) => r.number(`traffic.${name}`, `traffic.${name}`, undefined, { value: fallback, note });
  let shape: TrafficShape | undefined;
  if (scenario && (opts.scenario || opts.replay)) r.assumptions.push({ name: 'traffic.scenario', value: scenario, origin: 'user', note: opts.replay ? `replay of ${opts.replay.name}` : 'chosen for this run' });
  else if (scenario) r.string('traffic.scenario', 'traffic.scenario', undefined, { value: scenario, note: '' });
  switch (scenario) {
    case 'constant':
      shape = { kind: 'constant', rps: num('rps', baseCapacity * 0.7, '70 % of the minimum replicas\' capacity') };
      break;
    case 'spike': {
      const rps = num('rps', baseCapacity * 0.7, '70 % of the minimum replicas\' capacity');
      shape = { kind: 'constant', rps };
      spikes.unshift({ atSeconds: num('at', 3600, 'one hour in'), durationSeconds: num('duration', 1800, 'half an hour'), multiplier: num('multiplier', 3, 'three times the base rate') });
      break;
    }
    case 'step':
      shape = { kind: 'step', fromRps: num('fromRps', baseCapacity * 0.5, 'half the minimum replicas\' capacity'), toRps: num('toRps', baseCapacity * 1.5, '1.5 times the minimum replicas\' capacity'), atSeconds: num('at', 3600, 'one hour in') };
      break;
    case 'ramp':
      shape = { kind: 'ramp', fromRps: num('fromRps', baseCapacity * 0.5, 'half the minimum replicas\' capacity'), toRps: num('toRps', baseCapacity * 2, 'twice the minimum replicas\' capacity'), startSeconds: num('start', 3600, 'one hour in'), endSeconds: num('end', 3 * 3600, 'three hours in') };
      break;
    case 'replay':
      shape = replayShape(r, p, opts, replayed, problems);
      break;
    case 'diurnal':
    default:
      break;
  }
  shape ??= {
    kind: 'diurnal',
    minRps: num('minRps', baseCapacity * 0.3, '30 % of the minimum replicas\' capacity'),
    maxRps: num('maxRps', baseCapacity * 2, 'twice the minimum replicas\' capacity'),
    peakAtSeconds: num('peakAt', 14 * 3600, 'peak at 14:00'),
    periodSeconds: num('period', DAY, 'a day'),
  };
  return { shape, spikes, noise, scale };
}

function replayShape(r: Resolver, p: ServingProfile | undefined, opts: PrepareOptions, replayed: ParsedRecording | undefined, problems: string[]): TrafficShape | undefined {
  if (opts.replay && replayed) return recordingShape(r, opts.replay.name, replayed, problems);
  const file = profileString(p, 'traffic.file');
  if (!file || !p) {
    problems.push('traffic.scenario is replay but traffic.file is not set: a default day is simulated instead');
    return undefined;
  }
  const text = opts.readText?.(file.value, p.obj.file.uri);
  if (text === undefined) {
    problems.push(`traffic file '${file.value}' could not be read: a default day is simulated instead`);
    return undefined;
  }
  const declared = profileString(p, 'traffic.format')?.value;
  const format: RecordingFormat = declared === undefined ? recordingFormat(file.value) : declared === 'prometheus' ? 'prometheus' : 'csv';
  const shape = recordingShape(r, file.value, parseRecordingAs(format, text), problems);
  if (shape) r.string('traffic.file', 'traffic.file', undefined, { value: file.value, note: '' });
  return shape;
}

/** recordingShape turns a parsed recording into a replay shape, reporting what could not be read of it. */
function recordingShape(r: Resolver, name: string, parsed: ParsedRecording, problems: string[]): TrafficShape | undefined {
  for (const msg of parsed.problems) problems.push(`traffic file '${name}': ${msg}`);
  if (parsed.points.length === 0) {
    problems.push(`traffic file '${name}' holds no usable point: a default day is simulated instead`);
    return undefined;
  }
  const interpolation = r.string<'linear' | 'step'>('traffic.interpolation', 'traffic.interpolation', undefined, { value: 'linear', note: 'straight lines between recorded points' });
  return { kind: 'replay', points: parsed.points, interpolation };
}
