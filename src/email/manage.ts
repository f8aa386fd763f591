import { z } from "zod";
import { isValidTimeZone } from "../dates.ts";
import { followTopic, topicsFeatured, topicsFollowedBy, unfollowTopic } from "../topics/store.ts";
import type { DeliveryDeps } from "./deps.ts";
import { updateDeliverySettings } from "./subscribers-store.ts";

const checkbox = z
  .union([z.literal("on"), z.literal("1"), z.literal("true"), z.literal("")])
  .optional()
  .transform((v) => v === "on" || v === "1" || v === "true");

export const SettingsForm = z.object({
  frequency: z.enum(["daily", "weekly"]),
  send_hour: z
    .string()
    .regex(/^\d{1,2}$/, "must be an hour from 0 to 23")
    .transform(Number)
    .pipe(z.number().max(23, "must be an hour from 0 to 23")),
  time_zone: z.string().max(64).refine(isValidTimeZone, "is not a time zone we know, such as Europe/Paris"),
  weekdays_only: checkbox,
  send_empty: checkbox,
  topic: z.union([z.string(), z.array(z.string())]).optional(),
});

export type SettingsInput = z.output<typeof SettingsForm>;

/**
 * Saves a subscriber's schedule and followed topics from the manage form. The form lists the
 * featured topics and the ones already followed; only those can be (un)followed here, so a
 * forged topic id cannot reach anything else.
 */
export async function updateSubscription(
  deps: Pick<DeliveryDeps, "db">,
  subscriberId: number,
  input: SettingsInput,
): Promise<void> {
  const checked = new Set(
    (Array.isArray(input.topic) ? input.topic : input.topic ? [input.topic] : []).map(Number),
  );
  const offered = [...(await topicsFeatured(deps.db)), ...(await topicsFollowedBy(deps.db, subscriberId))];
  const followed = new Set((await topicsFollowedBy(deps.db, subscriberId)).map((t) => t.id));
  await deps.db.transaction(async (tx) => {
    await updateDeliverySettings(tx, subscriberId, {
      frequency: input.frequency,
      sendHour: input.send_hour,
      timeZone: input.time_zone,
      weekdaysOnly: input.weekdays_only,
      sendEmpty: input.send_empty,
    });
    for (const t of new Map(offered.map((o) => [o.id, o])).values()) {
      if (checked.has(t.id) && !followed.has(t.id)) await followTopic(tx, subscriberId, t.id);
      if (!checked.has(t.id) && followed.has(t.id)) await unfollowTopic(tx, subscriberId, t.id);
    }
  });
}

/** "j•••@example.org": enough for the owner to recognise, little for anyone else. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  return `${email.slice(0, Math.min(1, at))}•••${email.slice(at)}`;
}
