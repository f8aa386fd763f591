import type { FastifyInstance } from "fastify";
import { feedEntriesOfPaper } from "../../feed/queries.ts";
import { parseArxivId } from "../../papers/arxiv-id.ts";
import { paperById } from "../../papers/store.ts";
import type { AppDeps } from "../app.ts";
import { HttpError } from "../errors.ts";
import { addApiPath, errorResponse, jsonResponse, schemaRef } from "./openapi.ts";
import { requestOrigin } from "./origin.ts";
import { presentPaperDetail } from "./presenters.ts";

/**
 * GET /api/papers/{id}: one paper as a flat object. A wildcard, as old-style ids hold a slash;
 * a versioned id answers for the paper (the store keeps its newest version).
 */
export function registerPaperApi(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Params: { "*": string } }>("/api/papers/*", async (req) => {
    const raw = req.params["*"];
    const parsed = parseArxivId(raw);
    if (!parsed)
      throw new HttpError(
        400,
        `Invalid parameter "id": "${raw.slice(0, 100)}" is not an arXiv id (like 2408.03361 or hep-th/9901001).`,
        "id",
      );
    const paper = await paperById(deps.db, parsed.id);
    if (!paper) throw new HttpError(404, `Paper ${parsed.id} is not indexed.`, "id");
    const entries = await feedEntriesOfPaper(deps.db, paper.arxivId);
    return presentPaperDetail(paper, entries[0] ?? null, requestOrigin(req));
  });

  addApiPath("/api/papers/{id}", {
    get: {
      operationId: "getPaper",
      summary: "One paper, as a flat object",
      parameters: [
        {
          name: "id",
          in: "path",
          required: true,
          description:
            "An arXiv id, new style (2408.03361) or old style (hep-th/9901001), with or without a version.",
          schema: { type: "string" },
        },
      ],
      responses: {
        "200": jsonResponse("The paper.", schemaRef("PaperDetail")),
        "400": errorResponse("The id is not an arXiv id."),
        "404": errorResponse("No paper has this id."),
      },
    },
  });
}
