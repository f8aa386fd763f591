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
  const order = byId(ids, weights);
  const values = order.map((k) => weights[k]);
  const norm = Math.hypot(...values) || 1;
  const idx = new Uint32Array(order.length);
  const val = new Float32Array(order.length);
  for (let j = 0; j < order.length; j++) {
    idx[j] = ids[order[j]];
    val[j] = values[j] / norm;
  }
  return { idx, val };
}

/** Positions below this are packed with their 32-bit id in one double (2²¹ × 2³² = 2⁵³, exact). */
const POSITIONS = 2 ** 21;

/**
 * The positions of the non-zero weights, by ascending id (the ids are distinct). Each id and its
 * position are packed in a double, so the runtime's numeric sort orders them without calling a
 * comparator: a digest run sorts a few hundred for every interest of every person.
 */
function byId(ids: ArrayLike<number>, weights: ArrayLike<number>): number[] {
  const order: number[] = [];
  for (let k = 0; k < ids.length; k++) if (weights[k] !== 0) order.push(k);
  if (ids.length > POSITIONS) return order.sort((a, b) => ids[a] - ids[b]);
  const packed = new Float64Array(order.length);
  for (let j = 0; j < order.length; j++) packed[j] = ids[order[j]] * POSITIONS + order[j];
  packed.sort();
  for (let j = 0; j < packed.length; j++)
    order[j] = packed[j] - Math.floor(packed[j] / POSITIONS) * POSITIONS;
  return order;
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
