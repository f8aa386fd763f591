import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { feedEntriesOfPaper } from "../../feed/queries.ts";
import { parseArxivId } from "../../papers/arxiv-id.ts";
import { paperById } from "../../papers/store.ts";
import type { AppDeps } from "../app.ts";
import { HttpError } from "../errors.ts";
import { text } from "../fields.ts";
import { pageDependsOn } from "../page-cache.ts";
import { paperScope } from "../site-changes.ts";
import { requestOrigin } from "./origin.ts";
import { presentPaperDetail } from "./presenters.ts";
import { errorResponse, jsonResponse, PaperDetail } from "./shapes.ts";

const schema = {
  operationId: "getPaper",
  summary: "One paper, as a flat object",
  params: z.object({
    "*": text(300).describe(
      "An arXiv id, new style (2408.03361) or old style (hep-th/9901001), with or without a version.",
    ),
  }),
  response: {
    200: jsonResponse("The paper.", PaperDetail),
    400: errorResponse("The id is not an arXiv id."),
    404: errorResponse("No paper has this id."),
  },
};

/**
 * GET /api/papers/{id}: one paper as a flat object. A wildcard, as old-style ids hold a slash;
 * a versioned id answers for the paper (the store keeps its newest version).
 */
export function registerPaperApi(app: FastifyInstance, deps: AppDeps): void {
  const config = { wildcardParam: "id" };
  app.withTypeProvider<ZodTypeProvider>().get("/api/papers/*", { schema, config }, async (req) => {
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
    pageDependsOn(req, [paperScope(paper.arxivId)]);
    const entries = await feedEntriesOfPaper(deps.db, paper.arxivId);
    return presentPaperDetail(paper, entries[0] ?? null, requestOrigin(req));
  });
}
