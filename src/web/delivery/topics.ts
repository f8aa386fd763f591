import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { DeliveryDeps } from "../../email/deps.ts";
import { requestSubscription } from "../../email/subscription.ts";
import { SEARCH_MODES, type SearchMode } from "../../search/types.ts";
import { MAX_TOPIC_NAME, MAX_TOPIC_QUERY, saveTopic } from "../../topics/commands.ts";
import { accountTopicFollows, unfollowTopicForAccount } from "../../topics/following.ts";
import { savedSearchPapers } from "../../topics/papers.ts";
import { followTopic, setTopicFeatured, type Topic, topicBySlug, topicsList } from "../../topics/store.ts";
import { canAdminister } from "../../users/policies.ts";
import { csrfField } from "../accounts/csrf.ts";
import { currentUser, requirePolicy, requireUser } from "../accounts/guards.ts";
import type { AppDeps } from "../app.ts";
import { pageContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { formText, formTextCheckedByCapability, pageNumber, text } from "../fields.ts";
import { html, type SafeHtml } from "../html.ts";
import { page } from "../layout.ts";
import { cardContext, paperCard, paperList } from "../views/paper-card.ts";
import { accountSubscription, type FollowResult } from "./follow.ts";
import { feedLinks, followForm, followStatus, newTopicForm, topicList } from "./topic-views.ts";
import { CHECK_INBOX } from "./views.ts";

const PAGE_SIZE = 20;
const TopicPageQuery = z.object({ p: pageNumber(1, 50).optional(), followed: text(10).optional() });
// The search page allows longer queries than a topic; the form shows the start and says the limit.
const Mode = z.enum(SEARCH_MODES as [SearchMode, ...SearchMode[]]);
const NewTopicQuery = z.object({ q: text(5000, { multiline: true }).optional(), mode: Mode.optional() });
// Limits above the topic's own (topics/commands.ts), so that its clearer messages are the ones shown.
const NewTopicForm = z.object({
  q: formTextCheckedByCapability(5000),
  name: formTextCheckedByCapability(1000),
  email: formTextCheckedByCapability(1000),
  mode: Mode.optional(),
});
const TopicParams = z.object({ slug: text(200) });
const FollowForm = z.object({ email: formTextCheckedByCapability(1000) });
const FeatureForm = z.object({ featured: formText(10) });

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

/**
 * Topics: saved searches with their own page and feed, followed in digests. Anyone can save a
 * search as a topic; following one by email goes through the same double opt-in as subscribing.
 */
export function registerTopicRoutes(fastify: FastifyInstance, deps: AppDeps, d: DeliveryDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  /**
   * Signed in, the account's own address is used: followed at once when the address is
   * confirmed (no second confirmation by mail), or kept as pending on the account's own
   * subscription until the address is confirmed. Anyone else (or another address) gets the
   * double opt-in mail, with the same answer for every address.
   */
  const follow = async (req: FastifyRequest, topic: Topic, email: string): Promise<FollowResult> => {
    const user = req.user;
    if (user?.email && email === "") {
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

  app.get("/topics/new", { schema: { querystring: NewTopicQuery } }, async (req, reply) => {
    const { q = "", mode } = req.query;
    const short = q.slice(0, MAX_TOPIC_QUERY);
    return show(
      req,
      reply,
      "New topic",
      newTopicForm(pageContext(req), { q: short, name: short.slice(0, MAX_TOPIC_NAME), mode }),
    );
  });

  app.post(
    "/topics",
    { config: { throttle: "subscribe" }, schema: { body: NewTopicForm } },
    async (req, reply) => {
      const body = req.body;
      const mode = body.mode;
      const saved = await saveTopic(d.db, {
        query: body.q,
        name: body.name,
        mode,
        createdBy: req.user?.id ?? null,
      });
      const values = {
        mode,
        q: body.q.slice(0, 250),
        name: body.name.slice(0, 80),
        email: body.email.slice(0, 254),
      };
      if (!saved.ok)
        return show(
          req,
          reply,
          "New topic",
          newTopicForm(pageContext(req), { ...values, error: saved.error }),
          { status: 400 },
        );
      const wantsFollow = body.email.trim() !== "" || !!req.user;
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
    },
  );

  const topicPage = { schema: { params: TopicParams, querystring: TopicPageQuery } };
  app.get("/topics/:slug", topicPage, async (req, reply) => {
    const topic = await topicBySlug(d.db, req.params.slug);
    if (!topic) throw new HttpError(404, "There is no topic with this name.");
    const { p = 1 } = req.query;
    const rows = await savedSearchPapers(deps, topic.query, {
      mode: topic.mode,
      limit: PAGE_SIZE + 1,
      offset: (p - 1) * PAGE_SIZE,
    });
    const papers = rows.slice(0, PAGE_SIZE);
    const ctx = pageContext(req);
    const cards = await cardContext(deps.db, req, ctx, papers);
    const followed = req.query.followed ?? "";
    const isAdmin = canAdminister(req.user);
    const mine = req.user ? (await accountTopicFollows(d.db, req.user.id)).get(topic.id) : undefined;
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

  const followRoute = {
    config: { throttle: "subscribe" as const },
    schema: { params: TopicParams, body: FollowForm },
  };
  app.post("/topics/:slug/follow", followRoute, async (req, reply) => {
    const topic = await topicBySlug(d.db, req.params.slug);
    if (!topic) throw new HttpError(404, "There is no topic with this name.");
    const res = await follow(req, topic, req.body.email);
    if (res.state === "error") throw new HttpError(400, res.error, "email");
    return reply.redirect(`/topics/${topic.slug}?followed=${res.state}`, 303);
  });

  const unfollowRoute = { preValidation: requireUser, schema: { params: TopicParams } };
  app.post("/topics/:slug/unfollow", unfollowRoute, async (req, reply) => {
    const topic = await topicBySlug(d.db, req.params.slug);
    if (!topic) throw new HttpError(404, "There is no topic with this name.");
    await unfollowTopicForAccount(d.db, currentUser(req).id, topic.id);
    return reply.redirect(`/topics/${topic.slug}`, 303);
  });

  app.post(
    "/topics/:slug/feature",
    { preValidation: requirePolicy("administer"), schema: { params: TopicParams, body: FeatureForm } },
    async (req, reply) => {
      const topic = await topicBySlug(d.db, req.params.slug);
      if (!topic) throw new HttpError(404, "There is no topic with this name.");
      await setTopicFeatured(d.db, topic.id, req.body.featured === "1");
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
