import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { daysOf, type Period, type PeriodKind, periodContaining, periodLabel } from "../../feed/periods.ts";
import { feedQuery, latestFeedDate, neighbourFeedDates } from "../../feed/queries.ts";
import type { AppDeps } from "../app.ts";
import { pageContext } from "../context.ts";
import { pageNumber, period as periodField } from "../fields.ts";
import { html } from "../html.ts";
import { page, siteOf } from "../layout.ts";
import { pageDependsOn } from "../page-cache.ts";
import { dayScope } from "../site-changes.ts";
import {
  emptyFeed,
  feedHeader,
  feedNavFor,
  jumpForm,
  pager,
  periodNav,
  periodPath,
} from "../views/feed-view.ts";
import { cardContext, paperCard, paperList } from "../views/paper-card.ts";

export const PAGE_SIZE = 50;

const PageQuery = z.object({ page: pageNumber(1, 100_000).optional() });

const PARAM: Record<PeriodKind, string> = { day: "date", week: "week", month: "month" };

/** The day, week and month feeds, and / showing the newest feed day. */
export function registerFeedPages(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get("/", { schema: { querystring: PageQuery } }, async (req, reply) => {
    const latest = await latestFeedDate(deps.db);
    if (!latest) return reply.type("text/html; charset=utf-8").send(emptySite(req));
    return renderPeriod(req, reply, deps, periodContaining("day", latest), true, req.query.page);
  });

  for (const kind of ["day", "week", "month"] as const) {
    const param = PARAM[kind];
    const schema = { params: z.object({ [param]: periodField(kind) }), querystring: PageQuery };
    routes.get(`/papers/${param}/:${param}`, { schema }, async (req, reply) => {
      const period = req.params[param] as Period;
      return renderPeriod(req, reply, deps, period, false, req.query.page);
    });
  }

  // The week and month tabs open the newest ones; the "Go to" form (a date, week or month
  // input, no JavaScript needed) arrives here with ?date=, ?week= or ?month=.
  for (const kind of ["day", "week", "month"] as const) {
    const param = PARAM[kind];
    const Jump = z.object({ [param]: periodField(kind).optional() });
    routes.get(`/papers/${param}`, { schema: { querystring: Jump } }, async (req, reply) => {
      const chosen = req.query[param] as Period | undefined;
      if (chosen) return reply.redirect(periodPath(chosen), 302);
      const latest = kind === "day" ? null : await latestFeedDate(deps.db);
      return reply.redirect(latest ? periodPath(periodContaining(kind, latest)) : "/", 302);
    });
  }
}

async function renderPeriod(
  req: FastifyRequest,
  reply: FastifyReply,
  deps: AppDeps,
  period: Period,
  isHome: boolean,
  page1 = 1,
) {
  const pageIndex = page1 - 1;
  // The period's cards and their order by votes; which days have entries is a '*' change.
  pageDependsOn(req, daysOf(period).map(dayScope));
  const [{ items, hasNext }, neighbours, total] = await Promise.all([
    feedQuery().between(period.start, period.end).page(deps.db, pageIndex, PAGE_SIZE),
    neighbourFeedDates(deps.db, period.start, period.end),
    feedQuery().between(period.start, period.end).count(deps.db),
  ]);
  const prev = neighbours.before ? periodContaining(period.kind, neighbours.before) : null;
  const next = neighbours.after ? periodContaining(period.kind, neighbours.after) : null;
  const ctx = pageContext(req);
  const cards = await cardContext(
    deps.db,
    req,
    ctx,
    items.map((i) => i.paper),
  );
  const label = periodLabel(period);
  const list =
    items.length > 0
      ? paperList(
          items.map((i) => paperCard(i.paper, { ctx: cards, entry: i.entry })),
          { label: `Papers of ${label}`, view: ctx.prefs?.view ?? "grid" },
        )
      : emptyFeed(
          pageIndex > 0
            ? "There are no more papers in this period."
            : `No papers were submitted for ${label}.`,
          prev || next
            ? html`Try ${prev ? html`<a href="${periodPath(prev)}">${periodLabel(prev)}</a>` : ""}${prev && next ? " or " : ""}${next ? html`<a href="${periodPath(next)}">${periodLabel(next)}</a>` : ""}.`
            : undefined,
        );
  const site = siteOf(ctx);
  const body = html`${feedHeader({
    heading: isHome ? `${site.name} · ${label}` : label,
    summary: `${total} paper${total === 1 ? "" : "s"}, ordered by upvotes`,
    tagline: isHome ? site.tagline : undefined,
    nav: html`${jumpForm(period)}${periodNav(prev, next)}`,
    ctx,
  })}
    ${list}
    ${pager(periodPath(period), pageIndex, hasNext)}`;
  const canonical = isHome ? "/" : periodPath(period);
  return reply.type("text/html; charset=utf-8").send(
    page({
      title: isHome ? site.name : `Papers of ${label}`,
      description: `Papers of ${label}, ordered by the community's upvotes.`,
      head: html`<link rel="alternate" type="application/json" href="/api/daily_papers?${PARAM[period.kind]}=${period.key}">
        <link rel="canonical" href="${deps.config.baseUrl}${canonical}">`,
      body,
      ctx,
      feedNav: feedNavFor(period.kind, period.start),
    }),
  );
}

function emptySite(req: FastifyRequest): string {
  const ctx = pageContext(req);
  return page({
    title: siteOf(ctx).name,
    feedNav: { active: "day" },
    body: html`${feedHeader({ heading: "No papers yet", tagline: siteOf(ctx).tagline })}
      ${emptyFeed(
        "This site has no papers on its feed yet.",
        html`Load some with <code>dailypapers import hf-daily PATH</code>, or submit one once you have signed in.`,
      )}`,
    ctx,
  });
}
