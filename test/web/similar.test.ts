import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { scifactCorpus } from "../../bench/scifact/data.ts";
import { upsertPapers } from "../../src/papers/store.ts";
import { runEmbedding, trainBuiltinModel } from "../../src/search/embed/jobs.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";

// 300 real SciFact abstracts under arXiv-style ids (the API takes arXiv ids only).
const docs = scifactCorpus().slice(0, 300);
const idOf = (i: number) => `2401.${String(10000 + i)}`;

for (const backend of testBackends()) {
  describe(`similar papers (${backend})`, () => {
    let t: TestApp;
    let dataDir: string;

    before(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-similar-"));
      t = await openTestApp(backend, { env: { DATA_DIR: dataDir } });
      await upsertPapers(
        t.db,
        docs.map((d, i) => ({
          arxivId: idOf(i),
          title: d.title,
          abstract: d.text,
          source: "scifact" as const,
        })),
      );
    });
    after(async () => {
      await t.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    test("before a model exists the list is empty and the page has no section", async () => {
      const res = await t.app.inject({ url: `/api/papers/${idOf(0)}/similar` });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { id: idOf(0), similar: [] });
      const pageRes = await t.app.inject({ url: `/papers/${idOf(0)}` });
      assert.equal(pageRes.statusCode, 200);
      assert.doesNotMatch(pageRes.body, /Similar papers/);
    });

    test("GET /api/papers/{id}/similar returns the nearest papers, best first, never the paper itself", async () => {
      await trainBuiltinModel(t.db, { dims: 32, seed: 1 });
      await runEmbedding(t.db, t.config);
      const res = await t.app.inject({ url: `/api/papers/${idOf(0)}/similar?limit=5` });
      assert.equal(res.statusCode, 200);
      const body = res.json() as {
        id: string;
        similar: { id: string; title: string; score: number; url: string }[];
      };
      assert.equal(body.similar.length, 5);
      assert.ok(!body.similar.some((s) => s.id === idOf(0)));
      const scores = body.similar.map((s) => s.score);
      assert.deepEqual(
        scores,
        [...scores].sort((a, b) => b - a),
      );
      assert.ok(body.similar[0].url.endsWith(`/papers/${body.similar[0].id}`));
      assert.ok(body.similar[0].title.length > 0);
    });

    test("bad ids and limits get clear errors", async () => {
      const bad = await t.app.inject({ url: "/api/papers/not-an-id/similar" });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error, /not an arXiv id/);
      const missing = await t.app.inject({ url: "/api/papers/2101.00001/similar" });
      assert.equal(missing.statusCode, 404);
      const limit = await t.app.inject({ url: `/api/papers/${idOf(0)}/similar?limit=500` });
      assert.equal(limit.statusCode, 400);
      assert.equal(limit.json().param, "limit");
    });

    test("the paper page shows a Similar papers section, and the API documents the route", async () => {
      const res = await t.app.inject({ url: `/papers/${idOf(0)}` });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h2 id="similar-heading">Similar papers<\/h2>/);
      assert.match(res.body, /href="\/papers\/2401\.1\d{4}"/);
      const spec = await t.app.inject({ url: "/api/openapi.json" });
      assert.ok(spec.json().paths["/api/papers/{id}/similar"]);
    });

    test("the search page offers the modes and labels meaning-only matches", async () => {
      const res = await t.app.inject({
        url: `/search?q=${encodeURIComponent("Ca2+ influx mammary carcinoma")}&mode=semantic`,
      });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /name="mode" value="hybrid"/);
      assert.match(res.body, /Semantic match/);
    });
  });
}
