import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { loadConfig } from "../../src/config.ts";
import { openDatabase } from "../../src/db/open.ts";
import { upsertPapers } from "../../src/papers/store.ts";
import { startServer } from "../../src/server.ts";
import { storedPublicUrl } from "../../src/site-settings.ts";
import { type CliResult, runCli } from "../helpers/cli.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-cli-errors-"));

/** The real CLI in a child process on a PGlite data dir, without BASE_URL or PORT. */
function cli(...args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dir,
    LOG_LEVEL: "silent",
    SECRET: "cli-errors-secret",
  };
  for (const k of ["DATABASE_URL", "BASE_URL", "PORT", "HOST", "SMTP_URL"]) delete env[k];
  return runCli(args, env);
}

/** One line on stderr, starting "error:", and no stack trace. */
function assertOneLineError(r: { code: number; stderr: string }, pattern: RegExp) {
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^error: [^\n]+\n$/, r.stderr);
  assert.match(r.stderr, pattern);
}

describe("the CLI answers mistakes in one line", () => {
  before(async () => {
    const db = await openDatabase({ dataDir: dir, databaseUrl: undefined });
    await upsertPapers(db, [
      {
        arxivId: "2408.03361",
        title: "GMAI-MMBench",
        abstract: "A medical benchmark.",
        authors: [{ name: "A" }],
        categories: ["cs.CV", "cs.AI"],
        source: "sample",
      },
    ]);
    await db.close();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("--version prints the package version", async () => {
    const r = await cli("--version");
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  test("bad ports, a missing password file and a bad date are one line each", async () => {
    assertOneLineError(await cli("serve", "--port", "abc"), /--port must be a port number/);
    assertOneLineError(await cli("start", "--port", "99999", "--no-sample"), /--port must be a port number/);
    assertOneLineError(
      await cli(
        "user",
        "create",
        "--username",
        "ada",
        "--email",
        "ada@example.org",
        "--password-file",
        "/missing",
      ),
      /cannot read --password-file \/missing: no such file/,
    );
    const harvest = await cli("harvest", "--from", "notadate");
    assertOneLineError(harvest, /--from must be a date as YYYY-MM-DD, got "notadate"/);
  });

  test("a busy port is one line, not an EADDRINUSE stack", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      assertOneLineError(
        await cli("serve", "--port", String(port)),
        new RegExp(`127.0.0.1:${port} is already in use`),
      );
    } finally {
      blocker.close();
    }
  });

  test("an unknown category gets a hint; a known one does not", async () => {
    const unknown = await cli("search", "category:cs.XX");
    assert.equal(unknown.code, 0, unknown.stderr);
    assert.match(unknown.stdout, /^0 papers/);
    assert.match(unknown.stderr, /no paper here has the category "cs\.xx".*Known here: cs\.AI, cs\.CV/);
    const known = await cli("search", "category:cs.CV");
    assert.match(known.stdout, /^1 papers/);
    assert.doesNotMatch(known.stderr, /no paper here has the category/);
  });

  test("digest previews link to the URL the server recorded when it started", async () => {
    const server = await startServer(
      loadConfig({ DATA_DIR: dir, PORT: "0", SECRET: "cli-errors-secret", LOG_LEVEL: "silent" }),
    );
    const url = server.url;
    assert.equal(await storedPublicUrl(server.db), url);
    await server.close();
    assert.equal((await cli("subscribers", "add", "bob@example.org", "--confirmed")).code, 0);
    const preview = await cli("digest", "preview", "--email", "bob@example.org");
    assert.equal(preview.code, 0, preview.stderr);
    assert.ok(preview.stdout.includes(`${url}/`), preview.stdout);
    assert.doesNotMatch(preview.stdout, /127\.0\.0\.1:3000/);
  });
});
