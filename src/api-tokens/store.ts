import { createHash, randomBytes } from "node:crypto";
import type { Queryable } from "../db/client.ts";

/**
 * Personal API tokens. The token is random (32 bytes), shown once at creation, and only its
 * SHA-256 is stored: a leaked table lets nobody in. A slow hash is not needed for 256 random
 * bits, and a fast one keeps every API request cheap.
 */
const TOKEN_PREFIX = "dp_";
export const TOKEN_NAME_MAX = 100;
export const TOKENS_PER_USER_MAX = 20;

export interface ApiToken {
  id: number;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export function newTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function insertApiToken(
  db: Queryable,
  userId: number,
  name: string,
  token: string,
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    "insert into api_tokens (user_id, name, token_hash) values ($1, $2, $3) returning id",
    [userId, name, tokenHash(token)],
  );
  return row.id;
}

export async function activeTokenCount(db: Queryable, userId: number): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "select count(*)::int as n from api_tokens where user_id = $1 and revoked_at is null",
    [userId],
  );
  return row.n;
}

export async function apiTokensOf(db: Queryable, userId: number): Promise<ApiToken[]> {
  const rows = await db.query<{
    id: number;
    name: string;
    created_at: Date;
    last_used_at: Date | null;
    revoked_at: Date | null;
  }>(
    "select id, name, created_at, last_used_at, revoked_at from api_tokens where user_id = $1 order by created_at desc, id desc",
    [userId],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

/** Revokes one of the user's own tokens; false when it is not theirs or already revoked. */
export async function revokeApiToken(db: Queryable, userId: number, id: number): Promise<boolean> {
  const rows = await db.query(
    "update api_tokens set revoked_at = now() where id = $1 and user_id = $2 and revoked_at is null returning 1",
    [id, userId],
  );
  return rows.length > 0;
}

/** The user a live token belongs to (suspended users excluded), noting its use; null otherwise. */
export async function userIdForToken(db: Queryable, token: string, now: Date): Promise<number | null> {
  const rows = await db.query<{ user_id: number }>(
    `update api_tokens t set last_used_at = $2 from users u
     where t.token_hash = $1 and t.revoked_at is null and u.id = t.user_id and u.suspended_at is null
     returning t.user_id`,
    [tokenHash(token), now],
  );
  return rows[0]?.user_id ?? null;
}
