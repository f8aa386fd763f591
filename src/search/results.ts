import type { Queryable } from "../db/client.ts";
import { papersByIds } from "../papers/store.ts";
import type { Paper } from "../papers/types.ts";
import { highlightSpans, type Span, snippetSpans } from "./highlight.ts";
import type { SearchHit, SearchResult } from "./types.ts";

export interface HitWithPaper {
  paper: Paper;
  hit: SearchHit;
  /** The whole title and abstract, highlighted (the API's highlightedTitle / highlightedSummary). */
  title: Span[];
  summary: Span[];
  /** A window of the abstract around the matches, for result lists. */
  snippet: Span[];
}

/**
 * Loads the papers of a result page, in rank order, with their highlights. A hit whose paper
 * vanished between ranking and loading is dropped rather than shown empty.
 */
export async function hitsWithPapers(db: Queryable, result: SearchResult): Promise<HitWithPaper[]> {
  const papers = await papersByIds(
    db,
    result.hits.map((h) => h.arxivId),
  );
  const terms = result.query.terms;
  const phrases = result.query.phrases.map((p) => p.tokens);
  const out: HitWithPaper[] = [];
  for (const hit of result.hits) {
    const paper = papers.get(hit.arxivId);
    if (!paper) continue;
    out.push({
      paper,
      hit,
      title: highlightSpans(paper.title, terms, phrases),
      summary: highlightSpans(paper.abstract, terms, phrases),
      snippet: snippetSpans(paper.abstract, terms, phrases, 320),
    });
  }
  return out;
}
