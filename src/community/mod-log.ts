import type { Queryable } from "../db/client.ts";

type ModAction =
  | "hide_feed_entry"
  | "unhide_feed_entry"
  | "hide_comment"
  | "suspend_user"
  | "unsuspend_user"
  | "set_role";

export interface ModLogInput {
  moderatorId: number;
  action: ModAction;
  targetType: "paper" | "feed_entry" | "comment" | "user";
  targetId: string | number;
  /** What a reader of the public log sees the action was about (paper title, username). */
  targetLabel?: string | null;
  reason: string;
}

export interface ModLogEntry {
  id: number;
  moderator: string;
  action: ModAction;
  targetType: string;
  targetId: string;
  targetLabel: string | null;
  reason: string;
  createdAt: Date;
}

/** Append-only (a trigger refuses updates and deletes); call it inside the action's transaction. */
export async function record(tx: Queryable, e: ModLogInput, now: Date): Promise<void> {
  await tx.query(
    `insert into mod_log (moderator_id, action, target_type, target_id, target_label, reason, created_at)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [e.moderatorId, e.action, e.targetType, String(e.targetId), e.targetLabel ?? null, e.reason, now],
  );
}

export async function modLogEntries(db: Queryable, limit: number, before?: number): Promise<ModLogEntry[]> {
  return db.query<ModLogEntry>(
    `select l.id, u.username as moderator, l.action, l.target_type as "targetType", l.target_id as "targetId",
            l.target_label as "targetLabel", l.reason, l.created_at as "createdAt"
       from mod_log l join users u on u.id = l.moderator_id
      where ($2::integer is null or l.id < $2)
      order by l.id desc limit $1`,
    [limit, before ?? null],
  );
}
