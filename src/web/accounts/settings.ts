import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { deleteAccount } from "../../accounts/deletion.ts";
import { loginSubject } from "../../community/throttle.ts";
import {
  changePassword,
  confirmEmailChange,
  exportAccountData,
  mailEmailChange,
  requestEmailChange,
} from "../../users/account-data.ts";
import { type AccountDeps, AccountError } from "../../users/commands.ts";
import { userById } from "../../users/store.ts";
import type { AppDeps } from "../app.ts";
import { throttleBy } from "../community/throttle.ts";
import { pageContext } from "../context.ts";
import { formText } from "../fields.ts";
import { html, type SafeHtml } from "../html.ts";
import { type PageContext, page } from "../layout.ts";
import { csrfField } from "./csrf.ts";
import { currentUser, requireUser } from "./guards.ts";
import { endSession } from "./session.ts";

interface Messages {
  notice?: string;
  error?: string;
  /** Which form the message belongs to. */
  form?: "email" | "password" | "delete";
}

function message(m: Messages, form: Messages["form"]): SafeHtml {
  if (m.form !== form) return html``;
  return html`${m.error ? html`<p class="form-error" role="alert">${m.error}</p>` : ""}${
    m.notice ? html`<p class="form-notice" role="status">${m.notice}</p>` : ""
  }`;
}

interface AddressState {
  email: string | null;
  verified: boolean;
  pending: string | null;
}

function settingsPage(ctx: PageContext, address: AddressState, m: Messages): SafeHtml {
  const { email, verified, pending } = address;
  return html`<section class="form-narrow account-settings">
    <h1>Your account</h1>
    <h2 id="email">Email address</h2>
    <p>${email ? html`<strong>${email}</strong> · ${verified ? "confirmed" : "not confirmed yet"}` : "No address."}</p>
    ${pending ? html`<p>Waiting for <strong>${pending}</strong>: open the link we sent there to switch to it.</p>` : ""}
    ${message(m, "email")}
    <form method="post" action="/settings/account/email">${csrfField(ctx)}
      <label>New address <input type="email" name="email" required maxlength="254" autocomplete="email"></label>
      <label>Your password <input type="password" name="password" required maxlength="200" autocomplete="current-password"></label>
      <button type="submit">Change email</button>
    </form>
    <h2 id="password">Password</h2>
    ${message(m, "password")}
    <form method="post" action="/settings/account/password">${csrfField(ctx)}
      <label>Current password <input type="password" name="password" required maxlength="200" autocomplete="current-password"></label>
      <label>New password <input type="password" name="new_password" required minlength="10" maxlength="200" autocomplete="new-password"></label>
      <button type="submit">Change password</button>
    </form>
    <h2 id="export">Export my data</h2>
    <p>Your account, comments, upvotes, submissions, digest subscription and topics, as JSON.</p>
    <p><a class="button secondary" href="/settings/account/export.json" download>Download my data</a></p>
    <h2 id="delete">Delete my account</h2>
    <p>Your comments' text, upvotes, subscription and sessions are removed; your name becomes “deleted-N”. Papers you submitted stay on the feed. This cannot be undone.</p>
    ${message(m, "delete")}
    <form method="post" action="/settings/account/delete">${csrfField(ctx)}
      <label>Your password <input type="password" name="password" required maxlength="200" autocomplete="current-password"></label>
      <button type="submit" class="danger">Delete my account</button>
    </form>
  </section>`;
}

const EmailForm = z.object({ email: formText(300), password: formText(1000) });
const PasswordForm = z.object({ password: formText(1000), new_password: formText(1000) });
const DeleteForm = z.object({ password: formText(1000) });

/** A personal page: never cached, by the browser or by anything between. */
function sendPrivatePage(
  reply: FastifyReply,
  req: FastifyRequest,
  title: string,
  body: SafeHtml,
  status = 200,
) {
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .send(page({ title, body, ctx: pageContext(req) }));
}

