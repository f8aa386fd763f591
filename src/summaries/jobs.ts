import type { Queryable } from "../db/client.ts";
import { yieldToEventLoop } from "../event-loop.ts";
import { KeywordSearcher } from "../search/keyword-searcher.ts";
import { type CorpusStats, extract } from "./extract.ts";
import { papersToSummarize, saveExtracted } from "./store.ts";

const BATCH = 200;

/**
 * Corpus statistics from the process's keyword index (the same df that ranks searches): the
 * search service's searcher when given (the server), else one built for this run (the CLI).
 */
async function corpusStats(db: Queryable, keyword?: KeywordSearcher): Promise<CorpusStats> {
  const searcher = keyword ?? new KeywordSearcher();
  await searcher.sync(db);
  const index = searcher.index;
  return { docs: Math.max(1, index.size), docFreq: (t) => index.docFreq(t) };
}

/**
 * Gives every paper without HF's AI summary an extracted summary and keyphrases (a changed
 * paper gets new ones). Stops after `max` papers or when asked; returns how many it did.
 */
export async function summarizePending(
  db: Queryable,
  opts: {
    max?: number;
    shouldStop?: () => boolean;
    onProgress?: (done: number) => void;
    /** The search service's keyword searcher, so its index is not built twice. */
    keyword?: KeywordSearcher;
  } = {},
): Promise<number> {
  const max = opts.max ?? Number.POSITIVE_INFINITY;
  let corpus: CorpusStats | null = null;
  let done = 0;
  let after = "";
  while (done < max && !opts.shouldStop?.()) {
    const batch = await papersToSummarize(db, Math.min(BATCH, max - done), after);
    if (batch.length === 0) break;
    corpus ??= await corpusStats(db, opts.keyword);
    const stats = corpus;
    await saveExtracted(
      db,
      batch.map((p) => ({ arxivId: p.arxivId, hash: p.hash, ...extract(p.title, p.abstract, stats) })),
    );
    after = batch[batch.length - 1].arxivId;
    done += batch.length;
    opts.onProgress?.(done);
    await yieldToEventLoop();
  }
  return done;
}
