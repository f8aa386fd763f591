import type { Queryable } from "../db/client.ts";
import { EXPANSION_WEIGHT } from "./acronyms/expand.ts";
import type { KeywordSearcher } from "./keyword-searcher.ts";
import { paperTextsByIds } from "./store.ts";
import { analyze, isDisplayStopTerm, phraseTokens } from "./text.ts";
import type { ParsedQuery, SearchHit } from "./types.ts";

// Phrases are verified on the stored text of the best candidates, at most this many.
const PHRASE_CANDIDATES = 1000;
const PHRASE_BATCH = 200;

function containsSequence(haystack: string[], needle: string[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

export interface KeywordPage {
  total: number;
  hits: SearchHit[];
}

/** Ranks papers for a parsed query; `k` is how many of the best to return. */
export async function keywordSearch(
  db: Queryable,
  searcher: KeywordSearcher,
  q: ParsedQuery,
  k: number,
): Promise<KeywordPage> {
  const index = searcher.index;
  const ranked = index.rank({
    terms: q.terms,
    required: q.phrases.flatMap((p) => analyze(p.text)),
    excluded: q.excluded,
    authorTerms: q.filters.authors.map((a) => analyze(a)).filter((w) => w.length > 0),
    categories: q.filters.categories,
    after: q.filters.after,
    before: q.filters.before,
    k: q.phrases.length > 0 ? PHRASE_CANDIDATES : k,
    weights: new Map(q.expansions.flatMap((e) => e.terms.map((t) => [t, EXPANSION_WEIGHT] as const))),
  });
  let docs = ranked.docs;
  let total = ranked.total;
  if (q.phrases.length > 0) {
    // Verify in batches, best first, and stop once a page is full: a common phrase costs a
    // batch or two, not all candidates. The count beyond what was checked is extrapolated.
    const verified: typeof docs = [];
    let checked = 0;
    while (checked < docs.length && verified.length < k) {
      const batch = docs.slice(checked, checked + PHRASE_BATCH);
      checked += batch.length;
      const texts = await paperTextsByIds(
        db,
        batch.map((d) => d.arxivId),
      );
      for (const d of batch) {
        const t = texts.get(d.arxivId);
        if (!t) continue;
        const fields = [t.title, t.abstract, t.authors].map(phraseTokens);
        if (q.phrases.every((p) => fields.some((f) => containsSequence(f, p.tokens)))) verified.push(d);
      }
    }
    total =
      checked === ranked.total
        ? verified.length
        : Math.round((verified.length / Math.max(1, checked)) * ranked.total);
    docs = verified.slice(0, k);
  }
  return {
    total,
    hits: docs.map((d) => ({
      arxivId: d.arxivId,
      score: d.score,
      matchedTerms: q.terms.filter((t) => !isDisplayStopTerm(t) && index.contains(d.docId, t)),
      why: "keyword" as const,
    })),
  };
}
