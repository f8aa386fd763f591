import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { hitsWithPapers } from "../../search/results.ts";
import { SEARCH_MODES, type SearchMode } from "../../search/types.ts";
import type { AppDeps } from "../app.ts";
import { pageContext } from "../context.ts";
import { feedLinks, searchTopicLinks } from "../delivery/topic-views.ts";
import { oneOf, pageNumber, text } from "../fields.ts";
import { html } from "../html.ts";
import { page } from "../layout.ts";
import { pageDependsOn } from "../page-cache.ts";
import { paperScope } from "../site-changes.ts";
import { cardContext } from "../views/paper-card.ts";
import {
  expansionNote,
  searchForm,
  searchMessages,
  searchPager,
  searchResults,
  searchTips,
} from "../views/search-view.ts";

const SEARCH_PAGE_SIZE = 20;
// Deep pages of a relevance ranking are useless and cost a top-k of that size.
const MAX_PAGE = 50;

const SearchPageQuery = z.object({
  // Long queries are accepted: the parser keeps the first 1,000 characters and says so.
  q: text(100_000, { multiline: true }).optional(),
  p: pageNumber(1, MAX_PAGE).optional(),
  mode: oneOf(SEARCH_MODES as [SearchMode, ...SearchMode[]]).optional(),
  // expand=0: only the words typed, without the other form of their acronyms.
  expand: oneOf(["0", "1"]).optional(),
});

/** GET /search: the results page; an arXiv id or link as the query goes to that paper. */
export function registerSearchPage(app: FastifyInstance, deps: AppDeps): void {
  const schema = { querystring: SearchPageQuery };
  app.withTypeProvider<ZodTypeProvider>().get("/search", { schema }, async (req, reply) => {
    const modes = deps.search.modes();
    // People come for "AI search": hybrid when this process can run it. It keeps the keyword
    // ranking in charge (so highlights still explain most results) and answers with keyword
    // results, with a notice, while no embedding model is ready.
    const defaultMode: SearchMode = modes.includes("hybrid") ? "hybrid" : "keyword";
    const { q = "", p = 1, mode = defaultMode, expand = "1" } = req.query;
    const ctx = pageContext(req);
    if (q.trim() === "") {
      return reply.type("text/html; charset=utf-8").send(
        page({
          title: "Search",
          ctx,
          headerSearch: false,
          body: html`<section class="search-page"><h1>Search papers</h1>${searchForm("", mode, modes)}${searchTips()}</section>`,
        }),
      );
    }
    const result = await deps.search.search({
      q,
      mode,
      limit: SEARCH_PAGE_SIZE,
      offset: (p - 1) * SEARCH_PAGE_SIZE,
      expand: expand === "1",
    });
    if (result.query.arxivId)
      return reply.redirect(`/papers/${encodeURIComponent(result.query.arxivId)}`, 302);
    const rows = await hitsWithPapers(deps.db, result);
    // The ranking reads the papers' text, not their votes: the page shows these papers' counts.
    pageDependsOn(
      req,
      rows.map((r) => paperScope(r.paper.arxivId)),
    );
    const cards = await cardContext(
      deps.db,
      req,
      ctx,
      rows.map((r) => r.paper),
    );
    const hasNext = p < MAX_PAGE && p * SEARCH_PAGE_SIZE < result.total;
    if (result.query.errors.length > 0) reply.code(400);
    return reply.type("text/html; charset=utf-8").send(
      page({
        title: `${q.slice(0, 80)} · Search`,
        head:
          result.query.errors.length === 0
            ? feedLinks(
                `Search: ${q.slice(0, 80)}`,
                "/search",
                `?q=${encodeURIComponent(q)}${result.mode === "keyword" ? "" : `&mode=${result.mode}`}`,
              )
            : undefined,
        query: q.slice(0, 500),
        ctx,
        headerSearch: false,
        body: html`<section class="search-page">
          <h1>Search papers</h1>
          ${searchForm(q, result.mode, modes)}
          ${searchMessages(result)}
          ${expansionNote(q, mode, defaultMode, result, expand === "1")}
          ${result.query.errors.length === 0 ? searchTopicLinks(q, result.mode) : ""}
          ${searchResults({ q, result, rows, page: p, pageSize: SEARCH_PAGE_SIZE, cards })}
          ${searchPager(q, mode, p, hasNext, defaultMode, expand === "1")}
          ${searchTips()}
        </section>`,
      }),
    );
  });
}
