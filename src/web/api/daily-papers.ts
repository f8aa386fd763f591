import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Period } from "../../feed/periods.ts";
import { periodContaining } from "../../feed/periods.ts";
import { feedQuery, latestFeedDate } from "../../feed/queries.ts";
import { trendingPage } from "../../feed/trending.ts";
import type { FeedItem, FeedPage } from "../../feed/types.ts";
import type { AppDeps } from "../app.ts";
import { oneOf, pageNumber, period, text, wholeNumber } from "../fields.ts";
import { requestOrigin } from "./origin.ts";
import { presentDailyItem } from "./presenters.ts";
import { DailyPaper, errorResponse, jsonResponse } from "./shapes.ts";

const DailyPapersQuery = z
  .object({
    date: period("day").optional().describe("A feed day, YYYY-MM-DD."),
    week: period("week").optional().describe("An ISO week, YYYY-Www (2024-W32)."),
    month: period("month").optional().describe("A month, YYYY-MM."),
    p: pageNumber(0, 100_000).optional().describe("Page number, 0-based."),
    limit: wholeNumber(1, 100).optional().describe("Items per page, 1 to 100 (default 50)."),
    sort: oneOf(["publishedAt", "trending"])
      .optional()
      .describe(
        "Default: by upvotes. publishedAt: newest submissions first. trending: by the trending score (see /papers/trending).",
      ),
    submitter: text(100)
      .min(1, "must not be empty")
      .optional()
      .describe("Only papers submitted by this username."),
  })
  .superRefine((q, ctx) => {
    const given = (["date", "week", "month"] as const).filter((k) => q[k] !== undefined);
    if (given.length > 1)
      ctx.addIssue({
        code: "custom",
        path: [given[1]],
        message: `give only one of date, week and month, not ${given.join(" and ")}`,
      });
  });

type Query = z.output<typeof DailyPapersQuery>;

/**
 * Which entries a query means. With no period, the default and trending orders look at the
 * newest feed day and the last week respectively, and publishedAt pages through every entry
 * newest first (how clients catch up).
 */
async function itemsFor(deps: AppDeps, q: Query, page: number, limit: number): Promise<FeedPage<FeedItem>> {
  const period: Period | undefined = q.date ?? q.week ?? q.month;
  if (q.sort === "trending")
    return trendingPage(deps.db, { now: deps.now(), page, limit, period, submitter: q.submitter });
  const query = feedQuery().orderBy(q.sort === "publishedAt" ? "newest" : "upvotes");
  if (q.submitter) query.submittedBy(q.submitter);
  if (period) query.between(period.start, period.end);
  else if (q.sort !== "publishedAt" && !q.submitter) {
    const latest = await latestFeedDate(deps.db);
    if (!latest) return { items: [], hasNext: false };
    const day = periodContaining("day", latest);
    query.between(day.start, day.end);
  }
  return query.page(deps.db, page, limit);
}

export function registerDailyPapersApi(app: FastifyInstance, deps: AppDeps): void {
  const schema = {
    operationId: "listDailyPapers",
    summary: "Papers of the daily feed, in Hugging Face's shape",
    description:
      "Without date, week or month: the newest feed day (or, with sort=publishedAt, every entry newest first). A paper submitted on several days of a week or month is listed once.",
    querystring: DailyPapersQuery,
    response: {
      200: {
        ...jsonResponse("One page of feed items.", z.array(DailyPaper)),
        headers: {
          Link: z.string().describe('The next page, as `<url>; rel="next"`, when there is one.'),
        },
      },
      400: errorResponse("A parameter is invalid; `param` names it."),
    },
  };
  app.withTypeProvider<ZodTypeProvider>().get("/api/daily_papers", { schema }, async (req, reply) => {
    const q = req.query;
    const page = q.p ?? 0;
    const limit = q.limit ?? 50;
    const { items, hasNext } = await itemsFor(deps, q, page, limit);
    const origin = requestOrigin(req);
    if (hasNext) {
      const next = new URL(req.url, origin);
      next.searchParams.set("p", String(page + 1));
      reply.header("link", `<${next.href}>; rel="next"`);
    }
    return items.map((i) => presentDailyItem(i.paper, i.entry, origin));
  });
}
