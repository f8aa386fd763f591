import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { DeliveryDeps } from "../../email/deps.ts";
import { manageUrl } from "../../email/links.ts";
import { maskEmail } from "../../email/manage.ts";
import { subscriberById } from "../../email/subscribers-store.ts";
import { confirmSubscription, requestSubscription, unsubscribeByToken } from "../../email/subscription.ts";
import { verifyToken } from "../../email/tokens.ts";
import { pageContext } from "../context.ts";
import { formTextCheckedByCapability, text } from "../fields.ts";
import { html, type SafeHtml } from "../html.ts";
import { page } from "../layout.ts";
import { CHECK_INBOX, messagePage, subscribePage, unsubscribeConfirm } from "./views.ts";

function show(req: FastifyRequest, reply: FastifyReply, title: string, body: SafeHtml, status = 200) {
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .send(page({ title, body, ctx: pageContext(req) }));
}

const TokenQuery = z.object({ token: text(1000).optional() });
const EmailForm = z.object({ email: formTextCheckedByCapability(1000) });

/** Subscribe (double opt-in), confirm, and unsubscribe (a page, and RFC 8058 one-click). */
export function registerSubscribeRoutes(fastify: FastifyInstance, d: DeliveryDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get("/subscribe", async (req, reply) => show(req, reply, "Subscribe", subscribePage(pageContext(req))));

  app.post(
    "/subscribe",
    { config: { throttle: "subscribe" }, schema: { body: EmailForm } },
    async (req, reply) => {
      const res = await requestSubscription(d, { email: req.body.email });
      if (!res.ok)
        return show(req, reply, "Subscribe", subscribePage(pageContext(req), { error: res.error }), 400);
      return show(req, reply, "Check your inbox", messagePage("Check your inbox", CHECK_INBOX));
    },
  );

  app.get("/subscribe/confirm", { schema: { querystring: TokenQuery } }, async (req, reply) => {
    const res = await confirmSubscription(d, req.query.token);
    if (!res.ok)
      return show(
        req,
        reply,
        "Link not valid",
        messagePage("That did not work", res.error, html`<p><a href="/subscribe">Subscribe again</a></p>`),
        400,
      );
    const manage = manageUrl(d, res.subscriber);
    const msg = res.topic
      ? `You are subscribed, and “${res.topic.name}” is in your digest.`
      : "You are subscribed. The first digest arrives at the next scheduled time.";
    return show(
      req,
      reply,
      "Subscribed",
      messagePage(
        "Subscribed",
        msg,
        html`<p><a class="button primary" href="${manage}">Choose topics and schedule</a></p>`,
      ),
    );
  });

  app.get("/unsubscribe", { schema: { querystring: TokenQuery } }, async (req, reply) => {
    const token = req.query.token;
    const check = verifyToken(d.secret, "unsubscribe", token, d.now());
    const sub = check.ok ? await subscriberById(d.db, check.payload.s) : null;
    if (!check.ok || !sub || sub.email.toLowerCase() !== check.payload.e) {
      return show(
        req,
        reply,
        "Link not valid",
        messagePage(
          "That did not work",
          "This unsubscribe link is not valid. Check that it was copied whole.",
        ),
        400,
      );
    }
    return show(req, reply, "Unsubscribe", unsubscribeConfirm(String(token), maskEmail(sub.email)));
  });

  // RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the header's URL with no cookies,
  // so no CSRF token can come along. The signed token is the proof instead, and the worst a
  // forged request could do with a stolen token is unsubscribe its owner.
  const oneClick = { config: { csrf: false }, schema: { querystring: TokenQuery, body: TokenQuery } };
  app.post("/unsubscribe", oneClick, async (req, reply) => {
    const token = req.query.token ?? req.body.token;
    const res = await unsubscribeByToken(d, token);
    if (!res.ok) return show(req, reply, "Link not valid", messagePage("That did not work", res.error), 400);
    return show(
      req,
      reply,
      "Unsubscribed",
      messagePage(
        "Unsubscribed",
        "You will not receive any more digests. Changed your mind? Subscribe again any time.",
        html`<p><a href="/subscribe">Subscribe again</a></p>`,
      ),
    );
  });
}
