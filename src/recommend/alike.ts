import { type PairSource, type SimilarityScale, typicalScale } from "./interests.ts";
import { MEMBER_TERMS } from "./model.ts";
import { similarity } from "./similarity.ts";
import { unitSparseOf } from "./sparse.ts";
import type { Features, Interest } from "./types.ts";

/**
 * How alike a paper is to the nearest paper of its interest (similarity, as interests are grouped
 * by); -Infinity without an interest. An interest of a stored model keeps its members as the model
 * stores them (their MEMBER_TERMS heaviest keywords), which typicalAlikeToStored measures alike.
 */
export function alikeToInterest(f: Features, interest: Interest | undefined): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const m of interest?.members ?? []) best = Math.max(best, similarity(f, m.features));
  return best;
}

/** A paper as a stored model keeps a member: its MEMBER_TERMS heaviest keywords, as a unit vector. */
function asStoredMember(f: Features): Features {
  const v = f.keywords;
  if (v.idx.length <= MEMBER_TERMS) return f;
  const kept = Array.from(v.idx.keys())
    .sort((a, b) => Math.abs(v.val[b]) - Math.abs(v.val[a]) || v.idx[a] - v.idx[b])
    .slice(0, MEMBER_TERMS);
  return {
    dense: f.dense,
    keywords: unitSparseOf(
      kept.map((k) => v.idx[k]),
      kept.map((k) => v.val[k]),
    ),
  };
}

const storedScales = new WeakMap<PairSource, SimilarityScale>();

/**
 * How alike a paper of the pool is to another one kept as a stored member, for two picked at
 * random: typicalSimilarity's scale for what alikeToInterest measures. A member's 32 kept terms
 * hold only part of its keyword vector, so against the full papers' scale a close match scored
 * low: on the site's sample without an embedding, "Learn What's Left … Reinforcement" against
 * three saved reinforcement-learning papers came to 0.033, under the full pairs' mean (0.052).
 */
export function typicalAlikeToStored(pool: PairSource): SimilarityScale {
  return typicalScale(pool, (a, b) => similarity(a, asStoredMember(b)), storedScales);
}
