import { mulberry32 } from "../search/embed/random.ts";
import { denseCentroid } from "./dense.ts";
import { interestLabel, shortTitle } from "./interest-label.ts";
import { similarity } from "./similarity.ts";
import { sparseCentroid } from "./sparse.ts";
import type { Features, Interest, PositiveSignal } from "./types.ts";

export interface InterestOptions {
  /**
   * Two groups of papers merge into one interest only when their average-linkage similarity
   * stands this many standard deviations above that of two papers of the pool picked at random.
   */
  mergeAboveTypical: number;
  /** More interests than this are merged further: each costs one vector scan per ranking. */
  maxInterests: number;
  /** Keyword centroids keep this many terms. */
  keywordTerms: number;
}

/**
 * One standard deviation, the middle of what works on both pools measured: on the site's sample
 * (2 medical-imaging saves with each of the 56 choices of 3 of its 8 reinforcement-learning
 * papers) every z from 0.5 to 1.5 gives exactly those two interests (0.25: 48 of 56); on
 * bench/recommend's merged pool (5 seeds from each of three reviews, tuning draws) z = 1 keeps
 * 99.7% of the pairs of seeds from different reviews apart and 67% of those from one together,
 * where the fixed 0.12 kept 38% together.
 */
export const DEFAULT_INTEREST_OPTIONS: InterestOptions = {
  mergeAboveTypical: 1,
  maxInterests: 8,
  keywordTerms: 200,
};

/**
 * Groups a person's positives into interests by average-linkage agglomerative clustering over
 * `similarity`: start with one group per paper and repeatedly merge the two most alike groups
 * while they are alike enough (or while there are too many). A person who saves papers on
 * depression models and on software-engineering reviews gets two interests, not one blurred
 * centroid between them, which is what Scholar Inbox's single classifier per user gets wrong.
 * Followed authors and topics are interests of their own, never merged with the clusters.
 */
export function groupInterests(
  positives: PositiveSignal[],
  pool: PairSource,
  opts: InterestOptions = DEFAULT_INTEREST_OPTIONS,
): Interest[] {
  const fixed = new Map<string, PositiveSignal[]>();
  const free: PositiveSignal[] = [];
  for (const p of positives) {
    if (p.group) fixed.set(p.group.key, [...(fixed.get(p.group.key) ?? []), p]);
    else free.push(p);
  }
  const maxClusters = Math.max(1, opts.maxInterests - fixed.size);
  const typical = typicalSimilarity(pool);
  const clusters = cluster(free, typical.mean + opts.mergeAboveTypical * typical.sd, maxClusters);
  const common = (word: string) => pool.isCommonWord?.(word) ?? false;
  const interests: Interest[] = [];
  for (const members of clusters)
    interests.push(makeInterest(interests.length, "papers", members, opts, common));
  for (const members of fixed.values()) {
    const g = members[0].group as NonNullable<PositiveSignal["group"]>;
    interests.push({ ...makeInterest(interests.length, g.kind, members, opts, common), label: g.label });
  }
  return interests;
}

/** Papers to judge "alike" against: the candidate pool the interests will rank. */
export interface PairSource {
  readonly size: number;
  features(i: number): Features;
  /** Whether a word is too common among these papers to name an interest (none is, without it). */
  isCommonWord?(word: string): boolean;
}

export interface SimilarityScale {
  mean: number;
  sd: number;
}

const SCALE_PAIRS = 2000;
/**
 * Below this many pairs (a pool of fewer than 10 papers: a new site, a quiet window) the pool's
 * own figures are too few to trust, and with 0 or 1 paper there are none: one pair has no
 * spread, so every pair of positives at least as alike as it would merge. The measured scale is
 * then blended with FALLBACK_SCALE, all fallback at no pair and all measured from here on.
 */
const MIN_SCALE_PAIRS = 45;
/**
 * mean + 1 sd = 0.12, the fixed threshold interests merged at before they were relative to the
 * pool; the site's sample (529 papers) measures mean 0.079, sd 0.054.
 */
const FALLBACK_SCALE: SimilarityScale = { mean: 0.06, sd: 0.06 };
const scales = new WeakMap<PairSource, SimilarityScale>();

/**
 * How alike two papers of the pool picked at random are: the mean and standard deviation of
 * `similarity` over every pair of a small pool, or a seeded sample of 2,000 pairs (a few
 * milliseconds, once per pool). What "alike" means depends on the pool and the embedding model:
 * on the site's sample, every paper about machine learning, two unrelated papers score 0.13 on
 * average, while in a pool of screening records from three unrelated reviews they score about 0.
 * A fixed threshold (0.12 before) therefore merged a reinforcement-learning interest with a
 * medical-imaging one on the first and split every review's seeds into single papers on the
 * second; a threshold relative to the pool does neither. A pool of fewer than 10 papers leans
 * on FALLBACK_SCALE (MIN_SCALE_PAIRS), so the scale is defined, with a spread, for any pool.
 */
