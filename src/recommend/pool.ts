import { createRequire } from "node:module";
import { authorKey } from "../authors/names.ts";
import { siftDown, siftUp } from "../heap.ts";
import { bytesVector } from "../search/embedding-store.ts";
import {
  DEFAULT_KEYWORD_OPTIONS,
  isCommonWord,
  type KeywordDoc,
  type KeywordOptions,
  type KeywordSpace,
  keywordVector,
  keywordVectors,
} from "./keywords.ts";
import { PostingsKernel, SimdMatrix } from "./simd.ts";
import type { SparseVector } from "./sparse.ts";
import type { Features } from "./types.ts";

// usearch's ESM entry recurses forever on Node 20; its CommonJS build works.
const usearch = createRequire(import.meta.url)("usearch") as typeof import("usearch");

/** A paper as the pool takes it in: its text, authors and (when embedded) its unit vector. */
export interface PoolPaper {
  arxivId: string;
  title: string;
  abstract: string;
  authorNames: string[];
  vector: Float32Array | Uint8Array | null;
}

/** A linear scorer in the pool's own feature space: keyword ids and the embedding's dimensions. */
export interface PoolWeights {
  bias: number;
  /** Weights on the unit embedding; null scores by keywords alone. */
  dense: Float32Array | null;
  termIds: Uint32Array;
  termWeights: Float32Array;
}

/**
 * The papers a ranking may choose from, held in process in flat typed arrays: one row-major
 * matrix of the active model's unit vectors (zeros for a paper not yet embedded), the keyword
 * vectors in compressed rows (a space learned from these papers) and, built on first use, the
 * same entries by term (postings). Built once per window and shared by every person's ranking
 * (and by every digest of a run), so a ranking reads no paper from the database, and scoring
 * every paper is one pass over the matrix plus the postings of the model's terms.
 */
export class CandidatePool {
  readonly ids: string[];
  readonly titles: string[];
  readonly matrix: Float32Array;
  readonly authorKeys: string[][];
  readonly space: KeywordSpace;
  /** Term of each keyword id. */
  readonly vocab: string[];
  /** Keyword id by term key (termKey): a stored model's terms are keys, found with one probe each. */
  private readonly keys: TermKeyTable;
  private readonly rowStart: Uint32Array;
  private readonly rowIdx: Uint32Array;
  private readonly rowVal: Float32Array;
  private readonly embedded: Uint8Array;
  /** The matrix's home when the runtime has WebAssembly SIMD: scoring every row is one kernel call. */
  private readonly simd: SimdMatrix | null;
  private postings: {
    start: Uint32Array;
    doc: Uint32Array;
    val: Float32Array;
    kernel: PostingsKernel | null;
  } | null = null;
  private readonly slot = new Map<string, number>();
  private byAuthor: Map<string, number[]> | null = null;
  private scratch: { scores: Float32Array } | null = null;
  /** weightTable's arrays, kept for the next call. */
  private weightSlots: { ids: Int32Array; weights: Float64Array } | null = null;

  constructor(
    readonly dims: number,
    rows: PoolPaper[],
    keywordOptions: KeywordOptions = DEFAULT_KEYWORD_OPTIONS,
  ) {
    this.ids = rows.map((r) => r.arxivId);
    this.titles = rows.map((r) => r.title);
    const kw = keywordVectors(rows, keywordOptions);
    this.space = kw.space;
    this.vocab = new Array<string>(kw.space.terms.size);
    for (const [term, id] of kw.space.terms) this.vocab[id] = term;
    this.keys = new TermKeyTable(this.vocab);
    this.rowStart = new Uint32Array(rows.length + 1);
    kw.vectors.forEach((v, i) => {
      this.rowStart[i + 1] = this.rowStart[i] + v.idx.length;
    });
    this.rowIdx = new Uint32Array(this.rowStart[rows.length]);
    this.rowVal = new Float32Array(this.rowIdx.length);
    kw.vectors.forEach((v, i) => {
      this.rowIdx.set(v.idx, this.rowStart[i]);
      this.rowVal.set(v.val, this.rowStart[i]);
    });
    this.authorKeys = rows.map((r) => r.authorNames.map(authorKey).filter(Boolean));
    this.simd = SimdMatrix.create(rows.length, dims);
    this.matrix = this.simd?.matrix ?? new Float32Array(rows.length * dims);
    this.embedded = new Uint8Array(rows.length);
    rows.forEach((r, i) => {
      this.slot.set(r.arxivId, i);
      if (!r.vector || dims === 0) return;
      const v = r.vector instanceof Float32Array ? r.vector : bytesVector(r.vector);
      if (v.length !== dims) return;
      this.matrix.set(v, i * dims);
      this.embedded[i] = 1;
    });
    this.simd?.quantize();
  }

