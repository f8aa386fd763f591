import { dot } from "./dense.ts";
import type { CandidatePool, PoolWeights } from "./pool.ts";
import { similarity } from "./similarity.ts";
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

/**
 * Scores the pool with a person's weights (pool.topScored: exact, without every row's dot
 * product), adds the boosts of followed authors and topics, and keeps the `keep` best and each
 * interest's nearest papers; only those are assigned an interest. Best first.
 */
export function rankPoolWith(
  pool: CandidatePool,
  weights: PoolWeights,
  interests: Interest[],
  boosts: Map<string, Boost[]>,
  boostBonus: number,
  keep = KEEP_SCORED,
): ScoredPaper[] {
  const extra = new Map<number, number>();
  for (const id of boosts.keys()) {
    const i = pool.indexOf(id);
    if (i !== undefined) extra.set(i, boostBonus);
  }
  const kept = new Map<number, number>();
  for (const t of pool.topScored(weights, keep, extra)) kept.set(t.index, t.score);
  if (interests.length > 1) {
    const near = [
      ...pool.nearest(
        interests.flatMap((it) => (it.dense ? [it.dense] : [])),
        NEAREST_PER_INTEREST,
      ),
    ].filter((i) => !kept.has(i));
    const scores = pool.scoreSome(weights, near);
    near.forEach((i, k) => {
      kept.set(i, scores[k] + (extra.get(i) ?? 0));
    });
  }
  return [...kept]
    .map(([i, score]) => ({ index: i, score, interest: closestInterest(pool.features(i), interests) }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
}
