import { type Period, type PeriodKind, periodContaining, periodLabel } from "../../feed/periods.ts";
import { html, type SafeHtml } from "../html.ts";
import type { FeedView, PageContext } from "../layout.ts";
import type { FeedNav, FeedTab } from "./feed-tabs.ts";

export type { FeedTab } from "./feed-tabs.ts";

export function periodPath(p: Period): string {
  return `/papers/${p.kind === "day" ? "date" : p.kind}/${p.key}`;
}

/** Where the feed tabs lead from a page: from a day, the week and month around it. */
export function feedNavFor(active: FeedTab, day?: string): FeedNav {
  if (!day) return { active };
  return {
    active,
    hrefs: {
      day: periodPath(periodContaining("day", day)),
      week: periodPath(periodContaining("week", day)),
      month: periodPath(periodContaining("month", day)),
    },
  };
}

/** The period's heading with its tools (view switch, date picker, previous/next). */
export function feedHeader(opts: {
  heading: string;
  /** A line under the heading: how many papers and in what order. */
  summary?: string;
  tagline?: string;
  nav?: SafeHtml;
  ctx?: PageContext;
}): SafeHtml {
  return html`<section class="feed-head">
    <div class="title-row">
      <div>
        <h1>${opts.heading}</h1>
        ${opts.summary || opts.tagline ? html`<p class="result-count">${opts.summary ?? ""}${opts.tagline ? html`<span class="tagline">${opts.summary ? " · " : ""}${opts.tagline}</span>` : ""}</p>` : ""}
      </div>
      <div class="head-tools">${opts.ctx ? viewSwitch(opts.ctx) : ""}${opts.nav ?? ""}</div>
    </div>
  </section>`;
}

/** Grid or list, remembered in a cookie by a plain form post (app.js does it without a reload). */
function viewSwitch(ctx: PageContext): SafeHtml {
  const view = ctx.prefs?.view ?? "grid";
  const button = (v: FeedView, label: string, icon: string) =>
    html`<button type="submit" name="view" value="${v}" class="icon-button" aria-pressed="${view === v ? "true" : "false"}" title="${label}"><span aria-hidden="true">${icon}</span><span class="sr-only">${label}</span></button>`;
  return html`<form class="view-switch" method="post" action="/prefs">
    <input type="hidden" name="_csrf" value="${ctx.csrfToken ?? ""}">
    <input type="hidden" name="next" value="${ctx.path ?? "/"}">
    ${button("grid", "Grid of cards", "▦")}${button("list", "Compact list", "☰")}
  </form>`;
}

/** Previous/next links; a side with nowhere to go is shown disabled, never as a dead link. */
export function periodNav(prev: Period | null, next: Period | null): SafeHtml {
  const link = (p: Period | null, rel: "prev" | "next", label: string) =>
    p
      ? html`<a href="${periodPath(p)}" rel="${rel}" title="${periodLabel(p)}">${label}</a>`
      : html`<span class="disabled" aria-disabled="true">${label}</span>`;
  return html`<nav class="period-nav" aria-label="Periods">
    ${link(prev, "prev", "← Previous")}${link(next, "next", "Next →")}
  </nav>`;
}

export function emptyFeed(message: string, hint?: SafeHtml): SafeHtml {
  return html`<div class="empty"><p><strong>${message}</strong></p>${hint ? html`<p>${hint}</p>` : ""}</div>`;
}

/** Page links for a long week or month: ?page=N, 1-based for people. */
export function pager(basePath: string, page: number, hasNext: boolean): SafeHtml {
  if (page === 0 && !hasNext) return html``;
  const href = (n: number) => (n === 0 ? basePath : `${basePath}?page=${n + 1}`);
  return html`<nav class="pagination" aria-label="Pages">
    ${page > 0 ? html`<a href="${href(page - 1)}" rel="prev">← Previous page</a>` : ""}
    <span>Page ${page + 1}</span>
    ${hasNext ? html`<a href="${href(page + 1)}" rel="next">Next page →</a>` : ""}
  </nav>`;
}

const INPUT_TYPES: Record<PeriodKind, [param: string, type: string, label: string]> = {
  day: ["date", "date", "Go to day"],
  week: ["week", "week", "Go to week"],
  month: ["month", "month", "Go to month"],
};

/** A native date/week/month picker that submits to /papers/{kind}?{kind}=…, which redirects. */
export function jumpForm(p: Period): SafeHtml {
  const [param, type, label] = INPUT_TYPES[p.kind];
  return html`<form class="jump" action="/papers/${param}" method="get">
    <label class="sr-only" for="jump-${param}">${label}</label>
    <input id="jump-${param}" type="${type}" name="${param}" value="${p.key}" required>
    <button type="submit">Go</button>
  </form>`;
}
