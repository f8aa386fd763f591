import type { FastifyInstance } from "fastify";
import { parseArxivId } from "../../papers/arxiv-id.ts";
import { paperById, papersByIds } from "../../papers/store.ts";
import type { Paper } from "../../papers/types.ts";
import { addApiPath, errorResponse, jsonResponse } from "../api/openapi.ts";
import type { AppDeps } from "../app.ts";
import { HttpError } from "../errors.ts";
import { html } from "../html.ts";
import type { PaperSection } from "../paper-sections.ts";

export const SIMILAR_DEFAULT = 8;
export const SIMILAR_MAX = 50;

/** The papers nearest to one paper under the active embedding model, best first. */
export async function similarPapers(
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
  const handler = async (raw: string, limitRaw: string | undefined) => {
    const parsed = parseArxivId(raw);
    if (!parsed)
      throw new HttpError(400, `Invalid parameter "id": "${raw.slice(0, 100)}" is not an arXiv id.`, "id");
    const limit = limitRaw === undefined ? SIMILAR_DEFAULT : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > SIMILAR_MAX)
      throw new HttpError(
        400,
        `Invalid parameter "limit": a whole number from 1 to ${SIMILAR_MAX}.`,
        "limit",
      );
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
  type Req = { Params: { id: string; archive: string; num: string }; Querystring: { limit?: string } };
  // Old-style ids hold a slash (hep-th/9901001), hence the second route.
  app.get<Req>("/api/papers/:id/similar", (req) => handler(req.params.id, req.query.limit));
  app.get<Req>("/api/papers/:archive/:num/similar", (req) =>
    handler(`${req.params.archive}/${req.params.num}`, req.query.limit),
  );

  addApiPath("/api/papers/{id}/similar", {
    get: {
      operationId: "getSimilarPapers",
      summary: "The papers nearest in meaning to one paper",
      parameters: [
        { name: "id", in: "path", required: true, description: "An arXiv id.", schema: { type: "string" } },
        {
          name: "limit",
          in: "query",
          required: false,
          schema: { type: "integer", minimum: 1, maximum: SIMILAR_MAX, default: SIMILAR_DEFAULT },
        },
      ],
      responses: {
        "200": jsonResponse("Similar papers, best first (empty until an embedding model is active).", {
          type: "object",
          required: ["id", "similar"],
          properties: {
            id: { type: "string" },
            similar: {
              type: "array",
              items: {
                type: "object",
                required: ["id", "title", "authors", "score", "url"],
                properties: {
                  id: { type: "string" },
                  title: { type: "string" },
                  authors: { type: "array", items: { type: "string" } },
                  publishedAt: { type: ["string", "null"], format: "date-time" },
                  score: { type: "number", description: "Cosine similarity, -1 to 1." },
                  url: { type: "string" },
                },
              },
            },
          },
        }),
        "400": errorResponse("The id or limit is invalid."),
        "404": errorResponse("No paper has this id."),
      },
    },
  });
}
