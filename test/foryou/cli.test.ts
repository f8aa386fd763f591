import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { openPglite } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { saveSet } from "../../src/library/store.ts";
import { upsertPapers } from "../../src/papers/store.ts";
import { makeUser } from "../community/helpers.ts";
import { subjectPaper } from "./corpus.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-recommend-cli-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, LOG_LEVEL: "silent" };
  delete env.DATABASE_URL;
  return spawnSync(process.execPath, ["bin/dailypapers.js", "recommend", ...args], { env, encoding: "utf8" });
}

test("dailypapers recommend shows what a person would get, with reasons, as text or JSON", async () => {
  const db = await openPglite(path.join(dir, "pglite"));
  await migrate(db);
  const old = new Date(Date.now() - 400 * 86_400_000);
  const saved = [0, 1].map(() => subjectPaper("speech", { publishedAt: old }));
  const oldSpeech = subjectPaper("speech", { publishedAt: old });
  const fresh = subjectPaper("speech", { publishedAt: new Date() });
  await upsertPapers(db, [...saved, oldSpeech, fresh, subjectPaper("filler", { publishedAt: new Date() })]);
  const u = await makeUser(db, { username: "cli_reader" });
  for (const p of saved) await saveSet(db, u.userId, p.arxivId, true);
  await db.close();

  const text = cli(["--user", "cli_reader"]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`1\\. ${fresh.arxivId.replace(".", "\\.")}`));
  assert.match(text.stdout, /Because you saved “/);
  const all = cli(["--user", "cli_reader", "--all", "--json", "--limit", "5"]);
  const out = JSON.parse(all.stdout);
  assert.equal(out.mode, "personal");
  assert.equal(out.since, null);
  assert.ok(
    out.items.some((i: { arxivId: string }) => i.arxivId === oldSpeech.arxivId),
    "--all includes old papers",
  );
  assert.ok(out.items.every((i: { arxivId: string }) => !saved.some((s) => s.arxivId === i.arxivId)));
  assert.match(cli(["--user", "nobody_here"]).stderr, /no user "nobody_here"/);
  assert.notEqual(cli(["--user", "cli_reader", "--since", "2024-02-30"]).status, 0);
  assert.match(cli(["--user", "cli_reader", "--since", "2024-01-01", "--all"]).stderr, /not both/);
});
