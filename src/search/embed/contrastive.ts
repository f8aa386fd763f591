import type { LsaModel } from "./lsa.ts";
import { mulberry32 } from "./random.ts";
import { termCounts } from "./tokens.ts";

/**
 * Contrastive refinement of the built-in model's term vectors on the corpus itself. LSA places
 * words by co-occurrence, which BM25 already captures; what semantic search needs is that a
 * short text (a query) lands near the abstract it describes. Every paper supplies such pairs
 * for free: its title against its abstract, and each sentence of its abstract against the rest
 * of it. The term vectors start at LSA's and are trained with in-batch negatives (InfoNCE,
 * both directions): each short text must pick its own abstract among the batch's others.
 *
 * The embedding function does not change (a BM25-weighted sum of term vectors, normalised),
 * so a refined model is stored, loaded and applied exactly like an LSA one.
 */
export interface ContrastiveParams {
  epochs: number;
  batchSize: number;
  /** Softmax temperature over cosines. */
  temperature: number;
  /** Adagrad step, relative to the mean norm of the initial term vectors. */
  learningRate: number;
  /** Sentence↔rest pairs per paper and epoch (a seeded draw), besides the title pair. */
  sentencesPerPaper: number;
  /**
   * Papers it learns from at most (an even stride through the training sample). At 60,000 the
   * refinement alone took 564 CPU seconds (bench/builtin-train-time.ts), over the 10-minute
   * budget with LSA's 147; half of them keeps the whole job within it.
   */
  maxPapers: number;
  /**
   * Fill each batch with papers of one topic (spherical k-means over the current abstract
   * vectors, redone every epoch) instead of a random draw, so the in-batch negatives are the
   * near misses that a query must be told apart from (topic-aware sampling, as in TAS-B).
   */
  topicalBatches: boolean;
  seed: number;
}

export const DEFAULT_CONTRASTIVE: ContrastiveParams = {
  epochs: 3,
  batchSize: 256,
  temperature: 0.05,
  learningRate: 0.05,
  sentencesPerPaper: 2,
  maxPapers: 30_000,
  topicalBatches: false,
  seed: 42,
};

/** A text as model terms and their BM25 weights. */
interface Bag {
  terms: Int32Array;
  weights: Float32Array;
}

function weigh(
  model: LsaModel,
  counts: Map<string, number>,
  index: Map<string, number>,
  isQuery: boolean,
): Bag {
  const { k1, b } = model.params;
  let len = 0;
  for (const tf of counts.values()) len += tf;
  const norm = isQuery || model.avgLen <= 0 ? 1 : 1 - b + (b * len) / model.avgLen;
  const terms: number[] = [];
  const weights: number[] = [];
  for (const [t, tf] of counts) {
    const j = index.get(t);
    if (j === undefined || tf <= 0) continue;
    terms.push(j);
    weights.push((model.idf[j] * (tf * (k1 + 1))) / (tf + k1 * norm));
  }
  return { terms: Int32Array.from(terms), weights: Float32Array.from(weights) };
}

/** Sentences, split at end punctuation followed by a capital, digit or bracket. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z0-9(["])/)
    .map((s) => s.trim())
    .filter((s) => s.length >= 20);
}

function minus(a: Map<string, number>, b: Map<string, number>): Map<string, number> {
  const out = new Map(a);
  for (const [t, n] of b) {
    const left = (out.get(t) ?? 0) - n;
    if (left > 0) out.set(t, left);
    else out.delete(t);
  }
  return out;
}

interface Paper {
  title: Bag;
  abstract: Bag;
  /** Each sentence (query side) with the rest of the abstract (document side). */
  parts: [Bag, Bag][];
}

function preparePapers(model: LsaModel, papers: { title: string; abstract: string }[]): Paper[] {
  const index = new Map(model.vocab.map((t, i) => [t, i]));
  return papers.map((p) => {
    const whole = termCounts(p.abstract);
    const parts: [Bag, Bag][] = [];
    const ss = sentences(p.abstract);
    if (ss.length >= 3)
      for (const s of ss) {
        const own = termCounts(s);
        parts.push([weigh(model, own, index, true), weigh(model, minus(whole, own), index, false)]);
      }
    return {
      title: weigh(model, termCounts(p.title), index, true),
      abstract: weigh(model, whole, index, false),
      parts,
    };
  });
}

/** Unnormalised sum of term vectors into out (length dims); returns its norm. */
function sum(vectors: Float32Array, dims: number, bag: Bag, out: Float32Array): number {
  out.fill(0);
  for (let i = 0; i < bag.terms.length; i++) {
    const w = bag.weights[i];
    const o = bag.terms[i] * dims;
    for (let c = 0; c < dims; c++) out[c] += w * vectors[o + c];
  }
  let n = 0;
  for (let c = 0; c < dims; c++) n += out[c] * out[c];
  return Math.sqrt(n);
}

export interface ContrastiveReport {
  pairs: number;
  steps: number;
  /** Mean batch loss of the first and the last epoch. */
  lossFirst: number;
  lossLast: number;
}

