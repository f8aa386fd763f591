import { createHash } from "node:crypto";
import type { Queryable } from "../db/client.ts";
import { randomToken } from "./secret.ts";
import type { SessionUser } from "./types.ts";

const SESSION_DAYS = 30;

function idHash(id: string): string {
  return createHash("sha256").update(id).digest("base64url");
}

/** Starts a session and returns the cookie value; only its hash is stored. */
export async function createSession(db: Queryable, userId: number, now: Date): Promise<string> {
  const id = randomToken();
  const expires = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
  await db.query(`insert into sessions (id_hash, user_id, created_at, expires_at) values ($1, $2, $3, $4)`, [
    idHash(id),
    userId,
    now,
    expires,
  ]);
  return id;
}

/** The signed-in user of a live session; suspended users have none. */
export async function sessionUser(db: Queryable, id: string, now: Date): Promise<SessionUser | null> {
  const rows = await db.query<SessionUser>(
    `select u.id, u.username, u.role, u.email, u.email_verified_at as "emailVerifiedAt", u.created_at as "createdAt"
       from sessions s join users u on u.id = s.user_id
      where s.id_hash = $1 and s.expires_at > $2 and u.suspended_at is null`,
    [idHash(id), now],
  );
  return rows[0] ?? null;
}

export async function deleteSession(db: Queryable, id: string): Promise<void> {
  await db.query(`delete from sessions where id_hash = $1`, [idHash(id)]);
}

export async function deleteUserSessions(db: Queryable, userId: number): Promise<number> {
  const rows = await db.query(`delete from sessions where user_id = $1 returning 1`, [userId]);
  return rows.length;
}

export async function deleteExpiredSessions(db: Queryable, now: Date): Promise<void> {
  await db.query(`delete from sessions where expires_at <= $1`, [now]);
}
