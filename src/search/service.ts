import type { Queryable } from "../db/client.ts";
import { acronymTableFor, expandAcronyms } from "./acronyms/expand.ts";
import { DEFAULT_FUSION, type FusionParams } from "./fusion.ts";
import { keywordSearch } from "./keyword.ts";
import { KeywordSearcher, type KeywordSearcherOptions } from "./keyword-searcher.ts";
import { parseQuery } from "./query.ts";
import { type SemanticOptions, SemanticSearcher } from "./semantic.ts";
import { semanticModes } from "./semantic-modes.ts";
import { paperAppearedAt } from "./store.ts";
import type {
  ModeRunners,
  ParsedQuery,
  SearchHit,
  SearchMode,
  SearchRequest,
  SearchResult,
} from "./types.ts";
import type { VectorHit } from "./vector-index.ts";

/**
 * The one search of the application, used by the page, the API, the CLI, digests and the
 * benchmarks. The composition root (src/services.ts) builds one per process and database and
 * hands the same object to all of them, so every caller gets every mode: keyword is the
 * in-process BM25F index (keyword.ts); semantic and hybrid are the runners of semantic-modes.ts
 * over this service's own SemanticSearcher.
 */
const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 120;
/**
 * How many of the best matches a "newest first" list is drawn from. Topics read the search as a
 * set, and beyond this depth a keyword match is one stray word; a date window narrows the
 * ranking first, so a digest's day still gets its newest papers.
 */
const NEWEST_CANDIDATES = 1000;

export interface SearchService {
  search(req: SearchRequest): Promise<SearchResult>;
  /** The modes this service can answer for real, keyword first. */
  modes(): SearchMode[];
  readonly keyword: KeywordSearcher;
  /** Null when the service was built without semantic search (a keyword-only benchmark or test). */
  readonly semantic: SemanticSearcher | null;
  /** Papers nearest to a stored paper under the active model; empty until one is active. */
  similar(arxivId: string, k: number): Promise<VectorHit[]>;
  /** Loads (or rebuilds) both indexes now rather than on the first query. */
  warm(): Promise<void>;
  /** Leaves up-to-date copies of both indexes on disk (on shutdown). */
  save(): void;
}

export interface SearchServiceOptions {
  db: Queryable;
  /**
   * Where the keyword index is kept between runs (without a file it is rebuilt at each start),
   * or a searcher already made (a test of the index file across "processes").
   */
  keyword?: KeywordSearcherOptions | KeywordSearcher;
  /**
   * Semantic and hybrid modes: how to build the semantic searcher, or one already loaded (a
   * benchmark trying fusion constants over one index). Without it both answer with keyword
   * results and a notice.
   */
  semantic?: SemanticOptions | SemanticSearcher;
  fusion?: FusionParams;
  /** Told how long each search took and which mode answered it. */
  metrics?: SearchMetrics;
}

interface SearchMetrics {
  observeSearch(mode: SearchMode, seconds: number): void;
}

export function createSearchService(opts: SearchServiceOptions): SearchService {
  const { db } = opts;
  const keyword = opts.keyword instanceof KeywordSearcher ? opts.keyword : new KeywordSearcher(opts.keyword);
  const semantic =
    opts.semantic instanceof SemanticSearcher
      ? opts.semantic
      : opts.semantic
        ? new SemanticSearcher(opts.semantic)
        : null;
  const runners: ModeRunners = semantic ? semanticModes(semantic, opts.fusion ?? DEFAULT_FUSION) : {};
  return {
    keyword,
    semantic,
    search: (req) => runSearch({ db, keyword, runners, metrics: opts.metrics }, req),
    modes: () => ["keyword", ...(["semantic", "hybrid"] as const).filter((m) => runners[m])],
    async similar(arxivId, k) {
      if (!semantic) return [];
      await semantic.sync(db);
      return semantic.similar(db, arxivId, k);
    },
    async warm() {
      await Promise.all([keyword.sync(db), semantic?.sync(db)]);
    },
    save() {
      keyword.flush();
      semantic?.save();
    },
  };
}

interface RunDeps {
  db: Queryable;
  keyword: KeywordSearcher;
  runners: ModeRunners;
  metrics?: SearchMetrics;
}

async function runSearch(deps: RunDeps, req: SearchRequest): Promise<SearchResult> {
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
  narrowToWindow(query, req.since, req.until);
  const newest = req.order === "newest";
  const k = newest ? NEWEST_CANDIDATES : offset + limit;

  await deps.keyword.sync(deps.db);
  const index = deps.keyword.status();
  if (index.state === "building")
    query.notices.push(
      `The search index is still being built (${index.docs.toLocaleString("en")} papers so far): results may be incomplete.`,
    );
  const keyword = (k: number) => keywordSearch(deps.db, deps.keyword, query, k);
  const runner = mode === "keyword" ? undefined : deps.runners[mode];
  if (mode !== "keyword" && !runner) {
    query.notices.push(
      `${mode[0].toUpperCase()}${mode.slice(1)} search is not available here; showing keyword results.`,
    );
    mode = "keyword";
  }
  const page = runner ? await runner({ db: deps.db, query, k, keyword }) : await keyword(k);
  if (!newest && !req.since && !req.until) return done(page.total, page.hits);
  const hits = await inWindow(deps.db, page.hits, req.since, req.until, newest);
  // Counted within the candidates: a newest-first list is drawn from them.
  return done(hits.length, hits);
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A time window as the query's day filters (which the index applies before ranking), tightened. */
function narrowToWindow(query: ParsedQuery, since: Date | undefined, until: Date | undefined): void {
  const f = query.filters;
  if (since) {
    const day = isoDay(since.getTime());
    if (!f.after || f.after < day) f.after = day;
  }
  if (until) {
    // `before` is exclusive and by day: the day after the one `until` falls in.
    const day = isoDay(until.getTime() - 1 + DAY_MS);
    if (!f.before || f.before > day) f.before = day;
  }
}

/** The exact window on appearance times, and the newest-first order. */
async function inWindow(
  db: Queryable,
  hits: SearchHit[],
  since: Date | undefined,
  until: Date | undefined,
  newest: boolean,
): Promise<SearchHit[]> {
  const at = await paperAppearedAt(
    db,
    hits.map((h) => h.arxivId),
  );
  const time = (h: SearchHit) => at.get(h.arxivId)?.getTime() ?? Number.NEGATIVE_INFINITY;
  const kept = hits.filter(
    (h) => (!since || time(h) >= since.getTime()) && (!until || time(h) < until.getTime()),
  );
  if (newest)
    kept.sort((a, b) => time(b) - time(a) || (a.arxivId < b.arxivId ? 1 : a.arxivId > b.arxivId ? -1 : 0));
  return kept;
}
