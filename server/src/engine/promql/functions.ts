/**
 * PromQL functions and aggregation operators: argument types (checked after parsing), result type and a
 * one-line description in the project's words (used by completion and hover).
 * Source: Prometheus `promql/parser/functions.go` and docs `querying/functions.md`, `querying/operators.md`.
 */

/** The type of a PromQL value. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** A PromQL function. */
export interface FunctionInfo {
  name: string;
  /** Argument types in order. */
  args: ValueType[];
  /** How many trailing arguments may be left out. */
  optional: number;
  /** The last argument may repeat. */
  variadic: boolean;
  returns: ValueType;
  summary: string;
}

type Row = [name: string, args: string, returns: ValueType, summary: string];

// Argument notation: v = instant vector, m = range vector, s = scalar, t = string; `?` marks optional
// trailing arguments, `*` a repeating last argument.
const ROWS: Row[] = [
  ['abs', 'v', 'vector', 'Absolute value of every sample.'],
  ['absent', 'v', 'vector', 'One series of value 1 when the selector matches nothing, else empty: for alerting on missing metrics.'],
  ['absent_over_time', 'm', 'vector', 'One series of value 1 when the range holds no sample at all.'],
  ['acos', 'v', 'vector', 'Arc cosine of every sample.'],
  ['acosh', 'v', 'vector', 'Inverse hyperbolic cosine of every sample.'],
  ['asin', 'v', 'vector', 'Arc sine of every sample.'],
  ['asinh', 'v', 'vector', 'Inverse hyperbolic sine of every sample.'],
  ['atan', 'v', 'vector', 'Arc tangent of every sample.'],
  ['atanh', 'v', 'vector', 'Inverse hyperbolic tangent of every sample.'],
  ['avg_over_time', 'm', 'vector', 'Mean of the samples in the range, per series: smooths a noisy gauge.'],
  ['ceil', 'v', 'vector', 'Rounds every sample up to an integer.'],
  ['changes', 'm', 'vector', 'How many times the value changed within the range.'],
  ['clamp', 'v s s', 'vector', 'Limits every sample to [min, max].'],
  ['clamp_max', 'v s', 'vector', 'Limits every sample to at most the given value.'],
  ['clamp_min', 'v s', 'vector', 'Limits every sample to at least the given value.'],
  ['cos', 'v', 'vector', 'Cosine of every sample.'],
  ['cosh', 'v', 'vector', 'Hyperbolic cosine of every sample.'],
  ['count_over_time', 'm', 'vector', 'Number of samples in the range, per series.'],
  ['day_of_month', 'v?', 'vector', 'Day of the month (UTC) of each sample value read as a Unix time, or of now.'],
  ['day_of_week', 'v?', 'vector', 'Day of the week (0 = Sunday, UTC) of each sample value read as a Unix time, or of now.'],
  ['day_of_year', 'v?', 'vector', 'Day of the year (UTC) of each sample value read as a Unix time, or of now.'],
  ['days_in_month', 'v?', 'vector', 'Number of days in the month (UTC) of each sample value read as a Unix time, or of now.'],
  ['deg', 'v', 'vector', 'Converts radians to degrees.'],
  ['delta', 'm', 'vector', 'Difference between the first and last value of a gauge over the range, extrapolated to its edges.'],
  ['deriv', 'm', 'vector', 'Per-second slope of a gauge over the range (least squares).'],
  ['double_exponential_smoothing', 'm s s', 'vector', 'Smoothed value of a gauge (smoothing and trend factors in (0, 1)).'],
  ['exp', 'v', 'vector', 'e raised to every sample.'],
  ['first_over_time', 'm', 'vector', 'Oldest sample in the range, per series.'],
  ['floor', 'v', 'vector', 'Rounds every sample down to an integer.'],
  ['histogram_avg', 'v', 'vector', 'Mean observation of a native histogram.'],
  ['histogram_count', 'v', 'vector', 'Number of observations of a native histogram.'],
  ['histogram_fraction', 's s v', 'vector', 'Estimated fraction of observations between two bounds.'],
  ['histogram_quantile', 's v', 'vector', 'Estimated quantile (0 to 1) of a histogram from its `_bucket` series grouped by `le`: the way to turn a latency histogram into a number.'],
  ['histogram_stddev', 'v', 'vector', 'Estimated standard deviation of a native histogram.'],
  ['histogram_stdvar', 'v', 'vector', 'Estimated variance of a native histogram.'],
  ['histogram_sum', 'v', 'vector', 'Sum of observations of a native histogram.'],
  ['hour', 'v?', 'vector', 'Hour of the day (UTC) of each sample value read as a Unix time, or of now.'],
  ['idelta', 'm', 'vector', 'Difference between the last two samples of a gauge in the range.'],
  ['increase', 'm', 'vector', 'How much a counter grew over the range, corrected for restarts and extrapolated to the range edges.'],
  ['info', 'v v?', 'vector', 'Adds the labels of matching info metrics to each series (experimental).'],
  ['irate', 'm', 'vector', 'Per-second rate of a counter from the last two samples of the range: reacts fast, but is noisy.'],
  ['label_join', 'v t t t*', 'vector', 'Writes the values of several labels, joined by a separator, into a new label.'],
  ['label_replace', 'v t t t t', 'vector', 'Writes a regex replacement of one label into another label.'],
  ['last_over_time', 'm', 'vector', 'Newest sample in the range, per series.'],
  ['ln', 'v', 'vector', 'Natural logarithm of every sample.'],
  ['log10', 'v', 'vector', 'Decimal logarithm of every sample.'],
  ['log2', 'v', 'vector', 'Binary logarithm of every sample.'],
  ['mad_over_time', 'm', 'vector', 'Median absolute deviation of the samples in the range.'],
  ['max_over_time', 'm', 'vector', 'Largest sample in the range, per series: keeps short spikes visible.'],
  ['min_over_time', 'm', 'vector', 'Smallest sample in the range, per series.'],
  ['minute', 'v?', 'vector', 'Minute of the hour (UTC) of each sample value read as a Unix time, or of now.'],
  ['month', 'v?', 'vector', 'Month of the year (UTC) of each sample value read as a Unix time, or of now.'],
  ['pi', '', 'scalar', 'The number pi.'],
  ['predict_linear', 'm s', 'vector', 'Value of a gauge the given number of seconds from now, by linear regression over the range.'],
  ['present_over_time', 'm', 'vector', 'Value 1 for every series with a sample in the range.'],
  ['quantile_over_time', 's m', 'vector', 'Quantile (0 to 1) of the samples in the range, per series.'],
  ['rad', 'v', 'vector', 'Converts degrees to radians.'],
  ['rate', 'm', 'vector', 'Per-second average rate of a counter over the range, corrected for restarts: the way to read a counter.'],
  ['resets', 'm', 'vector', 'How many times a counter restarted within the range.'],
  ['round', 'v s?', 'vector', 'Rounds every sample to the nearest multiple of the given step (default 1).'],
  ['scalar', 'v', 'scalar', 'The value of a one-element vector as a scalar; NaN when the vector has zero or several elements.'],
  ['sgn', 'v', 'vector', 'Sign of every sample (-1, 0 or 1).'],
  ['sin', 'v', 'vector', 'Sine of every sample.'],
  ['sinh', 'v', 'vector', 'Hyperbolic sine of every sample.'],
  ['sort', 'v', 'vector', 'Orders the result by value, ascending.'],
  ['sort_by_label', 'v t*', 'vector', 'Orders the result by label values, ascending.'],
  ['sort_by_label_desc', 'v t*', 'vector', 'Orders the result by label values, descending.'],
  ['sort_desc', 'v', 'vector', 'Orders the result by value, descending.'],
  ['sqrt', 'v', 'vector', 'Square root of every sample.'],
  ['stddev_over_time', 'm', 'vector', 'Population standard deviation of the samples in the range.'],
  ['stdvar_over_time', 'm', 'vector', 'Population variance of the samples in the range.'],
  ['sum_over_time', 'm', 'vector', 'Sum of the samples in the range, per series.'],
  ['tan', 'v', 'vector', 'Tangent of every sample.'],
  ['tanh', 'v', 'vector', 'Hyperbolic tangent of every sample.'],
  ['time', '', 'scalar', 'Evaluation time as seconds since the Unix epoch.'],
  ['timestamp', 'v', 'vector', 'Timestamp of every sample, in seconds since the Unix epoch.'],
  ['ts_of_first_over_time', 'm', 'vector', 'Timestamp of the oldest sample in the range.'],
  ['ts_of_last_over_time', 'm', 'vector', 'Timestamp of the newest sample in the range.'],
  ['ts_of_max_over_time', 'm', 'vector', 'Timestamp of the largest sample in the range.'],
  ['ts_of_min_over_time', 'm', 'vector', 'Timestamp of the smallest sample in the range.'],
  ['vector', 's', 'vector', 'A one-element vector without labels holding the scalar: a constant, or a default with `or vector(0)`.'],
  ['year', 'v?', 'vector', 'Year (UTC) of each sample value read as a Unix time, or of now.'],
];

