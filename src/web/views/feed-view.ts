import { type Period, type PeriodKind, periodContaining, periodLabel } from "../../feed/periods.ts";
import { html, type SafeHtml } from "../html.ts";

export type FeedTab = PeriodKind | "trending";

export function periodPath(p: Period): string {
  return `/papers/${p.kind === "day" ? "date" : p.kind}/${p.key}`;
}

/** The "Daily Papers by AK and the research community" heading with its tabs. */
export function feedHeader(opts: {
  active: FeedTab;
  day?: string;
  heading: string;
  nav?: SafeHtml;
}): SafeHtml {
  const tab = (kind: FeedTab, label: string, href: string) =>
    html`<a href="${href}" ${opts.active === kind ? html`aria-current="page"` : ""}>${label}</a>`;
  // From a day, the week and month tabs open the week and month around it.
  const around = (kind: PeriodKind, fallback: string) =>
    opts.day ? periodPath(periodContaining(kind, opts.day)) : fallback;
  return html`<section class="feed-head">
    <div class="title-row">
      <div>
        <h1>Daily Papers</h1>
        <p class="tagline">by AK and the research community</p>
      </div>
      <div class="head-tools">${opts.nav ?? ""}</div>
    </div>
    <nav class="tabs" aria-label="Feed">
      ${tab("day", "Daily", opts.day ? around("day", "/") : "/")}
      ${tab("week", "Weekly", around("week", "/papers/week"))}
      ${tab("month", "Monthly", around("month", "/papers/month"))}
      ${tab("trending", "Trending", "/papers/trending")}
    </nav>
    <h2 class="period-title">${opts.heading}</h2>
  </section>`;
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
