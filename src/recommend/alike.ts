import { type PairSource, type SimilarityScale, typicalScale } from "./interests.ts";
import { MEMBER_TERMS } from "./model.ts";
import { similarity } from "./similarity.ts";
import { unitSparseOf } from "./sparse.ts";
import type { Features, Interest } from "./types.ts";

/**
 * A paper is like a paper of its interest, so that "Because you saved X" says something true of
 * it, when it is more alike to one of them than a paper of the window and a stored member picked
 * at random, by this many standard deviations. A digest mails only such papers (and those of
 * what the person follows); the page shows the others it would show among its weaker matches.
 * A model's score cannot say it, nor its share of the best: a week with nothing like the
 * person's papers has a best all the same, and on the site's sample a reader of three quark
 * papers was mailed "Understanding Cognition-Induced Risks in Agentic AI Systems" on the word
 * "Understanding". Measured on bench/recommend/experiments/mail-floor.ts (5 included papers of
 * one review saved, 20 draws per review, a day of one review's records; of what a digest's other
 * filters offered): at 1.5, 95–98% of the included papers on their own review's day are still
 * mailed and 85% of the papers offered on another review's day are not; at 1, 99% and 60–66%;
 * at 2, 87–92% and 95–96%. Ordering the page's whole list by it (those below it after every
 * paper above) cost mean AP at k = 5 on bench/recommend/tune.ts's 20 draws 0.648 → 0.568
 * (Bannach-Brown), 0.184 → 0.171 and 0.350 → 0.313, as far down the list many a paper worth
 * reading is like no single saved one; moving them within the 30 shown changed it by at most
 * 0.003 (0.651 / 0.186 / 0.349).
 */
const ALIKE_ABOVE_TYPICAL = 1.5;

/** The likeness a paper of this pool needs to be like a paper of its interest. */
export function likenessFloor(pool: PairSource): number {
  const typical = typicalAlikeToStored(pool);
  return typical.mean + ALIKE_ABOVE_TYPICAL * typical.sd;
}

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
