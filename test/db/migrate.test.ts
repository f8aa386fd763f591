import assert from "node:assert/strict";
import { test } from "node:test";
import pg from "pg";
import { openPostgres } from "../../src/db/client.ts";
import { loadMigrations, migrate } from "../../src/db/migrate.ts";
import { openTestDb, testBackends } from "../helpers/db.ts";

for (const backend of testBackends()) {
  test(`migrations are applied once and a newer database is refused (${backend})`, async () => {
    const db = await openTestDb(backend);
    try {
      assert.deepEqual(await migrate(db), [], "a migrated database has nothing pending");
      const known = loadMigrations().at(-1)?.version ?? 0;
      await db.query("insert into schema_migrations (version, name) values ($1, 'from_the_future')", [
        known + 1,
      ]);
      await assert.rejects(migrate(db), /newer than this code knows/);
    } finally {
      await db.close();
    }
  });
}

if (testBackends().includes("postgres")) {
  test("several processes starting at once on an empty Postgres database all come up", async () => {
    const admin = process.env.TEST_DATABASE_URL ?? "";
    const name = `dp_race_${process.pid}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`create database ${name}`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    const dbs = await Promise.all([1, 2, 3, 4].map(() => openPostgres(url.toString(), 2)));
    try {
      const applied = await Promise.all(dbs.map((db) => migrate(db)));
      // Each migration was applied by exactly one of them.
      assert.deepEqual(
        applied.flat().sort((a, b) => a - b),
        loadMigrations().map((m) => m.version),
      );
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
      await client.query(`drop database ${name} with (force)`);
      await client.end();
    }
  });
}

test("two migration files with the same number are refused, not one silently skipped", async () => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-migrations-"));
  try {
    fs.writeFileSync(path.join(dir, "0001_a.sql"), "select 1;");
    fs.writeFileSync(path.join(dir, "0001_b.sql"), "select 2;");
    assert.throws(() => loadMigrations(dir), /Two migrations share version 1: 0001_a and 0001_b/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
