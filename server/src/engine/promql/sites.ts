/**
 * Where PromQL stands in the manifests: the `query` of every KEDA `prometheus` trigger (ScaledObject and
 * ScaledJob), and the metric names of HPA External/Object/Pods metrics, which a metrics adapter serves from
 * Prometheus series of the same name. HPA selectors are label selectors, not PromQL, so only the name is read.
 * Each site carries its parse and analysis; sites are computed once per object.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { get, type EngineKind, type K8sObject, type WorkloadInfo } from '../model';
import { getNode, overlapsTemplate, scalarString, stringMap, type YPath } from '../parse';
import type { WorkspaceIndex } from '../workspace';
import { analyse, type QueryAnalysis } from './analyse';
import { imageVersion } from './catalogue';
import { editQuery, embedQuery, encodeFor, type EmbeddedQuery, toYamlRange, type YamlEdit } from './embed';
import { parseDuration, parseQuery, type ParsedQuery } from './parse';

/** A query (or metric name) found in an object. */
export interface QuerySite {
  kind: 'keda-query' | 'hpa-metric';
  /** The query lifted out of its YAML scalar. */
  embedded: EmbeddedQuery;
  /** Where the query starts in the scalar's value (an HPA name `prometheus.googleapis.com|name|gauge` starts inside). */
  base: number;
  /** The query text. */
  text: string;
  parsed: ParsedQuery;
  analysis: QueryAnalysis | undefined;
  /** True when a template expression stands inside the query. */
  templated: boolean;
}

const cache = new WeakMap<K8sObject, QuerySite[]>();

/** querySites lists the queries of an object (cached per parsed object). */
export function querySites(obj: K8sObject): QuerySite[] {
  let sites = cache.get(obj);
  if (!sites) {
    sites = obj.known === 'HorizontalPodAutoscaler' ? hpaSites(obj) : obj.known === 'ScaledObject' || obj.known === 'ScaledJob' ? kedaSites(obj) : [];
    cache.set(obj, sites);
  }
  return sites;
}

function makeSite(obj: K8sObject, kind: QuerySite['kind'], node: unknown, pickName: boolean): QuerySite | undefined {
  if (!isScalar(node)) return undefined;
  const embedded = embedQuery(node);
  if (!embedded) return undefined;
  let base = 0;
  let text = embedded.text;
  if (pickName) {
    // Google Managed Prometheus names external metrics `prometheus.googleapis.com|<metric>|<type>`.
    const parts = text.split('|');
    if (parts.length === 3) {
      base = parts[0].length + 1;
      text = parts[1];
    }
  }
  const parsed = parseQuery(text);
  const templated = overlapsTemplate(obj.file, embedded.start, embedded.end);
  return { kind, embedded, base, text, parsed, analysis: analyse(parsed), templated };
}

function kedaSites(obj: K8sObject): QuerySite[] {
  const out: QuerySite[] = [];
  const triggers = get(obj, ['spec', 'triggers']);
  if (!isSeq(triggers)) return out;
  for (const t of triggers.items) {
    if (!isMap(t) || scalarString(getNode(t, ['type'])) !== 'prometheus') continue;
    const site = makeSite(obj, 'keda-query', getNode(t, ['metadata', 'query']), false);
    if (site) out.push(site);
  }
  return out;
}

function hpaSites(obj: K8sObject): QuerySite[] {
  const out: QuerySite[] = [];
  const metrics = get(obj, ['spec', 'metrics']);
  if (!isSeq(metrics)) return out;
  for (const m of metrics.items) {
    if (!isMap(m)) continue;
    for (const kind of ['external', 'object', 'pods']) {
      const block = getNode(m, [kind]);
      if (!isMap(block)) continue;
      // autoscaling/v2 nests the name under `metric`; v2beta1 calls it `metricName`.
      const node = getNode(block, ['metric', 'name']) ?? getNode(block, ['metricName']);
      const site = makeSite(obj, 'hpa-metric', node, true);
      if (site) out.push(site);
    }
  }
  return out;
}

/** siteRange maps a [from, to) range of a site's query text to YAML offsets. */
export function siteRange(site: QuerySite, from: number, to: number): [number, number] {
  return toYamlRange(site.embedded, site.base + from, site.base + to);
}

/** siteEdit builds the YAML edit replacing [from, to) of a site's query text, or undefined when it cannot be written safely. */
export function siteEdit(site: QuerySite, from: number, to: number, newText: string): YamlEdit | undefined {
  return editQuery(site.embedded, site.base + from, site.base + to, newText);
}

/**
 * siteInsert builds the YAML edit inserting text before character `pos` of a site's query text (at the end of
 * the content for `pos` = length). Inserting before the character, not after the previous one, keeps text that
 * lands at a line break on the line above, never in the indentation of a block scalar.
 */
