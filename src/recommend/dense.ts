/** Dense embedding helpers over unit vectors (the active embedding model's paper vectors). */

/** Weighted mean of unit vectors, renormalised; null when there are none. */
export function denseCentroid(items: { vector: Float32Array; weight: number }[]): Float32Array | null {
  if (items.length === 0) return null;
  const out = new Float32Array(items[0].vector.length);
  for (const { vector, weight } of items) for (let i = 0; i < out.length; i++) out[i] += weight * vector[i];
  let norm = 0;
  for (const x of out) norm += x * x;
  if (norm === 0) return null;
  const s = 1 / Math.sqrt(norm);
  for (let i = 0; i < out.length; i++) out[i] *= s;
  return out;
}
