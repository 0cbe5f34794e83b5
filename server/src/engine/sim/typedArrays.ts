/** Helpers for the typed arrays the simulator keeps its per-step and per-pod state in. */

/** grown is a copy of a typed array at a greater length (the new room holds zeros): for arrays that grow by doubling. */
export function grown(a: Float64Array, length: number): Float64Array<ArrayBuffer>;
export function grown(a: Uint8Array, length: number): Uint8Array<ArrayBuffer>;
export function grown(a: Float64Array | Uint8Array, length: number): Float64Array<ArrayBuffer> | Uint8Array<ArrayBuffer> {
  const b = a instanceof Float64Array ? new Float64Array(length) : new Uint8Array(length);
  b.set(a);
  return b;
}
