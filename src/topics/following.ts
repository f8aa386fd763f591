import type { Queryable } from "../db/client.ts";
import { type SubscriberStatus, subscriberByUser } from "../email/subscribers-store.ts";
import { userTopicIds, userTopicSet } from "../recommend/store.ts";
import { topicIdsFollowedBy, unfollowTopic } from "./store.ts";

/**
 * A person follows a topic in two places: their email digest (subscriber_topics, through the
 * subscription their account owns) and For you (user_topics, set in onboarding). Both make it a
 * For-you interest (recommend/store.ts topicsFollowedByUser), so to the person it is one
 * "following": shown as followed if either holds, and unfollowing removes both.
 */
export interface AccountTopicFollow {
  /** In the digest: the subscription's status (its digest runs once "confirmed"). */
  digest: { status: SubscriberStatus } | null;
  /** Followed from onboarding, for For you only. */
  forYou: boolean;
}

export async function accountTopicFollows(
  db: Queryable,
  userId: number,
): Promise<Map<number, AccountTopicFollow>> {
  const [sub, forYou] = await Promise.all([subscriberByUser(db, userId), userTopicIds(db, userId)]);
  const out = new Map<number, AccountTopicFollow>();
  for (const id of forYou) out.set(id, { digest: null, forYou: true });
  if (sub)
    for (const id of (await topicIdsFollowedBy(db, [sub.id])).get(sub.id) ?? [])
      out.set(id, { digest: { status: sub.status }, forYou: forYou.has(id) });
  return out;
}

/** Stops following the topic everywhere: digest and For you. */
export async function unfollowTopicForAccount(db: Queryable, userId: number, topicId: number): Promise<void> {
  const sub = await subscriberByUser(db, userId);
  if (sub) await unfollowTopic(db, sub.id, topicId);
  await userTopicSet(db, userId, topicId, false);
}
