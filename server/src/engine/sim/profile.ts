/**
 * The ServingProfile kind (`scalelens.dev/v1alpha1`): what manifests do not say about serving — traffic,
 * SLO, request shape, capacity, cold-start parts, GPU price, cluster — written once per workload.
 * This module reads a profile into plain values (keeping the field path of each) and finds the profile
 * that applies to a workload.
 */
import { isMap, isSeq } from 'yaml';
import type { Node as YNode } from 'yaml';
import { get, K8sObject } from '../model';
import { parseDuration as parsePromDuration } from '../promql/parse';
import { getNode, scalarString, YPath } from '../parse';
import type { WorkspaceIndex } from '../workspace';
import { dotted, SimAssumption } from './infer';

/** A field of a profile: its value and its path in the profile's file. */
export interface ProfileValue<T> {
  value: T;
  where: string;
}

/** A profile read from a manifest: fields by dotted name under `spec` (`coldStart.imagePullSeconds`). */
export interface ServingProfile {
  obj: K8sObject;
  name: string | undefined;
  /** Values read, keyed by their path under `spec`. */
  values: Map<string, ProfileValue<number | string | boolean>>;
  /** `spec.traffic.spikes[]`, each spike's fields. */
  spikes: Array<{ atSeconds?: number; durationSeconds?: number; multiplier?: number; where: string }>;
  /** Fields that were present but unreadable (wrong type, unknown enum value). */
  problems: Array<{ where: string; message: string }>;
}

/** The type of a profile field; numbers carry their lower bound (`min`, or `above` for a strict one). */
type FieldKind = 'string' | 'boolean' | { enum: string[] } | { type: 'number' | 'duration'; min?: number; above?: number; max?: number };

const count = { type: 'number', min: 0 } as const;
const positive = { type: 'number', above: 0 } as const;
const atLeastOne = { type: 'number', min: 1 } as const;
const time = { type: 'duration', min: 0 } as const;
const span = { type: 'duration', above: 0 } as const;

/** Every scalar field of `spec`, by path, with its type. The JSON schema `schemas/servingprofile.schema.json` says the same. */
export const PROFILE_FIELDS: Record<string, FieldKind> = {
  'targetRef.kind': 'string',
  'targetRef.name': 'string',
  'traffic.scenario': { enum: ['constant', 'diurnal', 'spike', 'step', 'ramp', 'replay'] },
  'traffic.rps': count,
  'traffic.minRps': count,
  'traffic.maxRps': count,
  'traffic.peakAt': time,
  'traffic.period': span,
  'traffic.fromRps': count,
  'traffic.toRps': count,
  'traffic.at': time,
  'traffic.start': time,
  'traffic.end': time,
  'traffic.multiplier': count,
  'traffic.duration': span,
  'traffic.noise': { enum: ['none', 'poisson'] },
  'traffic.scale': count,
  'traffic.file': 'string',
  'traffic.format': { enum: ['csv', 'prometheus'] },
  'traffic.interpolation': { enum: ['linear', 'step'] },
  'requests.meanInputTokens': count,
  'requests.meanOutputTokens': atLeastOne,
  'requests.timeout': span,
  'slo.ttft': span,
  'slo.e2e': span,
  'slo.percentile': { type: 'number', above: 0, max: 99.999 },
  'model.servedName': 'string',
  'model.parametersBillion': positive,
  'model.bytesPerParameter': positive,
  'model.tensorParallelSize': atLeastOne,
  'capacity.tokensPerSecond': positive,
  'capacity.singleStreamTokensPerSecond': positive,
  'capacity.prefillTokensPerSecond': positive,
  'capacity.maxConcurrentSequences': atLeastOne,
  'capacity.kvCacheTokens': positive,
  'coldStart.nodeProvision': time,
  'coldStart.imagePull': time,
  'coldStart.imageCachedPerNode': 'boolean',
  'coldStart.modelLoad': time,
  'coldStart.engineStart': time,
  'gpu.type': { enum: ['H100', 'H200', 'A100-80GB', 'A100-40GB', 'L40S', 'L4', 'A10G', 'T4'] },
  'gpu.pricePerGpuHour': count,
  'cluster.gpusPerNode': atLeastOne,
  'cluster.initialNodes': count,
  'cluster.minNodes': count,
  'cluster.maxNodes': atLeastOne,
  'cluster.nodeScaleDownDelay': time,
  'prometheus.scrapeInterval': { type: 'duration', min: 1 },
  'simulation.duration': span,
  'simulation.step': { type: 'duration', min: 0.1 },
  'simulation.outputResolution': span,
  'simulation.seed': { type: 'number' },
  'simulation.initialReplicas': count,
};

