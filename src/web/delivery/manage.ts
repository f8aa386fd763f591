import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { DeliveryDeps } from "../../email/deps.ts";
import { manageToken, unsubscribeUrl } from "../../email/links.ts";
import { SettingsForm, updateSubscription } from "../../email/manage.ts";
import {
  confirmSubscriber,
  ensureSubscriber,
  linkSubscriberToUser,
  type Subscriber,
  subscriberByEmail,
  subscriberById,
  subscriberByUser,
} from "../../email/subscribers-store.ts";
import { requestSubscription, subscriberFromManageToken } from "../../email/subscription.ts";
import { topicsFeatured, topicsFollowedBy } from "../../topics/store.ts";
import { csrfField } from "../accounts/csrf.ts";
import { currentUser, requireUser } from "../accounts/guards.ts";
import { pageContext } from "../context.ts";
import { formText, text } from "../fields.ts";
import { html, type SafeHtml } from "../html.ts";
import { page } from "../layout.ts";
import { messagePage, settingsForm } from "./views.ts";

function show(req: FastifyRequest, reply: FastifyReply, body: SafeHtml, status = 200) {
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .send(page({ title: "Your digest", body, ctx: pageContext(req) }));
}

async function topicChoices(d: DeliveryDeps, sub: Subscriber) {
  const followed = await topicsFollowedBy(d.db, sub.id);
  const featured = await topicsFeatured(d.db);
  const offered = [...followed, ...featured.filter((f) => !followed.some((t) => t.id === f.id))];
  return { offered, followed: new Set(followed.map((t) => t.id)) };
}

/**
 * Managing a subscription: by the signed link in every digest (no login), or, for account
 * holders, from /settings/digest. Both save through the same command.
 */
const TokenQuery = z.object({ token: text(1000).optional() });
const TokenSettingsForm = SettingsForm.extend({ token: formText(1000) });

export function registerManageRoutes(fastify: FastifyInstance, d: DeliveryDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const form = async (
    req: FastifyRequest,
    reply: FastifyReply,
    sub: Subscriber,
    action: string,
    extra: { token?: string; notice?: string; error?: string },
    status = 200,
  ) =>
    show(
      req,
      reply,
      settingsForm(pageContext(req), sub, await topicChoices(d, sub), {
        action,
        unsubscribeUrl: unsubscribeUrl(d, sub),
        ...extra,
      }),
      status,
    );

  const bySubscriptionToken = async (req: FastifyRequest, reply: FastifyReply, token: unknown) => {
    const res = await subscriberFromManageToken(d, token);
    if (!res.ok) {
      show(req, reply, messagePage("That did not work", res.error), 400);
      return null;
    }
    return res.subscriber;
  };

  app.get("/subscription", { schema: { querystring: TokenQuery } }, async (req, reply) => {
    const token = req.query.token;
    const sub = await bySubscriptionToken(req, reply, token);
    if (!sub) return reply;
    return form(req, reply, sub, "/subscription", { token: String(token) });
  });

  app.post("/subscription", { schema: { body: TokenSettingsForm } }, async (req, reply) => {
    const { token, ...settings } = req.body;
    const sub = await bySubscriptionToken(req, reply, token);
    if (!sub) return reply;
    await updateSubscription(d, sub.id, settings);
    const fresh = (await subscriberById(d.db, sub.id)) ?? sub;
    return form(req, reply, fresh, "/subscription", { token: manageToken(d, fresh), notice: "Saved." });
  });

  // Account holders: the subscription linked to the account, or the one for its verified
  // address, which a change links to the account (a GET only reads: it must change nothing).
  const accountSubscriber = async (req: FastifyRequest, link: boolean): Promise<Subscriber | null> => {
    const user = currentUser(req);
    const linked = await subscriberByUser(d.db, user.id);
    if (linked) return linked;
    if (!user.email || !user.emailVerifiedAt) return null;
    const byEmail = await subscriberByEmail(d.db, user.email);
    if (byEmail && link) await linkSubscriberToUser(d.db, byEmail.id, user.id);
    return byEmail;
  };

  app.get("/settings/digest", { preValidation: requireUser }, async (req, reply) => {
    const sub = await accountSubscriber(req, false);
    if (sub) return form(req, reply, sub, "/settings/digest", {});
    return show(req, reply, noSubscription(req));
  });

  const settingsRoute = { preValidation: requireUser, schema: { body: SettingsForm } };
  app.post("/settings/digest", settingsRoute, async (req, reply) => {
    const sub = await accountSubscriber(req, true);
    if (!sub) return show(req, reply, noSubscription(req), 400);
    await updateSubscription(d, sub.id, req.body);
    return form(req, reply, (await subscriberById(d.db, sub.id)) ?? sub, "/settings/digest", {
      notice: "Saved.",
    });
  });

  app.post("/settings/digest/subscribe", { preValidation: requireUser }, async (req, reply) => {
    const user = currentUser(req);
    if (!user.email)
      return show(
        req,
        reply,
        messagePage("No email address", "Add an email address to your account first."),
        400,
      );
    if (user.emailVerifiedAt) {
      // The account already proved it owns this address: no second confirmation needed.
      const sub = await ensureSubscriber(d.db, user.email, {
        userId: user.id,
        confirmed: true,
        now: d.now(),
      });
      await linkSubscriberToUser(d.db, sub.id, user.id);
      if (sub.status !== "confirmed" && sub.status !== "suspended") {
        await confirmSubscriber(d.db, sub.id, d.now());
      }
      return reply.redirect("/settings/digest", 303);
    }
    await requestSubscription(d, { email: user.email });
    return show(req, reply, messagePage("Check your inbox", "We sent a link to confirm your address."));
  });
}

function noSubscription(req: FastifyRequest): SafeHtml {
  const user = currentUser(req);
  return html`<section class="form-narrow">
    <h1>Your digest</h1>
    <p>You are not subscribed to the Daily Papers digest yet.</p>
    ${
      user.email
        ? html`<form method="post" action="/settings/digest/subscribe">${csrfField(pageContext(req))}
            <button type="submit" class="button primary">Subscribe ${user.email}</button></form>
            ${user.emailVerifiedAt ? "" : html`<p class="hint">We will send a link to confirm the address first.</p>`}`
        : html`<p>Add an email address to your account to subscribe.</p>`
    }
  </section>`;
}
