import { diversify } from "./diversify.ts";
import { groupInterests } from "./interests.ts";
import type { CandidatePool } from "./pool.ts";
import {
  type Candidate,
  DEFAULT_RANK_OPTIONS,
  type RankOptions,
  type Scored,
  scoreCandidates,
} from "./rank.ts";
import type { Boost, Interest, NegativeSignal, PositiveSignal } from "./types.ts";

/** Above this many candidates, each interest first retrieves its nearest papers by embedding. */
export const RETRIEVE_ABOVE = 3000;
export const RETRIEVE_PER_INTEREST = 600;
/** The top of the list where interests take turns. */
export const COVER_TOP = 20;

export interface PoolRanking {
  interests: Interest[];
  candidates: Candidate[];
  /** Each candidate's index in the pool. */
  indices: number[];
  /** Every candidate's score, in candidate order. */
  scored: Scored[];
  /** The first `limit`, interests taking turns at the top. */
  top: Scored[];
}

/**
 * One person's ranking over a candidate pool, all in memory: interests from the positives;
 * above RETRIEVE_ABOVE candidates, the union of each interest's nearest papers by embedding
 * (plus every boosted paper) instead of the whole pool; then the classifiers, and turns at the top.
 */
export function rankPool(
  pool: CandidatePool,
  signals: { positives: PositiveSignal[]; negatives: NegativeSignal[]; boosts: Map<string, Boost[]> },
  opts: { skip: Set<string>; limit: number; rank?: RankOptions; retrieveAbove?: number },
): PoolRanking {
  const rank = opts.rank ?? DEFAULT_RANK_OPTIONS;
  const interests = groupInterests(signals.positives, rank.interests);
  const queries = interests.flatMap((i) => (i.dense ? [i.dense] : []));
  let indices: number[];
  // Retrieval needs every interest to have an embedding; otherwise everything is scored.
  if (pool.size > (opts.retrieveAbove ?? RETRIEVE_ABOVE) && queries.length === interests.length) {
    const near = pool.nearest(queries, RETRIEVE_PER_INTEREST);
    for (const id of signals.boosts.keys()) {
      const i = pool.indexOf(id);
      if (i !== undefined) near.add(i);
    }
    indices = [...near].sort((a, b) => a - b);
  } else indices = pool.ids.map((_, i) => i);
  indices = indices.filter((i) => !opts.skip.has(pool.ids[i]));
  const candidates: Candidate[] = indices.map((i) => ({ id: pool.ids[i], features: pool.features(i) }));
  const scored = scoreCandidates(interests, signals.negatives, candidates, signals.boosts, rank);
  return { interests, candidates, indices, scored, top: diversify(scored, opts.limit, COVER_TOP) };
}
