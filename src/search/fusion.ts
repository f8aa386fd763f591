/**
 * Reciprocal-rank fusion (Cormack, Clarke & Büttcher 2009) of the keyword and the semantic
 * ranking, weighted: score(d) = wk / (k + rank_kw(d)) + ws / (k + rank_sem(d)), ranks from 1,
 * a missing rank contributing nothing. Ranks rather than scores, because BM25 and cosine live
 * on unrelated scales. The constants were tuned on SciFact's train split only
 * (bench/scifact.ts --tune); the test split is reported, never tuned on.
 */
export interface FusionParams {
  k: number;
  keywordWeight: number;
  semanticWeight: number;
  /** How many of each ranking take part. */
  depth: number;
}

export const DEFAULT_FUSION: FusionParams = { k: 60, keywordWeight: 1, semanticWeight: 1, depth: 200 };

export interface Fused {
  arxivId: string;
  score: number;
  keywordRank: number | null;
  semanticRank: number | null;
}

export function fuseRankings(keyword: string[], semantic: string[], p: FusionParams = DEFAULT_FUSION): Fused[] {
  const byId = new Map<string, Fused>();
  const take = (ids: string[], weight: number, field: "keywordRank" | "semanticRank") => {
    ids.slice(0, p.depth).forEach((id, i) => {
      let f = byId.get(id);
      if (!f) {
        f = { arxivId: id, score: 0, keywordRank: null, semanticRank: null };
        byId.set(id, f);
      }
      if (f[field] !== null) return;
      f[field] = i + 1;
      f.score += weight / (p.k + i + 1);
    });
  };
  take(keyword, p.keywordWeight, "keywordRank");
  take(semantic, p.semanticWeight, "semanticRank");
  // Ties (same ranks mirrored) go to the keyword side, then to the id, so order is stable.
  return [...byId.values()].sort(
    (a, b) =>
      b.score - a.score ||
      (a.keywordRank ?? Number.MAX_SAFE_INTEGER) - (b.keywordRank ?? Number.MAX_SAFE_INTEGER) ||
      (a.arxivId < b.arxivId ? -1 : 1),
  );
}
