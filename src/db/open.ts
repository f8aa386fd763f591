import path from "node:path";
import type { Config } from "../config.ts";
import { type Db, openPglite, openPostgres } from "./client.ts";
import { migrate } from "./migrate.ts";

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(config: Pick<Config, "databaseUrl" | "dataDir">): Promise<Db> {
  const db = config.databaseUrl
    ? await openPostgres(config.databaseUrl)
    : await openPglite(path.join(config.dataDir, "pglite"));
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