/**
 * Refines `model.vectors` in place. Cost per step is about batch² · dims for the similarities
 * plus (terms per pair) · batch · dims for the sums and their gradients.
 */
export function refineContrastive(
  model: LsaModel,
  papers: { title: string; abstract: string }[],
  params: Partial<ContrastiveParams> = {},
): ContrastiveReport {
  const p = { ...DEFAULT_CONTRASTIVE, ...params };
  const dims = model.params.dims;
  const V = model.vectors;
  const vocabSize = model.vocab.length;
  const stride = Math.max(1, papers.length / p.maxPapers);
  const taken =
    stride === 1
      ? papers
      : Array.from({ length: Math.floor(papers.length / stride) }, (_, i) => papers[Math.floor(i * stride)]);
  const prepared = preparePapers(model, taken);
  const rand = mulberry32(p.seed ^ 0xc0de);

  let meanNorm = 0;
  for (let t = 0; t < vocabSize; t++) {
    let n = 0;
    for (let c = 0; c < dims; c++) n += V[t * dims + c] ** 2;
    meanNorm += Math.sqrt(n);
  }
  meanNorm /= Math.max(1, vocabSize);
  const lr = p.learningRate * meanNorm;
  // Adagrad with one accumulator per term (row): rare terms keep large steps, frequent ones settle.
  const accum = new Float32Array(vocabSize).fill(1e-8);
  const grad = new Float32Array(vocabSize * dims);
  const touched = new Uint8Array(vocabSize);
  const touchedList: number[] = [];

  const B = p.batchSize;
  const uq = new Float32Array(B * dims);
  const ud = new Float32Array(B * dims);
  const nq = new Float32Array(B);
  const nd = new Float32Array(B);
  const s = new Float64Array(B * B);
  const dS = new Float64Array(B * B);
  const gq = new Float32Array(dims);
  const gd = new Float32Array(dims);
  const tmp = new Float32Array(dims);
  const owners = new Int32Array(B);
  const inv = 1 / p.temperature;

  let steps = 0;
  let pairs = 0;
  let lossFirst = 0;
  let lossLast = 0;
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    const topic = p.topicalBatches ? topics(V, dims, prepared, p.batchSize, rand) : null;
    const epochPairs: Pair[] = [];
    prepared.forEach((paper, owner) => {
      if (paper.title.terms.length > 0 && paper.abstract.terms.length > 0)
        epochPairs.push({ query: paper.title, doc: paper.abstract, owner });
      for (let k = 0; k < Math.min(p.sentencesPerPaper, paper.parts.length); k++) {
        const [query, doc] = paper.parts[Math.floor(rand() * paper.parts.length)];
        if (query.terms.length > 0 && doc.terms.length > 0) epochPairs.push({ query, doc, owner });
      }
    });
    shuffle(epochPairs, rand);
    // A stable sort by topic keeps the shuffle inside each topic; topics follow one another in a
    // random order, so a batch that straddles two still holds near neighbours.
    if (topic) epochPairs.sort((x, y) => topic[x.owner] - topic[y.owner]);
    pairs += epochPairs.length;
    let lossSum = 0;
    let batches = 0;
    for (let at = 0; at + 2 <= epochPairs.length; at += B) {
      const batch = epochPairs.slice(at, at + B);
      const n = batch.length;
      if (n < 2) break;
      for (let i = 0; i < n; i++) {
        // In a random batch another pair of the same paper is rare and counts as a negative (the
        // measured version-2 model); topical batches hold them together, so they are left out.
        owners[i] = topic ? batch[i].owner : -1 - i;
        nq[i] = sum(V, dims, batch[i].query, tmp) || 1;
        for (let c = 0; c < dims; c++) uq[i * dims + c] = tmp[c] / nq[i];
        nd[i] = sum(V, dims, batch[i].doc, tmp) || 1;
        for (let c = 0; c < dims; c++) ud[i * dims + c] = tmp[c] / nd[i];
      }
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let d = 0;
          const qo = i * dims;
          const dof = j * dims;
          for (let c = 0; c < dims; c++) d += uq[qo + c] * ud[dof + c];
          s[i * n + j] = d * inv;
        }
      // dL/dS for both directions: rows (query picks its document) and columns.
      dS.fill(0, 0, n * n);
      const loss = softmaxCrossEntropy(s, dS, n, n, 1, owners) + softmaxCrossEntropy(s, dS, n, 1, n, owners);
      lossSum += loss / (2 * n);
      batches++;
      const scatter = (bag: Bag, g: Float32Array) => {
        for (let k = 0; k < bag.terms.length; k++) {
          const t = bag.terms[k];
          const w = bag.weights[k];
          if (!touched[t]) {
            touched[t] = 1;
            touchedList.push(t);
          }
          const o = t * dims;
          for (let c = 0; c < dims; c++) grad[o + c] += w * g[c];
        }
      };
      for (let i = 0; i < n; i++) {
        // Through the cosine: g = (I − u uᵀ) · dL/du / |sum|.
        gq.fill(0);
        gd.fill(0);
        for (let j = 0; j < n; j++) {
          const a = dS[i * n + j] * inv;
          const b = dS[j * n + i] * inv;
          const dof = j * dims;
          const qo = j * dims;
          for (let c = 0; c < dims; c++) {
            gq[c] += a * ud[dof + c];
            gd[c] += b * uq[qo + c];
          }
        }
        project(gq, uq, i * dims, dims, nq[i]);
        project(gd, ud, i * dims, dims, nd[i]);
        scatter(batch[i].query, gq);
        scatter(batch[i].doc, gd);
      }
      for (const t of touchedList) {
        const o = t * dims;
        let g2 = 0;
        for (let c = 0; c < dims; c++) g2 += grad[o + c] * grad[o + c];
        accum[t] += g2 / dims;
        const step = lr / Math.sqrt(accum[t]);
        for (let c = 0; c < dims; c++) {
          V[o + c] -= step * grad[o + c];
          grad[o + c] = 0;
        }
        touched[t] = 0;
      }
      touchedList.length = 0;
      steps++;
    }
    const epochLoss = batches ? lossSum / batches : 0;
    if (epoch === 0) lossFirst = epochLoss;
    lossLast = epochLoss;
  }
  return { pairs, steps, lossFirst, lossLast };
}

