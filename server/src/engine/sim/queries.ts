/**
 * Evaluating the autoscalers' queries against the simulated Prometheus: the PromQL evaluator of
 * `promql/evaluate.ts` answers `evaluateInstant(query, source, t)`; `keda.ts#prometheusVectorResult` turns
 * its answers into what the KEDA prometheus scaler makes of the HTTP response.
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