  /** Whether a word names no subject among these papers (for interests' names). */
  isCommonWord(word: string): boolean {
    return isCommonWord(this.space, word);
  }

  get size(): number {
    return this.ids.length;
  }

  /** The keyword id of a term key (termKey), or -1 when no paper of the pool has the term. */
  termIdOfKey(key: number): number {
    return this.keys.get(key);
  }

  /** The key of the term with this keyword id. */
  termKeyOf(id: number): number {
    return this.keys.keyOf(id);
  }

  indexOf(id: string): number | undefined {
    return this.slot.get(id);
  }

  /** Pool indices of the papers with this author key (an index built on first use). */
  papersBy(key: string): number[] {
    if (!this.byAuthor) {
      const m = new Map<string, number[]>();
      this.authorKeys.forEach((keys, i) => {
        for (const k of keys) {
          const list = m.get(k);
          if (list) list.push(i);
          else m.set(k, [i]);
        }
      });
      this.byAuthor = m;
    }
    return this.byAuthor.get(key) ?? [];
  }

  keywords(i: number): SparseVector {
    const a = this.rowStart[i];
    const b = this.rowStart[i + 1];
    return { idx: this.rowIdx.subarray(a, b), val: this.rowVal.subarray(a, b) };
  }

  features(i: number): Features {
    const dense = this.embedded[i] ? this.matrix.subarray(i * this.dims, (i + 1) * this.dims) : null;
    return { dense, keywords: this.keywords(i) };
  }

  /** Features of a paper outside the pool (an old positive), in the pool's keyword space. */
  outsideFeatures(doc: KeywordDoc, vector: Float32Array | null): Features {
    return {
      dense: vector && vector.length === this.dims ? vector : null,
      keywords: keywordVector(this.space, doc),
    };
  }

  /**
   * Every paper's score under linear weights: the bias, each weighted term's postings added in,
   * then one dot product per matrix row (the SIMD kernel, else four accumulators). Terms not in
   * the model cost nothing.
   */
  scoreAll(w: PoolWeights): Float32Array {
    const out = this.keywordScores(w, new Float32Array(this.size));
    const q = this.denseWeights(w);
    if (q && this.simd) {
      const dots = this.simd.dotsWith([q]);
      for (let r = 0; r < this.size; r++) out[r] += dots[r];
    } else if (q) for (let r = 0; r < this.size; r++) out[r] += this.denseDot(r, q);
    return out;
  }

  /**
   * The `k` best papers under linear weights (plus `extra` per paper), best first, with their
   * scores: exactly those of scoreAll. The embedding's part is first taken from the int8 rows
   * (a quarter of the bytes to read) with a bound on each row's error; only the rows whose best
   * case reaches the k-th best worst case are then scored exactly, a few hundred of 100k.
   */
  topScored(
    w: PoolWeights,
    k: number,
    extra?: Map<number, number>,
    skip?: (i: number) => boolean,
  ): { index: number; score: number }[] {
    const s = this.scratchArrays();
    const scores = this.keywordScores(w, s.scores);
    if (extra) for (const [i, b] of extra) scores[i] += b;
    const q = this.denseWeights(w);
    if (q && this.simd?.approximate([q])) {
      const best = this.refine(scores, q, 0, k, skip);
      if (best) return best;
    }
    if (q && this.simd) {
      const dots = this.simd.dotsWith([q]);
      for (let r = 0; r < this.size; r++) scores[r] += dots[r];
    } else if (q) for (let r = 0; r < this.size; r++) scores[r] += this.denseDot(r, q);
    return topIndices(scores, k, skip).map((i) => ({ index: i, score: scores[i] }));
  }

