import type { Queryable } from "../db/client.ts";

/**
 * The shared vocabulary of search. The keyword side (query parser, BM25 index, highlighting) and
 * the semantic side (embeddings, vector index, fusion) both speak it; change it only with reason,
 * since the web page, the API, the CLI and the benchmarks all depend on it.
 */

export type SearchMode = "keyword" | "semantic" | "hybrid";
export const SEARCH_MODES: readonly SearchMode[] = ["keyword", "semantic", "hybrid"];

/** Filters that narrow the result set before anything is ranked. */
export interface QueryFilters {
  /** Each entry must match an author name (all of its words, case- and accent-insensitive). */
  authors: string[];
  /** arXiv categories as written (`cs.CV`); a paper matches if it has any of them. */
  categories: string[];
  /**
   * Bounds on the first-publication day, `YYYY-MM-DD`: `after` is inclusive, `before` exclusive, so
   * `after:2024-08 before:2024-09` is August 2024. Papers without a date fail a date filter.
   */
  before: string | null;
  after: string | null;
}

export interface ParsedQuery {
  /** The query as the user typed it (possibly truncated, see `notices`). */
  raw: string;
  /** The free text without filters and operators, for embedding and display. */
  text: string;
  /** Normalised, stemmed, stop-word-free terms of the free text, each once, in query order. */
  terms: string[];
  /** Quoted phrases: the original text and its normalised, stemmed tokens (stop words kept). */
  phrases: { text: string; tokens: string[] }[];
  /** Stemmed terms a result must not contain (`-word`). */
  excluded: string[];
  filters: QueryFilters;
  /** Set when the whole query is an arXiv id or an arXiv / Hugging Face URL: go to that paper. */
  arxivId: string | null;
  /** Problems that make the query unanswerable; when non-empty there is nothing to run. */
  errors: string[];
  /** Things the user should know but that do not stop the search (truncation, ignored operators). */
  notices: string[];
  /** What search added to the query: the other form of an acronym ("AI" -> "artificial intelligence"). */
  expansions: { typed: string; added: string; terms: string[] }[];
}

export interface SearchHit {
  arxivId: string;
  score: number;
  /** The stemmed query terms this paper contains (for highlighting and "why it matched"). */
  matchedTerms: string[];
  why: "keyword" | "semantic" | "both";
}

export interface SearchResult {
  mode: SearchMode;
  /** Number of matching papers (for keyword search: all that pass filters and match a term). */
  total: number;
  hits: SearchHit[];
  tookMs: number;
  query: ParsedQuery;
}

export interface SearchRequest {
  q: string;
  /** Also search the other form of acronyms the corpus defines (default true). */
  expand?: boolean;
  mode?: SearchMode;
  limit?: number;
  offset?: number;
  /**
   * "relevance" (the default) ranks best first; "newest" lists the papers the same search finds
   * (its best NEWEST_CANDIDATES), newest first: topics, their feeds and digest sections.
   */
  order?: "relevance" | "newest";
  /** Only papers that appeared (first publication) at or after `since` and before `until`. */
  since?: Date;
  until?: Date;
}

/** What a ranking mode other than keyword gets from the search service for one query. */
export interface ModeContext {
  db: Queryable;
  query: ParsedQuery;
  /** How many of the best hits to return (offset + limit). */
  k: number;
  /** Keyword ranking for the same query, for fusion. */
  keyword(k: number): Promise<{ total: number; hits: SearchHit[] }>;
}

type ModeRunner = (ctx: ModeContext) => Promise<{ total: number; hits: SearchHit[] }>;
export type ModeRunners = Partial<Record<Exclude<SearchMode, "keyword">, ModeRunner>>;
