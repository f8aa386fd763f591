import { sentences } from "./contrastive.ts";
import { dot } from "./vectors.ts";

/**
 * Passage scoring for semantic search. A paper's vector sums all of its abstract, so a query
 * that restates one of its findings is diluted by the rest; SciFact's claims are such queries
 * (each was written from one supporting sentence). Scoring the nearest papers again by
 * `(1 − γ) · cos(q, paper) + γ · max cos(q, title or sentence)` lifted semantic-only nDCG@10 on
 * SciFact's TRAIN split from 0.593 to 0.613 at γ = 0.5 (0.3 → 0.612, 0.75 → 0.605; in memory,
 * bench/hybrid-fusion.ts --sentences; bench/results/scifact.md). Hybrid ranking gains at most
 * 0.003 from it on train, within noise, so only semantic mode uses it.
 */
const PASSAGE_WEIGHT = 0.5;
/** How many of the nearest papers are scored again: their texts are read and split per query. */
export const PASSAGE_DEPTH = 100;

/** For each paper, the best cosine of `query` (a unit vector) with its title or one of its sentences. */
export function bestPassageCosines(
  query: Float32Array,
  papers: { title: string; abstract: string }[],
  embed: (text: string) => Float32Array,
): number[] {
  return papers.map((p) => {
    let best = -1;
    for (const passage of [p.title, ...sentences(p.abstract)])
      best = Math.max(best, dot(query, embed(passage)));
    return best;
  });
}

/**
 * Re-sorts `hits` (nearest first, cosine scores) by the passage-weighted score, the first
 * PASSAGE_DEPTH of them; the rest keep their order after those. `passage` holds the best passage
 * cosine of each scored hit; a hit without one (its paper was deleted meanwhile) keeps its score.
 */
export function rescoreByPassages<H extends { arxivId: string; score: number }>(
  hits: H[],
  passage: Map<string, number>,
  weight = PASSAGE_WEIGHT,
): H[] {
  const head = hits.slice(0, PASSAGE_DEPTH).map((h) => {
    const best = passage.get(h.arxivId);
    return best === undefined ? h : { ...h, score: (1 - weight) * h.score + weight * best };
  });
  head.sort((a, b) => b.score - a.score || (a.arxivId < b.arxivId ? -1 : 1));
  return [...head, ...hits.slice(PASSAGE_DEPTH)];
}
