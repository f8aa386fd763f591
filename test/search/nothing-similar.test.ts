import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import { loadConfig } from "../../src/config.ts";
import { type Db, openPglite } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { upsertPapers } from "../../src/papers/store.ts";
import { runEmbedding } from "../../src/search/embed/jobs.ts";
import { activeEmbeddingModel } from "../../src/search/embedding-store.ts";
import { DEFAULT_FUSION } from "../../src/search/fusion.ts";
import { isDisplayStopTerm, STOP_WORDS } from "../../src/search/text.ts";
import { buildServices, type Services } from "../../src/services.ts";
import { buildApp } from "../../src/web/app.ts";
import { hfDailyPapers } from "./corpus.ts";

/**
 * Semantic search answers only with what is similar: nonsense and words the model never saw
 * give no semantic matches (page, API, CLI), hybrid adds nothing neither half supports, and no
 * stop word is ever shown as a match.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-nothing-similar-"));
const NONSENSE = "zzzzqqq";
const STOPS = new Set(["how", "from", "the", "of", "and", "to", "with", "what", "which", "a", "in"]);

describe("nothing similar, nothing shown", () => {
  let db: Db;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let services: Services;
  before(async () => {
    db = await openPglite(path.join(dir, "pglite"));
    await migrate(db);
    await upsertPapers(db, hfDailyPapers(["2024-05-28", "2024-08-09", "2024-10-01", "2025-01-15"]));
    const config = loadConfig({ DATA_DIR: dir, SECRET: "test-secret-not-for-production" });
    const report = await runEmbedding(db, config);
    assert.ok(report.switchedTo, "the built-in model is trained and active");
    services = await buildServices(config, { db, log: pino({ level: "silent" }) });
    app = await buildApp(services);
  });
  after(async () => {
    await app.close();
    await services.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a nonsense query gets no semantic hits from the service, with a reason", async () => {
    for (const mode of ["semantic", "hybrid"] as const) {
      const r = await services.search.search({ q: NONSENSE, mode });
      assert.equal(r.hits.length, 0, mode);
      assert.match(
        r.query.notices.join(" "),
        /No semantic matches: the semantic model knows none of these words/,
      );
    }
    // Real words still find papers by meaning, so the floor is not simply "nothing".
    const real = await services.search.search({ q: "robot manipulation", mode: "semantic" });
    assert.ok(real.hits.length > 0);
    assert.ok(real.hits.length < 40, `the floor keeps unrelated papers out (${real.hits.length})`);
  });

  test("hybrid brings in nothing that neither half supports", async () => {
    const model = await activeEmbeddingModel(db);
    const floor = Number(model?.params.similarityFloor);
    assert.ok(floor > 0 && floor < 1, `a calibrated floor (${floor})`);
    const q = `${NONSENSE} diffusion`;
    const kw = await services.search.search({ q, mode: "keyword", limit: 120 });
    const hy = await services.search.search({ q, mode: "hybrid", limit: 120 });
    const kwIds = new Set(kw.hits.map((h) => h.arxivId));
    assert.ok(kwIds.size > 0);
    for (const h of hy.hits) {
      if (h.why === "semantic") {
        assert.ok(!kwIds.has(h.arxivId));
        // Its whole score is the semantic part, w · cos: the cosine cleared the floor.
        assert.ok(h.score >= DEFAULT_FUSION.semanticWeight * floor - 1e-6, `${h.arxivId} ${h.score}`);
      } else assert.ok(kwIds.has(h.arxivId));
    }
  });

  test("the page and the API say so and list nothing", async () => {
    const page = await app.inject({ url: `/search?q=${NONSENSE}&mode=semantic` });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /No semantic matches: the semantic model knows none of these words/);
    assert.match(page.body, /No papers match “zzzzqqq”/);
    assert.doesNotMatch(page.body, /Semantic match/);
    for (const mode of ["semantic", "hybrid"]) {
      const api = await app.inject({ url: `/api/papers/search?q=${NONSENSE}&mode=${mode}` });
      assert.equal(api.statusCode, 200);
      assert.deepEqual(api.json(), []);
    }
  });

  test("no stop word is ever highlighted or listed as matched", async () => {
    const q = "how robots learn manipulation from human videos with the world";
    for (const mode of ["keyword", "semantic", "hybrid"]) {
      const api = await app.inject({
        url: `/api/papers/search?q=${encodeURIComponent(q)}&mode=${mode}&limit=30`,
      });
      const items = api.json() as {
        highlightedTitle: { type: string; text: string }[];
        highlightedSummary: { type: string; text: string }[];
      }[];
      assert.ok(items.length > 0, mode);
      const marked = items
        .flatMap((i) => [...i.highlightedTitle, ...i.highlightedSummary])
        .filter((s) => s.type === "highlight");
      assert.ok(marked.length > 0, `${mode}: something is highlighted`);
      for (const s of marked) assert.ok(!STOPS.has(s.text.toLowerCase()), `${mode} highlighted "${s.text}"`);
      const page = await app.inject({ url: `/search?q=${encodeURIComponent(q)}&mode=${mode}` });
      for (const m of page.body.matchAll(/Matched: ([^<·]+)/g))
        for (const w of m[1].split(",").map((x) => x.trim()))
          assert.ok(!STOPS.has(w), `${mode}: "Matched:" lists "${w}"`);
    }
    const r = await services.search.search({ q, mode: "keyword", limit: 50 });
    for (const h of r.hits) for (const t of h.matchedTerms) assert.ok(!isDisplayStopTerm(t), t);
    assert.ok(!STOP_WORDS.has("from"), "ranking still uses the short list");
  });

  test("the CLI prints no semantic hits for nonsense, and why", async () => {
    await app.close();
    await db.close();
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, LOG_LEVEL: "silent" };
    delete env.DATABASE_URL;
    const run = spawnSync(
      process.execPath,
      ["bin/dailypapers.js", "search", NONSENSE, "--mode", "semantic"],
      {
        env,
        encoding: "utf8",
      },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^0 papers \(semantic/);
    assert.match(run.stderr, /note: No semantic matches: the semantic model knows none of these words/);
  });
});
