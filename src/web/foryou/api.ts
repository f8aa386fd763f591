import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { CandidatePools } from "../../recommend/pools.ts";
import { recommendFor } from "../../recommend/service.ts";
import { DEFAULT_WINDOW_DAYS, forYouWindow } from "../../recommend/window.ts";
import { presentPaper } from "../api/presenters.ts";
import type { AppDeps } from "../app.ts";
import { wholeNumber } from "../fields.ts";
import { bearerUserId } from "./tokens.ts";

const Query = z.object({
  limit: wholeNumber(1, 100).optional().describe("How many papers, 1 to 100 (default 30)."),
  days: wholeNumber(1, 365).optional().describe("How many days back to look for papers."),
});

/** GET /api/for-you: the same ranking as /for-you, for the holder of a personal API token. */
export function registerForYouApi(app: FastifyInstance, deps: AppDeps, pools: CandidatePools): void {
  const schema = {
    operationId: "forYou",
    summary: "Papers recommended for the holder of a personal API token",
    description:
      "The same ranking as /for-you. Send `Authorization: Bearer TOKEN` (made at /settings/tokens). Items marked `weak` score below the line the person's model draws between papers like those they keep and the rest, or are like none of the papers they keep; they come last.",
    querystring: Query,
  };
  app.withTypeProvider<ZodTypeProvider>().get("/api/for-you", { schema }, async (req, reply) => {
    const userId = await bearerUserId(deps.db, req, deps.now());
    const q = req.query;
    const now = deps.now();
    const { since } = await forYouWindow(deps.db, now, q.days ?? DEFAULT_WINDOW_DAYS);
    const result = await recommendFor(deps.db, pools, userId, {
      now,
      since,
      limit: q.limit ?? 30,
      search: deps.search,
    });
    reply.header("cache-control", "private, no-store");
    return {
      mode: result.mode,
      since: result.since?.toISOString() ?? null,
      interests: result.interests,
      items: result.items.map((i) => ({
        paper: presentPaper(i.paper, null, deps.config.baseUrl),
        score: i.score,
        // Below the person's model's line, or like none of their papers: the page shows these apart.
        weak: i.weak,
        interest: i.interest,
        why: i.why,
        reasons: i.reasons,
      })),
    };
  });
}
