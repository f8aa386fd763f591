import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "./client.ts";

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
// Any constant works; it only has to be the same for every process migrating this database.
const MIGRATION_LOCK_KEY = 7_461_001;

/** The bookkeeping table, created before any migration runs (a backup replays it too). */
export const MIGRATIONS_TABLE = `create table if not exists schema_migrations (
  version integer primary key,
  name text not null,
  applied_at timestamptz not null default now()
)`;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 4)),
      name: f.replace(/\.sql$/, ""),
      sql: fs.readFileSync(path.join(dir, f), "utf8"),
    }));
  // A version is recorded by number alone: a second file with the same number would be taken
  // as applied and silently skipped, so two branches that picked the same number must fail here.
  for (let i = 1; i < migrations.length; i++)
    if (migrations[i].version === migrations[i - 1].version)
      throw new Error(
        `Two migrations share version ${migrations[i].version}: ${migrations[i - 1].name} and ${migrations[i].name}. Renumber one.`,
      );
  return migrations;
}

/**
 * Applies pending numbered SQL migrations, each in its own transaction. Several web processes
 * may start at once against one server, so Postgres serialises them with an advisory lock.
 * A database that is ahead of this code is refused rather than used.
 */
export async function migrate(
  db: Db,
  migrations = loadMigrations(),
  // Checked between migrations: a server told to stop while it migrates stops at a safe point.
  signal?: AbortSignal,
): Promise<number[]> {
  // Under the lock too: two processes creating the table at once can collide in the catalog.
  await db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await tx.exec(MIGRATIONS_TABLE);
  });
  const applied: number[] = [];
  for (const m of migrations) {
    signal?.throwIfAborted();
    const done = await db.transaction(async (tx) => {
      await tx.query("select pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
      const rows = await tx.query("select 1 from schema_migrations where version = $1", [m.version]);
      if (rows.length > 0) return false;
      await tx.exec(m.sql);
      await tx.query("insert into schema_migrations (version, name) values ($1, $2)", [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  const [{ max }] = await db.query<{ max: number | null }>(
    "select max(version) as max from schema_migrations",
  );
  const known = migrations.at(-1)?.version ?? 0;
  if (max !== null && max > known) {
    throw new Error(
      `The database schema is at version ${max}, newer than this code knows (${known}). Upgrade Daily Papers.`,
    );
  }
  return applied;
}

/** Refuses a database whose schema is not the one this code knows (a running server's, say). */
export async function assertSchemaCurrent(db: Db, migrations = loadMigrations()): Promise<void> {
  const [{ max }] = await db.query<{ max: number | null }>(
    "select max(version) as max from schema_migrations",
  );
  const known = migrations.at(-1)?.version ?? 0;
  if (max !== known)
    throw new Error(
      `the running server's database schema is at version ${max}, this code's at ${known}: ` +
        "restart the server with this version of Daily Papers (it migrates at start), then run the command again",
    );
}
