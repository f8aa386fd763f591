import type { Queryable } from "../db/client.ts";
import { filterFactsByIds } from "./embedding-store.ts";
import { DEFAULT_FUSION, type FusionParams, fuseScores } from "./fusion.ts";
import type { SemanticSearcher } from "./semantic.ts";
import { hasConstraints, passesQuery } from "./semantic-filter.ts";
import type { ModeContext, ModeRunners, ParsedQuery, SearchHit } from "./types.ts";
import type { VectorHit } from "./vector-index.ts";

/**
 * The semantic and hybrid modes of the search service, over one SemanticSearcher. Until an
 * embedding model is active (a fresh install before its first training run), both answer with
 * keyword results and a notice that says so, rather than an error.
 */
export function semanticModes(
  searcher: SemanticSearcher,
  fusion: FusionParams = DEFAULT_FUSION,
): ModeRunners {
  return {
    semantic: (ctx) => runSemantic(searcher, ctx),
    hybrid: (ctx) => runHybrid(searcher, fusion, ctx),
  };
}

// With filters, more nearest neighbours are fetched so enough survive them.
const FILTER_OVERFETCH = 10;
const MIN_FILTERED_CANDIDATES = 500;

/** Drops candidates that fail the query's filters, excluded words or phrases. */
async function constrained(db: Queryable, q: ParsedQuery, hits: VectorHit[]): Promise<VectorHit[]> {
  if (!hasConstraints(q) || hits.length === 0) return hits;
  const facts = await filterFactsByIds(
    db,
    hits.map((h) => h.arxivId),
  );
  return hits.filter((h) => {
    const f = facts.get(h.arxivId);
    return f !== undefined && passesQuery(f, q);
  });
}

async function readySearcher(searcher: SemanticSearcher, ctx: ModeContext): Promise<SemanticSearcher | null> {
  try {
    await searcher.sync(ctx.db);
  } catch (err) {
    // A remote model that is down or no longer configured must not take search down with it.
    ctx.query.notices.push(
      `Semantic search is unavailable (${(err as Error).message}); showing keyword results.`,
    );
    return null;
  }
  if (searcher.modelId === null)
    ctx.query.notices.push(
      "Semantic search is not ready yet (no embedding model is active); showing keyword results.",
    );
  return searcher.modelId === null ? null : searcher;
}

/** Semantic work that failed mid-query (a remote model timing out) leaves keyword results and a notice. */
async function fallBack<T>(ctx: ModeContext, work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (err) {
    ctx.query.notices.push(
      `Semantic search is unavailable (${(err as Error).message}); showing keyword results.`,
    );
    return null;
  }
}

/** What a person reads when meaning found nothing: why, and what they see instead. */
function nothingSimilar(unknownWords: boolean): string {
  return unknownWords
    ? "No semantic matches: the semantic model knows none of these words. Showing keyword matches, if any."
    : "No semantic matches: no paper is close enough in meaning to this query. Showing keyword matches, if any.";
}

async function runSemantic(
  semantic: SemanticSearcher,
  ctx: ModeContext,
): Promise<{ total: number; hits: SearchHit[] }> {
  // A filter-only query has nothing to embed: it lists the matching papers, as keyword mode does.
  if (ctx.query.text.trim() === "") return ctx.keyword(ctx.k);
  const searcher = await readySearcher(semantic, ctx);
  if (!searcher) return ctx.keyword(ctx.k);
  const want = hasConstraints(ctx.query)
    ? Math.max(ctx.k * FILTER_OVERFETCH, MIN_FILTERED_CANDIDATES)
    : ctx.k;
  const answer = await fallBack(ctx, () => searcher.search(ctx.db, ctx.query.text, want));
  if (!answer) return ctx.keyword(ctx.k);
  const found = await constrained(ctx.db, ctx.query, answer.hits);
  if (found.length === 0) {
    ctx.query.notices.push(nothingSimilar(answer.unknownWords));
    return ctx.keyword(ctx.k);
  }
  const hits = found
    .slice(0, ctx.k)
    .map((h): SearchHit => ({ arxivId: h.arxivId, score: h.score, matchedTerms: [], why: "semantic" }));
  return { total: found.length, hits };
}

async function runHybrid(
  semantic: SemanticSearcher,
  fusion: FusionParams,
  ctx: ModeContext,
): Promise<{ total: number; hits: SearchHit[] }> {
  if (ctx.query.text.trim() === "") return ctx.keyword(ctx.k);
  const searcher = await readySearcher(semantic, ctx);
  if (!searcher) return ctx.keyword(ctx.k);
  const depth = Math.max(fusion.depth, ctx.k);
  const kw = await ctx.keyword(depth);
  const kwIds = kw.hits.map((h) => h.arxivId);
  const side = await fallBack(ctx, () => searcher.hybridSide(ctx.query.text, kwIds, { ...fusion, depth }));
  if (!side) return { total: kw.total, hits: kw.hits.slice(0, ctx.k) };
  if (side.unknownWords) ctx.query.notices.push(nothingSimilar(true));
  const nearest = await constrained(ctx.db, ctx.query, side.nearest);
  const cosines = new Map(side.cosines);
  for (const h of nearest) cosines.set(h.arxivId, h.score);
  const nearIds = new Set(nearest.map((h) => h.arxivId));
  const kwById = new Map(kw.hits.map((h) => [h.arxivId, h]));
  const fused = fuseScores(
    kw.hits.map((h) => ({ arxivId: h.arxivId, score: h.score })),
    cosines,
    fusion.semanticWeight,
  );
  const hits = fused.slice(0, ctx.k).map(
    (f): SearchHit => ({
      arxivId: f.arxivId,
      score: f.score,
      matchedTerms: kwById.get(f.arxivId)?.matchedTerms ?? [],
      why: f.inKeyword ? (nearIds.has(f.arxivId) ? "both" : "keyword") : "semantic",
    }),
  );
  return { total: Math.max(kw.total, fused.length), hits };
}
