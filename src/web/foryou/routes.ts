import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { CandidatePools } from "../../recommend/pools.ts";
import { recommendFor } from "../../recommend/service.ts";
import { onboardingDone } from "../../recommend/store.ts";
import { DEFAULT_WINDOW_DAYS, forYouWindow } from "../../recommend/window.ts";
import { formatDay } from "../../render/format.ts";
import { currentUser, requireUser } from "../accounts/guards.ts";
import type { AppDeps } from "../app.ts";
import { pageContext } from "../context.ts";
import { wholeNumber } from "../fields.ts";
import { html } from "../html.ts";
import { page } from "../layout.ts";
import { emptyFeed } from "../views/feed-view.ts";
import { cardContext } from "../views/paper-card.ts";
import { forYouCards, interestSummary } from "./views.ts";

export const FOR_YOU_LIMIT = 30;
const ForYouQuery = z.object({ days: wholeNumber(1, 365).optional() });

/** /for-you: the personal feed, with its reasons, or trending until the person has told us anything. */
export function registerForYouPage(app: FastifyInstance, deps: AppDeps, pools: CandidatePools): void {
  const route = { preValidation: requireUser, schema: { querystring: ForYouQuery } };
  app.withTypeProvider<ZodTypeProvider>().get("/for-you", route, async (req, reply) => {
    const user = currentUser(req);
    const days = req.query.days ?? DEFAULT_WINDOW_DAYS;
    const now = deps.now();
    const window = await forYouWindow(deps.db, now, days);
    const result = await recommendFor(deps.db, pools, user.id, {
      now,
      since: window.since,
      limit: FOR_YOU_LIMIT,
      search: deps.search,
    });
    const ctx = pageContext(req);
    const papers = result.items.map((i) => i.paper);
    const [cards, onboarded] = await Promise.all([
      cardContext(deps.db, req, ctx, papers),
      onboardingDone(deps.db, user.id),
    ]);
    const notice =
      result.mode === "trending"
        ? html`<p class="notice" role="status">These are <strong>trending papers</strong>: you have not saved, upvoted or followed anything yet.
            ${onboarded ? "" : html`<a href="/for-you/start">Pick a few topics, authors or papers</a> and this page becomes yours.`}</p>`
        : html`<p class="muted">${window.endsAt ? html`No papers came out in the last ${days === 1 ? "day" : `${days} days`}, so these are from ${days === 1 ? "the day of" : `the ${days} days up to`} the newest one, ${formatDay(window.endsAt)},` : html`Papers of the last ${days === 1 ? "day" : `${days} days`}`} picked for you from what you save, upvote and follow. Each says why; press <em>Not interested</em> to see fewer like it.
            <a href="/for-you/start">Add topics or authors</a> · <a href="/saves">Reading list</a></p>`;
    const body = html`<section class="feed-head"><div class="title-row"><h1>For you</h1></div></section>
      ${notice}
      ${interestSummary(result)}
      ${result.items.length > 0 ? forYouCards(result, cards) : emptyFeed(result.mode === "trending" ? "Nothing is trending right now." : `No new papers for you in the last ${days} days.`, html`Try <a href="/for-you?days=30">the last 30 days</a>.`)}`;
    return reply.type("text/html; charset=utf-8").send(page({ title: "For you", body, ctx }));
  });
}
