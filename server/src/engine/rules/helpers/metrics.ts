/**
 * What a scaling signal measures, as far as the GPU-serving rules need it: the metrics a PromQL query reads
 * (through the PromQL module's parser and catalogue), whether those metrics are published by the scaled pods
 * themselves, and whether a signal is a backlog of waiting work.
 */
import { analyse, topExpr } from '../../promql/analyse';
import { lookupMetric } from '../../promql/catalogue';
import { parseQuery, type SelectorExpr } from '../../promql/parse';
import type { Signal } from './autoscaler';

/** selectorsIn returns the selectors of a query, or undefined when it does not parse or a selector has no name. */
function selectorsIn(query: string): SelectorExpr[] | undefined {
  const parsed = parseQuery(query);
  const analysis = parsed.problems.length ? undefined : analyse(parsed);
  if (!analysis) return undefined;
  const sels = analysis.selectors.map((u) => u.sel);
  return sels.every((s) => s.name) ? sels : undefined;
}

/** Names of metrics published by serving engines that the catalogue may not list (older or adapter-renamed). */
const ENGINE_PREFIX = /^(vllm[:_]|nv_inference_|nv_gpu_|nv_trt_llm_|nv_energy_|tgi_|sglang[:_]|ts_)/;

/**
 * isPodEmitted tells whether a selector reads a series that the scaled pods publish, so that it disappears with
 * them: engine metrics, and DCGM device metrics filtered by pod (without a pod filter they describe the node).
 */
function isPodEmitted(sel: Pick<SelectorExpr, 'name' | 'matchers'>): boolean {
  const name = sel.name ?? '';
  const source = lookupMetric(name)?.info.source;
  if (source === 'dcgm' || /^DCGM_FI_/.test(name)) return sel.matchers.some((m) => m.label === 'pod' || m.label === 'exported_pod');
  // The llm-d endpoint picker is the gateway in front of the pods: its queue exists at zero replicas.
  if (source === 'llm-d') return false;
  return source !== undefined || ENGINE_PREFIX.test(name);
}

/**
 * hpaMetricName returns the Prometheus metric name behind an HPA metric name: adapters such as Google Managed
 * Prometheus write `prometheus.googleapis.com|vllm:num_requests_waiting|gauge`.
 */
function hpaMetricName(name: string): string {
  const parts = name.split('|');
  return parts.length === 3 ? parts[1] : name;
}

/** signalReadsOnlyPods tells whether a signal only reads what the scaled pods publish (so it is empty at zero pods). */
export function signalReadsOnlyPods(s: Signal): boolean {
  if (s.resource === 'cpu' || s.resource === 'memory') return true;
  if (s.source === 'pods') return true;
  if (s.triggerType === 'prometheus' && s.query) {
    const sels = selectorsIn(s.query);
    return !!sels?.length && sels.every(isPodEmitted);
  }
  if ((s.source === 'object' || s.source === 'external') && s.metricName) return isPodEmitted({ name: hpaMetricName(s.metricName), matchers: [] });
  return false;
}

/** Queue-length metric names of the serving engines, routers and brokers (waiting work, not work in progress). */
const QUEUE_METRIC = /(num_requests_waiting|pending_request_count|queue_size|num_queue_reqs|queue_depth|queue_length|undelivered_messages|messages_visible)/;

/** KEDA scalers whose value is a backlog of work (messages, lag, pending items). */
const QUEUE_SCALERS = new Set([
  'rabbitmq', 'kafka', 'apache-kafka', 'aws-sqs-queue', 'azure-queue', 'azure-servicebus', 'gcp-pubsub', 'redis', 'redis-cluster', 'redis-sentinel',
  'redis-streams', 'redis-cluster-streams', 'redis-sentinel-streams', 'nats-jetstream', 'stan', 'activemq', 'artemis-queue', 'ibmmq', 'pulsar',
  'beanstalkd', 'azure-eventhub', 'aws-kinesis-stream', 'solace-event-queue', 'rocketmq', 'nsq',
]);

/** queueSignal names the backlog a signal measures, or undefined when it is not a queue length. */
export function queueSignal(s: Signal): string | undefined {
  if (s.triggerType && QUEUE_SCALERS.has(s.triggerType)) return `the ${s.triggerType} backlog`;
  if (s.query) {
    const hit = selectorsIn(s.query)?.find((sel) => QUEUE_METRIC.test(sel.name!) || sel.matchers.some((m) => m.label === 'request_type' && m.value === 'waiting'));
    return hit?.name;
  }
  if (s.metricName && QUEUE_METRIC.test(s.metricName)) return hpaMetricName(s.metricName);
  return undefined;
}

/** Aggregations whose result is already a per-pod figure rather than a total. */
const PER_POD_AGGREGATIONS = new Set(['avg', 'max', 'min', 'quantile']);

/** aggregatesPerPod tells whether a query's outermost operation averages (or takes an extreme) over its series. */
export function aggregatesPerPod(query: string): boolean {
  const expr = parseQuery(query).expr;
  if (!expr) return false;
  const top = topExpr(expr);
  return (top.type === 'aggregate' && PER_POD_AGGREGATIONS.has(top.op)) || (top.type === 'call' && top.func === 'avg_over_time');
}
