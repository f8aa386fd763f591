import { DEFAULT_INTEREST_OPTIONS, type InterestOptions } from "./interests.ts";
import { decision, type Example, type LinearModel, trainLinearSvm } from "./linear.ts";
import type { SparseVector } from "./sparse.ts";
import type { Boost, Features, Interest, NegativeSignal } from "./types.ts";

export interface Candidate {
  id: string;
  features: Features;
}

export interface RankOptions {
  /** SVM cost; the classes are balanced, so this is the regularisation strength. */
  c: number;
  /** Scale of the embedding beside the unit keyword vector in the classifier's features. */
  denseWeight: number;
  /** An explicit "not interested" costs this many times an unlabelled paper's mistake. */
  negativeCost: number;
  /** Unlabelled papers the classifier learns "not this" from (a seeded sample of the candidates). */
  backgroundSample: number;
  /**
   * Pseudo-relevance feedback: each interest's `feedbackTop` best candidates (at most
   * `feedbackShare` of the candidates) join as positives at `feedbackCost`.
   */
  feedbackTop: number;
  feedbackShare: number;
  feedbackCost: number;
  /** Added to a candidate's score when a followed author wrote it or a followed topic matches it. */
  boostBonus: number;
  /** Solver epochs at most: the ranking, not the last digit of the margin, matters. */
  maxIter: number;
  interests: InterestOptions;
}

/**
 * Tuned on bench/recommend's draws (mean AP at k = 5, Bannach-Brown, one change at a time):
 * C 0.01 0.467 against 0.1 0.309 and 0.03 0.483 with feedback; feedback off 0.467, top 10 at 0.3
 * 0.516, top 20 at 1 0.548, top 40 at 1 0.572, top 80 worse on the other files; the built-in
 * model's embedding at 0.5 lost (0.441), at 0.1–0.3 it is about even and helps Kitchenham a little.
 */
export const DEFAULT_RANK_OPTIONS: RankOptions = {
  c: 0.01,
  denseWeight: 0.1,
  negativeCost: 5,
  backgroundSample: 2000,
  feedbackTop: 40,
  feedbackShare: 0.02,
  feedbackCost: 1,
  boostBonus: 0.5,
  maxIter: 200,
  interests: DEFAULT_INTEREST_OPTIONS,
};

export interface Scored {
  /** Index into the candidates. */
  candidate: number;
  score: number;
  /** The interest this candidate serves best; -1 when there is no interest. */
  interest: number;
}

// Embedding dimensions follow every keyword id in the classifier's feature space.
const DENSE_OFFSET = 0x80000000;

/** Keywords then the embedding (scaled), as one sparse vector with ascending ids. */
export function classifierFeatures(f: Features, denseWeight: number): SparseVector {
  const d = f.dense && denseWeight > 0 ? f.dense : null;
  const n = f.keywords.idx.length;
  const idx = new Uint32Array(n + (d ? d.length : 0));
  const val = new Float32Array(idx.length);
  idx.set(f.keywords.idx);
  val.set(f.keywords.val);
  if (d)
    for (let j = 0; j < d.length; j++) {
      idx[n + j] = DENSE_OFFSET + j;
      val[n + j] = d[j] * denseWeight;
    }
  return { idx, val };
}

function seededSample(n: number, max: number, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  let s = seed >>> 0 || 1;
  for (let i = 0; i < max; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = i + (s % (n - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, max);
}

/**
 * Scores every candidate for each interest with a linear SVM trained for that interest (as
 * arxiv-sanity-lite trains one per tag): the interest's papers are the positives; the person's
 * "not interested" papers and a sample of unlabelled candidates are the negatives, classes
 * balanced. (The other interests' papers are not negatives: when one subject splits into two
 * interests, each would learn to reject the other's papers; mean AP fell from 0.57 to 0.37.) One round of pseudo-relevance feedback then adds the
 * interest's best candidates as soft positives and retrains, which sharpens a model learned
 * from a handful of papers. Each candidate keeps its best interest.
 */
export function scoreCandidates(
  interests: Interest[],
  negatives: NegativeSignal[],
  candidates: Candidate[],
  boosts: Map<string, Boost[]>,
  opts: RankOptions = DEFAULT_RANK_OPTIONS,
): Scored[] {
  const xs = candidates.map((c) => classifierFeatures(c.features, opts.denseWeight));
  const background = seededSample(candidates.length, opts.backgroundSample, 7);
  const best = candidates.map((_, k) => ({
    candidate: k,
    score: interests.length === 0 ? 0 : Number.NEGATIVE_INFINITY,
    interest: -1,
  }));
  interests.forEach((interest, i) => {
    const train = (feedback: number[]): LinearModel => {
      const pos: Example[] = interest.members.map((m) => ({
        x: classifierFeatures(m.features, opts.denseWeight),
        positive: true,
        cost: m.weight,
      }));
      for (const k of feedback) pos.push({ x: xs[k], positive: true, cost: opts.feedbackCost });
      const fb = new Set(feedback);
      const neg: Example[] = [
        ...background.filter((k) => !fb.has(k)).map((k) => ({ x: xs[k], positive: false, cost: 1 })),
        ...negatives.map((n) => ({
          x: classifierFeatures(n.features, opts.denseWeight),
          positive: false,
          cost: opts.negativeCost * n.weight,
        })),
      ];
      return trainLinearSvm(balance(pos, neg, opts.c), { maxIter: opts.maxIter });
    };
    let model = train([]);
    let scores = xs.map((x) => decision(model, x));
    if (opts.feedbackTop > 0 && opts.feedbackCost > 0) {
      const top = scores
        .map((s, k) => ({ s, k }))
        .sort((a, b) => b.s - a.s || a.k - b.k)
        .slice(0, Math.min(opts.feedbackTop, Math.floor(opts.feedbackShare * candidates.length)))
        .map((t) => t.k);
      model = train(top);
      scores = xs.map((x) => decision(model, x));
    }
    scores.forEach((s, k) => {
      if (s > best[k].score) [best[k].score, best[k].interest] = [s, i];
    });
  });
  return best.map((b) =>
    boosts.has(candidates[b.candidate].id) ? { ...b, score: b.score + opts.boostBonus } : b,
  );
}

/** Class weights as scikit-learn's "balanced": each class's costs sum to C · n / 2. */
function balance(pos: Example[], neg: Example[], c: number): Example[] {
  const n = pos.length + neg.length;
  const scale = (xs: Example[]) => {
    const total = xs.reduce((s, e) => s + e.cost, 0) || 1;
    return xs.map((e) => ({ ...e, cost: (c * n * e.cost) / (2 * total) }));
  };
  return [...scale(pos), ...scale(neg)];
}
