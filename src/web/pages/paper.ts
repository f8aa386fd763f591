import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { feedEntriesOfPaper } from "../../feed/queries.ts";
import { parseArxivId } from "../../papers/arxiv-id.ts";
import { paperById } from "../../papers/store.ts";
import type { AppDeps } from "../app.ts";
import { pageContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { text } from "../fields.ts";
import { html } from "../html.ts";
import { page } from "../layout.ts";
import { pageDependsOn } from "../page-cache.ts";
import { renderPaperSections } from "../paper-sections.ts";
import { paperScope } from "../site-changes.ts";
import { snippet } from "../views/format.ts";
import { cardContext } from "../views/paper-card.ts";
import { paperMarkdown } from "../views/paper-markdown.ts";
import { paperView } from "../views/paper-view.ts";
import { thumbnailSvg } from "../views/thumbnail.ts";

type Variant = "page" | "markdown" | "thumbnail";
const SUFFIXES: [Variant, string][] = [
  ["thumbnail", "/thumbnail.svg"],
  ["markdown", ".md"],
];

/**
 * /papers/{arxivId}, its Markdown (/papers/{id}.md) and its card image. A wildcard route,
 * because old-style ids hold a slash (/papers/hep-th/9901001); versioned ids and pasted arXiv
 * URLs redirect to the one canonical address.
 */
export function registerPaperPages(app: FastifyInstance, deps: AppDeps): void {
  const route = {
    schema: {
      params: z.object({ "*": text(1000) }),
      // Only the title card reads it.
      querystring: z.object({ theme: z.enum(["light", "dark"]).optional() }),
    },
    config: { wildcardParam: "id" },
  };
  app.withTypeProvider<ZodTypeProvider>().get("/papers/*", route, async (req, reply) => {
    const rest = req.params["*"];
    const [variant, suffix] = SUFFIXES.find(([, s]) => rest.endsWith(s)) ?? ["page", ""];
    const raw = rest.slice(0, rest.length - suffix.length);
    const parsed = parseArxivId(raw);
    if (!parsed)
      throw new HttpError(404, `"${snippet(raw, 80)}" is not an arXiv id, so there is no paper here.`);
    if (raw !== parsed.id) return reply.redirect(`/papers/${parsed.id}${suffix}`, 301);
    const paper = await paperById(deps.db, parsed.id);
    if (!paper) return notFound(reply, req, parsed.id);
    // Its counts and its discussion (the similar papers in the sidebar show only titles).
    pageDependsOn(req, [paperScope(paper.arxivId)]);
    if (variant === "thumbnail")
      return reply
        .type("image/svg+xml")
        .header("cache-control", "public, max-age=86400")
        .send(thumbnailSvg(paper, req.query.theme));
    const entries = await feedEntriesOfPaper(deps.db, paper.arxivId);
    const url = `${deps.config.baseUrl}/papers/${paper.arxivId}`;
    if (variant === "markdown")
      return reply.type("text/markdown; charset=utf-8").send(paperMarkdown(paper, entries, url));
    const ctx = pageContext(req);
    const [cards, main, side] = await Promise.all([
      cardContext(deps.db, req, ctx, [paper]),
      renderPaperSections("main", paper, req, deps),
      renderPaperSections("side", paper, req, deps),
    ]);
    return reply.type("text/html; charset=utf-8").send(
      page({
        title: paper.title,
        description: snippet(paper.abstract, 200),
        head: html`<link rel="canonical" href="${url}">
          <link rel="alternate" type="text/markdown" href="/papers/${paper.arxivId}.md">
          <link rel="alternate" type="application/json" href="/api/papers/${paper.arxivId}">
          <meta property="og:title" content="${paper.title}">
          <meta property="og:image" content="${url}/thumbnail.svg">`,
        body: paperView({ paper, entries, cards, main, side }),
        ctx,
      }),
    );
  });
}

function notFound(reply: FastifyReply, req: FastifyRequest, id: string) {
  reply.code(404);
  return reply.type("text/html; charset=utf-8").send(
    page({
      title: "Paper not found",
      body: html`<section class="error-page">
        <h1>404 · Paper not found</h1>
        <p>Daily Papers has no paper ${id} yet.</p>
        <p><a href="https://arxiv.org/abs/${id}" rel="noopener">Look for it on arXiv</a>, go <a href="/">back to today's papers</a> or <a href="/search">search</a>.</p>
      </section>`,
      ctx: pageContext(req),
    }),
  );
}