  /**
   * The exact top `k` of `base` plus the rows' products with `q` (a null base is zero): the rows
   * the last int8 pass's bounds leave as candidates (its query number `query`), each scored
   * exactly. Null when the bounds leave too many rows to rescore one by one.
   */
  private refine(
    base: Float32Array | null,
    q: Float32Array,
    query: number,
    k: number,
    skip?: (i: number) => boolean,
  ): { index: number; score: number }[] | null {
    const rows = this.simd?.candidates(query, k, base, MAX_RESCORED, skip);
    if (!rows) return null;
    const scored = new Array<{ index: number; score: number }>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      scored[i] = { index: r, score: (base ? base[r] : 0) + this.denseDot(r, q) };
    }
    return scored.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, k);
  }

  /** Per-request arrays of the pool's length, allocated once: scoring runs start to end without awaiting. */
  private scratchArrays() {
    this.scratch ??= {
      // The postings kernel adds into its own array: scoring then copies nothing.
      scores: this.termPostings().kernel?.scores ?? new Float32Array(this.size),
    };
    return this.scratch;
  }

  /** Some papers' scores under linear weights, one by one (a few hundred at most). */
  scoreSome(w: PoolWeights, indices: number[]): number[] {
    const q = this.denseWeights(w);
    const weightOf = this.weightTable(w);
    return indices.map((i) => {
      let s = w.bias + (q ? this.denseDot(i, q) : 0);
      for (let k = this.rowStart[i], end = this.rowStart[i + 1]; k < end; k++)
        s += weightOf(this.rowIdx[k]) * this.rowVal[k];
      return s;
    });
  }

  /**
   * The weight of each of the model's terms by keyword id (0 for another term; a term given
   * twice keeps its last weight, as a Map would): open addressing over two typed arrays of a few
   * times the model's terms, which stay in the cache, where a Map of 3,000 entries cost ms to
   * build and a vocabulary-long array a cache miss per term.
   */
  private weightTable(w: PoolWeights): (id: number) => number {
    let size = 16;
    while (size < 2 * w.termIds.length) size *= 2;
    if (!this.weightSlots || this.weightSlots.ids.length < size)
      this.weightSlots = { ids: new Int32Array(size), weights: new Float64Array(size) };
    const ids = this.weightSlots.ids.subarray(0, size).fill(-1);
    const weights = this.weightSlots.weights;
    const mask = size - 1;
    for (let k = 0; k < w.termIds.length; k++) {
      const id = w.termIds[k];
      let at = Math.imul(id, 0x9e3779b1) >>> 0;
      for (at &= mask; ids[at] !== -1 && ids[at] !== id; at = (at + 1) & mask);
      ids[at] = id;
      weights[at] = w.termWeights[k];
    }
    return (id) => {
      let at = (Math.imul(id, 0x9e3779b1) >>> 0) & mask;
      for (;;) {
        const here = ids[at];
        if (here === id) return weights[at];
        if (here === -1) return 0;
        at = (at + 1) & mask;
      }
    };
  }

  private denseWeights(w: PoolWeights): Float32Array | null {
    return w.dense && w.dense.length === this.dims && this.dims > 0 ? w.dense : null;
  }

  private keywordScores(w: PoolWeights, out: Float32Array): Float32Array {
    const p = this.termPostings();
    if (p.kernel) {
      // The same sums, term by term in the same order, in WebAssembly.
      const scores = p.kernel.scores.fill(w.bias);
      for (let t = 0; t < w.termIds.length; t++) {
        const id = w.termIds[t];
        p.kernel.addTerm(p.start[id], p.start[id + 1], w.termWeights[t]);
      }
      if (out !== scores) out.set(scores);
      return out;
    }
    out.fill(w.bias);
    for (let t = 0; t < w.termIds.length; t++) {
      const id = w.termIds[t];
      const wt = w.termWeights[t];
      for (let k = p.start[id], end = p.start[id + 1]; k < end; k++) out[p.doc[k]] += wt * p.val[k];
    }
    return out;
  }

  private denseDot(r: number, q: Float32Array): number {
    const d = this.dims;
    const m = this.matrix;
    const o = r * d;
    const d4 = d - (d % 4);
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < d4; j += 4) {
      s0 += m[o + j] * q[j];
      s1 += m[o + j + 1] * q[j + 1];
      s2 += m[o + j + 2] * q[j + 2];
      s3 += m[o + j + 3] * q[j + 3];
    }
    for (; j < d; j++) s0 += m[o + j] * q[j];
    return s0 + s1 + s2 + s3;
  }

  /** The keyword entries by term, built once (the rows transposed). */
  private termPostings() {
    if (this.postings) return this.postings;
    const terms = this.vocab.length;
    const start = new Uint32Array(terms + 1);
    for (const id of this.rowIdx) start[id + 1]++;
    for (let t = 0; t < terms; t++) start[t + 1] += start[t];
    const fill = start.slice(0, terms);
    const kernel = PostingsKernel.create(this.size, this.rowIdx.length);
    const doc = kernel?.doc ?? new Uint32Array(this.rowIdx.length);
    const val = kernel?.val ?? new Float32Array(this.rowIdx.length);
    for (let i = 0; i < this.size; i++)
      for (let k = this.rowStart[i]; k < this.rowStart[i + 1]; k++) {
        const at = fill[this.rowIdx[k]]++;
        doc[at] = i;
        val[at] = this.rowVal[k];
      }
    this.postings = { start, doc, val, kernel };
    return this.postings;
  }

  /**
   * The `perQuery` nearest pool papers to each query vector, by exact inner product: the SIMD
   * kernel's one pass over the rows for all the queries, else usearch's scan. Returns pool indices.
   */
  nearest(queries: Float32Array[], perQuery: number): Set<number> {
    const out = new Set<number>();
    if (queries.length === 0 || this.size === 0 || this.dims === 0) return out;
    if (this.simd) {
      const exactly: Float32Array[] = [];
      for (let from = 0; from < queries.length; from += SimdMatrix.MAX_QUERIES) {
        const batch = queries.slice(from, from + SimdMatrix.MAX_QUERIES);
        if (!this.simd.approximate(batch)) {
          exactly.push(...batch);
          continue;
        }
        batch.forEach((q, k) => {
          const best = this.refine(null, q, k, perQuery);
          if (best) for (const b of best) out.add(b.index);
          else exactly.push(q);
        });
      }
      for (let from = 0; from < exactly.length; from += SimdMatrix.MAX_QUERIES) {
        const batch = exactly.slice(from, from + SimdMatrix.MAX_QUERIES);
        const dots = this.simd.dotsWith(batch);
        for (let k = 0; k < batch.length; k++)
          for (const i of topIndices(dots, perQuery, undefined, batch.length, k)) out.add(i);
      }
      return out;
    }
    const q = new Float32Array(queries.length * this.dims);
    for (const [i, v] of queries.entries()) q.set(v, i * this.dims);
    const k = Math.min(perQuery, this.size);
    const m = usearch.exactSearch(this.matrix, q, this.dims, k, usearch.MetricKind.IP) as unknown as {
      keys: BigUint64Array;
    };
    for (const key of m.keys) out.add(Number(key));
    return out;
  }
}

