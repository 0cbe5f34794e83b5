/**
 * Evaluating the autoscalers' queries against the simulated Prometheus: the PromQL evaluator of
 * `promql/evaluate.ts` answers `evaluateInstant(query, source, t)`, and this module turns its answers
 * into the HTTP body the KEDA prometheus scaler reads.
 */
import { evaluateInstant, LOOKBACK_SECONDS, queryWindowSeconds } from '../promql/evaluate';
import type { SeriesSource } from './series';

/** The answer of an instant query: one value per resulting series, or why it could not be evaluated. */
export type InstantResult = { ok: true; value: number[] } | { ok: false; reason: string };

/** An instant-query evaluator, with the signature of `promql/`'s `evaluateInstant`. */
export type InstantEvaluator = (query: string, src: SeriesSource, t: number) => InstantResult;

/** The default evaluator. */
export const defaultEvaluator: InstantEvaluator = evaluateInstant;

/**
 * readWindow is how far back a query reads, and whether the newest sample of each series is all it needs:
 * true without ranges or subqueries (no `[` in the text; a bracket inside a label value only costs speed)
 * and without offsets (a window of just the lookback). Unevaluable queries read the lookback.
 */
export function readWindow(query: string): { seconds: number; latestOnly: boolean } {
  const w = queryWindowSeconds(query);
  if (w === undefined) return { seconds: LOOKBACK_SECONDS, latestOnly: true };
  return { seconds: w, latestOnly: w <= LOOKBACK_SECONDS && !query.includes('[') };
}

/** prometheusBody renders an instant-query answer as the JSON the Prometheus HTTP API returns (a vector). */
export function prometheusBody(values: number[], t: number): string {
  // Written by hand: this runs at every poll and sync, and the shape is fixed.
  let result = '';
  for (let i = 0; i < values.length; i++) result += `${i ? ',' : ''}{"metric":{},"value":[${t},"${formatSample(values[i])}"]}`;
  return `{"status":"success","data":{"resultType":"vector","result":[${result}]}}`;
}

/** formatSample prints a sample value as Prometheus does (`NaN`, `+Inf`, `-Inf`, else the number). */
function formatSample(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
