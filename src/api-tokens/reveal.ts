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
/** What finds a session's reveals: derived apart from the sealing key, so it opens nothing. */
const lookupOf = (sessionSecret: string) => derive(sessionSecret, "lookup").toString("base64url");

export async function holdTokenReveal(
  db: Queryable,
  tokenId: number,
  sessionSecret: string,
  token: string,
  now: Date,
): Promise<void> {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", derive(sessionSecret, "key"), iv, {
    authTagLength: TAG_BYTES,
  });
  const sealed = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
  await db.query(
    "insert into api_token_reveals (token_id, session_lookup, sealed, expires_at) values ($1, $2, $3, $4)",
    [
      tokenId,
      lookupOf(sessionSecret),
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
    [lookupOf(sessionSecret), userId],
  );
  const key = derive(sessionSecret, "key");
  // A row that does not open (tampered, or sealed by other code) is skipped: the others still show.
  return rows
    .filter((r) => !r.revoked)
    .sort((a, b) => b.id - a.id)
    .flatMap((r) => {
      const token = opened(key, r.sealed);
      return token === null ? [] : [{ name: r.name, token }];
    });
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The sealed token, or null when it does not open: a full-length tag only (GCM takes short ones). */
function opened(key: Buffer, sealed: string): string | null {
  const raw = Buffer.from(sealed, "base64url");
  if (raw.length <= IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    return null;
  }
}

/**
 * Reveals nobody came back for (the page closed before the redirect landed): unreadable without
 * the session's cookie, but not kept past their time. Run by the hourly sweep and by each read.
 */
export async function deleteExpiredTokenReveals(db: Queryable, now: Date): Promise<void> {
  await db.query("delete from api_token_reveals where expires_at <= $1", [now]);
}

/** A session's waiting reveals, dropped when it logs out: nobody can open them after. */
export async function dropSessionTokenReveals(db: Queryable, sessionSecret: string): Promise<void> {
  await db.query("delete from api_token_reveals where session_lookup = $1", [lookupOf(sessionSecret)]);
}
