import path from "node:path";
import type { Config } from "../config.ts";
import { type Db, openPglite, openPostgres } from "./client.ts";
import { acquireDataDirLock, DataDirBusy, holdingLock, readOwner } from "./lock.ts";
import { assertSchemaCurrent, migrate } from "./migrate.ts";
import { PGLITE_DIR } from "./owner.ts";

// A server that owns the directory but is still migrating has no socket yet: wait this long.
const SERVER_START_WAIT_MS = 120_000;

/**
 * Opens the configured database for a command (the CLI, a script): the one way in besides the
 * server's own (owner.ts).
 * - DATABASE_URL: the Postgres server, migrated under its advisory lock.
 * - A running server owns DATA_DIR: its PGlite through the server's Unix socket, so the site
 *   sees every write at once. Nothing is migrated; the schema must be the one this code knows.
 * - Nobody owns it: the PGlite files themselves, under the data directory's lock until close()
 *   (a `serve` started meanwhile refuses, naming this process).
 */
export async function openDatabase(
  config: Pick<Config, "databaseUrl" | "dataDir">,
  // restore: false, to find the database as it is (an empty one must stay empty).
  opts: { command?: string; migrate?: boolean } = {},
): Promise<Db> {
  const prepare = opts.migrate === false ? async (db: Db) => db : migrated;
  if (config.databaseUrl) return prepare(await openPostgres(config.databaseUrl));
  for (const deadline = Date.now() + SERVER_START_WAIT_MS; ; ) {
    const owner = readOwner(config.dataDir);
    if (owner?.socket) return throughSocket(owner.socket);
    if (owner && (owner.role !== "server" || Date.now() > deadline))
      throw new DataDirBusy(config.dataDir, owner);
    if (owner) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    try {
      return await ownFiles(config.dataDir, opts.command ?? commandLine(), prepare);
    } catch (err) {
      // Another process took the lock between our look and our try: look again.
      if (!(err instanceof DataDirBusy)) throw err;
      if (err.owner.role !== "server") throw err;
    }
  }
}

async function throughSocket(socketDir: string): Promise<Db> {
  // One connection: a transaction and the statements around it must not wait on each other.
  const db = await openPostgres({ host: socketDir, user: "postgres", database: "postgres" }, 1);
  try {
    await assertSchemaCurrent(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return { ...db, kind: "pglite", sharedWithServer: true };
}

async function ownFiles(dataDir: string, command: string, prepare: (db: Db) => Promise<Db>): Promise<Db> {
  const lock = acquireDataDirLock(dataDir, { role: "cli", command });
  return holdingLock(lock, async () => prepare(await openPglite(path.join(dataDir, PGLITE_DIR))));
}

async function migrated(db: Db): Promise<Db> {
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/** "dailypapers import arxiv-snapshot": the words before the first option or path, for messages. */
function commandLine(): string {
  const words = process.argv.slice(2).filter((a) => /^[a-z][a-z-]*$/.test(a));
  return ["dailypapers", ...words.slice(0, 2)].join(" ");
}
