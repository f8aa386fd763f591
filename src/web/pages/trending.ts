import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { TRENDING_RULE, trendingPage } from "../../feed/trending.ts";
import { feedItemOf } from "../../syndication/items.ts";
import type { AppDeps } from "../app.ts";
import { pageContext } from "../context.ts";
import { registerXmlFeed } from "../delivery/feeds.ts";
import { feedLinks } from "../delivery/topic-views.ts";
import { pageNumber } from "../fields.ts";
import { html } from "../html.ts";
import { page, siteOf } from "../layout.ts";
import { emptyFeed, feedHeader, pager } from "../views/feed-view.ts";
import { formatDay } from "../views/format.ts";
import { cardContext, paperCard, paperList } from "../views/paper-card.ts";
import { PAGE_SIZE } from "./feed.ts";

const Query = z.object({ page: pageNumber(1, 1000).optional() });

/** Explains the rule on the page itself: people asked Hugging Face what its trending means. */
function howTrendingWorks() {
  const { windowDays, gravity, offsetHours } = TRENDING_RULE;
  return html`<details class="how-trending">
    <summary>How trending works</summary>
    <p>Each paper that entered the feed in the last ${windowDays} days gets a score:</p>
    <p class="formula"><code>score = upvotes / (hours since it entered the feed + ${offsetHours})<sup>${gravity}</sup></code></p>
    <p>It is the Hacker News rule: votes lift a paper, time pulls it down, so a fresh paper with a few
    upvotes can pass an older one with many, and everything fades within days. Upvotes count both
    votes imported from Hugging Face and votes cast here. Ties go to more upvotes, then to the newer paper.
    When the feed has had no new papers for ${windowDays} days (an archive, say), the ranking is taken as of
    the newest entry instead.</p>
  </details>`;
}

export function registerTrendingPage(app: FastifyInstance, deps: AppDeps): void {
  registerXmlFeed(app, deps, {
    path: "/papers/trending",
    title: "Daily Papers · Trending",
    description: "Papers gaining upvotes fastest over the last week.",
    async items(d, limit) {
      const { items } = await trendingPage(d.db, { now: d.now(), page: 0, limit });
      return items.map((i) => feedItemOf(i.paper, d.config.baseUrl, i.entry.submittedAt));
    },
  });
  const schema = { querystring: Query };
  app.withTypeProvider<ZodTypeProvider>().get("/papers/trending", { schema }, async (req, reply) => {
    const pageIndex = (req.query.page ?? 1) - 1;
    const now = deps.now();
    const { items, hasNext, asOf } = await trendingPage(deps.db, { now, page: pageIndex, limit: PAGE_SIZE });
    const ctx = pageContext(req);
    const cards = await cardContext(
      deps.db,
      req,
      ctx,
      items.map((i) => i.paper),
    );
    const stale = asOf && asOf.getTime() < now.getTime();
    const body = html`${feedHeader({ heading: "Trending papers", summary: "Rising fastest this week", ctx })}
      ${howTrendingWorks()}
      ${stale ? html`<p class="notice">No papers entered the feed in the last ${TRENDING_RULE.windowDays} days, so this is the ranking as of ${formatDay(asOf)}.</p>` : ""}
      ${
        items.length > 0
          ? paperList(
              items.map((i, n) =>
                paperCard(i.paper, { ctx: cards, entry: i.entry, rank: pageIndex * PAGE_SIZE + n + 1 }),
              ),
              { label: "Trending papers", view: ctx.prefs?.view ?? "grid" },
            )
          : emptyFeed("Nothing is trending yet: no papers have entered the feed.")
      }
      ${pager("/papers/trending", pageIndex, hasNext)}`;
    return reply.type("text/html; charset=utf-8").send(
      page({
        title: "Trending papers",
        description: "Papers trending in the community.",
        body,
        ctx,
        head: feedLinks(`${siteOf(ctx).name} · Trending`, "/papers/trending"),
        feedNav: { active: "trending" },
      }),
    );
  });
}