/**
 * A term's key, the same in every pool and process: 52 bits of two FNV-1a hashes of its UTF-16
 * code units, exact in a double. Two of a pool's millions of terms share one with a chance of
 * about n² / 2⁵³ (10⁻³ at three million), where the 32 bits of one hash would collide by the thousand.
 */
export function termKey(term: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ term.length;
  for (let i = 0; i < term.length; i++) {
    const c = term.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (b >>> 12) * 2 ** 32 + (a >>> 0);
}

/**
 * Keyword ids by term key: open addressing over two typed arrays, so a look-up is a probe or two
 * where a Map of millions of strings hashes the string and chases pointers across the heap.
 */
class TermKeyTable {
  private readonly slots: Float64Array;
  private readonly ids: Int32Array;
  private readonly byId: Float64Array;
  private readonly mask: number;

  constructor(vocab: string[]) {
    let size = 16;
    while (size < vocab.length * 1.5) size *= 2;
    this.mask = size - 1;
    this.slots = new Float64Array(size);
    this.ids = new Int32Array(size).fill(-1);
    this.byId = new Float64Array(vocab.length);
    vocab.forEach((term, id) => {
      const key = termKey(term);
      this.byId[id] = key;
      let at = (key >>> 0) & this.mask;
      while (this.ids[at] !== -1) at = (at + 1) & this.mask;
      this.slots[at] = key;
      this.ids[at] = id;
    });
  }

  get(key: number): number {
    // `>>> 0` is the key's low 32 bits (ToUint32 of an integer below 2⁵³): the slot `key % 2 ** 32`
    // gave, at a fifth of the cost (a double's modulo), for each of a stored model's 3,000 terms.
    let at = (key >>> 0) & this.mask;
    for (;;) {
      const id = this.ids[at];
      if (id === -1 || this.slots[at] === key) return id;
      at = (at + 1) & this.mask;
    }
  }

  keyOf(id: number): number {
    return this.byId[id];
  }
}

/** Past this many rows to rescore exactly, the exact kernel pass is cheaper. */
const MAX_RESCORED = 20_000;

/**
 * Indices of the `k` highest scores, best first (ties: the lower index): one pass with a min-heap
 * of size k, where a score below the heap's worst costs one comparison. `stride` and `offset`
 * read one column of an interleaved array (the kernel's products with several queries).
 */
function topIndices(
  scores: Float32Array,
  k: number,
  skip?: (i: number) => boolean,
  stride = 1,
  offset = 0,
): number[] {
  const n = Math.floor(scores.length / stride);
  const at = (i: number) => scores[i * stride + offset];
  const heap: number[] = [];
  if (k <= 0) return heap;
  const worse = (a: number, b: number) => at(a) < at(b) || (at(a) === at(b) && a > b);
  let floor = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const s = scores[i * stride + offset];
    // Indices rise, so a tie with the heap's worst never displaces it.
    if (heap.length === k && !(s > floor)) continue;
    if (skip?.(i)) continue;
    if (heap.length < k) {
      heap.push(i);
      siftUp(heap, heap.length - 1, worse);
    } else {
      heap[0] = i;
      siftDown(heap, 0, worse);
    }
    if (heap.length === k) floor = at(heap[0]);
  }
  return heap.sort((a, b) => at(b) - at(a) || a - b);
}