/** /settings/account: change email or password, export my data, delete my account. */
export function registerAccountSettings(fastify: FastifyInstance, deps: AppDeps, acc: AccountDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const show = async (req: FastifyRequest, reply: FastifyReply, m: Messages = {}, status = 200) => {
    const user = currentUser(req);
    // The session holds the confirmed address; the one waiting for its link is in the row.
    const pending = (await userById(deps.db, user.id))?.pendingEmail ?? null;
    const address = { email: user.email, verified: !!user.emailVerifiedAt, pending };
    return sendPrivatePage(reply, req, "Your account", settingsPage(pageContext(req), address, m), status);
  };
  /** A wrong password or bad value re-renders the page with the message beside its form. */
  const attempt = async (
    req: FastifyRequest,
    reply: FastifyReply,
    form: Messages["form"],
    run: () => Promise<string | FastifyReply>,
  ) => {
    // Password guesses count against the account as at the login form (the route counts
    // the client and the user; this, the name).
    await throttleBy(
      deps.db,
      reply,
      "login",
      { login: loginSubject(req.ip, currentUser(req).username) },
      deps.now(),
    );
    try {
      const out = await run();
      return typeof out === "string" ? show(req, reply, { form, notice: out }) : out;
    } catch (err) {
      if (err instanceof AccountError) return show(req, reply, { form, error: err.message }, 400);
      throw err;
    }
  };

  app.get("/settings/account", { preValidation: requireUser }, (req, reply) => show(req, reply));

  const emailRoute = {
    preValidation: requireUser,
    config: { throttle: "login" as const },
    schema: { body: EmailForm },
  };
  app.post("/settings/account/email", emailRoute, (req, reply) =>
    attempt(req, reply, "email", async () => {
      const user = currentUser(req);
      const request = await requestEmailChange(deps.db, user.id, req.body.password, req.body.email);
      mailEmailChange(acc, user.id, request);
      return `We sent a message to ${request.email}. Your address changes when you open the link in it; until then, mail goes to ${user.email ?? "no address"}.`;
    }),
  );

  // The link shows a button that posts the token, so that a mail scanner opening the link does
  // not use it up (as for /verify-email).
  const TokenQuery = z.object({ token: formText(200).optional() });
  app.get("/settings/account/email/confirm", { schema: { querystring: TokenQuery } }, (req, reply) =>
    sendPrivatePage(
      reply,
      req,
      "Confirm your new address",
      html`<section class="auth-form">
        <h1>Confirm your new address</h1>
        <form method="post" action="/settings/account/email/confirm">${csrfField(pageContext(req))}
          <input type="hidden" name="token" value="${req.query.token ?? ""}">
          <button type="submit">Use this address for my account</button>
        </form>
      </section>`,
    ),
  );
  const confirmRoute = { schema: { body: z.object({ token: formText(200) }) } };
  app.post("/settings/account/email/confirm", confirmRoute, async (req, reply) => {
    const done = await confirmEmailChange(deps.db, deps.secret, req.body.token, deps.now());
    const [title, text, status] = done
      ? ["Address changed", `Your account's address is now ${done.email}.`, 200]
      : [
          "Link expired",
          "This link has expired, was already used, or its address now belongs to another account. Ask again from your account settings.",
          400,
        ];
    const body = html`<section class="auth-form"><h1>${title}</h1><p>${text}</p><p><a href="/settings/account">Your account</a></p></section>`;
    return sendPrivatePage(reply, req, title, body, status);
  });

  const passwordRoute = {
    preValidation: requireUser,
    config: { throttle: "login" as const },
    schema: { body: PasswordForm },
  };
  app.post("/settings/account/password", passwordRoute, (req, reply) =>
    attempt(req, reply, "password", async () => {
      const user = currentUser(req);
      await changePassword(deps.db, user.id, req.body.password, req.body.new_password);
      // Every session ended, this one too: log in again with the new password.
      await endSession(deps.db, req, reply);
      return reply.redirect("/login?next=%2Fsettings%2Faccount", 303);
    }),
  );

  app.get("/settings/account/export.json", { preValidation: requireUser }, async (req, reply) => {
    const user = currentUser(req);
    const data = await exportAccountData(deps.db, user.id);
    return reply
      .header("cache-control", "no-store")
      .header("content-disposition", `attachment; filename="dailypapers-${user.username}.json"`)
      .type("application/json; charset=utf-8")
      .send(JSON.stringify(data, null, 2));
  });

  const deleteRoute = {
    preValidation: requireUser,
    config: { throttle: "login" as const },
    schema: { body: DeleteForm },
  };
  app.post("/settings/account/delete", deleteRoute, (req, reply) =>
    attempt(req, reply, "delete", async () => {
      await deleteAccount(deps.db, currentUser(req).id, req.body.password, deps.now());
      await endSession(deps.db, req, reply);
      return reply.redirect("/?account=deleted", 303);
    }),
  );
}
