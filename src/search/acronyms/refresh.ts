import type { Db } from "../../db/client.ts";
import { forEachSliced, yieldToEventLoop } from "../../event-loop.ts";
import { paperCount } from "../../papers/store.ts";
import { AcronymLearner } from "./learn.ts";
import { acronymRefreshState, paperTextsAfter, replaceAcronyms } from "./store.ts";

const PAGE = 2000;
const LEARN_SLICE = 100;
/** The corpus grows by this share before the pairs are learned again. */
const REFRESH_GROWTH = 0.1;

/** Learns the acronyms of every paper again and replaces the stored pairs (one transaction). */
export async function refreshAcronyms(
  db: Db,
  opts: { shouldStop?: () => boolean } = {},
): Promise<{ papers: number; pairs: number; ms: number } | null> {
  const started = performance.now();
  const learner = new AcronymLearner();
  let after = "";
  for (;;) {
    if (opts.shouldStop?.()) return null;
    const page = await paperTextsAfter(db, after, PAGE);
    await forEachSliced(page, LEARN_SLICE, (p) => learner.add(p.text));
    if (page.length < PAGE) break;
    after = page[page.length - 1].arxivId;
    // A long scan must not starve the event loop of a server.
    await yieldToEventLoop();
  }
  const pairs = learner.pairs();
  await replaceAcronyms(db, pairs, learner.papers);
  return { papers: learner.papers, pairs: pairs.length, ms: Math.round(performance.now() - started) };
}

/** Refreshes when nothing was learned yet or the corpus grew by REFRESH_GROWTH since. */
export async function refreshAcronymsIfGrown(
  db: Db,
  opts: { shouldStop?: () => boolean } = {},
): Promise<{ papers: number; pairs: number; ms: number } | null> {
  const [state, papers] = await Promise.all([acronymRefreshState(db), paperCount(db)]);
  if (papers === 0) return null;
  if (state && papers < state.corpusPapers * (1 + REFRESH_GROWTH) && papers >= state.corpusPapers)
    return null;
  return refreshAcronyms(db, opts);
}
