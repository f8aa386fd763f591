import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { holdTokenReveal, takeTokenReveals } from "../../api-tokens/reveal.ts";
import {
  activeTokenCount,
  apiTokensOf,
  insertApiToken,
  newTokenSecret,
  revokeApiToken,
  TOKEN_NAME_MAX,
  TOKENS_PER_USER_MAX,
  userIdForToken,
} from "../../api-tokens/store.ts";
import type { Db } from "../../db/client.ts";
import { csrfField } from "../accounts/csrf.ts";
import { currentUser, requireUser } from "../accounts/guards.ts";
import { sessionSecret } from "../accounts/session.ts";
import type { AppDeps } from "../app.ts";
import { throttle } from "../community/throttle.ts";
import { pageContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { formText, text } from "../fields.ts";
import { html, type SafeHtml } from "../html.ts";
import { page } from "../layout.ts";
import { formatDay } from "../views/format.ts";

/**
 * The user id behind `Authorization: Bearer TOKEN`; 401 without a header, with a malformed one,
 * or with a token that is unknown or revoked (the same answer, so a probe learns nothing).
 */
export async function bearerUserId(db: Db, req: FastifyRequest, now: Date): Promise<number> {
  const h = req.headers.authorization;
  if (!h)
    throw new HttpError(
      401,
      "Send a personal API token: Authorization: Bearer TOKEN (create one in Settings → API tokens).",
    );
  // The scheme's name is case-insensitive (RFC 9110 §11.1): "bearer" from some clients is the same.
  const m = /^Bearer +([A-Za-z0-9_-]{10,200})$/i.exec(h.trim());
  const userId = m ? await userIdForToken(db, m[1], now) : null;
  if (!userId) throw new HttpError(401, "This API token is not valid or has been revoked.");
  return userId;
}

/** Settings → API tokens: create (shown once), list, revoke. */
export function registerTokenRoutes(fastify: FastifyInstance, deps: AppDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const render = async (req: FastifyRequest): Promise<string> => {
    const user = currentUser(req);
    const secret = sessionSecret(req);
    // A HEAD (a link checker, a prefetch) runs this handler too, and must not use the one showing up.
    const created =
      secret && req.method !== "HEAD" ? await takeTokenReveals(deps.db, user.id, secret, deps.now()) : [];
    const ctx = pageContext(req);
    const tokens = await apiTokensOf(deps.db, user.id);
    const row = (t: (typeof tokens)[number]): SafeHtml =>
      html`<li>${t.name} <span class="muted">· created ${formatDay(t.createdAt)}${t.lastUsedAt ? ` · last used ${formatDay(t.lastUsedAt)}` : " · never used"}${t.revokedAt ? ` · revoked ${formatDay(t.revokedAt)}` : ""}</span>
        ${t.revokedAt ? "" : html`<form class="inline" method="post" action="/settings/tokens/${String(t.id)}/revoke">${csrfField(ctx)}<button type="submit" class="link">Revoke</button></form>`}</li>`;
    const body = html`<section>
      <h1>API tokens</h1>
      <p>A personal token reads your <a href="/for-you">For you</a> feed through the API:
        <code>curl -H "Authorization: Bearer TOKEN" ${deps.config.baseUrl}/api/for-you</code>. Only a hash of each token is kept.</p>
      ${created.map(
        (
          c,
        ) => html`<div class="notice" role="status"><p>Your new token “${c.name}”. Copy it now: it will not be shown again.</p>
          <p><code class="token">${c.token}</code></p></div>`,
      )}
      ${tokens.length > 0 ? html`<ul class="tokens">${tokens.map(row)}</ul>` : html`<p class="muted">No tokens yet.</p>`}
      <form method="post" action="/settings/tokens" class="stack">${csrfField(ctx)}
        <label>Name <input name="name" required maxlength="${TOKEN_NAME_MAX}" placeholder="my script"></label>
        <button type="submit">Create token</button>
      </form>
    </section>`;
    return page({ title: "API tokens", body, ctx });
  };

  app.get("/settings/tokens", { preValidation: requireUser }, async (req, reply) =>
    reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .send(await render(req)),
  );

  const createRoute = {
    preValidation: requireUser,
    schema: { body: z.object({ name: formText(TOKEN_NAME_MAX) }) },
  };
  app.post("/settings/tokens", createRoute, async (req, reply) => {
    const user = currentUser(req);
    await throttle(deps.db, req, reply, "api_token", deps.now());
    const name = req.body.name.trim();
    if (!name) throw new HttpError(400, "Give the token a name.", "name");
    if ((await activeTokenCount(deps.db, user.id)) >= TOKENS_PER_USER_MAX)
      throw new HttpError(400, `You have ${TOKENS_PER_USER_MAX} tokens; revoke one first.`);
    const secret = sessionSecret(req);
    if (!secret) throw new HttpError(401, "Log in first.");
    const token = newTokenSecret();
    await deps.db.transaction(async (tx) => {
      const id = await insertApiToken(tx, user.id, name, token);
      await holdTokenReveal(tx, id, secret, token, deps.now());
    });
    // Shown by the GET it redirects to, once: a refresh there creates nothing and shows nothing.
    return reply.redirect("/settings/tokens", 303);
  });

  app.post(
    "/settings/tokens/:id/revoke",
    { preValidation: requireUser, schema: { params: z.object({ id: text(100) }) } },
    async (req, reply) => {
      const user = currentUser(req);
      const id = /^\d{1,9}$/.test(req.params.id) ? Number(req.params.id) : null;
      if (id === null || !(await revokeApiToken(deps.db, user.id, id)))
        throw new HttpError(404, "There is no such token.");
      return reply.redirect("/settings/tokens", 303);
    },
  );
}
