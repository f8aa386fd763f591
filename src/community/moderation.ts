import type { Db } from "../db/client.ts";
import { feedEntriesHide } from "../feed/store.ts";
import { UserError } from "../user-error.ts";
import { suspendRefusal } from "../users/policies.ts";
import { deleteUserSessions } from "../users/sessions.ts";
import { userByUsername, userRoleSet, userSuspensionSet } from "../users/store.ts";
import type { Role } from "../users/types.ts";
import { record } from "./mod-log.ts";

/** A moderation request that cannot be carried out, in words for the moderator. */
export class ModerationError extends UserError {
  constructor(message: string) {
    super(400, message);
  }
}

const REASON_MAX = 500;

export function checkReason(reason: string): string {
  const r = reason.trim();
  if (!r) throw new ModerationError("Give a reason: it is shown in the public moderation log.");
  if (r.length > REASON_MAX) throw new ModerationError(`Keep the reason under ${REASON_MAX} characters.`);
  return r;
}

/** Hides a paper from one day's feed, or from every feed it is on when no date is given. */
export async function hideFeedEntries(
  db: Db,
  moderatorId: number,
  arxivId: string,
  feedDate: string | null,
  reasonInput: string,
  now: Date,
): Promise<number> {
  const reason = checkReason(reasonInput);
  return db.transaction(async (tx) => {
    const rows = await feedEntriesHide(tx, arxivId, feedDate, now, reason);
    if (rows.length === 0)
      throw new ModerationError("That paper is on no feed (for that day) that is not already hidden.");
    for (const r of rows) {
      await record(
        tx,
        {
          moderatorId,
          action: "hide_feed_entry",
          targetType: "feed_entry",
          targetId: arxivId,
          targetLabel: `${r.title} (feed of ${r.feed_date})`,
          reason,
        },
        now,
      );
    }
    return rows.length;
  });
}

/** Suspends an account and ends its sessions at once; the suspension is logged with the reason. */
export async function suspendUser(
  db: Db,
  moderatorId: number,
  username: string,
  reasonInput: string,
  now: Date,
): Promise<void> {
  const reason = checkReason(reasonInput);
  await db.transaction(async (tx) => {
    const user = await userByUsername(tx, username);
    if (!user) throw new ModerationError("There is no such user.");
    const refusal = suspendRefusal({ id: moderatorId }, user);
    if (refusal) throw new ModerationError(refusal);
    await userSuspensionSet(tx, user.id, now, reason);
    await deleteUserSessions(tx, user.id);
    await record(
      tx,
      {
        moderatorId,
        action: "suspend_user",
        targetType: "user",
        targetId: user.id,
        targetLabel: user.username,
        reason,
      },
      now,
    );
  });
}

export async function unsuspendUser(
  db: Db,
  moderatorId: number,
  username: string,
  reasonInput: string,
  now: Date,
): Promise<void> {
  const reason = checkReason(reasonInput);
  await db.transaction(async (tx) => {
    const user = await userByUsername(tx, username);
    if (!user?.suspendedAt) throw new ModerationError("That user is not suspended.");
    await userSuspensionSet(tx, user.id, null, null);
    await record(
      tx,
      {
        moderatorId,
        action: "unsuspend_user",
        targetType: "user",
        targetId: user.id,
        targetLabel: user.username,
        reason,
      },
      now,
    );
  });
}

/** Role changes are admin actions, logged like the rest. */
export async function setRole(
  db: Db,
  adminId: number,
  username: string,
  role: Role,
  reasonInput: string,
  now: Date,
): Promise<void> {
  const reason = checkReason(reasonInput);
  await db.transaction(async (tx) => {
    const user = await userByUsername(tx, username);
    if (user?.origin !== "local") throw new ModerationError("There is no such local user.");
    await userRoleSet(tx, user.id, role);
    await record(
      tx,
      {
        moderatorId: adminId,
        action: "set_role",
        targetType: "user",
        targetId: user.id,
        targetLabel: `${user.username} → ${role}`,
        reason,
      },
      now,
    );
  });
}
