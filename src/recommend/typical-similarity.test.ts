import assert from "node:assert/strict";
import { test } from "node:test";
import { groupInterests, type PairSource, typicalSimilarity } from "./interests.ts";
import { similarity } from "./similarity.ts";
import { sparseFrom } from "./sparse.ts";
import type { Features, PositiveSignal } from "./types.ts";

/** Keyword-only features on the given term ids, equal weights. */
function paper(...terms: number[]): Features {
  return { dense: null, keywords: sparseFrom(new Map(terms.map((t) => [t, 1]))) };
}

function poolOf(papers: Features[]): PairSource {
  return { size: papers.length, features: (i) => papers[i] };
}

function positive(id: string, features: Features): PositiveSignal {
  return { id, title: id, kind: "saved", weight: 1, features };
}

test("an empty or one-paper pool still has a typical similarity with a spread", () => {
  for (const pool of [poolOf([]), poolOf([paper(1, 2)])]) {
    const scale = typicalSimilarity(pool);
    assert.ok(Number.isFinite(scale.mean) && Number.isFinite(scale.sd), JSON.stringify(scale));
    assert.ok(scale.sd > 0, `sd ${scale.sd} for a pool of ${pool.size}`);
    // Two papers sharing nothing are not "typically alike" on a new site.
    assert.ok(scale.mean + scale.sd > 0.05, JSON.stringify(scale));
  }
});

test("on a one-paper pool, two unrelated saves stay two interests and two alike ones merge", () => {
  const pool = poolOf([paper(1, 2, 3)]);
  const unrelated = groupInterests([positive("a", paper(10, 11)), positive("b", paper(20, 21))], pool);
  assert.equal(unrelated.length, 2);
  const alike = groupInterests([positive("a", paper(10, 11, 12)), positive("b", paper(10, 11, 13))], pool);
  assert.equal(alike.length, 1);
  assert.equal(groupInterests([positive("a", paper(10))], pool).length, 1);
});

test("one pair of twin papers does not make every pair of saves look unlike", () => {
  // Both papers of the pool are the same: alone, their pair says "typical is 1, no spread".
  const pool = poolOf([paper(1, 2), paper(1, 2)]);
  const scale = typicalSimilarity(pool);
  assert.ok(scale.mean + scale.sd < 0.5, JSON.stringify(scale));
  const interests = groupInterests(
    [positive("a", paper(10, 11, 12)), positive("b", paper(10, 11, 13))],
    pool,
  );
  assert.equal(interests.length, 1);
});

test("a pool of ten papers or more is measured as it is", () => {
  const papers = Array.from({ length: 12 }, (_, i) => paper(i % 4, 100 + i, 200 + (i % 3)));
  const sims: number[] = [];
  for (let i = 0; i < papers.length; i++)
    for (let j = i + 1; j < papers.length; j++) sims.push(similarity(papers[i], papers[j]));
  const mean = sims.reduce((s, x) => s + x, 0) / sims.length;
  const sd = Math.sqrt(sims.reduce((s, x) => s + (x - mean) ** 2, 0) / sims.length);
  const scale = typicalSimilarity(poolOf(papers));
  assert.ok(
    Math.abs(scale.mean - mean) < 1e-12 && Math.abs(scale.sd - sd) < 1e-12,
    JSON.stringify({ scale, mean, sd }),
  );
});
