import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { openTestDb, type TestDb } from "../helpers/db.ts";
import { serverProcess, waitFor } from "../helpers/processes.ts";

/**
 * Logs as operators and people see them: JSON lines when stderr is a pipe (journald, a log
 * shipper), readable lines without the per-request noise on a terminal. The terminal is a real
 * pseudo-terminal, made by util-linux's `script`.
 */
const hasScript = fs.existsSync("/usr/bin/script");

describe("log format", { concurrency: true }, () => {
  // On Postgres when there is one: the processes start faster than on a fresh PGlite directory.
  let db: TestDb | null = null;
  const dbEnv = (): Record<string, string> => (db?.url ? { DATABASE_URL: db.url } : {});
  before(async () => {
    if (process.env.TEST_DATABASE_URL) db = await openTestDb("postgres");
  });
  after(() => db?.close());

  test("on a pipe, logs are JSON lines, requests included", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-pipe-"));
    const node = await serverProcess(dataDir, { env: { LOG_LEVEL: "info", ...dbEnv() } });
    try {
      await fetch(`${node.url}/healthz`);
      const lines = await waitFor(async () => {
        const ls = node
          .output()
          .stderr.split("\n")
          .filter((l) => l.trim() !== "");
        return ls.some((l) => l.includes("request completed")) ? ls : undefined;
      });
      for (const l of lines) assert.doesNotThrow(() => JSON.parse(l), `a JSON line: ${l}`);
    } finally {
      await node.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("on a terminal, logs are readable lines and requests are not logged", {
    skip: !hasScript,
  }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-tty-"));
    const cmd = `exec ${process.execPath} bin/dailypapers.js serve --port 0`;
    const child = spawn("script", ["-qfec", cmd, "/dev/null"], {
      env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, LOG_LEVEL: "info", TERM: "dumb", ...dbEnv() },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c;
    });
    const exited = new Promise((r) => child.once("exit", r));
    try {
      const url = await waitFor(() => /running at (http:\/\/\S+)/.exec(out)?.[1], 120_000);
      for (let i = 0; i < 5; i++) await fetch(`${url}/no-such-page-${i}`);
      await fetch(`${url}/healthz`);
    } finally {
      // The exit flushes every log line written so far, so what is absent was never logged.
      child.kill("SIGTERM");
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    assert.match(out, /INFO.*Server listening at/, "a pretty line, level by name");
    assert.doesNotMatch(out, /\{"level"/, "no JSON");
    assert.doesNotMatch(out, /request completed|incoming request|no-such-page/, "no request lines");
  });
});
