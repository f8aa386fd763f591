import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import pg from "pg";
import { LOCK_FILE } from "../../src/db/lock.ts";
import { openDatabase } from "../../src/db/open.ts";
import { childEnv, exited, serverProcess, waitFor } from "../helpers/processes.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "dp-shutdown-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

test("SIGTERM or SIGINT at random moments of start-up and migrations: exit 0, lock released, the database opens", async () => {
  const dataDir = path.join(root, "startup");
  const lockFile = path.join(dataDir, LOCK_FILE);
  for (const [i, signal] of (["SIGTERM", "SIGINT", "SIGTERM", "SIGINT"] as const).entries()) {
    const child = spawn(process.execPath, ["bin/dailypapers.js", "serve"], {
      env: childEnv(dataDir, { PORT: "0" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exit = exited(child);
    // From the moment the process owns the directory: opening, migrating, loading, listening.
    await waitFor(() => (fs.existsSync(lockFile) ? true : undefined), 60_000);
    await new Promise((r) => setTimeout(r, Math.random() * 400 * (i + 1)));
    child.kill(signal);
    const e = await exit;
    assert.equal(e.code, 0, `${signal} #${i}: ${e.stderr}`);
    assert.equal(fs.existsSync(lockFile), false, `${signal} #${i} released the lock`);
  }
  const db = await openDatabase({ dataDir, databaseUrl: undefined });
  try {
    const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from schema_migrations");
    assert.ok(n > 0, "migrations complete after the interrupted starts");
    await db.query("select count(*) from papers");
  } finally {
    await db.close();
  }
});

test("a request in flight finishes before the server exits 0; the socket goes with it", async () => {
  const dataDir = path.join(root, "inflight");
  const server = await serverProcess(dataDir);
  const cliSide = new pg.Client({ host: path.join(dataDir, "run"), user: "postgres", database: "postgres" });
  cliSide.on("error", () => {});
  await cliSide.connect();
  // A CLI transaction holds the database, so the page below is in flight, waiting for it.
  await cliSide.query("begin");
  await cliSide.query("select count(*) from papers");
  const page = fetch(`${server.url}/api/daily_papers`).then((r) => r.status);
  await new Promise((r) => setTimeout(r, 300));
  const exit = server.stop("SIGTERM");
  await new Promise((r) => setTimeout(r, 300));
  await cliSide.query("commit");
  assert.equal(await page, 200, "the request in flight got its answer");
  const e = await exit;
  assert.equal(e.code, 0, e.stderr);
  assert.equal(fs.existsSync(path.join(dataDir, "run", ".s.PGSQL.5432")), false, "socket removed");
  assert.equal(fs.existsSync(path.join(dataDir, LOCK_FILE)), false, "lock released");
  await cliSide.end().catch(() => {});
});

test("SIGINT while the background embedder trains and embeds the sample: exit 0 within the bound", async () => {
  const dataDir = path.join(root, "embedding");
  const server = await serverProcess(dataDir, { command: "start", env: { LOG_LEVEL: "info" } });
  // The embedder starts a few seconds after start-up (train the built-in model, then embed every
  // paper); its run is recorded as it begins, so the signal lands inside it.
  const cliSide = new pg.Client({ host: path.join(dataDir, "run"), user: "postgres", database: "postgres" });
  await cliSide.connect();
  await waitFor(async () => {
    const rows = await cliSide.query(
      "select 1 from job_runs where job = 'embeddings' and status = 'running'",
    );
    return rows.rowCount ? true : undefined;
  }, 60_000);
  await cliSide.end();
  const stopped = Date.now();
  const e = await server.stop("SIGINT");
  assert.equal(e.code, 0, e.stderr.slice(-2000));
  assert.ok(Date.now() - stopped < 20_000, `stopped in ${Date.now() - stopped} ms`);
  const db = await openDatabase({ dataDir, databaseUrl: undefined });
  try {
    await db.query("select count(*) from embedding_models");
  } finally {
    await db.close();
  }
});
