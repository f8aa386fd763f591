/**
 * Sparse keyword vectors: term ids in ascending order with their weights. Papers and
 * interests both become unit vectors, so a dot product is a cosine.
 */
export interface SparseVector {
  idx: Uint32Array;
  val: Float32Array;
}

/** Builds a unit vector from term → weight pairs (any order); zero weights are dropped. */
export function sparseFrom(weights: Map<number, number>, keepTop = Number.POSITIVE_INFINITY): SparseVector {
  let entries = [...weights].filter(([, w]) => w !== 0);
  if (entries.length > keepTop) entries = entries.sort((a, b) => b[1] - a[1]).slice(0, keepTop);
  return unitSparseOf(
    entries.map(([i]) => i),
    entries.map(([, w]) => w),
  );
}

/** The non-zero weights by ascending id, scaled to unit length (ids[k] carries weights[k]; ids distinct). */
export function unitSparseOf(ids: ArrayLike<number>, weights: ArrayLike<number>): SparseVector {
  const order: number[] = [];
  for (let k = 0; k < ids.length; k++) if (weights[k] !== 0) order.push(k);
  order.sort((a, b) => ids[a] - ids[b]);
  const values = order.map((k) => weights[k]);
  const norm = Math.hypot(...values) || 1;
  return {
    idx: Uint32Array.from(order, (k) => ids[k]),
    val: Float32Array.from(values, (w) => w / norm),
  };
}

/** Dot product by merging the two sorted id lists. */
export function sparseDot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < a.idx.length && j < b.idx.length) {
    const x = a.idx[i];
    const y = b.idx[j];
    if (x === y) s += a.val[i++] * b.val[j++];
    else if (x < y) i++;
    else j++;
  }
  return s;
}

/** Weighted sum of sparse vectors, renormalised to unit length and cut to its top terms. */
export function sparseCentroid(
  items: { vector: SparseVector; weight: number }[],
  keepTop = Number.POSITIVE_INFINITY,
): SparseVector {
  const acc = new Map<number, number>();
  for (const { vector, weight } of items)
    for (let i = 0; i < vector.idx.length; i++)
      acc.set(vector.idx[i], (acc.get(vector.idx[i]) ?? 0) + weight * vector.val[i]);
  return sparseFrom(acc, keepTop);
}
