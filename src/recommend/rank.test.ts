import assert from "node:assert/strict";
import { test } from "node:test";
import type { PoolWeights } from "./pool.ts";
import { pullTowardsInterests } from "./rank.ts";
import type { Interest, PositiveSignal } from "./types.ts";

const sparse = (entries: [number, number][]) => ({
  idx: Uint32Array.from(entries.map(([i]) => i)),
  val: Float32Array.from(entries.map(([, v]) => v)),
});

function member(id: string, entries: [number, number][], weight = 1): PositiveSignal {
  return { id, title: id, kind: "saved", weight, features: { dense: null, keywords: sparse(entries) } };
}

function interest(index: number, members: PositiveSignal[]): Interest {
  return {
    index,
    label: `interest ${index}`,
    kind: "papers",
    members,
    weight: members.length,
    dense: null,
    keywords: sparse([]),
  };
}

// Norm 5: a share of 0.1 adds each interest's unit keyword centroid at length 0.5.
const trained: PoolWeights = {
  bias: -0.25,
  dense: null,
  termIds: Uint32Array.from([1, 2]),
  termWeights: Float32Array.from([3, 4]),
};

test("each interest's unit centroid joins the weights at the share of their norm, whatever its size", () => {
  const large = interest(0, [member("a", [[7, 1]]), member("b", [[7, 1]]), member("c", [[7, 1]])]);
  const small = interest(1, [
    member("d", [
      [1, 0.6],
      [4, 0.8],
    ]),
  ]);
  const pulled = pullTowardsInterests(trained, [large, small], 0.1, 0.1);
  assert.deepEqual([...pulled.termIds].sort(), [1, 2, 4, 7]);
  const byId = new Map([...pulled.termIds].map((id, k) => [id, pulled.termWeights[k]]));
  // Three members on one term and one member on two get the same pull: 0.5 in all.
  assert.ok(Math.abs((byId.get(7) as number) - 0.5) < 1e-6);
  assert.ok(Math.abs((byId.get(1) as number) - 3.3) < 1e-6);
  assert.ok(Math.abs((byId.get(4) as number) - 0.4) < 1e-6);
  assert.equal(byId.get(2), 4);
  assert.equal(pulled.bias, trained.bias);
  // The trained weights are not changed in place (the feedback round scores with the pulled copy).
  assert.deepEqual([...trained.termWeights], [3, 4]);
});

test("members' weights shape the centroid; a share of 0 leaves the weights as trained", () => {
  const recentFirst = interest(0, [member("new", [[3, 1]], 3), member("old", [[5, 1]], 1)]);
  const pulled = pullTowardsInterests(trained, [recentFirst], 0.1, 0.1);
  const byId = new Map([...pulled.termIds].map((id, k) => [id, pulled.termWeights[k]]));
  // Centroid (3, 1) / √10, at length 0.5.
  assert.ok(Math.abs((byId.get(3) as number) - (0.5 * 3) / Math.sqrt(10)) < 1e-6);
  assert.ok(Math.abs((byId.get(5) as number) - 0.5 / Math.sqrt(10)) < 1e-6);
  assert.equal(pullTowardsInterests(trained, [recentFirst], 0.1, 0), trained);
});

test("the embedding's share of the pull is in the pool's units (the classifier's weight times denseWeight)", () => {
  const withDense: PoolWeights = { ...trained, dense: Float32Array.from([0, 0]) };
  const it = { ...interest(0, [member("a", [[9, 1]])]), dense: Float32Array.from([1, 0]) };
  const dw = 0.5;
  const pulled = pullTowardsInterests(withDense, [it], dw, 0.1);
  // Classifier-space centroid: keywords (unit) and the embedding times dw, norm √(1 + dw²).
  const s = 0.5 / Math.sqrt(1 + dw * dw);
  assert.ok(Math.abs((pulled.dense as Float32Array)[0] - s * dw * dw) < 1e-6);
  assert.equal((pulled.dense as Float32Array)[1], 0);
});

test("a followed author's or topic's papers are not pulled towards (their boost is theirs), nor an empty centroid", () => {
  const followed: Interest = { ...interest(0, [member("a", [[7, 1]])]), kind: "author" };
  assert.equal(pullTowardsInterests(trained, [followed], 0.1, 0.1).termIds.length, 2);
  // No member has a term in this pool: only the embedding pulls, at the full share.
  const withDense: PoolWeights = { ...trained, dense: Float32Array.from([0, 0]) };
  const bare = { ...interest(1, [member("b", [])]), dense: Float32Array.from([0, 1]) };
  const dw = 0.5;
  const pulled = pullTowardsInterests(withDense, [bare], dw, 0.1);
  assert.deepEqual([...pulled.termWeights], [3, 4]);
  // Centroid (0, dw) in the classifier's space, length dw, pulled to length 0.5: pool weight 0.5 · dw.
  assert.ok(Math.abs((pulled.dense as Float32Array)[1] - 0.5 * dw) < 1e-6);
});
