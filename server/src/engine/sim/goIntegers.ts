/**
 * Go integer semantics the controllers rely on. The HPA does its arithmetic in int32/int64 with
 * truncating division, and converts float64 results with `int32(math.Ceil(x))`; reproducing the
 * exact replica counts needs the same conversions.
 */

/** MAX_INT32 is Go's math.MaxInt32. */
export const MAX_INT32 = 2147483647;
/** MIN_INT32 is Go's math.MinInt32. */
export const MIN_INT32 = -2147483648;

/** toInt32 converts an integer like Go's `int32(int64)`: it keeps the low 32 bits (wraps around). */
export function toInt32(n: number): number {
  return n | 0;
}

/**
 * ceilToInt32 is Go's `int32(math.Ceil(x))` for the values a controller meets. Out-of-range values
 * saturate (newer upstream code caps at MaxInt32 explicitly); NaN, which only bad input produces, gives 0.
 */
export function ceilToInt32(x: number): number {
  return floatToInt32(Math.ceil(x));
}

/** floatToInt32 is Go's `int32(x)` for a float64: truncation toward zero, saturating like ceilToInt32. */
export function floatToInt32(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x >= MAX_INT32) return MAX_INT32;
  if (x <= MIN_INT32) return MIN_INT32;
  return Math.trunc(x);
}

/** truncDiv is Go's integer division `a / b` on int64: the quotient truncated toward zero. */
export function truncDiv(a: number, b: number): number {
  return Math.trunc(a / b);
}
