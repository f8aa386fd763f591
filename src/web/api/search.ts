import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { paperById } from "../../papers/store.ts";
import { hitsWithPapers } from "../../search/results.ts";
import { SEARCH_MODES, type SearchMode } from "../../search/types.ts";
import type { AppDeps } from "../app.ts";
import { HttpError } from "../errors.ts";
import { oneOf, text, wholeNumber } from "../fields.ts";
import { pageDependsOn } from "../page-cache.ts";
import { paperScope } from "../site-changes.ts";
import { presentDailyItem } from "./presenters.ts";
import { errorResponse, type HfSearchHit, jsonResponse, SearchHit } from "./shapes.ts";

const SearchQuery = z.object({
  q: text(250, { tooLong: "must be at most 250 characters" }).describe(
    'Words, "phrases", -word, author:, category:, before:, after:, or an arXiv id or URL.',
  ),
  limit: wholeNumber(1, 120).optional().describe("How many results, 1 to 120 (default 50)."),
  mode: oneOf(SEARCH_MODES as [SearchMode, ...SearchMode[]])
    .optional()
    .describe("keyword (default), semantic or hybrid."),
  expand: oneOf(["0", "1", "false", "true"])
    .optional()
    .describe(
      "1 (default): also search the other form of acronyms (AI and artificial intelligence); 0: only the words given.",
    ),
});

const schema = {
  operationId: "searchPapers",
  summary: "Search papers",
  description:
    "Ranks papers by BM25F over title, authors and abstract (or by meaning, with mode). An arXiv id or URL as q returns that paper. Each item is a daily-papers item plus highlightedTitle and highlightedSummary.",
  querystring: SearchQuery,
  response: {
    200: jsonResponse("Results, best first", z.array(SearchHit)),
    400: errorResponse("A parameter is missing or invalid, or the query has nothing to search for"),
  },
};

/** GET /api/papers/search: Hugging Face's search endpoint, daily-item shapes plus highlights. */
export function registerSearchApi(app: FastifyInstance, deps: AppDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get("/api/papers/search", { schema }, async (req) => {
    const { q, limit = 50, mode, expand = "1" } = req.query;
    const result = await deps.search.search({ q, limit, mode, expand: expand === "1" || expand === "true" });
    if (result.query.errors.length > 0)
      throw new HttpError(400, `Invalid parameter "q": ${result.query.errors[0]}`, "q");
    const base = deps.config.baseUrl;
    if (result.query.arxivId) {
      const paper = await paperById(deps.db, result.query.arxivId);
      pageDependsOn(req, [paperScope(result.query.arxivId)]);
      const hit: HfSearchHit[] = paper
        ? [
            {
              ...presentDailyItem(paper, null, base),
              highlightedTitle: [{ type: "text", text: paper.title }],
              highlightedSummary: [{ type: "text", text: paper.abstract }],
            },
          ]
        : [];
      return hit;
    }
    const rows = await hitsWithPapers(deps.db, result);
    pageDependsOn(
      req,
      rows.map((r) => paperScope(r.paper.arxivId)),
    );
    return rows.map(
      (r): HfSearchHit => ({
        ...presentDailyItem(r.paper, null, base),
        highlightedTitle: r.title,
        highlightedSummary: r.summary,
      }),
    );
  });
}
