import type { Topic } from "../topics/store.ts";
import { followTopic, topicById } from "../topics/store.ts";
import { parseEmail } from "./address.ts";
import { alreadySubscribedMail, confirmationMail } from "./confirm-mail.ts";
import type { DeliveryDeps } from "./deps.ts";
import { confirmUrl, manageUrl } from "./links.ts";
import type { OutgoingMail } from "./mailer.ts";
import {
  confirmSubscriber,
  ensureSubscriber,
  type Subscriber,
  subscriberById,
  takeConfirmationSlot,
  unsubscribeSubscriber,
} from "./subscribers-store.ts";
import { type TokenPurpose, verifyToken } from "./tokens.ts";

type Deps = Pick<DeliveryDeps, "db" | "mailer" | "secret" | "baseUrl" | "now" | "log" | "background">;

export type SubscribeResult = { ok: true } | { ok: false; error: string };

/**
 * The subscribe form's command. Every valid address gets the same answer, whether it is new,
 * pending, confirmed or suspended, so the form cannot tell anyone who subscribes. At most one
 * mail per hour goes to an address, whatever is submitted. The mail is sent in the background:
 * waiting for SMTP would make the answer slower exactly when a mail goes out, which also leaks.
 */
export async function requestSubscription(
  deps: Deps,
  input: { email: unknown; topicId?: number; userId?: number | null },
): Promise<SubscribeResult> {
  const parsed = parseEmail(input.email);
  if (!parsed.ok) return parsed;
  const now = deps.now();
  const topic = input.topicId ? await topicById(deps.db, input.topicId) : null;
  if (input.topicId && !topic) return { ok: false, error: "That topic does not exist." };
  const sub = await ensureSubscriber(deps.db, parsed.email, { now });
  const mail = await mailFor(deps, sub, topic, now);
  if (mail) deps.background.run(`confirmation mail to subscriber ${sub.id}`, () => deps.mailer.send(mail));
  return { ok: true };
}

async function mailFor(
  deps: Deps,
  sub: Subscriber,
  topic: Topic | null,
  now: Date,
): Promise<OutgoingMail | null> {
  if (sub.status === "suspended") return null;
  if (!(await takeConfirmationSlot(deps.db, sub.id, now))) return null;
  if (sub.status === "confirmed" && !topic) return alreadySubscribedMail(sub.email, manageUrl(deps, sub));
  return confirmationMail(sub.email, confirmUrl(deps, sub, now, topic?.id), topic?.name);
}

export type TokenResult =
  | { ok: true; subscriber: Subscriber; topic: Topic | null }
  | { ok: false; error: string };

async function subscriberFromToken(deps: Deps, purpose: TokenPurpose, token: unknown) {
  const check = verifyToken(deps.secret, purpose, token, deps.now());
  if (!check.ok) {
    return {
      ok: false as const,
      error:
        check.reason === "expired"
          ? "This link has expired. Subscribe again to get a fresh one."
          : "This link is not valid. Check that it was copied whole.",
    };
  }
  const sub = await subscriberById(deps.db, check.payload.s);
  // A link for an address that was removed or changed is as good as forged.
  if (!sub || sub.email.toLowerCase() !== check.payload.e) {
    return { ok: false as const, error: "This link is not valid any more." };
  }
  return { ok: true as const, sub, payload: check.payload };
}

export async function confirmSubscription(deps: Deps, token: unknown): Promise<TokenResult> {
  const r = await subscriberFromToken(deps, "confirm", token);
  if (!r.ok) return r;
  if (r.sub.status === "suspended") {
    return { ok: false, error: "Mail to this address keeps bouncing, so its subscription is suspended." };
  }
  const topic = r.payload.t ? await topicById(deps.db, r.payload.t) : null;
  await deps.db.transaction(async (tx) => {
    await confirmSubscriber(tx, r.sub.id, deps.now());
    if (topic) await followTopic(tx, r.sub.id, topic.id);
  });
  const subscriber = (await subscriberById(deps.db, r.sub.id)) ?? r.sub;
  return { ok: true, subscriber, topic };
}

export async function unsubscribeByToken(deps: Deps, token: unknown): Promise<TokenResult> {
  const r = await subscriberFromToken(deps, "unsubscribe", token);
  if (!r.ok) return r;
  await unsubscribeSubscriber(deps.db, r.sub.id, deps.now());
  return { ok: true, subscriber: r.sub, topic: null };
}

/** The subscriber a manage link stands for. */
export async function subscriberFromManageToken(deps: Deps, token: unknown): Promise<TokenResult> {
  const r = await subscriberFromToken(deps, "manage", token);
  if (!r.ok) return r;
  return { ok: true, subscriber: r.sub, topic: null };
}
