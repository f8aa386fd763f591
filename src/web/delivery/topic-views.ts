import { SEARCH_MODES, type SearchMode } from "../../search/types.ts";
import type { Topic } from "../../topics/store.ts";
import { csrfField } from "../accounts/csrf.ts";
import { html, raw, type SafeHtml } from "../html.ts";
import type { PageContext } from "../layout.ts";

/** <link rel="alternate"> for a page's RSS and Atom feeds. */
export function feedLinks(title: string, basePath: string, query = ""): SafeHtml {
  return html`<link rel="alternate" type="application/rss+xml" title="${title} (RSS)" href="${basePath}.rss${query}">
<link rel="alternate" type="application/atom+xml" title="${title} (Atom)" href="${basePath}.atom${query}">`;
}

export function topicList(topics: Topic[]): SafeHtml {
  if (topics.length === 0) return html`<p class="empty">No topics yet.</p>`;
  return html`<ul class="topic-list">${topics.map(
    (t) =>
      html`<li><a href="/topics/${t.slug}">${t.name}</a>${t.featured ? html` <span class="chip">featured</span>` : ""} <code>${t.query}</code></li>`,
  )}</ul>`;
}

export function followForm(ctx: PageContext, topic: Topic, signedIn: boolean): SafeHtml {
  return html`<form method="post" action="/topics/${topic.slug}/follow" class="subscribe-form">
    ${csrfField(ctx)}
    ${
      signedIn
        ? html`<button type="submit" class="button primary">Follow in my digest</button>`
        : html`<label class="sr-only" for="follow-email">Email address</label>
          <input id="follow-email" type="email" name="email" required maxlength="254" autocomplete="email" placeholder="you@example.org">
          <button type="submit" class="button primary">Follow in my email digest</button>`
    }
  </form>`;
}

export function newTopicForm(
  ctx: PageContext,
  v: { q?: string; name?: string; email?: string; mode?: SearchMode; error?: string },
): SafeHtml {
  const mode = v.mode ?? "keyword";
  return html`<section class="form-narrow">
    <h1>Save a search as a topic</h1>
    ${v.error ? html`<p class="notice error" role="alert">${v.error}</p>` : ""}
    <form method="post" action="/topics">
      ${csrfField(ctx)}
      <label>Search <input type="search" name="q" required maxlength="250" value="${v.q ?? ""}" placeholder="category:cs.CV segmentation"></label>
      <label>Name <input type="text" name="name" maxlength="80" value="${v.name ?? ""}" placeholder="Medical AI"></label>
      <label>Ranking <select name="mode">${SEARCH_MODES.map((m) => html`<option value="${m}"${m === mode ? raw(" selected") : ""}>${m}</option>`)}</select></label>
      ${ctx.user ? "" : html`<label>Email, to follow it in your digest (optional) <input type="email" name="email" maxlength="254" value="${v.email ?? ""}"></label>`}
      <button type="submit" class="button primary">Save topic</button>
    </form>
    <p class="hint">The topic finds what the same search finds, newest first. Filters work as in search: category:cs.CV, author:name, "a phrase", -word.</p>
  </section>`;
}

/** The search page's "save as topic" and feed links for a query. */
export function searchTopicLinks(q: string, mode: SearchMode): SafeHtml {
  const qs = `${encodeURIComponent(q)}${mode === "keyword" ? "" : `&mode=${mode}`}`;
  return html`<p class="search-topic-links"><a href="/topics/new?q=${qs}">Save this search as a topic</a> ·
    follow new matches by <a href="/search.rss?q=${qs}">RSS</a> or <a href="/search.atom?q=${qs}">Atom</a></p>`;
}

/** A signed-in follower's view of a topic: in the digest, or waiting for the address. */
export function followStatus(
  ctx: PageContext,
  topic: Topic,
  state: { digest: { status: string } | null; forYou: boolean },
): SafeHtml {
  const status = state.digest?.status;
  const message =
    status === "confirmed"
      ? html`<strong>✓ Following. In your digest and For you.</strong>`
      : status === "pending"
        ? html`<strong>✓ Following. Saved to your digest (pending).</strong> It starts once you confirm your address with the link we emailed you.`
        : status
          ? html`<strong>✓ Following,</strong> but your digest is off.`
          : html`<strong>✓ Following in <a href="/for-you">For you</a>.</strong>`;
  return html`<div class="follow-status notice" role="status">
    <p>${message} ${status ? html`<a href="/settings/digest">Digest settings</a>` : ""}</p>
    ${
      status
        ? ""
        : html`<form method="post" action="/topics/${topic.slug}/follow" class="inline">${csrfField(ctx)}
      <button type="submit" class="secondary">Also in my digest</button></form>`
    }
    <form method="post" action="/topics/${topic.slug}/unfollow" class="inline">${csrfField(ctx)}
      <button type="submit" class="secondary">Unfollow</button></form>
  </div>`;
}
