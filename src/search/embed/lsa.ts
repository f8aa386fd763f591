import { mulberry32 } from "./random.ts";
import type { Csr } from "./sparse.ts";
import { randomizedSvd } from "./svd.ts";
import { termCounts } from "./tokens.ts";

/**
 * The built-in model: latent semantic analysis. Documents become BM25-weighted term vectors,
 * a truncated SVD finds the few hundred directions that explain most co-occurrence, and any
 * text (paper or query) is embedded by summing the reduced vectors of its terms. Words that
 * appear in the same contexts ("tumour", "carcinoma") end up close, which is what lets a query
 * find a paper it shares no word with. Every parameter was chosen by measurement on the
 * SciFact train split (bench/scifact.ts).
 */
export interface LsaParams {
  dims: number;
  seed: number;
  /** Terms in fewer documents carry no reliable co-occurrence signal. */
  minDf: number;
  /** Terms in more than this share of documents are noise for meaning. */
  maxDfShare: number;
  maxVocab: number;
  /** Training sees at most this many documents (a seeded sample), to bound the job's time. */
  maxTrainDocs: number;
  /** Term vectors are scaled by σ^-alpha: 0 keeps the SVD's emphasis on big topics, 1 whitens. */
  alpha: number;
  k1: number;
  b: number;
  powerIters: number;
}

/**
 * Semantic-only nDCG@10 on SciFact's train split, one change at a time from these defaults:
 * power iterations 1 → 0.544, 2 → 0.533, 3 → 0.526 (more iterations fit the top topics more
 * tightly, which helps retrieval less); alpha 0 → 0.536, 1 → 0.544; maxDfShare 0.2 → 0.539;
 * dims 384 → 0.585, 512 → 0.597. 256 dimensions keep the index at 1M papers near 1 GiB; a
 * deployment with memory to spare can train with more (`dailypapers embed train --dims 384`).
 */
export const DEFAULT_LSA_PARAMS: LsaParams = {
  dims: 256,
  seed: 42,
  minDf: 2,
  maxDfShare: 0.5,
  maxVocab: 60_000,
  maxTrainDocs: 60_000,
  alpha: 0.5,
  k1: 1.2,
  b: 0.75,
  powerIters: 1,
};

export interface LsaModel {
  params: LsaParams;
  vocab: string[];
  idf: Float32Array;
  /** Row-major vocab.length × dims, already scaled by σ^-alpha. */
  vectors: Float32Array;
  avgLen: number;
}

function sample<T>(items: T[], max: number, seed: number): T[] {
  if (items.length <= max) return items;
  const rand = mulberry32(seed ^ 0x5eed);
  const copy = items.slice();
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(rand() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, max);
}

function buildVocab(docs: Map<string, number>[], p: LsaParams): { vocab: string[]; idf: Float32Array } {
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const n = docs.length;
  const kept = [...df]
    .filter(([, f]) => f >= Math.min(p.minDf, n) && f <= Math.max(1, p.maxDfShare * n))
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .slice(0, p.maxVocab);
  kept.sort((x, y) => (x[0] < y[0] ? -1 : 1));
  const vocab = kept.map(([t]) => t);
  const idf = Float32Array.from(kept, ([, f]) => Math.log(1 + (n - f + 0.5) / (f + 0.5)));
  return { vocab, idf };
}

/** BM25 document weights; queries (no length normalisation) use the same saturation. */
function termWeight(tf: number, len: number, idf: number, p: LsaParams, avgLen: number): number {
  const norm = avgLen > 0 ? 1 - p.b + (p.b * len) / avgLen : 1;
  return (idf * (tf * (p.k1 + 1))) / (tf + p.k1 * norm);
}

const indexCache = new WeakMap<LsaModel, Map<string, number>>();
function termIndex(model: LsaModel): Map<string, number> {
  let idx = indexCache.get(model);
  if (!idx) {
    idx = new Map(model.vocab.map((t, i) => [t, i]));
    indexCache.set(model, idx);
  }
  return idx;
}

export function trainLsa(texts: string[], params: Partial<LsaParams> = {}): LsaModel {
  const p = { ...DEFAULT_LSA_PARAMS, ...params };
  const docs = sample(texts, p.maxTrainDocs, p.seed).map(termCounts);
  const { vocab, idf } = buildVocab(docs, p);
  const index = new Map(vocab.map((t, i) => [t, i]));
  const lens = docs.map((d) => [...d.values()].reduce((s, x) => s + x, 0));
  const avgLen = lens.reduce((s, x) => s + x, 0) / Math.max(1, docs.length);
  const rowPtr = new Int32Array(docs.length + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  docs.forEach((d, i) => {
    const row: [number, number][] = [];
    for (const [t, tf] of d) {
      const j = index.get(t);
      if (j !== undefined) row.push([j, termWeight(tf, lens[i], idf[j], p, avgLen)]);
    }
    // Unit rows keep long abstracts from dominating the directions the SVD finds.
    const norm = Math.hypot(...row.map(([, w]) => w)) || 1;
    row.sort((x, y) => x[0] - y[0]);
    for (const [j, w] of row) {
      cols.push(j);
      vals.push(w / norm);
    }
    rowPtr[i + 1] = cols.length;
  });
  const a: Csr = {
    rows: docs.length,
    cols: vocab.length,
    rowPtr,
    colIdx: Int32Array.from(cols),
    values: Float32Array.from(vals),
  };
  const svd = randomizedSvd(a, p.dims, { seed: p.seed, powerIters: p.powerIters });
  const vectors = new Float32Array(vocab.length * p.dims);
  for (let t = 0; t < vocab.length; t++)
    for (let c = 0; c < svd.k; c++)
      vectors[t * p.dims + c] = svd.v[t * svd.k + c] * svd.singular[c] ** -p.alpha;
  return { params: p, vocab, idf, vectors, avgLen };
}

/** Embeds one text as a unit vector; a text with no known term gets the zero vector. */
export function embedLsa(model: LsaModel, text: string, isQuery = false): Float32Array {
  const { dims } = model.params;
  const out = new Float32Array(dims);
  const index = termIndex(model);
  const counts = termCounts(text);
  let len = 0;
  for (const tf of counts.values()) len += tf;
  for (const [t, tf] of counts) {
    const j = index.get(t);
    if (j === undefined) continue;
    const w = termWeight(tf, len, model.idf[j], model.params, isQuery ? 0 : model.avgLen);
    const o = j * dims;
    for (let c = 0; c < dims; c++) out[c] += w * model.vectors[o + c];
  }
  let norm = 0;
  for (let c = 0; c < dims; c++) norm += out[c] * out[c];
  if (norm > 0) {
    const s = 1 / Math.sqrt(norm);
    for (let c = 0; c < dims; c++) out[c] *= s;
  }
  return out;
}
