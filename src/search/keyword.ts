import type { Queryable } from "../db/client.ts";
import { KeywordIndex } from "./keyword-index.ts";
import {
  paperTextsByIds,
  searchChangesSince,
  searchClockMs,
  searchDocsAfter,
  searchDocsByIds,
} from "./store.ts";
import { analyze, phraseTokens } from "./text.ts";
import type { ParsedQuery, SearchHit } from "./types.ts";

const LOAD_PAGE = 5000;
// Rows are read back this far behind the watermark, so a write whose transaction committed a
// little after a later one (modified_at is the transaction's start) is still picked up.
const OVERLAP_MS = 10_000;
// Phrases are verified on the stored text of the best candidates, at most this many.
export const PHRASE_CANDIDATES = 1000;
const PHRASE_BATCH = 200;
const REBUILD_DEAD_RATIO = 0.25;

/**
 * The per-process keyword index and its sync with the papers table (the search service owns one). Every search first asks
 * the database for rows changed since the watermark (an index range scan that is usually
 * empty), so a paper added or edited by any process is searchable on its next query. The
 * index is rebuilt from the table once a quarter of it is superseded versions, since dead
 * postings still weigh in df.
 */
export class KeywordSearcher {
  index = new KeywordIndex();
  /** The database time the last sync started: rows changed since (less the overlap) are re-checked. */
  private syncedAtMs = Number.NEGATIVE_INFINITY;
  private loaded = false;
  private running: Promise<void> | null = null;

  /** Brings the index up to date; concurrent callers share one sync. */
  sync(db: Queryable): Promise<void> {
    if (!this.running)
      this.running = this.syncOnce(db).finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async syncOnce(db: Queryable): Promise<void> {
    if (!this.loaded || (this.index.deadRatio > REBUILD_DEAD_RATIO && this.index.size > 1000)) {
      const started = await searchClockMs(db);
      const fresh = new KeywordIndex(this.index.params);
      let after = "";
      for (;;) {
        const docs = await searchDocsAfter(db, after, LOAD_PAGE);
        for (const d of docs) fresh.add(d);
        if (docs.length < LOAD_PAGE) break;
        after = docs[docs.length - 1].arxivId;
      }
      this.index = fresh;
      this.syncedAtMs = started;
      this.loaded = true;
    }
    // Only ids and times cross first; whole rows only for papers the index has not seen as they
    // are, so the overlap costs little even right after a bulk import.
    const now = await searchClockMs(db);
    const changes = await searchChangesSince(db, this.syncedAtMs - OVERLAP_MS);
    const stale = changes
      .filter((c) => this.index.modifiedMsOf(c.arxivId) !== c.modifiedMs)
      .map((c) => c.arxivId);
    for (let i = 0; i < stale.length; i += LOAD_PAGE)
      for (const d of await searchDocsByIds(db, stale.slice(i, i + LOAD_PAGE))) this.index.add(d);
    this.syncedAtMs = now;
  }
}

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
      matchedTerms: q.terms.filter((t) => index.contains(d.docId, t)),
      why: "keyword" as const,
    })),
  };
}
