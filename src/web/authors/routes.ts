import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AUTHOR_NAME_MAX, authorKey, authorPath, decodeTexName } from "../../authors/names.ts";
import {
  followAuthor,
  followedAuthor,
  INLINE_SYNC_MAX,
  paperCountByAuthor,
  papersByAuthor,
  syncPaperAuthors,
  unfollowAuthor,
} from "../../authors/store.ts";
import { csrfField } from "../accounts/csrf.ts";
import { wantsJson } from "../accounts/form.ts";
import { currentUser, requireUser } from "../accounts/guards.ts";
import type { AppDeps } from "../app.ts";
import { throttle } from "../community/throttle.ts";
import { pageContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { formText, onOff, pageNumber, text } from "../fields.ts";
import { html } from "../html.ts";
import { page } from "../layout.ts";
import { pager } from "../views/feed-view.ts";
import { cardContext, paperCard, paperList } from "../views/paper-card.ts";

const PAGE_SIZE = 50;
const PageQuery = z.object({ page: pageNumber(1, 10_000).optional() });
// Longer than a name may be, so that authorNameParam's clearer message is the one shown.
// (12: the most a character takes percent-encoded, the router's limit in app.ts.)
const AuthorParams = z.object({ name: text(AUTHOR_NAME_MAX * 12) });
const FollowForm = z.object({ name: formText(AUTHOR_NAME_MAX * 12), on: onOff() });

function authorNameParam(raw: unknown): string {
  const name = typeof raw === "string" ? raw.trim() : "";
  if (name.length > AUTHOR_NAME_MAX)
    throw new HttpError(400, `An author name has at most ${AUTHOR_NAME_MAX} characters.`, "name");
  if (!authorKey(name)) throw new HttpError(404, "There is no such author.");
  return name;
}

/**
 * Author pages. Authors are names, matched by a key that folds TeX, accents, case and
 * punctuation, so every spelling of a name reaches the same page and the same follow.
 */
export function registerAuthorRoutes(fastify: FastifyInstance, deps: AppDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    "/authors/:name",
    { schema: { params: AuthorParams, querystring: PageQuery } },
    async (req, reply) => {
      const name = authorNameParam(req.params.name);
      const pageIndex = (req.query.page ?? 1) - 1;
      await syncPaperAuthors(deps.db, { inlineMax: INLINE_SYNC_MAX });
      const key = authorKey(name);
      const [papers, total, follow] = await Promise.all([
        papersByAuthor(deps.db, key, { limit: PAGE_SIZE + 1, offset: pageIndex * PAGE_SIZE }),
        paperCountByAuthor(deps.db, key),
        req.user ? followedAuthor(deps.db, req.user.id, [key]) : Promise.resolve(null),
      ]);
      const following = follow !== null;
      // An author followed before any of their papers arrived still has a page, to unfollow from.
      if (total === 0 && !following) throw new HttpError(404, `There are no papers by ${name} here.`);
      const shown = papers.slice(0, PAGE_SIZE);
      // The spelling the papers use most names the page.
      const spelled = shown.flatMap((p) =>
        p.authors.filter((a) => authorKey(a.name) === key).map((a) => decodeTexName(a.name)),
      );
      const display = mostCommon(spelled) ?? follow?.name ?? decodeTexName(name);
      const ctx = pageContext(req);
      const cards = await cardContext(deps.db, req, ctx, shown);
      const body = html`<section class="author-page">
      <h1>${display}</h1>
      <p class="muted">${total === 0 ? "No papers yet. Followed, new papers by this name will appear here and in For you." : `${total} paper${total === 1 ? "" : "s"}, newest first`}</p>
      ${
        ctx.user
          ? html`<form method="post" action="/authors/follow" class="inline">${csrfField(ctx)}
          <input type="hidden" name="name" value="${display}"><input type="hidden" name="on" value="${following ? "0" : "1"}">
          <button type="submit" aria-pressed="${following ? "true" : "false"}">${following ? "Following ✓ (unfollow)" : "Follow"}</button></form>`
          : html`<p><a href="/login?next=${encodeURIComponent(authorPath(name))}">Log in</a> to follow ${display}.</p>`
      }
      ${
        total === 0
          ? ""
          : paperList(
              shown.map((p) => paperCard(p, { ctx: cards })),
              `Papers by ${display}`,
            )
      }
      ${pager(authorPath(name), pageIndex, papers.length > PAGE_SIZE)}
    </section>`;
      return reply.type("text/html; charset=utf-8").send(page({ title: display, body, ctx }));
    },
  );

  const followRoute = { preValidation: requireUser, schema: { body: FollowForm } };
  app.post("/authors/follow", followRoute, async (req, reply) => {
    const user = currentUser(req);
    await throttle(deps.db, req, reply, "library", deps.now());
    const name = authorNameParam(req.body.name);
    const on = req.body.on;
    if (on) await followAuthor(deps.db, user.id, name);
    else await unfollowAuthor(deps.db, user.id, name);
    if (wantsJson(req.headers.accept)) return { name, following: on };
    // Unfollowed with no papers, the author page is a 404: the list of followed authors is the way back.
    if (!on) {
      await syncPaperAuthors(deps.db, { inlineMax: INLINE_SYNC_MAX });
      if ((await paperCountByAuthor(deps.db, authorKey(name))) === 0)
        return reply.redirect("/for-you/start", 303);
    }
    return reply.redirect(authorPath(name), 303);
  });
}

function mostCommon(names: string[]): string | null {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
}
