import type { Queryable } from "../db/client.ts";
import { papersByIds } from "../papers/store.ts";
import type { Paper } from "../papers/types.ts";
import type { SearchService } from "../search/service.ts";
import type { SearchMode } from "../search/types.ts";

/** What a topic's papers need of the search service. */
export type TopicSearch = Pick<SearchService, "search">;

/**
 * A saved search's papers: the search service answers it in the mode it was saved with, and
 * the papers it finds are listed newest first, optionally within a time window. Topic pages,
 * topic and search feeds and digest sections all come through here, so a topic and the same
 * search on the search page show the same papers.
 */
export async function savedSearchPapers(
  deps: { db: Queryable; search: TopicSearch },
  q: string,
  opts: { mode: SearchMode; since?: Date; until?: Date; limit: number; offset?: number },
): Promise<Paper[]> {
  const result = await deps.search.search({ q, order: "newest", ...opts });
  const byId = await papersByIds(
    deps.db,
    result.hits.map((h) => h.arxivId),
  );
  return result.hits.flatMap((h) => byId.get(h.arxivId) ?? []);
}
