import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { commentsByUser } from "../../community/comments.ts";
import { submissionsByUser } from "../../community/submissions.ts";
import { upvotedPaperIds } from "../../community/upvotes.ts";
import { papersByIds } from "../../papers/store.ts";
import { userByUsername } from "../../users/store.ts";
import { accountLinks } from "../accounts/menu.ts";
import type { AppDeps } from "../app.ts";
import { pageContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { text } from "../fields.ts";
import { html } from "../html.ts";
import { page } from "../layout.ts";
import { profileCollections } from "../library/profile-section.ts";
import { formatDay, snippet } from "../views/format.ts";

export function registerProfileRoutes(app: FastifyInstance, deps: AppDeps): void {
  const schema = { params: z.object({ username: text(200) }) };
  app.withTypeProvider<ZodTypeProvider>().get("/users/:username", { schema }, async (req, reply) => {
    const user = req.params.username.length <= 60 ? await userByUsername(deps.db, req.params.username) : null;
    if (!user) throw new HttpError(404, "There is no such user.");
    const [submissions, comments, upvotedIds, collections] = await Promise.all([
      submissionsByUser(deps.db, user.id),
      commentsByUser(deps.db, user.id),
      upvotedPaperIds(deps.db, user.id),
      profileCollections(deps.db, user, req.user?.id),
    ]);
    const upvoted = await papersByIds(deps.db, upvotedIds);
    const body = html`<section class="profile">
      <h1>${user.displayName || user.username}</h1>
      <p class="muted">@${user.username}${user.role !== "user" ? html` · <span class="role">${user.role}</span>` : ""}
        ${user.origin === "hf" ? " · submitter on Hugging Face Daily Papers" : html` · joined ${formatDay(user.createdAt)}`}
        ${user.suspendedAt ? html` · <strong>suspended</strong>` : ""}</p>
      ${
        req.user?.id === user.id
          ? html`<nav class="settings-links" aria-label="Your settings">${accountLinks(user.username)
              .slice(1)
              .map(([href, label]) => html`<a class="button secondary" href="${href}">${label}</a>`)}</nav>`
          : ""
      }
      <h2>Submissions (${submissions.length})</h2>
      ${
        submissions.length === 0
          ? html`<p class="muted">None yet.</p>`
          : html`<ul>${submissions.map(
              (s) =>
                html`<li><a href="/papers/${s.arxivId}">${s.title}</a> <span class="muted">· ${formatDay(s.feedDate)}${s.hidden ? " · hidden by a moderator" : ""}</span></li>`,
            )}</ul>`
      }
      ${collections}
      <h2>Comments (${comments.length})</h2>
      ${
        comments.length === 0
          ? html`<p class="muted">None yet.</p>`
          : html`<ul class="profile-comments">${comments.map(
              (c) => html`<li><a href="/papers/${c.arxivId}#comment-${c.id}">${snippet(c.body, 160)}</a>
          <span class="muted">on ${c.paperTitle} · ${formatDay(c.createdAt)}</span></li>`,
            )}</ul>`
      }
      <h2>Upvoted papers (${upvotedIds.length})</h2>
      ${
        upvotedIds.length === 0
          ? html`<p class="muted">None yet.</p>`
          : html`<ul>${upvotedIds.map((id) => {
              const p = upvoted.get(id);
              return p ? html`<li><a href="/papers/${id}">${p.title}</a></li>` : "";
            })}</ul>`
      }
    </section>`;
    return reply
      .type("text/html; charset=utf-8")
      .send(page({ title: user.username, body, ctx: pageContext(req) }));
  });
}
