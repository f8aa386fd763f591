import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { parseArxivId } from "../../papers/arxiv-id.ts";
import { paperById, papersByIds } from "../../papers/store.ts";
import type { Paper } from "../../papers/types.ts";
import { errorResponse, jsonResponse, SimilarPapers } from "../api/shapes.ts";
import type { AppDeps } from "../app.ts";
import { HttpError } from "../errors.ts";
import { text, wholeNumber } from "../fields.ts";
import { html } from "../html.ts";
import type { PaperSection } from "../paper-sections.ts";

const SIMILAR_DEFAULT = 8;
const SIMILAR_MAX = 50;

/** The papers nearest to one paper under the active embedding model, best first. */
async function similarPapers(
  deps: AppDeps,
  arxivId: string,
  k: number,
): Promise<{ paper: Paper; score: number }[]> {
  const hits = await deps.search.similar(arxivId, k);
  const papers = await papersByIds(
    deps.db,
    hits.map((h) => h.arxivId),
  );
  return hits.flatMap((h) => {
    const paper = papers.get(h.arxivId);
    return paper ? [{ paper, score: h.score }] : [];
  });
}

/** The nearest papers in the paper page's sidebar. */
export const similarPaperSection: PaperSection = {
  id: "similar-papers",
  order: 20,
  place: "side",
  render: async (paper, _req, d) => {
    const similar = await similarPapers(d, paper.arxivId, SIMILAR_DEFAULT).catch(() => []);
    if (similar.length === 0) return html``;
    return html`<section class="similar-papers" aria-labelledby="similar-heading">
  <h2 id="similar-heading">Similar papers</h2>
  <ol>${similar.map((s) => html`<li><a href="/papers/${s.paper.arxivId}">${s.paper.title}</a></li>`)}</ol>
</section>`;
  },
};

/** Similar papers as an API (the paper page's section is `similarPaperSection`). */
export function registerSimilarRoutes(app: FastifyInstance, deps: AppDeps): void {
  const handler = async (raw: string, limit: number) => {
    const parsed = parseArxivId(raw);
    if (!parsed)
      throw new HttpError(400, `Invalid parameter "id": "${raw.slice(0, 100)}" is not an arXiv id.`, "id");
    const paper = await paperById(deps.db, parsed.id);
    if (!paper) throw new HttpError(404, `Paper ${parsed.id} is not indexed.`, "id");
    const similar = await similarPapers(deps, paper.arxivId, limit);
    return {
      id: paper.arxivId,
      similar: similar.map((s) => ({
        id: s.paper.arxivId,
        title: s.paper.title,
        authors: s.paper.authors.map((a) => a.name),
        publishedAt: s.paper.publishedAt?.toISOString() ?? null,
        score: Math.round(s.score * 10000) / 10000,
        url: `${deps.config.baseUrl}/papers/${s.paper.arxivId}`,
      })),
    };
  };
  const querystring = z.object({
    limit: wholeNumber(1, SIMILAR_MAX, { default: SIMILAR_DEFAULT }).optional(),
  });
  const response = {
    200: jsonResponse(
      "Similar papers, best first (empty until an embedding model is active).",
      SimilarPapers,
    ),
    400: errorResponse("The id or limit is invalid."),
    404: errorResponse("No paper has this id."),
  };
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    "/api/papers/:id/similar",
    {
      schema: {
        operationId: "getSimilarPapers",
        summary: "The papers nearest in meaning to one paper",
        params: z.object({ id: text(300).describe("An arXiv id.") }),
        querystring,
        response,
      },
    },
    (req) => handler(req.params.id, req.query.limit ?? SIMILAR_DEFAULT),
  );
  // Old-style ids hold a slash (hep-th/9901001), hence the second route, documented by the first.
  routes.get(
    "/api/papers/:archive/:num/similar",
    {
      schema: { hide: true, params: z.object({ archive: text(100), num: text(100) }), querystring, response },
    },
    (req) => handler(`${req.params.archive}/${req.params.num}`, req.query.limit ?? SIMILAR_DEFAULT),
  );
}
