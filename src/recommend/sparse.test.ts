import assert from "node:assert/strict";
import { test } from "node:test";
import { mulberry32 } from "../search/embed/random.ts";
import { unitSparseOf } from "./sparse.ts";

test("unitSparseOf orders by id and scales as a comparator sort does, for small and 32-bit ids", () => {
  const r = mulberry32(5);
  for (let t = 0; t < 300; t++) {
    const n = Math.floor(r() * 300);
    const set = new Set<number>();
    while (set.size < n) set.add(Math.floor(r() * (t % 2 ? 4e9 : 5000)));
    const ids = t % 3 ? Uint32Array.from(set) : [...set];
    const weights = Float32Array.from({ length: n }, () => (r() < 0.1 ? 0 : r() - 0.5));
    const order = [...weights.keys()].filter((k) => weights[k] !== 0).sort((a, b) => ids[a] - ids[b]);
    const norm = Math.hypot(...order.map((k) => weights[k])) || 1;
    const v = unitSparseOf(ids, weights);
    assert.deepEqual(
      [...v.idx],
      order.map((k) => ids[k]),
    );
    assert.deepEqual(
      [...v.val],
      order.map((k) => Math.fround(weights[k] / norm)),
    );
  }
});
