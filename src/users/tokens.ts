import type { Queryable } from "../db/client.ts";
import { hmac, randomToken } from "./secret.ts";

export type TokenPurpose = "verify_email" | "reset_password" | "change_email";

const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  verify_email: 48 * 3_600_000,
  reset_password: 3_600_000,
  change_email: 24 * 3_600_000,
};

/**
 * Issues a random token for an emailed link. The database keeps only HMAC(secret, token), bound
 * to its purpose, so neither a database leak nor a token for one purpose opens the other.
 */
export async function issueToken(
  db: Queryable,
  secret: string,
  userId: number,
  purpose: TokenPurpose,
  now: Date,
): Promise<string> {
  const token = randomToken();
  await db.query(
    `insert into user_tokens (token_hash, user_id, purpose, created_at, expires_at) values ($1, $2, $3, $4, $5)`,
    [hmac(secret, purpose, token), userId, purpose, now, new Date(now.getTime() + TOKEN_TTL_MS[purpose])],
  );
  return token;
}

/** The user a live, unused token belongs to, without using it up (to show the reset form). */
export async function tokenUserId(
  db: Queryable,
  secret: string,
  token: string,
  purpose: TokenPurpose,
  now: Date,
): Promise<number | null> {
  const rows = await db.query<{ user_id: number }>(
    `select user_id from user_tokens where token_hash = $1 and purpose = $2 and used_at is null and expires_at > $3`,
    [hmac(secret, purpose, token), purpose, now],
  );
  return rows[0]?.user_id ?? null;
}

/** Uses a token up in one statement, so two concurrent uses cannot both succeed. */
export async function consumeToken(
  db: Queryable,
  secret: string,
  token: string,
  purpose: TokenPurpose,
  now: Date,
): Promise<number | null> {
  const rows = await db.query<{ user_id: number }>(
    `update user_tokens set used_at = $3
      where token_hash = $1 and purpose = $2 and used_at is null and expires_at > $3 returning user_id`,
    [hmac(secret, purpose, token), purpose, now],
  );
  return rows[0]?.user_id ?? null;
}

/** After a password reset, older reset links stop working. */
export async function tokensRevoked(
  db: Queryable,
  userId: number,
  purpose: TokenPurpose,
  now: Date,
): Promise<void> {
  await db.query(
    `update user_tokens set used_at = $3 where user_id = $1 and purpose = $2 and used_at is null`,
    [userId, purpose, now],
  );
}
