import assert from "node:assert/strict";
import { test } from "node:test";
import { mulberry32 } from "../search/embed/random.ts";
import { CandidatePool, type PoolPaper } from "./pool.ts";
import { closestInterest, rankPoolWith } from "./rank-pool.ts";
import type { Interest } from "./types.ts";

const WORDS = [
  "graph",
  "neural",
  "speech",
  "diffusion",
  "robot",
  "segmentation",
  "protein",
  "policy",
  "audio",
  "mesh",
];

function poolOf(dims: number, embedded: (i: number) => boolean): CandidatePool {
  const r = mulberry32(3);
  const pick = () => WORDS[Math.floor(r() * WORDS.length)];
  const rows: PoolPaper[] = Array.from({ length: 300 }, (_, i) => {
    const v = dims > 0 && embedded(i) ? Float32Array.from({ length: dims }, () => r() - 0.5) : null;
    if (v) {
      const n = Math.hypot(...v);
      for (let k = 0; k < dims; k++) v[k] /= n;
    }
    return {
      arxivId: `2611.${10000 + i}`,
      title: `${pick()} ${pick()} for ${pick()}`,
      abstract: `We study ${pick()} and ${pick()} with ${pick()} ${pick()}.`,
      authorNames: [],
      vector: v,
    };
  });
  return new CandidatePool(dims, rows);
}

/** Interests centred on a few of the pool's papers; `dense` says which have an embedding. */
function interestsOf(pool: CandidatePool, at: number[], dense: (k: number) => boolean): Interest[] {
  return at.map((i, k) => {
    const f = pool.features(i);
    return {
      index: k,
      label: `interest ${k}`,
      kind: "papers",
      members: [],
      weight: 1,
      dense: dense(k) ? f.dense : null,
      keywords: f.keywords,
    };
  });
}

test("the interests a ranking assigns are closestInterest's, by keywords, embeddings or both", () => {
  const cases = [
    { name: "keywords only", pool: poolOf(0, () => false), dense: () => false },
    { name: "embeddings", pool: poolOf(8, () => true), dense: () => true },
    { name: "some papers without one", pool: poolOf(8, (i) => i % 3 !== 0), dense: () => true },
    { name: "an interest without one", pool: poolOf(8, () => true), dense: (k: number) => k !== 1 },
  ];
  for (const c of cases) {
    const interests = interestsOf(c.pool, [1, 2, 4, 5], c.dense);
    const weights = {
      bias: 0,
      dense: null,
      termIds: Uint32Array.from(c.pool.keywords(7).idx),
      termWeights: Float32Array.from(c.pool.keywords(7).val),
    };
    const scored = rankPoolWith(c.pool, weights, interests, new Map(), 0, 120, 200);
    assert.ok(scored.length >= 120, c.name);
    const spread = new Set(scored.map((s) => s.interest));
    assert.ok(spread.size > 1, `${c.name}: more than one interest is assigned`);
    for (const s of scored)
      assert.equal(
        s.interest,
        closestInterest(c.pool.features(s.index), interests),
        `${c.name}: paper ${s.index}`,
      );
  }
});
