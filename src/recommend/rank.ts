import { DEFAULT_INTEREST_OPTIONS, type InterestOptions } from "./interests.ts";
import { decision, type Example, type LinearModel, trainLinearSvm } from "./linear.ts";
import { similarity } from "./similarity.ts";
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
   * Pseudo-relevance feedback: each model's `feedbackTop` best candidates (at most
   * `feedbackShare` of the candidates) join as positives at `feedbackCost`.
   */
  feedbackTop: number;
  feedbackShare: number;
  feedbackCost: number;
  /** Rounds of feedback: each retrains with the previous model's best candidates. */
  feedbackRounds: number;
  /**
   * With several interests, a candidate's score is (1 − share) × the global model's plus
   * share × its best interest model's; 0 scores by the global model alone.
   */
  interestShare: number;
  /**
   * Weight of a nearest-neighbour term: the candidate's similarity to the positive it is most
   * like, added to the classifiers' score (a person's saves need not lie on one side of a plane).
   */
  nearestShare: number;
  /** Added to a candidate's score when a followed author wrote it or a followed topic matches it. */
  boostBonus: number;
  /** Solver epochs at most: the ranking, not the last digit of the margin, matters. */
  maxIter: number;
  interests: InterestOptions;
}

/**
 * Chosen on bench/recommend/tune.ts's draws (not the reported ones), mean AP at k = 5 over
 * Bannach-Brown / Kitchenham / Nagtegaal: per-interest models blended in at 0.5 lost on every
 * file (0.671 / 0.156 / 0.306 against the global model's 0.667 / 0.180 / 0.337), so the global
 * model scores and interests only name and take turns; C 0.02 lost on Kitchenham (0.160); a
 * second feedback round, a nearest-positive term and a heavier embedding changed little.
 */
export const DEFAULT_RANK_OPTIONS: RankOptions = {
  c: 0.01,
  denseWeight: 0.1,
  negativeCost: 5,
  backgroundSample: 2000,
  feedbackTop: 40,
  feedbackShare: 0.02,
  feedbackCost: 1,
  feedbackRounds: 1,
  interestShare: 0,
  nearestShare: 0,
  boostBonus: 0.5,
  maxIter: 200,
  interests: DEFAULT_INTEREST_OPTIONS,
};

/**
 * For digests: thousands of people are ranked in one run, each once, so no trained ranking is
 * reused. A smaller background sample and fewer solver epochs cost a fraction of the training;
 * on the tuning draws, mean AP at k = 5 was 0.649 / 0.175 / 0.343 against the defaults' 0.667 /
 * 0.180 / 0.337 (without the feedback round as well: 0.567 / 0.160 / 0.275).
 */
export const DIGEST_RANK_OPTIONS: RankOptions = {
  ...DEFAULT_RANK_OPTIONS,
  backgroundSample: 500,
  maxIter: 30,
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
 * A person's trained classifiers: one global model over all their positives (what
 * arxiv-sanity-lite trains per tag) and, when their positives form several interests, one per
 * interest. Training costs the solver's epochs; scoring is one sparse dot product per model, so
 * a trained ranker is what the model cache keeps.
 */
export interface TrainedRanker {
  global: LinearModel | null;
  perInterest: LinearModel[];
}

/**
 * Trains the ranker: positives against the person's "not interested" papers and a sample of
 * unlabelled candidates, classes balanced. One round of pseudo-relevance feedback then adds each
 * model's best candidates as soft positives and retrains, which sharpens a model learned from a
 * handful of papers. Per-interest models see only their interest's papers as positives (the
 * other interests' papers are not negatives: when one subject splits in two, each would learn to
 * reject the other's papers).
 */
