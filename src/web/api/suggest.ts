import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { suggesterFor } from "../../search/suggest.ts";
import type { AppDeps } from "../app.ts";
import { validate } from "../validate.ts";

const SuggestQuery = z.object({ q: z.string().max(200).default("") });

export interface Suggestion {
  kind: "paper" | "author" | "topic";
  label: string;
  href: string;
}

/**
 * GET /api/suggest?q=: titles, authors and topics for the search box as one types (app.js).
 * Answers from memory; the texts catch up with the papers table in the background.
 */
export function registerSuggestApi(app: FastifyInstance, deps: AppDeps): void {
  const suggester = suggesterFor(deps.db);
  app.addHook("onListen", async () => {
    suggester.sync(deps.db).catch((err) => deps.log.error({ err }, "could not load search suggestions"));
  });
  let loaded: Promise<void> | null = null;
  app.get("/api/suggest", async (req, reply) => {
    const { q } = validate(SuggestQuery, req.query);
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
            [q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)],
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