export function siteInsert(site: QuerySite, pos: number, text: string): YamlEdit | undefined {
  const q = site.embedded;
  if (!q.exact) return undefined;
  const encoded = encodeFor(q.style, text, site.base + pos === 0);
  if (encoded === undefined) return undefined;
  const at = q.starts[site.base + pos];
  return { start: at, end: at, newText: encoded };
}

/** siteTouchesTemplate tells whether a query range overlaps a template expression. */
export function siteTouchesTemplate(obj: K8sObject, site: QuerySite, from: number, to: number): boolean {
  if (!site.templated) return false;
  const [a, b] = siteRange(site, from, to);
  return overlapsTemplate(obj.file, a, b);
}

/** What the rules know about the workload an autoscaler scales. */
export interface TargetInfo {
  obj: K8sObject;
  workload: WorkloadInfo;
  engine: EngineKind;
  /** Version of the serving engine from its image tag, when it states one. */
  engineVersion: string | undefined;
}

/** targetInfo resolves an autoscaler's scale target and reads its serving engine; undefined when not found. */
export function targetInfo(obj: K8sObject, ws: WorkspaceIndex): TargetInfo | undefined {
  const target = ws.resolveTarget(obj);
  if (!target) return undefined;
  const workload = ws.workload(target);
  if (!workload) return undefined;
  let engineVersion: string | undefined;
  for (const c of workload.containers) {
    const v = imageVersion(c.image);
    if (v && /vllm|sglang|tritonserver|text-generation-inference|tgi/i.test(c.image ?? '')) {
      engineVersion = v;
      break;
    }
  }
  return { obj: target, workload, engine: workload.engine, engineVersion };
}

/** The rate window used when the scrape interval is unknown: four scrapes at the common 30 s interval. */
export const DEFAULT_RATE_WINDOW = '2m';

/**
 * rateWindowFor picks the range for `rate()` over the target's metrics: four times the scrape interval of a
 * PodMonitor or ServiceMonitor (via its Service) that selects the target's pods, so that a missed scrape
 * still leaves enough samples; `2m` when no monitor is found.
 */
export function rateWindowFor(target: TargetInfo | undefined, ws: WorkspaceIndex): string {
  if (!target) return DEFAULT_RATE_WINDOW;
  const interval = scrapeIntervalMs(target, ws);
  if (interval === undefined) return DEFAULT_RATE_WINDOW;
  return formatDuration(Math.max(60_000, 4 * interval));
}

function labelsAt(obj: K8sObject, path: YPath): Record<string, string> {
  return stringMap(get(obj, path));
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}

function intervalsOf(obj: K8sObject, listKey: string): number[] {
  const list = get(obj, ['spec', listKey]);
  if (!isSeq(list)) return [];
  return list.items.map((e) => parseDuration(scalarString(getNode(e, ['interval'])) ?? '')).filter((v): v is number => v !== undefined && v > 0);
}

function scrapeIntervalMs(target: TargetInfo, ws: WorkspaceIndex): number | undefined {
  if (!ws.ofKind('PodMonitor').length && !ws.ofKind('ServiceMonitor').length) return undefined;
  const podLabels = labelsAt(target.obj, [...target.workload.podSpecPath.slice(0, -1), 'metadata', 'labels']);
  const services: K8sObject[] = [];
  for (const o of ws.ofKind('Service')) {
    if (selects(labelsAt(o, ['spec', 'selector']), podLabels)) services.push(o);
  }
  // The first monitor in workspace order wins, whichever of the two kinds it is.
  for (const o of ws.all()) {
    if (o.kind === 'PodMonitor' && selects(labelsAt(o, ['spec', 'selector', 'matchLabels']), podLabels)) {
      const iv = intervalsOf(o, 'podMetricsEndpoints');
      if (iv.length) return Math.min(...iv);
    }
    if (o.kind === 'ServiceMonitor') {
      const sel = labelsAt(o, ['spec', 'selector', 'matchLabels']);
      if (!services.some((s) => selects(sel, labelsAt(s, ['metadata', 'labels'])))) continue;
      const iv = intervalsOf(o, 'endpoints');
      if (iv.length) return Math.min(...iv);
    }
  }
  return undefined;
}

/** formatDuration writes milliseconds as a PromQL duration (`90000` -> `1m30s`). */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms / 1000);
  if (rest <= 0) return '0s';
  let out = '';
  for (const [unit, secs] of [['h', 3600], ['m', 60], ['s', 1]] as Array<[string, number]>) {
    const n = Math.floor(rest / secs);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * secs;
    }
  }
  return out;
}
