import { type SparseVector, sparseFrom } from "../../src/recommend/sparse.ts";
import { mulberry32 } from "../../src/search/embed/random.ts";
import { SKLEARN_ENGLISH_STOP_WORDS } from "./sklearn-stop-words.ts";

/**
 * arxiv-sanity-lite's recommender, as the recsys README gives it, in TypeScript:
 * TfidfVectorizer(ngram_range=(1,2), stop_words="english", sublinear_tf=True, norm="l2",
 * max_df=0.1, min_df=1, max_features=20000) and LinearSVC(loss="hinge", C=0.01,
 * class_weight="balanced"), trained with the seeds as class 1 and every other paper as class 0;
 * the rest are ranked by the decision value. The SVM is liblinear's dual coordinate descent for
 * the L1-loss SVM (Hsieh et al. 2008) with its intercept as a constant feature (intercept_scaling 1).
 */
const TOKEN = /\b\w\w+\b/gu;

export function sklearnTokens(text: string): string[] {
  const words = (text.toLowerCase().match(TOKEN) ?? []).filter((w) => !SKLEARN_ENGLISH_STOP_WORDS.has(w));
  const out = words.slice();
  for (let i = 1; i < words.length; i++) out.push(`${words[i - 1]} ${words[i]}`);
  return out;
}

export function tfidfMatrix(texts: string[], maxDf = 0.1, maxFeatures = 20_000): SparseVector[] {
  const docs = texts.map(sklearnTokens);
  const df = new Map<string, number>();
  const total = new Map<string, number>();
  for (const d of docs) {
    for (const t of d) total.set(t, (total.get(t) ?? 0) + 1);
    for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const n = docs.length;
  const kept = [...df.keys()]
    .filter((t) => (df.get(t) as number) <= maxDf * n)
    .sort((a, b) => (total.get(b) as number) - (total.get(a) as number) || (a < b ? -1 : 1))
    .slice(0, maxFeatures);
  const index = new Map(kept.map((t, i) => [t, i]));
  const idf = kept.map((t) => Math.log((1 + n) / (1 + (df.get(t) as number))) + 1);
  return docs.map((d) => {
    const tf = new Map<number, number>();
    for (const t of d) {
      const j = index.get(t);
      if (j !== undefined) tf.set(j, (tf.get(j) ?? 0) + 1);
    }
    const w = new Map<number, number>();
    for (const [j, f] of tf) w.set(j, (1 + Math.log(f)) * idf[j]);
    return sparseFrom(w);
  });
}

/** Decision values of a hinge-loss linear SVM trained on (x, y ∈ {+1, −1}); balanced class weights. */
export function linearSvcScores(
  x: SparseVector[],
  positive: boolean[],
  opts: { c?: number; tol?: number; maxIter?: number; seed?: number } = {},
): Float64Array {
  const c = opts.c ?? 0.01;
  const tol = opts.tol ?? 1e-4;
  const maxIter = opts.maxIter ?? 1000;
  const n = x.length;
  const nPos = positive.filter(Boolean).length;
  const upper = positive.map((p) => c * (n / (2 * (p ? nPos : n - nPos))));
  const dims = x.reduce((m, v) => Math.max(m, v.idx.length ? v.idx[v.idx.length - 1] + 1 : 0), 0);
  const w = new Float64Array(dims);
  let bias = 0;
  const alpha = new Float64Array(n);
  const qii = x.map((v) => v.val.reduce((s, a) => s + a * a, 0) + 1);
  const order = Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(opts.seed ?? 1);
  for (let iter = 0; iter < maxIter; iter++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let pgMax = Number.NEGATIVE_INFINITY;
    let pgMin = Number.POSITIVE_INFINITY;
    for (const i of order) {
      const v = x[i];
      const y = positive[i] ? 1 : -1;
      let wx = bias;
      for (let k = 0; k < v.idx.length; k++) wx += w[v.idx[k]] * v.val[k];
      const g = y * wx - 1;
      let pg = g;
      if (alpha[i] === 0) pg = Math.min(g, 0);
      else if (alpha[i] === upper[i]) pg = Math.max(g, 0);
      pgMax = Math.max(pgMax, pg);
      pgMin = Math.min(pgMin, pg);
      if (Math.abs(pg) > 1e-12) {
        const old = alpha[i];
        alpha[i] = Math.min(Math.max(old - g / qii[i], 0), upper[i]);
        const d = (alpha[i] - old) * y;
        for (let k = 0; k < v.idx.length; k++) w[v.idx[k]] += d * v.val[k];
        bias += d;
      }
    }
    if (pgMax - pgMin <= tol) break;
  }
  return Float64Array.from(x, (v) => {
    let s = bias;
    for (let k = 0; k < v.idx.length; k++) s += w[v.idx[k]] * v.val[k];
    return s;
  });
}
