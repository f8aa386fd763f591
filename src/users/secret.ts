import { createHmac, randomBytes } from "node:crypto";
import type { Queryable } from "../db/client.ts";

/**
 * The signing secret: SECRET when set, otherwise one generated on first use and kept in the
 * database, so every web process on the same database signs alike and restarts keep sessions.
 */
export async function appSecret(db: Queryable, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const fresh = randomBytes(32).toString("base64url");
  await db.query(
    `insert into app_secrets (name, value) values ('signing', $1) on conflict (name) do nothing`,
    [fresh],
  );
  const rows = await db.query<{ value: string }>(`select value from app_secrets where name = 'signing'`);
  return rows[0].value;
}

/** A keyed hash: what the database keeps in place of a token, and what CSRF tokens are made of. */
export function hmac(secret: string, purpose: string, value: string): string {
  return createHmac("sha256", secret).update(`${purpose}:${value}`).digest("base64url");
}

export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}
