import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { throttleReset } from "../../community/throttle.ts";
import type { Db } from "../../db/client.ts";
import {
  type AccountDeps,
  AccountError,
  authenticate,
  requestPasswordReset,
  resetPassword,
  sendVerification,
  signUp,
  verifyEmail,
} from "../../users/commands.ts";
import { tokenUserId } from "../../users/tokens.ts";
import type { AppDeps } from "../app.ts";
import { throttleBy } from "../community/throttle.ts";
import { pageContext } from "../context.ts";
import type { SafeHtml } from "../html.ts";
import { page } from "../layout.ts";
import { formString } from "./form.ts";
import { currentUser, requireUser, safeNext } from "./guards.ts";
import { endSession, startSession } from "./session.ts";
import * as views from "./views.ts";

function show(req: FastifyRequest, reply: FastifyReply, title: string, body: SafeHtml, status = 200) {
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .send(page({ title, body, ctx: pageContext(req) }));
}

export function registerAccountRoutes(app: FastifyInstance, deps: AppDeps, acc: AccountDeps): void {
  const db: Db = deps.db;

  app.get("/signup", async (req, reply) => show(req, reply, "Sign up", views.signupForm(pageContext(req))));
  app.post("/signup", { config: { throttle: "signup" } }, async (req, reply) => {
    const input = {
      username: formString(req.body, "username", 200),
      email: formString(req.body, "email", 300),
      password: formString(req.body, "password", 1000),
    };
    try {
      const id = await signUp(acc, input);
      await startSession(db, req, reply, id, deps.now());
      return reply.redirect("/signup/done", 303);
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      const values = { username: input.username, email: input.email };
      return show(
        req,
        reply,
        "Sign up",
        views.signupForm(pageContext(req), { error: err.message, values }),
        400,
      );
    }
  });
  app.get("/signup/done", { preHandler: requireUser }, async (req, reply) =>
    show(
      req,
      reply,
      "Check your email",
      views.messagePage(
        "Check your email",
        `Welcome, ${currentUser(req).username}. We sent a link to confirm your email address; open it to finish signing up.`,
        { href: "/", label: "Go to today's papers" },
      ),
    ),
  );

  app.get<{ Querystring: { next?: string } }>("/login", async (req, reply) =>
    show(req, reply, "Log in", views.loginForm(pageContext(req), safeNext(req.query.next))),
  );
  app.post("/login", { config: { throttle: "login" } }, async (req, reply) => {
    const login = formString(req.body, "login", 300).normalize("NFKC").trim();
    const next = safeNext(formString(req.body, "next", 2000));
    await throttleBy(db, reply, "login", { login }, deps.now());
    let user: Awaited<ReturnType<typeof authenticate>>;
    try {
      user = await authenticate(db, login, formString(req.body, "password", 1000));
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      return show(req, reply, "Log in", views.loginForm(pageContext(req), next, { error: err.message }), 403);
    }
    if (!user) {
      const state = { error: "Wrong username or password.", values: { login } };
      return show(req, reply, "Log in", views.loginForm(pageContext(req), next, state), 401);
    }
    await throttleReset(db, "login", "login", login);
    await startSession(db, req, reply, user.id, deps.now());
    return reply.redirect(next, 303);
  });

  app.post("/logout", async (req, reply) => {
    await endSession(db, req, reply);
    return reply.redirect("/", 303);
  });

  app.get<{ Querystring: { token?: string } }>("/verify-email", async (req, reply) =>
    show(req, reply, "Confirm your email", views.verifyForm(pageContext(req), String(req.query.token ?? ""))),
  );
  app.post("/verify-email", async (req, reply) => {
    const ok = await verifyEmail(acc, formString(req.body, "token", 200));
    const body = ok
      ? views.messagePage("Email confirmed", "Thank you: your email address is confirmed.", {
          href: "/",
          label: "Go to today's papers",
        })
      : views.messagePage("Link expired", "This confirmation link has expired or was already used.", {
          href: "/verify-email/resend",
          label: "Send a new link",
        });
    return show(req, reply, ok ? "Email confirmed" : "Link expired", body, ok ? 200 : 400);
  });
  app.get("/verify-email/resend", { preHandler: requireUser }, async (req, reply) =>
    show(req, reply, "Send a new link", views.resendForm(pageContext(req))),
  );
  app.post(
    "/verify-email/resend",
    { preHandler: requireUser, config: { throttle: "verify_resend" } },
    async (req, reply) => {
      const user = currentUser(req);
      if (user.emailVerifiedAt || !user.email) {
        return show(
          req,
          reply,
          "Confirmed",
          views.messagePage("Already confirmed", "Your email address is already confirmed."),
        );
      }
      await sendVerification(acc, user.id, user.email);
      return show(
        req,
        reply,
        "Check your email",
        views.messagePage("Check your email", "We sent you a new link."),
      );
    },
  );

  app.get("/forgot-password", async (req, reply) =>
    show(req, reply, "Reset your password", views.forgotForm(pageContext(req))),
  );
  app.post("/forgot-password", { config: { throttle: "password_reset" } }, async (req, reply) => {
    const email = formString(req.body, "email", 300);
    await throttleBy(db, reply, "password_reset", { email: email.trim() }, deps.now());
    try {
      await requestPasswordReset(acc, email);
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      return show(
        req,
        reply,
        "Reset your password",
        views.forgotForm(pageContext(req), { error: err.message }),
        400,
      );
    }
    const notice = "If an account uses that address, a reset link is on its way. It works for one hour.";
    return show(req, reply, "Reset your password", views.forgotForm(pageContext(req), { notice }));
  });
  app.get<{ Querystring: { token?: string } }>("/reset-password", async (req, reply) => {
    const token = String(req.query.token ?? "");
    const valid = (await tokenUserId(db, acc.secret, token, "reset_password", deps.now())) !== null;
    if (!valid) {
      return show(
        req,
        reply,
        "Link expired",
        views.messagePage("Link expired", "This reset link has expired or was already used.", {
          href: "/forgot-password",
          label: "Ask for a new one",
        }),
        400,
      );
    }
    return show(req, reply, "Choose a new password", views.resetForm(pageContext(req), token));
  });
  app.post("/reset-password", async (req, reply) => {
    const token = formString(req.body, "token", 200);
    try {
      await resetPassword(acc, token, formString(req.body, "password", 1000));
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      return show(
        req,
        reply,
        "Choose a new password",
        views.resetForm(pageContext(req), token, { error: err.message }),
        400,
      );
    }
    return show(
      req,
      reply,
      "Password changed",
      views.messagePage("Password changed", "Your password is changed and every session was logged out.", {
        href: "/login",
        label: "Log in",
      }),
    );
  });
}
