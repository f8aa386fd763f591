import { dot } from "../search/embed/vectors.ts";
import { sparseDot } from "./sparse.ts";
import type { Features } from "./types.ts";

/**
 * How alike two papers are: a blend of the embedding cosine and the keyword cosine. Embeddings
 * find papers that share meaning but not words; keywords keep the specific terms (a method's
 * name, an organism) that a low-dimensional embedding blurs. Without an embedding on either side
 * the keyword cosine alone is used.
 */
const DENSE_SHARE = 0.5;

export function similarity(a: Features, b: Features, denseShare = DENSE_SHARE): number {
  return similarityWith(a, b, sparseDot(a.keywords, b.keywords), denseShare);
}

/** similarity with the keyword cosine already worked out (`kw`: sparseDot of their keywords). */
export function similarityWith(a: Features, b: Features, kw: number, denseShare = DENSE_SHARE): number {
  if (!a.dense || !b.dense) return kw;
  return denseShare * dot(a.dense, b.dense) + (1 - denseShare) * kw;
}
