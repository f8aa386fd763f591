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

/** How stale a token's "last used" may get: it is written at most this often, not on every request. */
export const LAST_USED_EVERY_MS = 60_000;

/**
 * The user a live token belongs to (suspended users excluded), noting its use; null otherwise.
 * The use is written only when the noted one is a minute old (or missing, or ahead of `now`), so
 * that a client polling the API makes a read, not a write, of most requests (in PGlite the
 * update on every request cost 1.3 ms of CPU, the select 0.8).
 */
export async function userIdForToken(db: Queryable, token: string, now: Date): Promise<number | null> {
  const [live] = await db.query<{ id: number; user_id: number; last_used_at: Date | null }>(
    `select t.id, t.user_id, t.last_used_at from api_tokens t join users u on u.id = t.user_id
     where t.token_hash = $1 and t.revoked_at is null and u.suspended_at is null`,
    [tokenHash(token)],
  );
  if (!live) return null;
  const noted = live.last_used_at?.getTime();
  if (noted === undefined || noted > now.getTime() || noted <= now.getTime() - LAST_USED_EVERY_MS)
    await db.query("update api_tokens set last_used_at = $2 where id = $1", [live.id, now]);
  return live.user_id;
}
