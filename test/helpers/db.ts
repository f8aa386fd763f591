import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Db, openPglite, openPostgres } from "../../src/db/client.ts";
import { type Migration, migrate } from "../../src/db/migrate.ts";

export type Backend = "pglite" | "postgres";

/**
 * Database tests run on every backend available: always PGlite, and a real Postgres server
 * when TEST_DATABASE_URL names one (.ci/run starts one). Each test file gets a fresh database.
 */
export function testBackends(): Backend[] {
  return process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

export interface TestDb extends Db {
  /** The connection string of the throwaway Postgres database, for tests that start processes. */
  url?: string;
}

/** A fresh database with every migration applied, or only those given (to test a later one). */
export async function openTestDb(backend: Backend, migrations?: Migration[]): Promise<TestDb> {
  if (backend === "pglite") {
    const db = await openPglite(undefined);
    await migrate(db, migrations);
    return db;
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `dp_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString());
  await migrate(db, migrations);
  return {
    ...db,
    url: url.toString(),
    async close() {
      await db.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
