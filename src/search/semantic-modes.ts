import type { Queryable } from "../db/client.ts";
import { filterFactsByIds } from "./embedding-store.ts";
import { DEFAULT_FUSION, type FusionParams, fuseRankings } from "./fusion.ts";
import { type SemanticOptions, type SemanticSearcher, semanticSearcherFor } from "./semantic.ts";
import { hasConstraints, passesQuery } from "./semantic-filter.ts";
import { type ModeContext, modeRunners } from "./service.ts";
import type { ParsedQuery, SearchHit } from "./types.ts";

/**
 * Plugs the semantic and hybrid modes into the search service. Until an embedding model is
 * active (a fresh install before its first training run), both answer with keyword results
 * and a notice that says so, rather than an error.
 */
let options: SemanticOptions | null = null;
let fusion: FusionParams = DEFAULT_FUSION;

export function useSemanticSearch(opts: SemanticOptions, fusionParams: FusionParams = DEFAULT_FUSION): void {
  options = opts;
  fusion = fusionParams;
  modeRunners.semantic = runSemantic;
  modeRunners.hybrid = runHybrid;
}

export function semanticSearcher(db: Queryable): SemanticSearcher {
  if (!options) throw new Error("semantic search is not configured (useSemanticSearch)");
  return semanticSearcherFor(db, options);
}

// With filters, more nearest neighbours are fetched so enough survive them.
const FILTER_OVERFETCH = 10;
const MIN_FILTERED_CANDIDATES = 500;

async function semanticRanking(db: Queryable, q: ParsedQuery, k: number): Promise<SearchHit[] | null> {
  const searcher = semanticSearcher(db);
  await searcher.sync(db);
  if (searcher.modelId === null) return null;
  const constrained = hasConstraints(q);
  const want = constrained ? Math.max(k * FILTER_OVERFETCH, MIN_FILTERED_CANDIDATES) : k;
  let found = await searcher.search(q.text, want);
  if (constrained) {
    const facts = await filterFactsByIds(
      db,
      found.map((h) => h.arxivId),
    );
    found = found.filter((h) => {
      const f = facts.get(h.arxivId);
      return f !== undefined && passesQuery(f, q);
    });
  }
  return found.slice(0, k).map((h) => ({ arxivId: h.arxivId, score: h.score, matchedTerms: [], why: "semantic" }));
}

function notReady(ctx: ModeContext) {
  ctx.query.notices.push("Semantic search is not ready yet (no embedding model is active); showing keyword results.");
  return ctx.keyword(ctx.k);
}

async function runSemantic(ctx: ModeContext): Promise<{ total: number; hits: SearchHit[] }> {
  // A filter-only query has nothing to embed: it lists the matching papers, as keyword mode does.
  if (ctx.query.text.trim() === "") return ctx.keyword(ctx.k);
  const hits = await semanticRanking(ctx.deps.db, ctx.query, ctx.k);
  if (!hits) return notReady(ctx);
  return { total: hits.length, hits };
}

async function runHybrid(ctx: ModeContext): Promise<{ total: number; hits: SearchHit[] }> {
  if (ctx.query.text.trim() === "") return ctx.keyword(ctx.k);
  const depth = Math.max(fusion.depth, ctx.k);
  const [kw, sem] = [await ctx.keyword(depth), await semanticRanking(ctx.deps.db, ctx.query, depth)];
  if (!sem) return notReady(ctx);
  const kwById = new Map(kw.hits.map((h) => [h.arxivId, h]));
  const fused = fuseRankings(
    kw.hits.map((h) => h.arxivId),
    sem.map((h) => h.arxivId),
    { ...fusion, depth },
  );
  const hits: SearchHit[] = fused.slice(0, ctx.k).map((f) => {
    const k = kwById.get(f.arxivId);
    return {
      arxivId: f.arxivId,
      score: f.score,
      matchedTerms: k?.matchedTerms ?? [],
      why: f.keywordRank !== null && f.semanticRank !== null ? "both" : f.keywordRank !== null ? "keyword" : "semantic",
    };
  });
  return { total: Math.max(kw.total, fused.length), hits };
}
