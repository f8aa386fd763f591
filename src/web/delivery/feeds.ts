import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { feedQuery, latestFeedDate } from "../../feed/queries.ts";
import { parseQuery } from "../../search/query.ts";
import { SEARCH_MODES, type SearchMode } from "../../search/types.ts";
import { feedItemOf, feedUpdated } from "../../syndication/items.ts";
import { type FeedItem, type FeedMeta, renderAtom, renderRss } from "../../syndication/xml.ts";
import { savedSearchPapers } from "../../topics/papers.ts";
import { topicBySlug } from "../../topics/store.ts";
import type { AppDeps } from "../app.ts";
import { HttpError } from "../errors.ts";
import { text } from "../fields.ts";
import { sendCacheable } from "./conditional.ts";

type Format = "rss" | "atom";
const FEED_SIZE = 50;
const TYPES: Record<Format, string> = {
  rss: "application/rss+xml; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
};

function send(
  req: FastifyRequest,
  reply: FastifyReply,
  format: Format,
  meta: Omit<FeedMeta, "updated">,
  items: FeedItem[],
) {
  const updated = feedUpdated(items);
  const body =
    format === "rss" ? renderRss({ ...meta, updated }, items) : renderAtom({ ...meta, updated }, items);
  return sendCacheable(req, reply, { body, type: TYPES[format], lastModified: updated });
}

const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const SearchFeedQuery = z.object({
  q: text(250, { tooLong: "must be at most 250 characters" }),
  mode: z.enum(SEARCH_MODES as [SearchMode, ...SearchMode[]]).optional(),
});
const TopicParams = z.object({ slug: text(200) });

/** A feed page's RSS 2.0 and Atom copies, at `${path}.rss` and `${path}.atom`. */
export interface XmlFeed {
  /** The page's path; the feeds sit beside it. */
  path: string;
  /** Where a reader opens the page (defaults to `path`). */
  pageUrl?: string;
  title: string;
  description: string;
  /** The newest items, at most `limit`. */
  items(deps: AppDeps, limit: number): Promise<FeedItem[]>;
}

/**
 * Registers both formats of one feed. A feed page calls it next to its own route (see
 * pages/trending.ts), so that a new feed type brings its RSS and Atom in its own module.
 */
export function registerXmlFeed(app: FastifyInstance, deps: AppDeps, feed: XmlFeed): void {
  const base = deps.config.baseUrl;
  for (const format of ["rss", "atom"] as const)
    app.get(`${feed.path}.${format}`, async (req, reply) =>
      send(
        req,
        reply,
        format,
        {
          title: feed.title,
          description: feed.description,
          pageUrl: `${base}${feed.pageUrl ?? feed.path}`,
          selfUrl: `${base}${feed.path}.${format}`,
        },
        await feed.items(deps, FEED_SIZE),
      ),
    );
}

/**
 * RSS 2.0 and Atom for the daily feed, each topic and any search (trending registers its own). Search and topic
 * feeds list matches newest first (a feed reader wants what is new, not what is most relevant).
 */
export function registerFeedXmlRoutes(app: FastifyInstance, deps: AppDeps): void {
  const base = deps.config.baseUrl;
  registerXmlFeed(app, deps, {
    path: "/papers",
    pageUrl: "/",
    title: "Daily Papers",
    description: "The day's papers, chosen by the research community, most upvoted first.",
    async items(d, limit) {
      const day = await latestFeedDate(d.db);
      if (!day) return [];
      const { items } = await feedQuery().between(day, nextDay(day)).page(d.db, 0, limit);
      return items.map((i) => feedItemOf(i.paper, d.config.baseUrl, i.entry.submittedAt));
    },
  });
  const routes = app.withTypeProvider<ZodTypeProvider>();
  for (const format of ["rss", "atom"] as const) {
    routes.get(`/topics/:slug/feed.${format}`, { schema: { params: TopicParams } }, async (req, reply) => {
      const topic = await topicBySlug(deps.db, req.params.slug);
      if (!topic) throw new HttpError(404, "There is no topic with this name.");
      const papers = await savedSearchPapers(deps, topic.query, { mode: topic.mode, limit: FEED_SIZE });
      return send(
        req,
        reply,
        format,
        {
          title: `Daily Papers · ${topic.name}`,
          description: `New papers matching “${topic.query}”.`,
          pageUrl: `${base}/topics/${topic.slug}`,
          selfUrl: `${base}/topics/${topic.slug}/feed.${format}`,
        },
        papers.map((p) => feedItemOf(p, base)),
      );
    });

    routes.get(`/search.${format}`, { schema: { querystring: SearchFeedQuery } }, async (req, reply) => {
      const { q, mode = "keyword" } = req.query;
      const query = parseQuery(q);
      const problem = query.errors[0] ?? (query.arxivId ? "A feed is a search, not a single paper." : null);
      if (problem) throw new HttpError(400, problem, "q");
      const papers = await savedSearchPapers(deps, q, { mode, limit: FEED_SIZE });
      const qs = `?q=${encodeURIComponent(q)}${mode === "keyword" ? "" : `&mode=${mode}`}`;
      return send(
        req,
        reply,
        format,
        {
          title: `Daily Papers · ${q}`,
          description: `New papers matching “${q}”, newest first.`,
          pageUrl: `${base}/search${qs}`,
          selfUrl: `${base}/search.${format}${qs}`,
        },
        papers.map((p) => feedItemOf(p, base)),
      );
    });
  }
}
