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

/**
 * out[k] = dot(x, cs[k]) for each vector of `cs`, with the same sums (each one added term by
 * term from 0, in index order, as vectors.ts's dot does), so the same bits: four of the products
 * at a time in one loop over x, where one dot product after another waits on each addition in
 * turn (a kept paper's cosine to each interest: a few thousand of them a request).
 */
export function dotsWithEach(x: Float32Array, cs: Float32Array[], out: Float64Array): void {
  const n = x.length;
  let k = 0;
  for (; k + 4 <= cs.length; k += 4) {
    const a = cs[k];
    const b = cs[k + 1];
    const c = cs[k + 2];
    const d = cs[k + 3];
    let sa = 0;
    let sb = 0;
    let sc = 0;
    let sd = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i];
      sa += v * a[i];
      sb += v * b[i];
      sc += v * c[i];
      sd += v * d[i];
    }
    out[k] = sa;
    out[k + 1] = sb;
    out[k + 2] = sc;
    out[k + 3] = sd;
  }
  for (; k + 2 <= cs.length; k += 2) {
    const a = cs[k];
    const b = cs[k + 1];
    let sa = 0;
    let sb = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i];
      sa += v * a[i];
      sb += v * b[i];
    }
    out[k] = sa;
    out[k + 1] = sb;
  }
  for (; k < cs.length; k++) {
    const a = cs[k];
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i] * a[i];
    out[k] = s;
  }
}