export function trainRanker(
  interests: Interest[],
  negatives: NegativeSignal[],
  xs: SparseVector[],
  opts: RankOptions = DEFAULT_RANK_OPTIONS,
): TrainedRanker {
  if (interests.length === 0) return { global: null, perInterest: [] };
  const background = seededSample(xs.length, opts.backgroundSample, 7);
  const negs: Example[] = negatives.map((n) => ({
    x: classifierFeatures(n.features, opts.denseWeight),
    positive: false,
    cost: opts.negativeCost * n.weight,
  }));
  const fit = (members: Interest["members"]): LinearModel => {
    const own: Example[] = members.map((m) => ({
      x: classifierFeatures(m.features, opts.denseWeight),
      positive: true,
      cost: m.weight,
    }));
    const train = (feedback: number[]): LinearModel => {
      const fb = new Set(feedback);
      const pos = [...own, ...feedback.map((k) => ({ x: xs[k], positive: true, cost: opts.feedbackCost }))];
      const neg = [
        ...background.filter((k) => !fb.has(k)).map((k) => ({ x: xs[k], positive: false, cost: 1 })),
        ...negs,
      ];
      return trainLinearSvm(balance(pos, neg, opts.c), { maxIter: opts.maxIter });
    };
    let model = train([]);
    if (opts.feedbackTop <= 0 || opts.feedbackCost <= 0) return model;
    for (let round = 0; round < opts.feedbackRounds; round++) {
      const m = model;
      const top = xs
        .map((x, k) => ({ s: decision(m, x), k }))
        .sort((a, b) => b.s - a.s || a.k - b.k)
        .slice(0, Math.min(opts.feedbackTop, Math.floor(opts.feedbackShare * xs.length)))
        .map((t) => t.k);
      model = train(top);
    }
    return model;
  };
  const global = fit(interests.flatMap((i) => i.members));
  const perInterest =
    interests.length > 1 && opts.interestShare > 0 ? interests.map((i) => fit(i.members)) : [];
  return { global, perInterest };
}

/**
 * Scores candidates with a trained ranker. Each candidate serves the interest whose model scores
 * it highest (without per-interest models: the interest whose papers it is most like), which is
 * the interest its card names and the one it takes turns for at the top of the list.
 */
export function scoreWithRanker(
  ranker: TrainedRanker,
  interests: Interest[],
  candidates: Candidate[],
  xs: SparseVector[],
  boosts: Map<string, Boost[]>,
  opts: RankOptions = DEFAULT_RANK_OPTIONS,
): Scored[] {
  return candidates.map((c, k) => {
    let score = 0;
    let interest = -1;
    if (ranker.global) {
      score = decision(ranker.global, xs[k]);
      interest = 0;
      if (ranker.perInterest.length > 0) {
        let best = Number.NEGATIVE_INFINITY;
        ranker.perInterest.forEach((m, i) => {
          const s = decision(m, xs[k]);
          if (s > best) [best, interest] = [s, i];
        });
        score = (1 - opts.interestShare) * score + opts.interestShare * best;
      } else if (interests.length > 1) {
        let best = Number.NEGATIVE_INFINITY;
        interests.forEach((it, i) => {
          const s = similarity(c.features, it);
          if (s > best) [best, interest] = [s, i];
        });
      }
    }
    if (opts.nearestShare > 0 && ranker.global) {
      let near = 0;
      for (const it of interests)
        for (const m of it.members) {
          const s = similarity(c.features, m.features);
          if (s > near) near = s;
        }
      score += opts.nearestShare * near;
    }
    if (boosts.has(c.id)) score += opts.boostBonus;
    return { candidate: k, score, interest };
  });
}

/** Trains and scores in one go (the benchmark, and a person without a cached model). */
export function scoreCandidates(
  interests: Interest[],
  negatives: NegativeSignal[],
  candidates: Candidate[],
  boosts: Map<string, Boost[]>,
  opts: RankOptions = DEFAULT_RANK_OPTIONS,
): Scored[] {
  const xs = candidates.map((c) => classifierFeatures(c.features, opts.denseWeight));
  const ranker = trainRanker(interests, negatives, xs, opts);
  return scoreWithRanker(ranker, interests, candidates, xs, boosts, opts);
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
