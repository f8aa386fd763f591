import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import type { Queryable } from "../db/client.ts";

/**
 * The one showing of a new token after the redirect that follows its creation (POST, then 303
 * to GET). The token cannot ride in the URL (logs, history, Referer), and the database must not
 * hold it in the clear, so it is sealed with a key only the creating browser holds: one derived
 * from its session cookie (the sessions table keeps only a hash of that). The first read of the
 * settings page from that session opens and deletes it; an unread one expires.
 */
const REVEAL_MS = 10 * 60_000;

const derive = (sessionSecret: string, purpose: string) =>
  createHmac("sha256", sessionSecret).update(`api-token-reveal:${purpose}`).digest();

export async function holdTokenReveal(
  db: Queryable,
  tokenId: number,
  sessionSecret: string,
  token: string,
  now: Date,
): Promise<void> {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derive(sessionSecret, "key"), iv);
  const sealed = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
  await db.query(
    "insert into api_token_reveals (token_id, session_lookup, sealed, expires_at) values ($1, $2, $3, $4)",
    [
      tokenId,
      derive(sessionSecret, "lookup").toString("base64url"),
      Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64url"),
      new Date(now.getTime() + REVEAL_MS),
    ],
  );
}

/**
 * The tokens this session created and has not been shown yet (live ones, newest first), each
 * deleted as it is taken: a refresh shows nothing. Expired reveals of anyone are dropped too.
 */
export async function takeTokenReveals(
  db: Queryable,
  userId: number,
  sessionSecret: string,
  now: Date,
): Promise<{ name: string; token: string }[]> {
  await deleteExpiredTokenReveals(db, now);
  const rows = await db.query<{ id: number; name: string; sealed: string; revoked: boolean }>(
    `delete from api_token_reveals r using api_tokens t
      where r.token_id = t.id and r.session_lookup = $1 and t.user_id = $2
      returning t.id, t.name, r.sealed, t.revoked_at is not null as revoked`,
    [derive(sessionSecret, "lookup").toString("base64url"), userId],
  );
  const key = derive(sessionSecret, "key");
  return rows
    .filter((r) => !r.revoked)
    .sort((a, b) => b.id - a.id)
    .map((r) => {
      const raw = Buffer.from(r.sealed, "base64url");
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const token = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
      return { name: r.name, token };
    });
}

/**
 * Reveals nobody came back for (the page closed before the redirect landed): unreadable without
 * the session's cookie, but not kept past their time. Run by the hourly sweep and by each read.
 */
export async function deleteExpiredTokenReveals(db: Queryable, now: Date): Promise<void> {
  await db.query("delete from api_token_reveals where expires_at <= $1", [now]);
}
