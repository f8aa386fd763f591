import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { hideComment } from "../../community/comments.ts";
import { modLogEntries } from "../../community/mod-log.ts";
import {
  checkReason,
  hideFeedEntries,
  setRole,
  suspendUser,
  unsuspendUser,
} from "../../community/moderation.ts";
import { canAdminister } from "../../users/policies.ts";
import { csrfField } from "../accounts/csrf.ts";
import { currentUser, requirePolicy } from "../accounts/guards.ts";
import type { AppDeps } from "../app.ts";
import { pageContext } from "../context.ts";
import { arxivId, formText, oneOf, optionalDate, wholeNumber } from "../fields.ts";
import { html } from "../html.ts";
import { type PageContext, page } from "../layout.ts";
import { formatDay } from "../views/format.ts";
import { CommentParams, commentId } from "./comments.ts";

const ACTION_LABELS: Record<string, string> = {
  hide_feed_entry: "hid a paper from the feed",
  unhide_feed_entry: "restored a paper to the feed",
  hide_comment: "hid a comment",
  suspend_user: "suspended",
  unsuspend_user: "lifted the suspension of",
  set_role: "changed the role of",
};

function roleForm(ctx: PageContext) {
  if (!canAdminister(ctx.user)) return html``;
  return html`<h2>Change a role (admins)</h2>
    <form method="post" action="/mod/users/role">${csrfField(ctx)}
      <label>Username <input type="text" name="username" required maxlength="30"></label>
      <label>Role <select name="role"><option>user</option><option>moderator</option><option>admin</option></select></label>
      <label>Reason <input type="text" name="reason" required maxlength="500"></label>
      <button type="submit">Set role</button></form>`;
}

function dashboard(ctx: PageContext) {
  return html`<section class="mod-dashboard">
    <h1>Moderation</h1>
    <p>Every action here is recorded with your name and reason in the public <a href="/moderation">moderation log</a>.</p>
    <h2>Hide a paper from the feed</h2>
    <form method="post" action="/mod/feed/hide">${csrfField(ctx)}
      <label>arXiv id <input type="text" name="arxiv_id" required maxlength="100"></label>
      <label>Feed day (empty: every day) <input name="date" type="date"></label>
      <label>Reason <input type="text" name="reason" required maxlength="500"></label>
      <button type="submit">Hide</button></form>
    <h2>Suspend a user</h2>
    <form method="post" action="/mod/users/suspend">${csrfField(ctx)}
      <label>Username <input type="text" name="username" required maxlength="30"></label>
      <label>Reason <input type="text" name="reason" required maxlength="500"></label>
      <button type="submit">Suspend</button></form>
    <h2>Lift a suspension</h2>
    <form method="post" action="/mod/users/unsuspend">${csrfField(ctx)}
      <label>Username <input type="text" name="username" required maxlength="30"></label>
      <label>Reason <input type="text" name="reason" required maxlength="500"></label>
      <button type="submit">Lift suspension</button></form>
    ${roleForm(ctx)}
  </section>`;
}

const Reason = formText(1000);
const Username = formText(100);
const HideEntryForm = z.object({ arxiv_id: arxivId(), date: optionalDate(), reason: Reason });
const UserForm = z.object({ username: Username, reason: Reason });
const RoleForm = z.object({
  username: Username,
  role: oneOf(["user", "moderator", "admin"]),
  reason: Reason,
});

/** Every moderator route lives under /mod, behind one guard. */
async function modRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const mod = fastify.withTypeProvider<ZodTypeProvider>();
  mod.addHook("preValidation", requirePolicy("moderate"));
  const done = (reply: FastifyReply) => reply.redirect("/moderation", 303);

  mod.get("/", async (req, reply) =>
    reply
      .type("text/html; charset=utf-8")
      .send(page({ title: "Moderation", body: dashboard(pageContext(req)), ctx: pageContext(req) })),
  );
  mod.post("/feed/hide", { schema: { body: HideEntryForm } }, async (req, reply) => {
    const { arxiv_id: paperId, date, reason } = req.body;
    await hideFeedEntries(deps.db, currentUser(req).id, paperId, date, reason, deps.now());
    return done(reply);
  });
  const hideCommentRoute = { schema: { params: CommentParams, body: z.object({ reason: Reason }) } };
  mod.post("/comments/:id/hide", hideCommentRoute, async (req, reply) => {
    const id = commentId(req.params.id);
    const reason = req.body.reason;
    checkReason(reason);
    const paperId = await hideComment(deps.db, currentUser(req).id, id, reason.trim(), deps.now());
    return reply.redirect(`/papers/${paperId}#comment-${id}`, 303);
  });
  mod.post("/users/suspend", { schema: { body: UserForm } }, async (req, reply) => {
    const { username, reason } = req.body;
    await suspendUser(deps.db, currentUser(req).id, username, reason, deps.now());
    return done(reply);
  });
  const roleRoute = { preValidation: requirePolicy("administer"), schema: { body: RoleForm } };
  mod.post("/users/role", roleRoute, async (req, reply) => {
    const { username, role, reason } = req.body;
    await setRole(deps.db, currentUser(req).id, username, role, reason, deps.now());
    return done(reply);
  });
  mod.post("/users/unsuspend", { schema: { body: UserForm } }, async (req, reply) => {
    const { username, reason } = req.body;
    await unsuspendUser(deps.db, currentUser(req).id, username, reason, deps.now());
    return done(reply);
  });
}

function logPage(entries: Awaited<ReturnType<typeof modLogEntries>>, next: number | null) {
  return html`<section class="mod-log">
    <h1>Moderation log</h1>
    <p>Every moderator action, with who took it, when and why.</p>
    ${
      entries.length === 0
        ? html`<p class="muted">No moderation actions yet.</p>`
        : html`<table>
      <thead><tr><th>When</th><th>Moderator</th><th>Action</th><th>Reason</th></tr></thead>
      <tbody>${entries.map(
        (
          e,
        ) => html`<tr><td><time datetime="${new Date(e.createdAt).toISOString()}">${formatDay(e.createdAt)}</time></td>
          <td><a href="/users/${encodeURIComponent(e.moderator)}">${e.moderator}</a></td>
          <td>${ACTION_LABELS[e.action] ?? e.action} ${e.targetType === "feed_entry" ? html`<a href="/papers/${e.targetId}">${e.targetLabel ?? e.targetId}</a>` : (e.targetLabel ?? e.targetId)}</td>
          <td>${e.reason}</td></tr>`,
      )}</tbody></table>`
    }
    ${next ? html`<p><a href="/moderation?before=${next}">Older actions</a></p>` : ""}
  </section>`;
}

export function registerModerationRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.register(
    (mod, _opts, done) => {
      modRoutes(mod, deps).then(() => done(), done);
    },
    { prefix: "/mod" },
  );

  const schema = { querystring: z.object({ before: wholeNumber(1, 999_999_999).optional() }) };
  app.withTypeProvider<ZodTypeProvider>().get("/moderation", { schema }, async (req, reply) => {
    const before = req.query.before;
    const entries = await modLogEntries(deps.db, 51, before);
    const next = entries.length > 50 ? entries[49].id : null;
    return reply
      .type("text/html; charset=utf-8")
      .send(
        page({ title: "Moderation log", body: logPage(entries.slice(0, 50), next), ctx: pageContext(req) }),
      );
  });
}
