import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { hideComment, postComment } from "../../src/community/comments.ts";
import { upvoteSet } from "../../src/community/upvotes.ts";
import { loadConfig } from "../../src/config.ts";
import { backupDatabase } from "../../src/db/backup.ts";
import { type Db, openPostgres } from "../../src/db/client.ts";
import { openDatabase } from "../../src/db/open.ts";
import { RestoreRefused, restoreDatabase } from "../../src/db/restore.ts";
import { ensureSubscriber } from "../../src/email/subscribers-store.ts";
import { importSampleIfEmpty } from "../../src/ingest/sample.ts";
import { runEmbedding } from "../../src/search/embed/jobs.ts";
import { saveTopic } from "../../src/topics/commands.ts";
import { appSecret } from "../../src/users/secret.ts";
import { makeUser } from "../community/helpers.ts";

/** Every table's rows (generated columns aside: they follow from the rest), in key order, as Postgres prints them. */
async function everyRow(db: Db): Promise<Record<string, string[]>> {
  return db.transaction(async (tx) => {
    await tx.query("set local timezone = 'UTC'");
    const tables = await tx.query<{ name: string; cols: string }>(
      `select c.relname::text as name,
         string_agg(quote_ident(a.attname), ', ' order by a.attnum) as cols
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
       where n.nspname = 'public' and c.relkind = 'r' group by c.relname order by 1`,
    );
    const out: Record<string, string[]> = {};
    for (const t of tables) {
      const rows = await tx.query<{ j: string }>(
        `select row_to_json(r)::text as j from (select ${t.cols} from ${t.name}) r order by 1`,
      );
      out[t.name] = rows.map((r) => r.j);
    }
    return out;
  });
}

/** An empty database on the test Postgres server, dropped after the file. */
const created: string[] = [];
async function emptyPostgres(): Promise<string> {
  const admin = process.env.TEST_DATABASE_URL ?? "";
  const name = `dp_restore_${process.pid}_${randomBytes(3).toString("hex")}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  created.push(name);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

describe("backup and restore: every row survives, PGlite to Postgres and back", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "dp-backup-"));
  const config = (name: string, databaseUrl?: string) => ({ dataDir: path.join(root, name), databaseUrl });
  let source: Db;
  let original: Record<string, string[]>;

  before(async () => {
    source = await openDatabase(config("source"));
    // Something in every kind of table: papers, feeds, accounts, votes, threads, moderation,
    // subscribers, topics, the secret, embedding models with their vectors (bytea, arrays).
    await importSampleIfEmpty(source);
    const now = new Date("2026-11-30T12:00:00.123456Z");
    const alice = await makeUser(source, { username: "alice", role: "admin" });
    const bob = await makeUser(source, { username: "bob" });
    const [{ arxiv_id: paper }] = await source.query<{ arxiv_id: string }>(
      "select arxiv_id from papers order by arxiv_id limit 1",
    );
    await upvoteSet(source, alice.userId, paper, true);
    await upvoteSet(source, bob.userId, paper, true);
    const top = await postComment(
      source,
      {
        userId: bob.userId,
        arxivId: paper,
        parentId: null,
        body: "Nice *work* — ünïcode, 'quotes', $dp$ and \\ back",
      },
      now,
    );
    const reply = await postComment(
      source,
      { userId: alice.userId, arxivId: paper, parentId: top, body: "A reply" },
      now,
    );
    await hideComment(source, alice.userId, reply, "testing the log", now);
    await ensureSubscriber(source, "reader@example.org", { confirmed: true, now });
    await saveTopic(source, { query: "graph neural networks", name: "GNN", featured: true });
    await appSecret(source, undefined);
    await runEmbedding(source, loadConfig({}));
    original = await everyRow(source);
    assert.ok(
      Object.values(original).filter((rows) => rows.length > 0).length >= 12,
      "most tables have rows",
    );
  });
  after(async () => {
    await source.close();
    if (process.env.TEST_DATABASE_URL) {
      const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await c.connect();
      for (const name of created) await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  test("PGlite → backup → an empty data directory: the same rows; a non-empty one is refused", async () => {
    const file = path.join(root, "from-pglite.sql");
    const report = await backupDatabase(source, file);
    assert.equal(report.tables.find((t) => t.name === "papers")?.rows, original.papers.length);
    const target = await openDatabase(config("restored"), { migrate: false });
    try {
      await restoreDatabase(target, file);
      assert.deepEqual(await everyRow(target), original);
      await assert.rejects(
        restoreDatabase(target, file),
        (e) => e instanceof RestoreRefused && /not empty/.test(e.message),
      );
    } finally {
      await target.close();
    }
    const cut = path.join(root, "cut.sql");
    fs.writeFileSync(cut, fs.readFileSync(file, "utf8").slice(0, 5_000));
    const empty = await openDatabase(config("empty"), { migrate: false });
    try {
      await assert.rejects(restoreDatabase(empty, cut), /incomplete/);
      assert.equal(
        (await empty.query("select 1 from pg_tables where schemaname = 'public'")).length,
        0,
        "left empty",
      );
    } finally {
      await empty.close();
    }
  });

  test("PGlite → Postgres (restore and psql) → PGlite: the same rows both ways", {
    skip: !process.env.TEST_DATABASE_URL,
  }, async () => {
    const file = path.join(root, "to-postgres.sql");
    await backupDatabase(source, file);
    const pgUrl = await emptyPostgres();
    const onServer = await openDatabase(config("unused", pgUrl), { migrate: false });
    const back = path.join(root, "from-postgres.sql");
    try {
      await restoreDatabase(onServer, file);
      assert.deepEqual(await everyRow(onServer), original);
      await backupDatabase(onServer, back);
    } finally {
      await onServer.close();
    }
    const home = await openDatabase(config("home-again"), { migrate: false });
    try {
      await restoreDatabase(home, back);
      assert.deepEqual(await everyRow(home), original);
    } finally {
      await home.close();
    }
    // The plain SQL file, as a Postgres administrator would load it.
    const viaPsql = await emptyPostgres();
    const psql = spawnSync(
      "psql",
      ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", viaPsql, "-f", file],
      {
        encoding: "utf8",
      },
    );
    assert.equal(psql.status, 0, psql.stderr);
    const loaded = await openPostgres(viaPsql);
    try {
      assert.deepEqual(await everyRow(loaded), original);
    } finally {
      await loaded.close();
    }
  });
});
