/**
 * Binary-heap steps over a plain array, for the few places that keep the best k of many
 * (vector search, for-you scoring) or merge sorted lists (search suggestions). `before(a, b)`
 * says that `a` belongs nearer the root than `b`.
 */
export function siftUp<T>(h: T[], i: number, before: (a: T, b: T) => boolean): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(h[i], h[parent])) break;
    [h[i], h[parent]] = [h[parent], h[i]];
    i = parent;
  }
}

export function siftDown<T>(h: T[], i: number, before: (a: T, b: T) => boolean): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < h.length && before(h[l], h[m])) m = l;
    if (r < h.length && before(h[r], h[m])) m = r;
    if (m === i) return;
    [h[i], h[m]] = [h[m], h[i]];
    i = m;
  }
}