/** parseDuration reads seconds from a number or a PromQL-style duration (`90s`, `5m`, `1h30m`, `250ms`, `1d`). */
export function parseDuration(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  const ms = parsePromDuration(v);
  return ms === undefined ? undefined : ms / 1000;
}

function readScalar(node: YNode | undefined, kind: FieldKind): number | string | boolean | undefined | Error {
  if (node === undefined || node === null) return undefined;
  const raw = scalarString(node);
  if (raw === undefined) return new Error('expected a single value');
  if (kind === 'string') return raw;
  if (kind === 'boolean') {
    if (raw === 'true' || raw === 'false') return raw === 'true';
    return new Error(`expected true or false, found '${raw}'`);
  }
  if ('enum' in kind) return kind.enum.includes(raw) ? raw : new Error(`expected one of ${kind.enum.join(', ')}, found '${raw}'`);
  const n = kind.type === 'duration' ? parseDuration(raw) : raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : undefined;
  if (n === undefined) return new Error(kind.type === 'duration' ? `expected seconds or a duration like 90s, 5m, 1h, found '${raw}'` : `expected a number, found '${raw}'`);
  if (kind.min !== undefined && n < kind.min) return new Error(`must be at least ${kind.min}, found ${raw}`);
  if (kind.above !== undefined && n <= kind.above) return new Error(`must be above ${kind.above}, found ${raw}`);
  if (kind.max !== undefined && n > kind.max) return new Error(`must be at most ${kind.max}, found ${raw}`);
  return n;
}

