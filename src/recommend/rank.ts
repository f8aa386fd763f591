import { DEFAULT_INTEREST_OPTIONS, type InterestOptions } from "./interests.ts";
import { type Example, type LinearModel, trainLinearSvm } from "./linear.ts";
import type { CandidatePool, PoolWeights } from "./pool.ts";
import { type SparseVector, sparseCentroid } from "./sparse.ts";
import type { Features, Interest, NegativeSignal } from "./types.ts";

export interface RankOptions {
  /** SVM cost; the classes are balanced, so this is the regularisation strength. */
  c: number;
  /** Scale of the embedding beside the unit keyword vector in the classifier's features. */
  denseWeight: number;
  /** An explicit "not interested" costs this many times an unlabelled paper's mistake. */
  negativeCost: number;
  /** Unlabelled papers the classifier learns "not this" from (a seeded sample of the pool). */
  backgroundSample: number;
  /**
   * Pseudo-relevance feedback: the model's `feedbackTop` best papers (at most `feedbackShare`
   * of the pool) join as positives at `feedbackCost`.
   */
  feedbackTop: number;
  feedbackShare: number;
  feedbackCost: number;
  /** Rounds of feedback: each retrains with the previous model's best papers. */
  feedbackRounds: number;
  /** Added to a candidate's score when a followed author wrote it or a followed topic matches it. */
  boostBonus: number;
  /**
   * Each interest's centroid joins the trained weights at this share of their norm (Rocchio's
   * term beside the SVM): the classifier alone leans towards the largest interest and a few of
   * its words, and the pull keeps every interest's whole vocabulary in the score.
   */
  interestPull: number;
  /** Solver epochs at most: the ranking, not the last digit of the margin, matters. */
  maxIter: number;
  interests: InterestOptions;
}

