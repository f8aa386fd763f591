import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { suggesterFor } from "../../search/suggest.ts";
import type { AppDeps } from "../app.ts";
import { text } from "../fields.ts";
import { errorResponse, jsonResponse } from "./shapes.ts";

const SuggestQuery = z.object({
  q: text(200).default("").describe("What has been typed so far in the search box."),
});

const Suggestion = z
  .object({
    kind: z.enum(["paper", "author", "topic"]),
    label: z.string().describe("What to show: a title, an author's name or a topic's name."),
    href: z.string().describe("Where it leads on this site."),
  })
  .meta({ id: "Suggestion" });
type Suggestion = z.output<typeof Suggestion>;

const schema = {
  operationId: "suggest",
  summary: "Search suggestions",
  description:
    "Titles and authors with a word starting with what was typed, and topics containing it, for the search box as one types: up to 5 papers, 3 authors and 3 topics.",
  querystring: SuggestQuery,
  response: {
    200: jsonResponse(
      "Suggestions, papers first",
      z.object({ q: z.string(), suggestions: z.array(Suggestion) }),
    ),
    400: errorResponse("q is too long or not text"),
  },
};

/**
 * GET /api/suggest?q=: titles, authors and topics for the search box as one types (app.js).
 * Answers from memory; the texts catch up with the papers table in the background.
 */
export function registerSuggestApi(fastify: FastifyInstance, deps: AppDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const suggester = suggesterFor(deps.db);
  app.addHook("onListen", async () => {
    suggester.sync(deps.db).catch((err) => deps.log.error({ err }, "could not load search suggestions"));
  });
  let loaded: Promise<void> | null = null;
  app.get("/api/suggest", { schema }, async (req, reply) => {
    const { q } = req.query;
    loaded ??= suggester.sync(deps.db).catch((err) => {
      loaded = null;
      throw err;
    });
    await loaded;
    suggester.sync(deps.db).catch((err) => deps.log.warn({ err }, "search suggestions sync failed"));
    const found = suggester.suggest(q);
    const topics =
      q.trim().length >= 2
        ? await deps.db.query<{ name: string; slug: string }>(
            `select name, slug from topics where name ilike '%' || $1 || '%' order by featured desc, name limit 3`,
            [q.trim().replace(/[\\%_]/g, (c: string) => `\\${c}`)],
          )
        : [];
    const suggestions: Suggestion[] = [
      ...found.papers.map((p) => ({ kind: "paper" as const, label: p.title, href: `/papers/${p.arxivId}` })),
      ...found.authors.map((a) => ({
        kind: "author" as const,
        label: a,
        href: `/search?q=${encodeURIComponent(`author:"${a}"`)}`,
      })),
      ...topics.map((t) => ({ kind: "topic" as const, label: t.name, href: `/topics/${t.slug}` })),
    ];
    return reply.header("cache-control", "public, max-age=60").send({ q, suggestions });
  });
}
