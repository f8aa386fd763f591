import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { openDatabase } from "../../src/db/open.ts";
import { type CliResult, runCli } from "../helpers/cli.ts";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp.ts";
import { seedPapers } from "./fixture.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-digest-cli-"));
let smtp: TestSmtp;

/** The real CLI in a child process, on a PGlite data dir; async, so the SMTP server here keeps answering. */
function cli(...args: string[]): Promise<CliResult> {
  return cliWithout(null, ...args);
}

function cliWithout(unset: string | null, ...args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dir,
    LOG_LEVEL: "silent",
    SMTP_URL: smtp.url,
    BASE_URL: "http://papers.test",
    SECRET: "cli-test-secret",
  };
  delete env.DATABASE_URL;
  if (unset) delete env[unset];
  return runCli(args, env);
}

before(async () => {
  smtp = await startTestSmtp();
  const db = await openDatabase({ dataDir: dir, databaseUrl: undefined });
  await seedPapers(db);
  await db.close();
});
after(async () => {
  await smtp.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("topics, subscribers and digests from the command line", async () => {
  const topic = await cli("topics", "add", "medical AI", "--name", "Medical AI", "--featured");
  assert.equal(topic.code, 0, topic.stderr);
  assert.equal(topic.stdout, "saved: /topics/medical-ai\n");

  const bob = await cli("subscribers", "add", "bob@example.org", "--confirmed", "--topic", "medical-ai");
  assert.equal(bob.code, 0, bob.stderr);
  // Without SMTP nothing could be mailed: refused before the address's hourly slot is used.
  const refused = await cliWithout("SMTP_URL", "subscribers", "add", "carol@example.org");
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^error: SMTP_URL is not set for this command/);
  const carol = await cli("subscribers", "add", "carol@example.org");
  assert.equal(carol.code, 0, carol.stderr);
  const confirm = await smtp.nextMessage();
  assert.match(confirm.subject ?? "", /Confirm your Daily Papers subscription/);
  assert.equal(
    (await cli("subscribers", "add", "not an address")).stderr,
    "error: That is not a valid email address.\n",
  );

  const list = await cli("subscribers", "list");
  assert.match(
    list.stdout,
    /^1\tbob@example\.org\tconfirmed\tdaily \(weekdays\) 08:00 UTC\t0\n2\tcarol@example\.org\tpending\t/,
  );

  const out = path.join(dir, "preview.html");
  const preview = await cli(
    "digest",
    "preview",
    "--email",
    "bob@example.org",
    "--at",
    "2026-11-24T09:00:00Z",
    "--out",
    out,
  );
  assert.equal(preview.code, 0, preview.stderr);
  assert.match(
    fs.readFileSync(out, "utf8"),
    /New in <a href="http:\/\/papers\.test\/topics\/medical-ai"[^>]*>Medical AI<\/a>/,
  );

  const dry = await cli("digest", "send", "--dry-run", "--at", "2026-11-24T09:00:00Z");
  assert.equal(
    dry.stdout,
    "bob@example.org\tdaily:2026-11-24\t3 papers\n1 digests due (dry run: nothing queued or sent)\n",
  );
  assert.equal(smtp.messages.length, 1, "a dry run sends nothing");

  const send = await cli("digest", "send", "--at", "2026-11-24T09:00:00Z");
  assert.equal(send.stdout, "queued 1; sent 1, skipped 0 (empty or unsubscribed), retrying 0, failed 0\n");
  const digest = await smtp.nextMessage();
  assert.equal(digest.subject, "Trending papers · Tue, Nov 24");

  assert.equal(
    (await cli("digest", "send", "--period", "monthly")).stderr,
    'error: --period must be "daily" or "weekly"\n',
  );
  assert.equal((await cli("subscribers", "remove", "bob@example.org")).stdout, "removed bob@example.org\n");
});
