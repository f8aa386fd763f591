import { html, type SafeHtml } from "../html.ts";

export type FeedTab = "day" | "week" | "month" | "trending";

/** Which tab is current and, from a day, where the week and month tabs lead. */
export interface FeedNav {
  active?: FeedTab;
  hrefs?: Partial<Record<FeedTab, string>>;
}

const TABS: [FeedTab, string, string][] = [
  ["day", "Daily", "/"],
  ["week", "Weekly", "/papers/week"],
  ["month", "Monthly", "/papers/month"],
  ["trending", "Trending", "/papers/trending"],
];

/** The one place the feed periods are linked: under the header on every page. */
export function feedTabs(nav: FeedNav = {}): SafeHtml {
  return html`<nav class="feed-tabs" aria-label="Feeds">${TABS.map(
    ([tab, label, href]) =>
      html`<a href="${nav.hrefs?.[tab] ?? href}"${nav.active === tab ? html` aria-current="page"` : ""}>${label}</a>`,
  )}</nav>`;
}