/** readProfile reads a ServingProfile object; it never throws, unreadable fields become problems. */
export function readProfile(obj: K8sObject): ServingProfile {
  const values = new Map<string, ProfileValue<number | string | boolean>>();
  const problems: ServingProfile['problems'] = [];
  for (const [key, kind] of Object.entries(PROFILE_FIELDS)) {
    const path: YPath = ['spec', ...key.split('.')];
    const v = readScalar(get(obj, path), kind);
    if (v instanceof Error) problems.push({ where: dotted(path), message: v.message });
    else if (v !== undefined) values.set(key, { value: v, where: dotted(path) });
  }
  const spikes: ServingProfile['spikes'] = [];
  const spikesPath: YPath = ['spec', 'traffic', 'spikes'];
  const seq = get(obj, spikesPath);
  if (isSeq(seq)) {
    seq.items.forEach((item, i) => {
      const where = dotted([...spikesPath, i]);
      if (!isMap(item)) {
        problems.push({ where, message: 'expected a map with at, duration and multiplier' });
        return;
      }
      const at = readScalar(getNode(item, ['at']), time);
      const duration = readScalar(getNode(item, ['duration']), span);
      const multiplier = readScalar(getNode(item, ['multiplier']), count);
      for (const [k, v] of [['at', at], ['duration', duration], ['multiplier', multiplier]] as const) if (v instanceof Error) problems.push({ where: `${where}.${k}`, message: v.message });
      spikes.push({ atSeconds: num(at), durationSeconds: num(duration), multiplier: num(multiplier), where });
    });
  }
  return { obj, name: obj.name, values, spikes, problems };
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** labelsOf reads `metadata.labels` of an object. */
function labelsOf(obj: K8sObject): Record<string, string> {
  const out: Record<string, string> = {};
  const m = get(obj, ['metadata', 'labels']);
  if (!isMap(m)) return out;
  for (const it of m.items) {
    const k = scalarString(it.key);
    const v = scalarString(it.value);
    if (k && v !== undefined) out[k] = v;
  }
  return out;
}

/** How a profile was chosen for a workload. */
export interface ProfileMatch {
  profile: ServingProfile;
  /** `targetRef`, `selector`, or `only` (the single profile of the workspace, without a target). */
  by: 'targetRef' | 'selector' | 'only';
}

/**
 * findProfile picks the ServingProfile of a workload: one whose `spec.targetRef` names it (kind defaults
 * to Deployment), else one whose `spec.selector.matchLabels` all match its labels, else the only profile
 * of the workspace that names no target at all. Same-namespace profiles only, when both state one.
 */
export function findProfile(target: K8sObject, ws: WorkspaceIndex): ProfileMatch | undefined {
  const profiles = ws.ofKind('ServingProfile').filter((o) => o.known === 'ServingProfile' && (!o.namespace || !target.namespace || o.namespace === target.namespace));
  const byRef = profiles.find((p) => {
    const name = scalarString(get(p, ['spec', 'targetRef', 'name']));
    const kind = scalarString(get(p, ['spec', 'targetRef', 'kind'])) ?? 'Deployment';
    return name === target.name && kind === target.kind;
  });
  if (byRef) return { profile: readProfile(byRef), by: 'targetRef' };
  const labels = labelsOf(target);
  const bySelector = profiles.find((p) => {
    const sel = get(p, ['spec', 'selector', 'matchLabels']);
    if (!isMap(sel) || sel.items.length === 0) return false;
    return sel.items.every((it) => {
      const k = scalarString(it.key);
      return k !== undefined && labels[k] === scalarString(it.value);
    });
  });
  if (bySelector) return { profile: readProfile(bySelector), by: 'selector' };
  const untargeted = profiles.filter((p) => get(p, ['spec', 'targetRef']) === undefined && get(p, ['spec', 'selector']) === undefined);
  if (untargeted.length === 1) return { profile: readProfile(untargeted[0]), by: 'only' };
  return undefined;
}

/** profileNumber reads a number field of a profile. */
export function profileNumber(p: ServingProfile | undefined, key: string): ProfileValue<number> | undefined {
  const v = p?.values.get(key);
  return v && typeof v.value === 'number' ? (v as ProfileValue<number>) : undefined;
}

/** profileString reads a string (or enum) field of a profile. */
export function profileString(p: ServingProfile | undefined, key: string): ProfileValue<string> | undefined {
  const v = p?.values.get(key);
  return v && typeof v.value === 'string' ? (v as ProfileValue<string>) : undefined;
}

/** profileBoolean reads a boolean field of a profile. */
export function profileBoolean(p: ServingProfile | undefined, key: string): ProfileValue<boolean> | undefined {
  const v = p?.values.get(key);
  return v && typeof v.value === 'boolean' ? (v as ProfileValue<boolean>) : undefined;
}

/** A value found in a manifest, with where. */
export interface ManifestValue<T> {
  value: T;
  file: string;
  where: string;
  note?: string;
}

/**
 * Resolver picks each simulation value in order — the profile (explicit), then the manifest, then a
 * documented default — and records the choice as an assumption.
 */
export class Resolver {
  readonly assumptions: SimAssumption[] = [];

  constructor(readonly profile: ServingProfile | undefined) {}

  /** number resolves a numeric value; `key` is the profile field (`coldStart.imagePull`). */
  number(name: string, key: string | undefined, manifest: ManifestValue<number> | undefined, fallback: { value: number; note: string }): number {
    const p = key ? profileNumber(this.profile, key) : undefined;
    if (p) return this.record({ name, value: p.value, origin: 'profile', file: this.profile?.obj.file.uri, where: p.where });
    if (manifest) return this.record({ name, value: manifest.value, origin: 'manifest', file: manifest.file, where: manifest.where, note: manifest.note });
    return this.record({ name, value: fallback.value, origin: 'default', note: fallback.note });
  }

  /** string resolves a string value the same way. */
  string<T extends string>(name: string, key: string | undefined, manifest: ManifestValue<T> | undefined, fallback: { value: T; note: string }): T {
    const p = key ? profileString(this.profile, key) : undefined;
    if (p) return this.record({ name, value: p.value, origin: 'profile', file: this.profile?.obj.file.uri, where: p.where }) as T;
    if (manifest) return this.record({ name, value: manifest.value, origin: 'manifest', file: manifest.file, where: manifest.where, note: manifest.note });
    return this.record({ name, value: fallback.value, origin: 'default', note: fallback.note });
  }

  /** boolean resolves a boolean value the same way. */
  boolean(name: string, key: string | undefined, manifest: ManifestValue<boolean> | undefined, fallback: { value: boolean; note: string }): boolean {
    const p = key ? profileBoolean(this.profile, key) : undefined;
    if (p) return this.record({ name, value: p.value, origin: 'profile', file: this.profile?.obj.file.uri, where: p.where });
    if (manifest) return this.record({ name, value: manifest.value, origin: 'manifest', file: manifest.file, where: manifest.where, note: manifest.note });
    return this.record({ name, value: fallback.value, origin: 'default', note: fallback.note });
  }

  /** optional resolves a number that may stay unknown (no default), recording only what was found. */
  optional(name: string, key: string | undefined, manifest: ManifestValue<number> | undefined): number | undefined {
    const p = key ? profileNumber(this.profile, key) : undefined;
    if (p) return this.record({ name, value: p.value, origin: 'profile', file: this.profile?.obj.file.uri, where: p.where });
    if (manifest) return this.record({ name, value: manifest.value, origin: 'manifest', file: manifest.file, where: manifest.where, note: manifest.note });
    return undefined;
  }

  private record<T extends string | number | boolean>(a: SimAssumption & { value: T }): T {
    if (!this.assumptions.some((x) => x.name === a.name)) this.assumptions.push(a);
    return a.value;
  }
}