const LETTER: Record<string, ValueType> = { v: 'vector', m: 'matrix', s: 'scalar', t: 'string' };

function toInfo([name, sig, returns, summary]: Row): FunctionInfo {
  const parts = sig.split(' ').filter(Boolean);
  return {
    name,
    args: parts.map((p) => LETTER[p[0]]),
    optional: parts.filter((p) => p.endsWith('?')).length,
    variadic: parts.some((p) => p.endsWith('*')),
    returns,
    summary,
  };
}

/** Every PromQL function by name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionInfo> = new Map(ROWS.map((r) => [r[0], toInfo(r)]));

/** An aggregation operator. */
export interface AggregationInfo {
  name: string;
  /** The parameter before the vector (`topk(3, v)`), if any. */
  param?: ValueType;
  summary: string;
}

/** Every PromQL aggregation operator by name. */
export const AGGREGATIONS: ReadonlyMap<string, AggregationInfo> = new Map(
  ([
    ['sum', undefined, 'Adds the series up (per `by` group): the usual way to turn per-pod series into the one number KEDA needs.'],
    ['avg', undefined, 'Mean over the series (per `by` group).'],
    ['min', undefined, 'Smallest value over the series (per `by` group).'],
    ['max', undefined, 'Largest value over the series (per `by` group): follows the busiest replica.'],
    ['count', undefined, 'Number of series (per `by` group).'],
    ['group', undefined, 'Value 1 for every `by` group that has a series.'],
    ['stddev', undefined, 'Population standard deviation over the series.'],
    ['stdvar', undefined, 'Population variance over the series.'],
    ['topk', 'scalar', 'The k series with the largest values (several series unless k is 1).'],
    ['bottomk', 'scalar', 'The k series with the smallest values (several series unless k is 1).'],
    ['quantile', 'scalar', 'Quantile (0 to 1) over the series.'],
    ['count_values', 'string', 'Number of series per distinct value, the value written into the given label.'],
    ['limitk', 'scalar', 'Any k series of each group (experimental).'],
    ['limit_ratio', 'scalar', 'A stable sample of the given ratio of the series (experimental).'],
  ] as Array<[string, ValueType | undefined, string]>).map(([name, param, summary]) => [name, { name, param, summary }]),
);

/** Functions whose range-vector argument should hold a counter. */
export const COUNTER_FUNCTIONS: ReadonlySet<string> = new Set(['rate', 'irate', 'increase', 'resets']);

/** Functions and aggregations that read only the presence or time of series, so any metric type may go in raw. */
export const PRESENCE_FUNCTIONS: ReadonlySet<string> = new Set(['absent', 'absent_over_time', 'present_over_time', 'count_over_time', 'count', 'group', 'timestamp', 'changes', 'ts_of_last_over_time', 'ts_of_first_over_time']);
