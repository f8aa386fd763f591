import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { dropSessionTokenReveals } from "../../api-tokens/reveal.ts";
import { loginSubject, throttleReset } from "../../community/throttle.ts";
import type { Db } from "../../db/client.ts";
import { onboardingDone } from "../../recommend/store.ts";
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
import { formText, localPath, text } from "../fields.ts";
import type { SafeHtml } from "../html.ts";
import { page } from "../layout.ts";
import { currentUser, requireUser, safeNext } from "./guards.ts";
import { endSession, sessionSecret, startSession } from "./session.ts";
import * as views from "./views.ts";

function show(req: FastifyRequest, reply: FastifyReply, title: string, body: SafeHtml, status = 200) {
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .send(page({ title, body, ctx: pageContext(req) }));
}

const SignupForm = z.object({ username: formText(200), email: formText(300), password: formText(1000) });
const LoginForm = z.object({ login: formText(300), next: localPath(), password: formText(1000) });
const NextQuery = z.object({ next: text(2000).optional() });
const TokenQuery = z.object({ token: text(1000).optional() });
const TokenForm = z.object({ token: formText(200) });
const EmailForm = z.object({ email: formText(300) });
const ResetForm = z.object({ token: formText(200), password: formText(1000) });

export function registerAccountRoutes(fastify: FastifyInstance, deps: AppDeps, acc: AccountDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const db: Db = deps.db;

  app.get("/signup", async (req, reply) => show(req, reply, "Sign up", views.signupForm(pageContext(req))));
  app.post(
    "/signup",
    { config: { throttle: "signup" }, schema: { body: SignupForm } },
    async (req, reply) => {
      const input = req.body;
      try {
        // No session yet: a new address and one that already has an account get the same answer
        // (the mail says which). The confirmation link signs the new account in.
        await signUp(acc, input);
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
    },
  );
  app.get("/signup/done", async (req, reply) =>
    show(
      req,
      reply,
      "Check your email",
      views.messagePage(
        "Check your email",
        "We sent a message to the address you gave. Open the link in it within 48 hours to confirm the address and finish signing up; then you can pick topics, authors or papers for your For-you feed. If that address already has an account, the message says how to log in instead.",
        { href: "/", label: "Go to today's papers" },
      ),
    ),
  );

  app.get("/login", { schema: { querystring: NextQuery } }, async (req, reply) =>
    show(req, reply, "Log in", views.loginForm(pageContext(req), safeNext(req.query.next))),
  );
  app.post("/login", { config: { throttle: "login" }, schema: { body: LoginForm } }, async (req, reply) => {
    const login = req.body.login.normalize("NFKC").trim();
    const next = safeNext(req.body.next);
    const perName = loginSubject(req.ip, login);
    await throttleBy(db, reply, "login", { login: perName }, deps.now());
    let user: Awaited<ReturnType<typeof authenticate>>;
    try {
      user = await authenticate(db, login, req.body.password);
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      return show(req, reply, "Log in", views.loginForm(pageContext(req), next, { error: err.message }), 403);
    }
    if (!user) {
      const state = { error: "Wrong username or password.", values: { login } };
      return show(req, reply, "Log in", views.loginForm(pageContext(req), next, state), 401);
    }
    await throttleReset(db, "login", "login", perName);
    await startSession(db, req, reply, user.id, deps.now());
    return reply.redirect(next, 303);
  });

  app.post("/logout", async (req, reply) => {
    const secret = sessionSecret(req);
    if (secret) await dropSessionTokenReveals(db, secret);
    await endSession(db, req, reply);
    return reply.redirect("/", 303);
  });

  app.get("/verify-email", { schema: { querystring: TokenQuery } }, async (req, reply) =>
    show(req, reply, "Confirm your email", views.verifyForm(pageContext(req), req.query.token ?? "")),
  );
  app.post("/verify-email", { schema: { body: TokenForm } }, async (req, reply) => {
    const userId = await verifyEmail(acc, req.body.token);
    if (userId !== null) {
      // Signed in from here on; the next page is rendered with the new session.
      await startSession(db, req, reply, userId, deps.now());
      return reply.redirect("/verify-email/done", 303);
    }
    const body = views.messagePage(
      "Link expired",
      "This confirmation link has expired or was already used.",
      {
        href: "/verify-email/resend",
        label: "Send a new link",
      },
    );
    return show(req, reply, "Link expired", body, 400);
  });
  app.get("/verify-email/done", async (req, reply) => {
    // A newly confirmed account that has not picked anything yet is offered onboarding first.
    const offer = req.user && !(await onboardingDone(db, req.user.id));
    return show(
      req,
      reply,
      "Email confirmed",
      views.messagePage("Email confirmed", "Thank you: your email address is confirmed.", [
        ...(offer ? [views.ONBOARDING_LINK] : []),
        { href: "/", label: "Go to today's papers" },
      ]),
    );
  });
  app.get("/verify-email/resend", { preValidation: requireUser }, async (req, reply) =>
    show(req, reply, "Send a new link", views.resendForm(pageContext(req))),
  );
  const resendRoute = { preValidation: requireUser, config: { throttle: "verify_resend" as const } };
  app.post("/verify-email/resend", resendRoute, async (req, reply) => {
    const user = currentUser(req);
    if (user.emailVerifiedAt || !user.email) {
      return show(
        req,
        reply,
        "Check your email",
        views.messagePage("Check your email", "We sent you a new link."),
      );
    }
    const email = user.email;
    acc.background.run("verification mail", () => sendVerification(acc, user.id, email));
    return show(
      req,
      reply,
      "Check your email",
      views.messagePage("Check your email", "We sent you a new link."),
    );
  });

  app.get("/forgot-password", async (req, reply) =>
    show(req, reply, "Reset your password", views.forgotForm(pageContext(req))),
  );
  const forgotRoute = { config: { throttle: "password_reset" as const }, schema: { body: EmailForm } };
  app.post("/forgot-password", forgotRoute, async (req, reply) => {
    const email = req.body.email;
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
  app.get("/reset-password", { schema: { querystring: TokenQuery } }, async (req, reply) => {
    const token = req.query.token ?? "";
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
  app.post("/reset-password", { schema: { body: ResetForm } }, async (req, reply) => {
    const { token, password } = req.body;
    try {
      await resetPassword(acc, token, password);
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
