import type { DeliveryDeps } from "../../email/deps.ts";
import {
  confirmSubscriber,
  ensureSubscriber,
  linkSubscriberToUser,
  type Subscriber,
  subscriberByEmail,
  subscriberByUser,
} from "../../email/subscribers-store.ts";
import type { SessionUser } from "../../users/types.ts";

export type FollowResult = { state: "following" | "pending" | "mailed" } | { state: "error"; error: string };

/**
 * The subscription that belongs to an account, made or linked when it is safe to: an account
 * whose address is confirmed owns that address's subscription (created confirmed if missing);
 * an unconfirmed account only gets a subscription it creates itself (pending until the address
 * is confirmed), never someone else's existing one.
 */
export async function accountSubscription(
  d: Pick<DeliveryDeps, "db" | "now">,
  user: Pick<SessionUser, "id" | "email" | "emailVerifiedAt">,
): Promise<Subscriber | null> {
  const linked = await subscriberByUser(d.db, user.id);
  if (linked) return linked;
  if (!user.email) return null;
  const now = d.now();
  if (user.emailVerifiedAt) {
    const sub = await ensureSubscriber(d.db, user.email, { userId: user.id, confirmed: true, now });
    await linkSubscriberToUser(d.db, sub.id, user.id);
    if (sub.status === "pending") await confirmSubscriber(d.db, sub.id, now);
    return (await subscriberByUser(d.db, user.id)) ?? sub;
  }
  if (await subscriberByEmail(d.db, user.email)) return null;
  const sub = await ensureSubscriber(d.db, user.email, { userId: user.id, now });
  return sub.userId === user.id ? sub : null;
}
