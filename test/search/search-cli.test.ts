import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { openPglite } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { upsertPapers } from "../../src/papers/store.ts";
import { hfDailyPapers } from "./corpus.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-search-cli-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
before(async () => {
  const db = await openPglite(path.join(dir, "pglite"));
  await migrate(db);
  await upsertPapers(db, hfDailyPapers(["2024-08-09"]));
  await db.close();
});

function cli(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, LOG_LEVEL: "silent" };
  delete env.DATABASE_URL;
  return spawnSync(process.execPath, ["bin/dailypapers.js", "search", ...args], { env, encoding: "utf8" });
}

test("dailypapers search prints ranked papers, JSON, and clear errors", () => {
  const text = cli(["medical benchmark", "--limit", "2"]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(
    text.stdout,
    /^4 papers \(keyword, [\d.]+ ms\)\n\n1\. GMAI-MMBench: A Comprehensive Multimodal Evaluation Benchmark Towards General Medical AI\n {3}arXiv 2408\.03361 · Pengcheng Chen/,
  );
  assert.match(text.stdout, /\n2\. /);
  assert.doesNotMatch(text.stdout, /\n3\. /);

  const json = cli(["medical benchmark", "--json", "--limit", "1"]);
  assert.equal(json.status, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  assert.equal(out.total, 4);
  assert.deepEqual(
    out.hits.map((h: { arxivId: string; matchedTerms: string[] }) => [h.arxivId, h.matchedTerms]),
    [["2408.03361", ["medical", "benchmark"]]],
  );
  assert.ok(
    out.hits[0].highlightedTitle.some(
      (s: { type: string; text: string }) => s.type === "highlight" && s.text === "Medical",
    ),
  );

  const id = cli(["https://arxiv.org/abs/2408.03361"]);
  assert.equal(
    id.stdout,
    "2408.03361  GMAI-MMBench: A Comprehensive Multimodal Evaluation Benchmark Towards General Medical AI\n",
  );

  const ops = cli(["AND OR"]);
  assert.equal(ops.status, 1);
  assert.match(ops.stderr, /only operators or very common words/);
  const limit = cli(["x", "--limit", "0"]);
  assert.equal(limit.status, 1);
  assert.match(limit.stderr, /--limit must be a whole number from 1 to 120, got "0"/);
  const mode = cli(["x", "--mode", "magic"]);
  assert.equal(mode.status, 1);
  assert.match(mode.stderr, /--mode must be one of keyword, semantic, hybrid/);
});
