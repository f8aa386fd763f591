import type { Paper } from "../../papers/types.ts";
import type { Span } from "../../search/highlight.ts";
import { SYNTAX_HINT } from "../../search/query.ts";
import type { SearchHit, SearchMode, SearchResult } from "../../search/types.ts";
import { html, type SafeHtml } from "../html.ts";
import { type CardContext, paperCard, paperList } from "./paper-card.ts";

/** Highlight spans as markup: plain runs escaped, highlighted runs in <mark>. */
function spansHtml(spans: Span[]): SafeHtml {
  return html`${spans.map((s) => (s.type === "highlight" ? html`<mark>${s.text}</mark>` : s.text))}`;
}

export interface SearchRow {
  paper: Paper;
  hit: SearchHit;
  title: Span[];
  snippet: Span[];
}

const MODE_LABELS: Record<SearchMode, string> = { keyword: "Keywords", semantic: "Meaning", hybrid: "Both" };

/** Why a paper is in the results: the words it matched, or that it matched in meaning. */
function whyLabel(row: SearchRow): string {
  const words = [
    ...new Set(
      [...row.title, ...row.snippet].filter((s) => s.type === "highlight").map((s) => s.text.toLowerCase()),
    ),
  ].slice(0, 6);
  const matched = words.length > 0 ? `Matched: ${words.join(", ")}` : "";
  if (row.hit.why === "semantic") return "Semantic match";
  if (row.hit.why === "both") return matched ? `${matched} · semantic match` : "Semantic match";
  return matched;
}

/** The search form of the results page, with the mode picker when more than one mode exists. */
export function searchForm(q: string, mode: SearchMode, modes: readonly SearchMode[]): SafeHtml {
  return html`<form class="search-page-form" action="/search" method="get" role="search">
    <div class="search-field"><input type="search" name="q" value="${q}" aria-label="Search papers" placeholder="Search any paper…" maxlength="1000" autocomplete="off" data-suggest></div>
    ${
      modes.length > 1
        ? html`<fieldset class="search-modes"><legend class="sr-only">Search by</legend>${modes.map(
            (m) =>
              html`<label><input type="radio" name="mode" value="${m}"${m === mode ? html` checked` : ""}> ${MODE_LABELS[m]}</label>`,
          )}</fieldset>`
        : ""
    }
    <button type="submit" class="button primary">Search</button>
  </form>`;
}

export function searchTips(): SafeHtml {
  return html`<details class="search-tips">
    <summary>Search tips</summary>
    <ul>
      <li>Words match in any form: <code>benchmarks</code> finds “benchmark”, <code>pretraining</code> finds “pre-training”. Papers with more of your words, in the title above all, come first.</li>
      <li><code>"quoted phrase"</code> must appear as written; <code>-word</code> leaves out papers with that word.</li>
      <li><code>author:lecun</code> or <code>author:"Yann LeCun"</code>, <code>category:cs.CV</code> (or a whole archive: <code>category:cs</code>).</li>
      <li><code>after:2024-01</code> (from January 2024 on), <code>before:2024-08-09</code> (up to August 8th); YYYY, YYYY-MM or YYYY-MM-DD.</li>
      <li>Paste an arXiv id or an arXiv or Hugging Face link to go straight to the paper.</li>
    </ul>
  </details>`;
}

function pageHref(q: string, mode: SearchMode, p: number, defaultMode: SearchMode, expand: boolean): string {
  const params = new URLSearchParams({ q });
  if (mode !== defaultMode) params.set("mode", mode);
  if (!expand) params.set("expand", "0");
  if (p > 1) params.set("p", String(p));
  return `/search?${params}`;
}

export function searchPager(
  q: string,
  mode: SearchMode,
  p: number,
  hasNext: boolean,
  defaultMode: SearchMode = "keyword",
  expand = true,
): SafeHtml {
  if (p === 1 && !hasNext) return html``;
  return html`<nav class="pagination" aria-label="Pages">
    ${p > 1 ? html`<a href="${pageHref(q, mode, p - 1, defaultMode, expand)}" rel="prev">← Previous page</a>` : ""}
    <span>Page ${p}</span>
    ${hasNext ? html`<a href="${pageHref(q, mode, p + 1, defaultMode, expand)}" rel="next">Next page →</a>` : ""}
  </nav>`;
}

/**
 * What search added to the query ("also searched: artificial intelligence"), with a link that
 * searches only what was typed; once off, a link to turn it back on.
 */
export function expansionNote(
  q: string,
  mode: SearchMode,
  defaultMode: SearchMode,
  result: SearchResult,
  expanded: boolean,
): SafeHtml {
  const params = new URLSearchParams({ q });
  if (mode !== defaultMode) params.set("mode", mode);
  if (!expanded)
    return html`<p class="search-expansion">Acronyms were not expanded. <a href="${`/search?${params}`}">Also search their other form</a></p>`;
  const added = result.query.expansions;
  if (added.length === 0) return html``;
  params.set("expand", "0");
  return html`<p class="search-expansion">Also searched: ${added.map(
    (e, i) => html`${i > 0 ? ", " : ""}<strong>${e.added}</strong> (for “${e.typed}”)`,
  )} · <a href="${`/search?${params}`}" rel="nofollow">Search only for what you typed</a></p>`;
}

export function searchMessages(result: SearchResult | null): SafeHtml {
  if (!result) return html``;
  const { errors, notices } = result.query;
  return html`${errors.map((e) => html`<p class="search-error" role="alert">${e}</p>`)}${notices.map(
    (n) => html`<p class="search-notice">${n}</p>`,
  )}`;
}

export function searchResults(opts: {
  q: string;
  result: SearchResult;
  rows: SearchRow[];
  page: number;
  pageSize: number;
  cards: CardContext;
}): SafeHtml {
  const { result, rows, page, pageSize } = opts;
  if (result.query.errors.length > 0) return html``;
  if (rows.length === 0)
    return html`<div class="empty"><p><strong>${
      page > 1 ? "There are no more results." : `No papers match “${opts.q.slice(0, 200)}”.`
    }</strong></p><p>Try fewer or other words, remove a filter, or use the search tips below. ${SYNTAX_HINT}</p></div>`;
  const first = (page - 1) * pageSize + 1;
  const count = result.total === 1 ? "1 paper" : `${result.total.toLocaleString("en")} papers`;
  return html`<p class="result-count">${count} · showing ${first}–${first + rows.length - 1} · ${result.tookMs} ms</p>
    ${paperList(
      rows.map((r) =>
        paperCard(r.paper, {
          ctx: opts.cards,
          highlightedTitle: spansHtml(r.title),
          highlightedAbstract: spansHtml(r.snippet),
          why: whyLabel(r) || undefined,
        }),
      ),
      "Search results",
    )}`;
}
