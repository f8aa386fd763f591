import type { Role } from "../users/types.ts";
import { html, type SafeHtml } from "./html.ts";
import { type FeedNav, feedTabs } from "./views/feed-tabs.ts";

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** The search box keeps the query the page was made for. */
  query?: string;
  description?: string;
  /** Extra <head> content: alternate feed links, canonical URL. */
  head?: SafeHtml;
  /** Per-request context that the header shows (signed-in user, CSRF token for forms). */
  ctx?: PageContext;
  /** Which feed tab is current, and where the tabs lead from this page (a day's week, say). */
  feedNav?: FeedNav;
  /** The search page has its own, larger search form: no second box in the header. */
  headerSearch?: boolean;
}

export type Theme = "light" | "dark";
export type FeedView = "grid" | "list";

export interface PageContext {
  user?: { id: number; username: string; role: Role } | null;
  csrfToken?: string;
  /** The operator's name and tagline for the site (SITE_NAME, SITE_TAGLINE). */
  site?: { name: string; tagline: string };
  /** Remembered display choices; no theme means "follow the system". */
  prefs?: { theme?: Theme; view: FeedView };
  /** The path and query of this request, for forms that come back to it. */
  path?: string;
  /** The app's header and footer pieces (page-parts.ts), set for every request. */
  layout?: LayoutSlots[];
}

/** Extra pieces of the header and footer that capabilities contribute (account menu, subscribe form). */
export interface LayoutSlots {
  headerEnd?: (ctx: PageContext) => SafeHtml;
  beforeFooter?: (ctx: PageContext) => SafeHtml;
}

const DEFAULT_SITE = { name: "Daily Papers", tagline: "" };

export function siteOf(ctx: PageContext | undefined): { name: string; tagline: string } {
  return ctx?.site ?? DEFAULT_SITE;
}

/**
 * Two buttons, one shown per effective theme by CSS (the system's, or the remembered choice),
 * so the toggle is right without JavaScript; app.js switches at once and remembers in the
 * background.
 */
function themeToggle(ctx: PageContext): SafeHtml {
  return html`<form class="theme-toggle" method="post" action="/prefs">
    <input type="hidden" name="_csrf" value="${ctx.csrfToken ?? ""}">
    <input type="hidden" name="next" value="${ctx.path ?? "/"}">
    <button type="submit" name="theme" value="dark" class="icon-button to-dark" title="Dark theme" aria-label="Use the dark theme"><span aria-hidden="true">☾</span></button>
    <button type="submit" name="theme" value="light" class="icon-button to-light" title="Light theme" aria-label="Use the light theme"><span aria-hidden="true">☀</span></button>
  </form>`;
}

export function page(opts: PageOptions): string {
  const ctx = opts.ctx ?? {};
  const slots = ctx.layout ?? [];
  const site = siteOf(ctx);
  const theme = ctx.prefs?.theme;
  const title = opts.title === site.name ? site.name : `${opts.title} · ${site.name}`;
  return html`<!doctype html>
<html lang="en"${theme ? html` data-theme="${theme}"` : ""}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<meta name="description" content="${opts.description ?? (site.tagline || `${site.name}: research papers, ranked by their readers.`)}">
<meta name="color-scheme" content="${theme ?? "light dark"}">
<link rel="stylesheet" href="/static/app.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="alternate" type="application/rss+xml" title="${site.name} (RSS)" href="/papers.rss">
${opts.head ?? ""}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap header-row">
    <a class="brand" href="/"><img class="brand-mark" src="/static/favicon.svg" alt="" width="24" height="24"><span class="brand-name">${site.name}</span></a>
    ${feedTabs(opts.feedNav)}
    ${
      opts.headerSearch === false
        ? html`<span class="search-box-spacer"></span>`
        : html`<form class="search-box" action="/search" method="get" role="search">
      <input type="search" name="q" value="${opts.query ?? ""}" placeholder="Search any paper…" aria-label="Search papers" maxlength="500" autocomplete="off" data-suggest>
    </form>`
    }
    ${themeToggle(ctx)}
    ${slots.map((s) => (s.headerEnd ? s.headerEnd(ctx) : ""))}
  </div>
</header>
<main id="main" class="wrap" tabindex="-1">
${opts.body}
</main>
${slots.map((s) => (s.beforeFooter ? s.beforeFooter(ctx) : ""))}
<footer class="site-footer">
  <div class="wrap">
  <p>${site.name}${site.tagline ? html` · ${site.tagline}` : ""} · metadata from <a href="https://arxiv.org">arXiv</a> (CC0) ·
  <a href="/api/docs">API</a> · <a href="/topics">Topics</a> · <a href="/keys">Keyboard shortcuts</a></p>
  </div>
</footer>
<script src="/static/app.js" defer></script>
</body>
</html>`.value;
}
