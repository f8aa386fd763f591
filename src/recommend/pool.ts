import { createRequire } from "node:module";
import { authorKey } from "../authors/names.ts";
import { bytesVector } from "../search/embedding-store.ts";
import { denseCentroid } from "./dense.ts";
import { type KeywordSpace, keywordVector, keywordVectors, paperKeywordText } from "./keywords.ts";
import { type SparseVector, sparseCentroid } from "./sparse.ts";
import type { CandidateRow } from "./store.ts";
import type { Features } from "./types.ts";

// usearch's ESM entry recurses forever on Node 20; its CommonJS build works.
const usearch = createRequire(import.meta.url)("usearch") as typeof import("usearch");

/**
 * The papers a ranking may choose from, held in process as plain arrays: one row-major matrix
 * of the active model's unit vectors (zeros for a paper not yet embedded), keyword vectors in a
 * space learned from these papers, and author keys. Built once per window and shared by every
 * person's ranking (and by every digest of a run), so a ranking reads no paper from the database.
 */
export class CandidatePool {
  readonly ids: string[];
  readonly titles: string[];
  readonly matrix: Float32Array;
  readonly keywords: SparseVector[];
  readonly authorKeys: string[][];
  readonly space: KeywordSpace;
  /** The centroid of the whole pool: what is generic here rather than specific to an interest. */
  readonly background: Features;
  private readonly slot = new Map<string, number>();

  constructor(
    readonly dims: number,
    rows: CandidateRow[],
  ) {
    this.ids = rows.map((r) => r.arxivId);
    this.titles = rows.map((r) => r.title);
    const texts = rows.map((r) => paperKeywordText(r.title, r.abstract));
    const kw = keywordVectors(texts);
    this.space = kw.space;
    this.keywords = kw.vectors;
    this.authorKeys = rows.map((r) => r.authorNames.map(authorKey).filter(Boolean));
    this.matrix = new Float32Array(rows.length * dims);
    const dense: { vector: Float32Array; weight: number }[] = [];
    rows.forEach((r, i) => {
      this.slot.set(r.arxivId, i);
      if (!r.vector || dims === 0) return;
      const v = bytesVector(r.vector);
      if (v.length !== dims) return;
      this.matrix.set(v, i * dims);
      dense.push({ vector: v, weight: 1 });
    });
    this.background = {
      dense: denseCentroid(dense),
      keywords: sparseCentroid(
        this.keywords.map((k) => ({ vector: k, weight: 1 })),
        1000,
      ),
    };
  }

  get size(): number {
    return this.ids.length;
  }

  indexOf(id: string): number | undefined {
    return this.slot.get(id);
  }

  features(i: number): Features {
    const dense = this.dims > 0 ? this.matrix.subarray(i * this.dims, (i + 1) * this.dims) : null;
    return { dense: dense?.some((x) => x !== 0) ? dense : null, keywords: this.keywords[i] };
  }

  /** Features of a paper outside the pool (an old positive), in the pool's keyword space. */
  outsideFeatures(text: string, vector: Float32Array | null): Features {
    return {
      dense: vector && vector.length === this.dims ? vector : null,
      keywords: keywordVector(this.space, text),
    };
  }

  /**
   * The `perQuery` nearest pool papers to each query vector, by exact inner product (usearch's
   * SIMD scan: a JavaScript loop is ten times slower at 100k × 256). Returns pool indices.
   */
  nearest(queries: Float32Array[], perQuery: number): Set<number> {
    const out = new Set<number>();
    if (queries.length === 0 || this.size === 0 || this.dims === 0) return out;
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