function project(g: Float32Array, u: Float32Array, o: number, dims: number, norm: number): void {
  let dot = 0;
  for (let c = 0; c < dims; c++) dot += g[c] * u[o + c];
  for (let c = 0; c < dims; c++) g[c] = (g[c] - dot * u[o + c]) / norm;
}

/**
 * Cross-entropy of picking the diagonal in each line of the n × n matrix s (a row when
 * `lineStride` is n and `itemStride` 1, a column the other way round); adds its gradient, over
 * n lines, into dS and returns the summed loss. Items with the same owner as the line's own
 * (other pairs of its paper, whose text overlaps the positive) are left out of the softmax.
 */
function softmaxCrossEntropy(
  s: Float64Array,
  dS: Float64Array,
  n: number,
  lineStride: number,
  itemStride: number,
  owners: Int32Array,
): number {
  let loss = 0;
  for (let line = 0; line < n; line++) {
    const o = line * lineStride;
    const counts = (k: number) => k === line || owners[k] !== owners[line];
    let max = -Infinity;
    for (let k = 0; k < n; k++) if (counts(k)) max = Math.max(max, s[o + k * itemStride]);
    let z = 0;
    for (let k = 0; k < n; k++) if (counts(k)) z += Math.exp(s[o + k * itemStride] - max);
    loss += -(s[o + line * itemStride] - max - Math.log(z));
    for (let k = 0; k < n; k++) {
      if (!counts(k)) continue;
      const at = o + k * itemStride;
      dS[at] += (Math.exp(s[at] - max) / z - (k === line ? 1 : 0)) / n;
    }
  }
  return loss;
}

interface Pair {
  query: Bag;
  doc: Bag;
  /** Index of the paper both texts come from. */
  owner: number;
}

function shuffle<T>(items: T[], rand: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

const KMEANS_ROUNDS = 4;

/**
 * A topic number per paper: spherical k-means of the abstracts' current vectors, with about one
 * batch of papers per topic, the topics numbered in a random order. Cost per round is
 * papers · topics · dims (under 1 G multiply-adds at 30,000 papers and batches of 256).
 */
function topics(
  V: Float32Array,
  dims: number,
  papers: Paper[],
  batchSize: number,
  rand: () => number,
): Int32Array {
  const n = papers.length;
  const k = Math.max(1, Math.round(n / batchSize));
  const x = new Float32Array(n * dims);
  const tmp = new Float32Array(dims);
  papers.forEach((paper, i) => {
    const norm = sum(V, dims, paper.abstract, tmp) || 1;
    for (let c = 0; c < dims; c++) x[i * dims + c] = tmp[c] / norm;
  });
  const centres = new Float32Array(k * dims);
  for (let j = 0; j < k; j++) {
    const from = Math.floor(rand() * n) * dims;
    centres.set(x.subarray(from, from + dims), j * dims);
  }
  const assign = new Int32Array(n);
  for (let round = 0; round < KMEANS_ROUNDS; round++) {
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestDot = -Infinity;
      for (let j = 0; j < k; j++) {
        let d = 0;
        for (let c = 0; c < dims; c++) d += x[i * dims + c] * centres[j * dims + c];
        if (d > bestDot) {
          bestDot = d;
          best = j;
        }
      }
      assign[i] = best;
    }
    centres.fill(0);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < dims; c++) centres[assign[i] * dims + c] += x[i * dims + c];
    for (let j = 0; j < k; j++) {
      let norm = 0;
      for (let c = 0; c < dims; c++) norm += centres[j * dims + c] ** 2;
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let c = 0; c < dims; c++) centres[j * dims + c] *= scale;
    }
  }
  const order = Array.from({ length: k }, (_, j) => j);
  shuffle(order, rand);
  const rank = new Int32Array(k);
  order.forEach((j, r) => {
    rank[j] = r;
  });
  return assign.map((j) => rank[j]);
}
