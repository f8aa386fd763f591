import type { Role } from "../users/types.ts";
import { html, type SafeHtml } from "./html.ts";

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
}

export interface PageContext {
  user?: { id: number; username: string; role: Role } | null;
  csrfToken?: string;
  /** The app's header and footer pieces (page-parts.ts), set for every request. */
  layout?: LayoutSlots[];
}

/** Extra pieces of the header and footer that capabilities contribute (account menu, subscribe form). */
export interface LayoutSlots {
  headerEnd?: (ctx: PageContext) => SafeHtml;
  beforeFooter?: (ctx: PageContext) => SafeHtml;
}

export function page(opts: PageOptions): string {
  const ctx = opts.ctx ?? {};
  const slots = ctx.layout ?? [];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · Daily Papers</title>
${opts.description ? html`<meta name="description" content="${opts.description}">` : ""}
<link rel="stylesheet" href="/static/app.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="alternate" type="application/rss+xml" title="Daily Papers (RSS)" href="/papers.rss">
${opts.head ?? ""}
</head>
<body>
<header class="site-header">
  <div class="wrap header-row">
    <a class="brand" href="/"><img class="brand-mark" src="/static/favicon.svg" alt="" width="24" height="24"> Daily Papers</a>
    <nav class="main-nav" aria-label="Main">
      <a href="/">Daily</a>
      <a href="/papers/week">Weekly</a>
      <a href="/papers/month">Monthly</a>
      <a href="/papers/trending">Trending</a>
    </nav>
    <form class="search-box" action="/search" method="get" role="search">
      <input type="search" name="q" value="${opts.query ?? ""}" placeholder="Search any paper…" aria-label="Search papers" maxlength="500">
    </form>
    ${slots.map((s) => (s.headerEnd ? s.headerEnd(ctx) : ""))}
  </div>
</header>
<main class="wrap">
${opts.body}
</main>
${slots.map((s) => (s.beforeFooter ? s.beforeFooter(ctx) : ""))}
<footer class="site-footer wrap">
  <p>Daily Papers by AK and the research community · metadata from <a href="https://arxiv.org">arXiv</a> (CC0) ·
  <a href="/api/docs">API</a></p>
</footer>
<script src="/static/app.js" defer></script>
</body>
</html>`.value;
}
