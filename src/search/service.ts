import type { Queryable } from "../db/client.ts";
import { acronymTableFor, expandAcronyms } from "./acronyms/expand.ts";
import { type KeywordSearcher, keywordSearch, keywordSearcherFor } from "./keyword.ts";
import { parseQuery } from "./query.ts";
import type { ParsedQuery, SearchHit, SearchMode, SearchRequest, SearchResult } from "./types.ts";

/**
 * The one entry point for search, used by the page, the API, the CLI and the benchmarks.
 * Keyword search is the in-process BM25F index (keyword.ts). Semantic and hybrid modes plug in
 * through `modeRunners`: until a runner is registered for them they answer with keyword results
 * and a notice saying so.
 */
export interface SearchDeps {
  db: Queryable;
  /** Defaults to the process-wide searcher of `db`. */
  keyword?: KeywordSearcher;
  /** Told how long each search took and which mode answered it. */
  metrics?: { observeSearch(mode: SearchMode, seconds: number): void };
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 120;

export interface ModeContext {
  deps: SearchDeps;
  query: ParsedQuery;
  /** How many of the best hits to return (offset + limit). */
  k: number;
  /** Keyword ranking for the same query, for fusion. */
  keyword(k: number): Promise<{ total: number; hits: SearchHit[] }>;
}

export type ModeRunner = (ctx: ModeContext) => Promise<{ total: number; hits: SearchHit[] }>;

/** Runners for modes other than keyword; the semantic capability registers its own. */
export const modeRunners: Partial<Record<SearchMode, ModeRunner>> = {};

export async function searchPapers(deps: SearchDeps, req: SearchRequest): Promise<SearchResult> {
  const started = performance.now();
  const query = parseQuery(req.q);
  let mode: SearchMode = req.mode ?? "keyword";
  const limit = Math.min(Math.max(1, req.limit ?? DEFAULT_LIMIT), MAX_LIMIT);
  const offset = Math.max(0, req.offset ?? 0);
  const done = (total: number, hits: SearchHit[]): SearchResult => {
    const tookMs = performance.now() - started;
    deps.metrics?.observeSearch(mode, tookMs / 1000);
    return {
      mode,
      total,
      hits: hits.slice(offset, offset + limit),
      tookMs: Math.round(tookMs * 100) / 100,
      query,
    };
  };
  if (query.errors.length > 0 || query.arxivId) return done(0, []);
  if (req.expand !== false) expandAcronyms(query, await acronymTableFor(deps.db));

  const searcher = deps.keyword ?? keywordSearcherFor(deps.db);
  await searcher.sync(deps.db);
  const index = searcher.status();
  if (index.state === "building")
    query.notices.push(
      `The search index is still being built (${index.docs.toLocaleString("en")} papers so far): results may be incomplete.`,
    );
  const keyword = (k: number) => keywordSearch(deps.db, searcher, query, k);
  const runner = mode === "keyword" ? undefined : modeRunners[mode];
  if (mode !== "keyword" && !runner) {
    query.notices.push(
      `${mode[0].toUpperCase()}${mode.slice(1)} search is not available here; showing keyword results.`,
    );
    mode = "keyword";
  }
  const page = runner
    ? await runner({ deps, query, k: offset + limit, keyword })
    : await keyword(offset + limit);
  return done(page.total, page.hits);
}

/** The modes this process can answer for real, keyword first. */
export function availableModes(): SearchMode[] {
  return ["keyword", ...(["semantic", "hybrid"] as const).filter((m) => modeRunners[m])];
}