/**
 * Chosen on bench/recommend/tune.ts's draws (not the reported ones), mean AP at k = 5 over
 * Bannach-Brown / Kitchenham / Nagtegaal: per-interest models blended in at 0.5 lost on every
 * file (0.671 / 0.156 / 0.306 against the global model's 0.667 / 0.180 / 0.337), so one model
 * over all the person's positives scores and interests only name and take turns; C 0.02 lost
 * on Kitchenham (0.160); a second feedback round and a heavier embedding changed little. A
 * heavier embedding (denseWeight 0.25) gained Nagtegaal 0.01 on 20 draws, but spreads the keyword
 * weights so that the stored model's top 3,000 terms by |weight| no longer ranked as the trained
 * model does at 100k papers: bench/recommend-speed's agreement fell from 0.74 to 0.47 (0.60 at
 * 0.2). With the kept terms refitted (model.ts, refitTerms) it is 0.73 at 0.25 (0.98 at 0.1), and
 * 0.25 is still not taken: on the 20 tuning draws Nagtegaal 0.357 against 0.349 at 0.1, Bannach-
 * Brown 0.644 against 0.651, Kitchenham 0.178 against 0.184, merged recall@20 0.0289 / 0.0600 /
 * 0.0318 against 0.0324 / 0.0538 / 0.0302 (the baseline's 0.0293 / 0.0550 / 0.0339); on
 * bench/recommend's larger check Nagtegaal reaches 1.20 × (0.370 against 0.363 at 0.1), but its
 * 5 draws fall to 1.19 × (0.337 against 0.346) and Bannach-Brown's merged recall@20 falls below
 * the baseline's on both (0.0364 against 0.0415; 0.0253 against 0.0313, 0.0295 at 0.1). 0.2:
 * Nagtegaal 0.354 on the tuning draws, 1.20 × on the larger check, 1.18 × on the 5 draws, merged
 * Bannach-Brown 0.0378 and 0.0273.
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
  boostBonus: 0.5,
  interestPull: 0.1,
  maxIter: 200,
  interests: DEFAULT_INTEREST_OPTIONS,
};

// Embedding dimensions follow every keyword id in the classifier's feature space.
const DENSE_OFFSET = 0x80000000;

/** Keywords then the embedding (scaled), as one sparse vector with ascending ids. */
function classifierFeatures(f: Features, denseWeight: number): SparseVector {
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

/** A trained SVM as pool weights: keyword ids as they are, the embedding's dimensions unscaled. */
function poolWeights(model: LinearModel, dims: number, denseWeight: number): PoolWeights {
  const dense = dims > 0 && denseWeight > 0 ? new Float32Array(dims) : null;
  const termIds: number[] = [];
  const termWeights: number[] = [];
  for (const [g, l] of model.local) {
    if (g >= DENSE_OFFSET) {
      if (dense && g - DENSE_OFFSET < dims) dense[g - DENSE_OFFSET] = model.w[l] * denseWeight;
    } else if (model.w[l] !== 0) {
      termIds.push(g);
      termWeights.push(model.w[l]);
    }
  }
  return {
    bias: model.bias,
    dense,
    termIds: Uint32Array.from(termIds),
    termWeights: Float32Array.from(termWeights),
  };
}

/**
 * Trains a person's scorer over a pool: their positives (every interest's members) against their
 * "not interested" papers and a seeded sample of the pool's other papers, classes balanced (what
 * arxiv-sanity-lite trains per tag). One round of pseudo-relevance feedback then scores the whole
 * pool, adds the best papers as soft positives and retrains, which sharpens a model learned from
 * a handful of papers. Training costs the solver's epochs over a few thousand examples; it runs
 * when the person's signals change, and its weights are what gets stored.
 */
export function trainPoolWeights(
  pool: CandidatePool,
  interests: Interest[],
  negatives: NegativeSignal[],
  opts: RankOptions = DEFAULT_RANK_OPTIONS,
): PoolWeights | null {
  const members = interests.flatMap((i) => i.members);
  if (members.length === 0) return null;
  const labelled = new Set<number>();
  for (const s of [...members, ...negatives]) {
    const i = pool.indexOf(s.id);
    if (i !== undefined) labelled.add(i);
  }
  const example = (k: number) => classifierFeatures(pool.features(k), opts.denseWeight);
  const background = seededSample(pool.size, opts.backgroundSample + labelled.size, 7)
    .filter((k) => !labelled.has(k))
    .slice(0, opts.backgroundSample);
  const backgroundX = new Map(background.map((k) => [k, example(k)]));
  const own: Example[] = members.map((m) => ({
    x: classifierFeatures(m.features, opts.denseWeight),
    positive: true,
    cost: m.weight,
  }));
  const negs: Example[] = negatives.map((n) => ({
    x: classifierFeatures(n.features, opts.denseWeight),
    positive: false,
    cost: opts.negativeCost * n.weight,
  }));
  const train = (feedback: number[]): PoolWeights => {
    const fb = new Set(feedback);
    const pos = [
      ...own,
      ...feedback.map((k) => ({
        x: backgroundX.get(k) ?? example(k),
        positive: true,
        cost: opts.feedbackCost,
      })),
    ];
    const neg = [
      ...background
        .filter((k) => !fb.has(k))
        .map((k) => ({ x: backgroundX.get(k) as SparseVector, positive: false, cost: 1 })),
      ...negs,
    ];
    const model = trainLinearSvm(balance(pos, neg, opts.c), { maxIter: opts.maxIter });
    return poolWeights(model, pool.dims, opts.denseWeight);
  };
  const pulled = (w: PoolWeights) => pullTowardsInterests(w, interests, opts.denseWeight, opts.interestPull);
  let weights = pulled(train([]));
  if (opts.feedbackTop <= 0 || opts.feedbackCost <= 0) return weights;
  const top = Math.min(opts.feedbackTop, Math.floor(opts.feedbackShare * pool.size));
  for (let round = 0; round < opts.feedbackRounds && top > 0; round++) {
    const best = pool.topScored(weights, top, undefined, (i) => labelled.has(i));
    weights = pulled(train(best.map((b) => b.index)));
  }
  return weights;
}

/**
 * The weights plus each interest's centroid (its members' keywords, every term, and their scaled
 * embedding: the classifier's feature space) at `share` of the weights' norm apiece. Every
 * interest of the person's papers gets the same pull whatever its size, so a small one's papers
 * rise beside the largest one's. Folded into the weights, it costs scoring nothing. Chosen on bench/recommend/tune.ts's
 * draws, 20 per setting (mean AP at k = 5 Bannach-Brown / Kitchenham / Nagtegaal; merged
 * recall@20, the baseline's 0.029 / 0.055 / 0.034): 0 gave 0.648 / 0.175 / 0.349 and merged
 * 0.034 / 0.056 / 0.030; 0.1 gives 0.648 / 0.184 / 0.350 and 0.032 / 0.055 / 0.032; 0.2 and 0.3 lift
 * Kitchenham further (0.187, 0.191) and cost the other two files and the merged pool. The
 * interest's own centroid (its top 200 terms) lifted Kitchenham as much, the merged pool less.
 */
export function pullTowardsInterests(
  w: PoolWeights,
  interests: Interest[],
  denseWeight: number,
  share: number,
): PoolWeights {
  if (share <= 0 || interests.length === 0) return w;
  const dense = w.dense && denseWeight > 0 ? Float32Array.from(w.dense) : null;
  let norm = 0;
  for (const v of w.termWeights) norm += v * v;
  if (dense) for (const v of dense) norm += (v / denseWeight) ** 2;
  norm = Math.sqrt(norm);
  if (norm === 0) return w;
  // What the centroids add, by term: a few thousand terms, where the weights have every term of
  // the training examples (80,000 on a merged pool; a Map of those cost 30 ms a pull).
  const added = new Map<number, number>();
  for (const i of interests) {
    // Only the clusters of the person's own papers (at most maxInterests of them): a followed
    // author's or topic's papers have their boost already, and one pull apiece for each of up to
    // 500 follows would outweigh the classifier many times.
    if (i.kind !== "papers") continue;
    const keywords = sparseCentroid(
      i.members.map((m) => ({ vector: m.features.keywords, weight: m.weight })),
    );
    const d = dense && i.dense?.length === dense.length ? i.dense : null;
    // The keyword centroid is a unit vector, or empty when no member has a term in this pool.
    let centroidNorm = keywords.idx.length > 0 ? 1 : 0;
    if (d) for (const v of d) centroidNorm += (v * denseWeight) ** 2;
    if (centroidNorm === 0) continue;
    const s = (share * norm) / Math.sqrt(centroidNorm);
    for (let k = 0; k < keywords.idx.length; k++) {
      const id = keywords.idx[k];
      added.set(id, (added.get(id) ?? 0) + s * keywords.val[k]);
    }
    // A pool weight on the unit embedding is the classifier's weight times denseWeight.
    if (d && dense) for (let j = 0; j < d.length; j++) dense[j] += s * d[j] * denseWeight * denseWeight;
  }
  // The trained terms in their order, then the centroids' terms the weights lack (a positive's
  // word whose weight the solver left at zero).
  const termIds: number[] = Array.from(w.termIds);
  const termWeights: number[] = Array.from(w.termWeights);
  for (let k = 0; k < termIds.length; k++) {
    const more = added.get(termIds[k]);
    if (more === undefined) continue;
    termWeights[k] += more;
    added.delete(termIds[k]);
  }
  for (const [id, v] of added) {
    termIds.push(id);
    termWeights.push(v);
  }
  return {
    bias: w.bias,
    dense: dense ?? w.dense,
    termIds: Uint32Array.from(termIds),
    termWeights: Float32Array.from(termWeights),
  };
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
