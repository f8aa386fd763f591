import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { DeliveryDeps } from "../../email/deps.ts";
import { subscriberByUser } from "../../email/subscribers-store.ts";
import { requestSubscription } from "../../email/subscription.ts";
import { MAX_TOPIC_NAME, MAX_TOPIC_QUERY, saveTopic } from "../../topics/commands.ts";
import { topicMatch } from "../../topics/query.ts";
import {
  followTopic,
  papersMatchingTopic,
  setTopicFeatured,
  type Topic,
  topicBySlug,
  topicsList,
  unfollowTopic,
} from "../../topics/store.ts";
import { hasRole } from "../../users/types.ts";
import { csrfField } from "../accounts/csrf.ts";
import { currentUser, requireRole, requireUser } from "../accounts/guards.ts";
import type { AppDeps } from "../app.ts";
import { throttle } from "../community/throttle.ts";
import { pageContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { html, type SafeHtml } from "../html.ts";
import { page } from "../layout.ts";
import { intParam, validate } from "../validate.ts";
import { cardContext, paperCard, paperList } from "../views/paper-card.ts";
import { accountSubscription, type FollowResult, followState } from "./follow.ts";
import { feedLinks, followForm, followStatus, newTopicForm, topicList } from "./topic-views.ts";
import { CHECK_INBOX } from "./views.ts";

const PAGE_SIZE = 20;
const TopicPageQuery = z.object({ p: intParam(1, 50).optional() });
// The search page allows longer queries than a topic; the form shows the start and says the limit.
const NewTopicQuery = z.object({ q: z.string().max(5000).optional() });

function show(
  req: FastifyRequest,
  reply: FastifyReply,
  title: string,
  body: SafeHtml,
  opts: { status?: number; head?: SafeHtml } = {},
) {
  return reply
    .code(opts.status ?? 200)
    .type("text/html; charset=utf-8")
    .send(page({ title, body, head: opts.head, ctx: pageContext(req) }));
}

const field = (body: unknown, name: string): unknown =>
  body && typeof body === "object" ? (body as Record<string, unknown>)[name] : undefined;

/**
 * Topics: saved searches with their own page and feed, followed in digests. Anyone can save a
 * search as a topic; following one by email goes through the same double opt-in as subscribing.
 */
export function registerTopicRoutes(app: FastifyInstance, deps: AppDeps, d: DeliveryDeps): void {
  /**
   * Signed in, the account's own address is used: followed at once when the address is
   * confirmed (no second confirmation by mail), or kept as pending on the account's own
   * subscription until the address is confirmed. Anyone else (or another address) gets the
   * double opt-in mail, with the same answer for every address.
   */
  const follow = async (req: FastifyRequest, topic: Topic, email: unknown): Promise<FollowResult> => {
    const user = req.user;
    if (user?.email && (email === undefined || email === "")) {
      const sub = await accountSubscription(d, user);
      if (sub) {
        await followTopic(d.db, sub.id, topic.id);
        if (sub.status === "confirmed") return { state: "following" };
        await requestSubscription(d, { email: user.email });
        return { state: "pending" };
      }
      email = user.email;
    }
    const res = await requestSubscription(d, { email, topicId: topic.id });
    return res.ok ? { state: "mailed" } : { state: "error", error: res.error };
  };

  app.get("/topics", async (req, reply) => {
    const topics = await topicsList(d.db);
    return show(
      req,
      reply,
      "Topics",
      html`<section><h1>Topics</h1>
        <p>A topic is a saved search. Its page lists new papers that match, it has a feed, and you can follow it in your email digest.</p>
        ${topicList(topics)}
        <p><a class="button" href="/topics/new">Save a search as a topic</a></p></section>`,
    );
  });

  app.get("/topics/new", async (req, reply) => {
    const { q = "" } = validate(NewTopicQuery, req.query);
    const short = q.slice(0, MAX_TOPIC_QUERY);
    return show(
      req,
      reply,
      "New topic",
      newTopicForm(pageContext(req), { q: short, name: short.slice(0, MAX_TOPIC_NAME) }),
    );
  });

  app.post("/topics", async (req, reply) => {
    await throttle(d.db, req, reply, "subscribe", d.now());
    const body = (req.body ?? {}) as Record<string, unknown>;
    const saved = await saveTopic(d.db, { query: body.q, name: body.name, createdBy: req.user?.id ?? null });
    const values = {
      q: String(body.q ?? "").slice(0, 250),
      name: String(body.name ?? "").slice(0, 80),
      email: String(body.email ?? "").slice(0, 254),
    };
    if (!saved.ok)
      return show(
        req,
        reply,
        "New topic",
        newTopicForm(pageContext(req), { ...values, error: saved.error }),
        { status: 400 },
      );
    const wantsFollow = (typeof body.email === "string" && body.email.trim() !== "") || !!req.user;
    let state = "";
    if (wantsFollow) {
      const res = await follow(req, saved.topic, body.email);
      if (res.state === "error")
        return show(
          req,
          reply,
          "New topic",
          newTopicForm(pageContext(req), { ...values, error: res.error }),
          { status: 400 },
        );
      state = res.state;
    }
    return reply.redirect(`/topics/${saved.topic.slug}${state ? `?followed=${state}` : ""}`, 303);
  });

  app.get<{ Params: { slug: string } }>("/topics/:slug", async (req, reply) => {
    const topic = await topicBySlug(d.db, req.params.slug);
    if (!topic) throw new HttpError(404, "There is no topic with this name.");
    const { p = 1 } = validate(TopicPageQuery, req.query);
    const parsed = topicMatch(topic.query);
    const rows = parsed.ok
      ? await papersMatchingTopic(d.db, parsed.match, { limit: PAGE_SIZE + 1, offset: (p - 1) * PAGE_SIZE })
      : [];
    const papers = rows.slice(0, PAGE_SIZE);
    const ctx = pageContext(req);
    const cards = await cardContext(deps.db, req, ctx, papers);
    const followed = String(field(req.query, "followed") ?? "");
    const isAdmin = hasRole(req.user, "admin");
    const mine = req.user ? await followState(d, req.user, topic.id) : null;
    return show(
      req,
      reply,
      topic.name,
      html`<section class="topic-page">
        <div class="page-head"><h1>${topic.name}</h1>
        <p class="tagline">New papers matching <a href="/search?q=${encodeURIComponent(topic.query)}"><code>${topic.query}</code></a>, newest first${topic.featured ? " · featured topic" : ""}.</p></div>
        ${followed === "mailed" ? html`<p class="notice" role="status">${CHECK_INBOX}</p>` : ""}
        ${mine ? followStatus(ctx, topic, mine) : followForm(ctx, topic, !!req.user)}
        ${isAdmin ? adminForm(ctx, topic) : ""}
        ${papers.length === 0 ? html`<p class="empty">No papers match this topic yet.</p>` : paperList(papers.map((paper) => paperCard(paper, { ctx: cards })))}
        <nav class="pagination">${p > 1 ? html`<a href="?p=${p - 1}">Newer</a>` : ""} ${rows.length > PAGE_SIZE ? html`<a href="?p=${p + 1}">Older</a>` : ""}</nav>
        <p>Feeds: <a href="/topics/${topic.slug}/feed.rss">RSS</a> · <a href="/topics/${topic.slug}/feed.atom">Atom</a></p>
      </section>`,
      { head: feedLinks(`Daily Papers · ${topic.name}`, `/topics/${topic.slug}/feed`) },
    );
  });

  app.post<{ Params: { slug: string } }>("/topics/:slug/follow", async (req, reply) => {
    await throttle(d.db, req, reply, "subscribe", d.now());
    const topic = await topicBySlug(d.db, req.params.slug);
    if (!topic) throw new HttpError(404, "There is no topic with this name.");
    const res = await follow(req, topic, field(req.body, "email"));
    if (res.state === "error") throw new HttpError(400, res.error, "email");
    return reply.redirect(`/topics/${topic.slug}?followed=${res.state}`, 303);
  });

  app.post<{ Params: { slug: string } }>(
    "/topics/:slug/unfollow",
    { preHandler: requireUser },
    async (req, reply) => {
      const topic = await topicBySlug(d.db, req.params.slug);
      if (!topic) throw new HttpError(404, "There is no topic with this name.");
      const sub = await subscriberByUser(d.db, currentUser(req).id);
      if (sub) await unfollowTopic(d.db, sub.id, topic.id);
      return reply.redirect(`/topics/${topic.slug}`, 303);
    },
  );

  app.post<{ Params: { slug: string } }>(
    "/topics/:slug/feature",
    { preHandler: requireRole("admin") },
    async (req, reply) => {
      const topic = await topicBySlug(d.db, req.params.slug);
      if (!topic) throw new HttpError(404, "There is no topic with this name.");
      await setTopicFeatured(d.db, topic.id, field(req.body, "featured") === "1");
      return reply.redirect(`/topics/${topic.slug}`, 303);
    },
  );
}

function adminForm(ctx: ReturnType<typeof pageContext>, topic: Topic): SafeHtml {
  return html`<form method="post" action="/topics/${topic.slug}/feature" class="inline">
    ${csrfField(ctx)}
    <input type="hidden" name="featured" value="${topic.featured ? "0" : "1"}">
    <button type="submit" class="button">${topic.featured ? "Unfeature" : "Feature this topic"}</button>
  </form>`;
}
