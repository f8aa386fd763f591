import { dot } from "../search/embed/vectors.ts";
import { dotsWithEach } from "./dense.ts";
import type { CandidatePool, PoolWeights } from "./pool.ts";
import { similarity, similarityWith } from "./similarity.ts";
import type { Boost, Features, Interest } from "./types.ts";

/**
 * Best papers a ranking keeps beside those the person had seen: enough for the longest list
 * (100) after what they see meanwhile is dropped (a digest's papers, new saves, by the next
 * retraining), with each interest's nearest papers for the turns at the top.
 */
export const KEEP_SCORED = 400;
/** Each interest's nearest papers are kept too, so that a small interest has papers to offer. */
const NEAREST_PER_INTEREST = 40;
/** The top of the list where interests take turns. */
export const COVER_TOP = 20;

export interface ScoredPaper {
  /** Index into the pool. */
  index: number;
  score: number;
  /** The interest it serves: the one whose papers it is most like; -1 without interests. */
  interest: number;
}

/**
 * The interest whose papers a paper is most like: the embedding cosine to each centroid when the
 * paper and every interest have one (a quarter of the cost of blending in keywords, and it
 * is run for every kept paper), else embeddings and keywords blended.
 */
export function closestInterest(f: Features, interests: Interest[]): number {
  if (interests.length <= 1) return interests.length - 1;
  const byEmbedding = f.dense !== null && interests.every((it) => it.dense !== null);
  let best = Number.NEGATIVE_INFINITY;
  let at = 0;
  interests.forEach((it, i) => {
    const s = byEmbedding ? dot(f.dense as Float32Array, it.dense as Float32Array) : similarity(f, it);
    if (s > best) [best, at] = [s, i];
  });
  return at;
}

/** Per pool: a vocabulary-long array, zero but while closestInterests spreads an interest's keywords in it. */
const spread = new WeakMap<CandidatePool, Float32Array>();

/**
 * closestInterest for several of the pool's papers (a ranking's kept ones), with the same
 * results: each interest's keyword vector is spread once into a vocabulary-long array, so its
 * cosine with a paper is a pass over the paper's few terms instead of a merge with the
 * interest's hundreds (a digest run did that for every kept paper and interest). The products
 * are those of sparseDot, added in the same (ascending term) order; a term the interest lacks
 * adds a zero.
 */
function closestInterests(pool: CandidatePool, indices: number[], interests: Interest[]): number[] {
  if (interests.length <= 1) return indices.map(() => interests.length - 1);
  const allDense = interests.every((it) => it.dense !== null);
  const features = indices.map((i) => pool.features(i));
  const byKeywords = features.map((f) => !(f.dense !== null && allDense));
  const kw = new Float64Array(indices.length * interests.length);
  if (byKeywords.includes(true)) {
    let at = spread.get(pool);
    if (!at) {
      at = new Float32Array(pool.vocab.length);
      spread.set(pool, at);
    }
    interests.forEach((it, j) => {
      const v = it.keywords;
      for (let t = 0; t < v.idx.length; t++) at[v.idx[t]] = v.val[t];
      features.forEach((f, p) => {
        if (!byKeywords[p]) return;
        let s = 0;
        const { idx, val } = f.keywords;
        for (let t = 0; t < idx.length; t++) s += val[t] * at[idx[t]];
        kw[p * interests.length + j] = s;
      });
      for (let t = 0; t < v.idx.length; t++) at[v.idx[t]] = 0;
    });
  }
  // The embedding cosines of a paper to every interest in one loop (dot's sums, bit for bit).
  const centroids = allDense ? interests.map((it) => it.dense as Float32Array) : [];
  const dots = new Float64Array(interests.length);
  return features.map((f, p) => {
    if (!byKeywords[p]) dotsWithEach(f.dense as Float32Array, centroids, dots);
    let best = Number.NEGATIVE_INFINITY;
    let at = 0;
    interests.forEach((it, j) => {
      const s = byKeywords[p] ? similarityWith(f, it, kw[p * interests.length + j]) : dots[j];
      if (s > best) [best, at] = [s, j];
    });
    return at;
  });
}

/**
 * Scores the pool with a person's weights (pool.topScored: exact, without every row's dot
 * product), adds the boosts of followed authors and topics, and keeps the `keep` best, each
 * assigned an interest. An interest with fewer than `enough` of them also gets its nearest papers
 * kept (one vector scan each), so that it has papers for its turns at the top; one with that many
 * already has more than its turns can take, and any paper of its scan would score below all of
 * them, so the scan is skipped. Best first.
 */
export function rankPoolWith(
  pool: CandidatePool,
  weights: PoolWeights,
  interests: Interest[],
  boosts: Map<string, Boost[]>,
  boostBonus: number,
  keep = KEEP_SCORED,
  enough = 2 * COVER_TOP,
  /** The pool indices of the boosted papers, when the caller has them (else looked up by id). */
  boosted?: Iterable<number>,
): ScoredPaper[] {
  const extra = new Map<number, number>();
  if (boosted) for (const i of boosted) extra.set(i, boostBonus);
  else
    for (const id of boosts.keys()) {
      const i = pool.indexOf(id);
      if (i !== undefined) extra.set(i, boostBonus);
    }
  const top = pool.topScored(weights, keep, extra);
  const interestAt = closestInterests(
    pool,
    top.map((t) => t.index),
    interests,
  );
  const scored = top.map((t, k) => ({ index: t.index, score: t.score, interest: interestAt[k] }));
  if (interests.length > 1 && scored.length < pool.size) {
    const kept = new Set(scored.map((s) => s.index));
    const counts = interests.map(() => 0);
    for (const s of scored) if (s.interest >= 0) counts[s.interest]++;
    const short = interests.flatMap((it, k) => (it.dense && counts[k] < enough ? [it.dense] : []));
    const near = [...pool.nearest(short, NEAREST_PER_INTEREST)].filter((i) => !kept.has(i));
    // Without nearest papers (no interest short of papers, or none with an embedding) there is
    // nothing to score: scoreSome would still index every weighted term first.
    const scores = near.length > 0 ? pool.scoreSome(weights, near) : [];
    const nearInterest = closestInterests(pool, near, interests);
    near.forEach((i, k) => {
      scored.push({ index: i, score: scores[k] + (extra.get(i) ?? 0), interest: nearInterest[k] });
    });
  }
  return scored.sort((a, b) => b.score - a.score || a.index - b.index);
}
