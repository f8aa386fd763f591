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
  const kw = sparseDot(a.keywords, b.keywords);
  if (!a.dense || !b.dense) return kw;
  return denseShare * dot(a.dense, b.dense) + (1 - denseShare) * kw;
}
