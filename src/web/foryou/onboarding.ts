import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AUTHOR_NAME_MAX, authorKey, authorPath } from "../../authors/names.ts";
import {
  AUTHOR_FOLLOWS_MAX,
  authorFollowsFull,
  authorKeysFollowedBy,
  followAuthor,
  unfollowAuthors,
} from "../../authors/store.ts";
import { trendingPage } from "../../feed/trending.ts";
import { saveSet } from "../../library/store.ts";
import { parseArxivId } from "../../papers/arxiv-id.ts";
import { markOnboarded, userTopicSet } from "../../recommend/store.ts";
import { accountTopicFollows, unfollowTopicForAccount } from "../../topics/following.ts";
import { topicById, topicsList } from "../../topics/store.ts";
import { csrfField } from "../accounts/csrf.ts";
import { currentUser, requireUser } from "../accounts/guards.ts";
import type { AppDeps } from "../app.ts";
import { throttle } from "../community/throttle.ts";
import { pageContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { formText, repeated, text } from "../fields.ts";
import { html } from "../html.ts";
import { page } from "../layout.ts";

const MAX_PICKS = 50;
const StartQuery = z.object({ empty: text(1).optional() });
// Topics listed: every followed one, then others up to this many.
const SHOWN_TOPICS = 40;
const MAX_TOPICS = 200;
const MAX_FOLLOWED = 1000;
const StartForm = z.object({
  topic: repeated(12, MAX_TOPICS),
  // The topics the form showed ticked (followed when it was rendered): only one of these, now
  // unticked, is unfollowed. A topic followed elsewhere after the page was opened is not in
  // it, so a stale tab leaves that follow alone; ticked boxes only ever add.
  followed_topic: repeated(12, MAX_TOPICS),
  paper: repeated(100, MAX_PICKS),
  authors: formText(4000, { multiline: true }),
  // Followed authors are listed ticked; one listed but not ticked is unfollowed.
  followed_author: repeated(AUTHOR_NAME_MAX, MAX_FOLLOWED),
  shown_author: repeated(AUTHOR_NAME_MAX, MAX_FOLLOWED),
});

/**
 * The cold start: a new person picks a few topics, authors or trending papers (Scholar Inbox
 * asks for authors or papers the same way), and "for you" has something to learn from.
 */
export function registerOnboarding(fastify: FastifyInstance, deps: AppDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const startPage = { preValidation: requireUser, schema: { querystring: StartQuery } };
  app.get("/for-you/start", startPage, async (req, reply) => {
    const user = currentUser(req);
    const ctx = pageContext(req);
    const [allTopics, followed, authors, trending] = await Promise.all([
      topicsList(deps.db),
      accountTopicFollows(deps.db, user.id),
      authorKeysFollowedBy(deps.db, [user.id]).then((m) => (m.get(user.id) ?? []).slice(0, MAX_FOLLOWED)),
      trendingPage(deps.db, { now: deps.now(), page: 0, limit: 12 }),
    ]);
    // Followed topics first (all of them, so each can be unticked), then others.
    const topics = [
      ...allTopics.filter((t) => followed.has(t.id)),
      ...allTopics.filter((t) => !followed.has(t.id)).slice(0, SHOWN_TOPICS),
    ].slice(0, MAX_TOPICS);
    const body = html`<section class="onboarding">
      <h1>What do you read?</h1>
      ${req.query.empty ? html`<p class="notice" role="status">Nothing was picked. Tick a topic or a paper, or name an author, and For you learns from it.</p>` : ""}
      <p>Pick a few of these, and <a href="/for-you">For you</a> ranks new papers by them. Everything can be undone later.</p>
      <form method="post" action="/for-you/start" class="stack">${csrfField(ctx)}
        ${
          topics.length > 0
            ? html`<fieldset><legend>Topics</legend>${topics.map(
                (t) =>
                  html`${followed.has(t.id) ? html`<input type="hidden" name="followed_topic" value="${String(t.id)}">` : ""}<label class="check"><input type="checkbox" name="topic" value="${String(t.id)}" ${followed.has(t.id) ? html`checked` : ""}> ${t.name}</label>`,
              )}</fieldset>`
            : ""
        }
        <fieldset><legend>Authors you follow</legend>
          ${
            authors.length > 0
              ? html`<p class="hint">Untick to unfollow.</p><div class="followed-authors">${authors.map(
                  (a) =>
                    html`<input type="hidden" name="shown_author" value="${a.name}"><label class="check"><input type="checkbox" name="followed_author" value="${a.name}" checked> <a href="${authorPath(a.name)}">${a.name}</a></label>`,
                )}</div>`
              : ""
          }
          <label>${authors.length > 0 ? "More authors, one" : "One"} name per line <textarea name="authors" rows="3" maxlength="4000" placeholder="Yann LeCun"></textarea></label>
        </fieldset>
        ${
          trending.items.length > 0
            ? html`<fieldset><legend>Papers you like</legend>${trending.items.map(
                (i) =>
                  html`<label class="check"><input type="checkbox" name="paper" value="${i.paper.arxivId}"> ${i.paper.title}</label>`,
              )}</fieldset>`
            : ""
        }
        <button type="submit">Show my papers</button>
      </form>
    </section>`;
    return reply.type("text/html; charset=utf-8").send(page({ title: "Get started", body, ctx }));
  });

  app.post(
    "/for-you/start",
    { preValidation: requireUser, schema: { body: StartForm } },
    async (req, reply) => {
      const user = currentUser(req);
      await throttle(deps.db, req, reply, "library", deps.now());
      const topicIdOf = (t: string) => {
        if (!/^\d{1,9}$/.test(t)) throw new HttpError(400, "That is not a topic.", "topic");
        return Number(t);
      };
      const topicIds = req.body.topic.map(topicIdOf);
      const ticked = new Set(topicIds);
      const unticked = req.body.followed_topic.map(topicIdOf).filter((id) => !ticked.has(id));
      const papers = req.body.paper.map((p) => {
        const parsed = parseArxivId(p);
        if (!parsed) throw new HttpError(400, "That is not an arXiv id.", "paper");
        return parsed.id;
      });
      const authors = req.body.authors
        .split(/\r?\n/)
        .map((a) => a.trim())
        .filter((a) => authorKey(a));
      if (authors.length > MAX_PICKS)
        throw new HttpError(400, `Name at most ${MAX_PICKS} authors at once.`, "authors");
      for (const a of authors)
        if (a.length > AUTHOR_NAME_MAX)
          throw new HttpError(400, `An author name has at most ${AUTHOR_NAME_MAX} characters.`, "authors");
      for (const id of topicIds) {
        if (!(await topicById(deps.db, id))) throw new HttpError(404, "There is no such topic.", "topic");
      }
      const keptAuthors = new Set(req.body.followed_author.map(authorKey));
      for (const a of new Set(authors.map(authorKey))) keptAuthors.add(a);
      const droppedAuthors = req.body.shown_author.filter((a) => !keptAuthors.has(authorKey(a)));
      // The cap on author follows, checked before anything is written: a refused form changes nothing.
      // Counted by each follow's name under today's authorKey, not its stored key: until the
      // author-index job re-keys the follows (a new AUTHOR_KEY_VERSION), a stored key is the old
      // one, and an author already followed, named again, counted as a new follow.
      const following = new Set(
        (await authorKeysFollowedBy(deps.db, [user.id])).get(user.id)?.map((f) => authorKey(f.name)),
      );
      for (const a of droppedAuthors) following.delete(authorKey(a));
      const newAuthors = new Set(authors.map(authorKey).filter((k) => !following.has(k)));
      if (following.size + newAuthors.size > AUTHOR_FOLLOWS_MAX) throw authorFollowsFull("authors");
      for (const id of topicIds) await userTopicSet(deps.db, user.id, id, true);
      // Unticked: no longer followed, in For you nor in the digest (one "following" per topic).
      const followed = await accountTopicFollows(deps.db, user.id);
      for (const id of unticked) if (followed.has(id)) await unfollowTopicForAccount(deps.db, user.id, id);
      // Unfollows first, so that at the cap a swap (one unticked, one named) fits.
      await unfollowAuthors(deps.db, user.id, droppedAuthors);
      for (const a of authors) await followAuthor(deps.db, user.id, a);
      for (const id of papers) await saveSet(deps.db, user.id, id, true);
      // Nothing picked (nor kept): For you has nothing to learn from, so onboarding is not done.
      if (topicIds.length + papers.length + keptAuthors.size === 0)
        return reply.redirect("/for-you/start?empty=1", 303);
      await markOnboarded(deps.db, user.id);
      return reply.redirect("/for-you", 303);
    },
  );
}
