import type { Config } from "./config.ts";
import type { Queryable } from "./db/client.ts";

const PUBLIC_URL = "public_url";

/** Kept by the server when it starts listening: BASE_URL if set, else the address it listens on. */
export async function recordPublicUrl(db: Queryable, url: string, now: Date): Promise<void> {
  await db.query(
    `insert into site_settings (name, value, updated_at) values ($1, $2, $3)
     on conflict (name) do update set value = excluded.value, updated_at = excluded.updated_at`,
    [PUBLIC_URL, url.replace(/\/$/, ""), now],
  );
}

export async function storedPublicUrl(db: Queryable): Promise<string | null> {
  const rows = await db.query<{ value: string }>("select value from site_settings where name = $1", [
    PUBLIC_URL,
  ]);
  return rows[0]?.value ?? null;
}

/**
 * The URL links should use outside the server (CLI previews, sends): BASE_URL when set, else
 * what the server last recorded, else the default derived from HOST and PORT.
 */
export async function publicUrl(db: Queryable, config: Config): Promise<string> {
  if (config.baseUrlFromEnv) return config.baseUrl;
  return (await storedPublicUrl(db)) ?? config.baseUrl;
}