export function typicalSimilarity(pool: PairSource): SimilarityScale {
  return typicalScale(pool, similarity, scales);
}

/**
 * typicalSimilarity's mean and spread for another measure of two papers (`alike(a, b)`, not
 * always symmetric), kept per pool in `cache`.
 */
export function typicalScale(
  pool: PairSource,
  alike: (a: Features, b: Features) => number,
  cache: WeakMap<PairSource, SimilarityScale>,
): SimilarityScale {
  const known = cache.get(pool);
  if (known) return known;
  const n = pool.size;
  const sims: number[] = [];
  if ((n * (n - 1)) / 2 <= SCALE_PAIRS) {
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) sims.push(alike(pool.features(i), pool.features(j)));
  } else {
    const rand = mulberry32(n);
    while (sims.length < SCALE_PAIRS) {
      const i = Math.floor(rand() * n);
      const j = Math.floor(rand() * n);
      if (i !== j) sims.push(alike(pool.features(i), pool.features(j)));
    }
  }
  const scale = blendWithFallback(sims);
  cache.set(pool, scale);
  return scale;
}

/** The pairs' mean and spread, mixed with FALLBACK_SCALE in the share of pairs short of MIN_SCALE_PAIRS. */
function blendWithFallback(sims: number[]): SimilarityScale {
  const fallbackShare = Math.max(0, MIN_SCALE_PAIRS - sims.length) / MIN_SCALE_PAIRS;
  if (fallbackShare === 1) return { ...FALLBACK_SCALE };
  const measuredMean = sims.reduce((s, x) => s + x, 0) / sims.length;
  const measuredVar = sims.reduce((s, x) => s + (x - measuredMean) ** 2, 0) / sims.length;
  const f = fallbackShare;
  const mean = f * FALLBACK_SCALE.mean + (1 - f) * measuredMean;
  // The variance of the mixture: each part's own spread plus how far the two means lie apart.
  const variance =
    f * FALLBACK_SCALE.sd ** 2 +
    (1 - f) * measuredVar +
    f * (1 - f) * (FALLBACK_SCALE.mean - measuredMean) ** 2;
  return { mean, sd: Math.sqrt(variance) };
}

function cluster(items: PositiveSignal[], mergeAbove: number, maxClusters: number): PositiveSignal[][] {
  if (items.length === 0) return [];
  const n = items.length;
  // sum of pairwise similarities between groups; average = sum / (|a|·|b|)
  const sums: number[][] = items.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      sums[i][j] = sums[j][i] = similarity(items[i].features, items[j].features);
  const groups: (number[] | null)[] = items.map((_, i) => [i]);
  let alive = n;
  while (alive > 1) {
    let best = Number.NEGATIVE_INFINITY;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < n; i++) {
      const gi = groups[i];
      if (!gi) continue;
      for (let j = i + 1; j < n; j++) {
        const gj = groups[j];
        if (!gj) continue;
        const avg = sums[i][j] / (gi.length * gj.length);
        if (avg > best) [best, bi, bj] = [avg, i, j];
      }
    }
    if (best < mergeAbove && alive <= maxClusters) break;
    const gi = groups[bi] as number[];
    const gj = groups[bj] as number[];
    gi.push(...gj);
    groups[bj] = null;
    alive--;
    for (let k = 0; k < n; k++) {
      if (!groups[k] || k === bi) continue;
      sums[bi][k] = sums[k][bi] = sums[bi][k] + sums[bj][k];
    }
  }
  // Biggest interests first; ties keep the order the signals came in (newest first).
  return groups
    .filter((g): g is number[] => g !== null)
    .map((g) => g.sort((a, b) => a - b))
    .sort((a, b) => b.length - a.length || a[0] - b[0])
    .map((g) => g.map((i) => items[i]));
}

function makeInterest(
  index: number,
  kind: Interest["kind"],
  members: PositiveSignal[],
  opts: InterestOptions,
  isCommonWord: (word: string) => boolean,
): Interest {
  const dense = denseCentroid(
    members
      .filter((m) => m.features.dense)
      .map((m) => ({ vector: m.features.dense as Float32Array, weight: m.weight })),
  );
  const keywords = sparseCentroid(
    members.map((m) => ({ vector: m.features.keywords, weight: m.weight })),
    opts.keywordTerms,
  );
  const weight = members.reduce((s, m) => s + m.weight, 0);
  // The phrase the members share names the interest; failing that, the member most like the
  // rest does, by a title short enough for a chip.
  const label =
    interestLabel(members, isCommonWord) ??
    shortTitle(
      members.map((m) => ({ m, s: similarity(m.features, { dense, keywords }) })).sort((a, b) => b.s - a.s)[0]
        .m.title,
    );
  return { index, label, kind, members, weight, dense, keywords };
}
