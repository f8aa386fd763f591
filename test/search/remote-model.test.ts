import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { scifactCorpus } from "../../bench/scifact/data.ts";
import { loadConfig } from "../../src/config.ts";
import { upsertPapers } from "../../src/papers/store.ts";
import { runEmbedding, trainBuiltinModel } from "../../src/search/embed/jobs.ts";
import { activeEmbeddingModel, embeddingModels } from "../../src/search/embedding-store.ts";
import { createSearchService, type SearchService } from "../../src/search/service.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";

// A stand-in embeddings server: 8 dimensions from a hash of the text, so equal texts get equal
// vectors and the test can ask for a paper by its exact text.
function vectorOf(text: string): number[] {
  const h = createHash("sha256").update(text).digest();
  return Array.from({ length: 8 }, (_, i) => h[i] - 128);
}

const docs = scifactCorpus().slice(0, 40);

for (const backend of testBackends()) {
  describe(`switching to a remote embedding model (${backend})`, () => {
    let db: TestDb;
    let server: http.Server;
    let url: string;
    let dataDir: string;
    let requests = 0;
    let search: SearchService;

    before(async () => {
      db = await openTestDb(backend);
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-remote-"));
      server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c) => {
          body += c;
        });
        req.on("end", () => {
          requests++;
          const { input } = JSON.parse(body) as { input: string[] };
          const data = input.map((t, index) => ({ index, embedding: vectorOf(t) }));
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data }));
        });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await upsertPapers(
        db,
        docs.map((d) => ({ arxivId: d.id, title: d.title, abstract: d.text, source: "scifact" as const })),
      );
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    test("a configured endpoint replaces the built-in model once every paper is embedded", async () => {
      const builtinConfig = loadConfig({ DATA_DIR: dataDir });
      await trainBuiltinModel(db, { dims: 16 });
      await runEmbedding(db, builtinConfig);
      const builtin = await activeEmbeddingModel(db);
      assert.equal(builtin?.kind, "builtin-lsa");

      const config = loadConfig({ DATA_DIR: dataDir, EMBEDDING_URL: url, EMBEDDING_MODEL: "test-embed" });
      const report = await runEmbedding(db, config);
      const active = await activeEmbeddingModel(db);
      assert.equal(active?.kind, "remote");
      assert.equal(active?.name, "test-embed");
      assert.equal(active?.dims, 8);
      assert.equal(report.switchedTo, active?.id);
      assert.equal(report.embedded, docs.length);
      assert.equal((await embeddingModels(db)).find((m) => m.id === builtin?.id)?.status, "retired");

      search = createSearchService({ db, semantic: { indexDir: path.join(dataDir, "index"), config } });
      // The nearest paper to the query under the server's vectors, computed here independently.
      const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
      const q = unit(vectorOf("tumor growth"));
      const cos = (d: (typeof docs)[number]) =>
        unit(vectorOf(`${d.title}. ${d.text}`)).reduce((s, x, i) => s + x * q[i], 0);
      const best = docs.reduce((a, d) => (cos(d) > cos(a) ? d : a));
      const r = await search.search({ q: "tumor growth", mode: "semantic", limit: 3 });
      assert.equal(r.hits[0].arxivId, best.id);
      assert.ok(requests > 1);
    });

    test("when the endpoint goes down, semantic search answers with keyword results and says why", async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      const r = await search.search({ q: "tumor growth", mode: "hybrid", limit: 5 });
      assert.match(
        r.query.notices.join(" "),
        /Semantic search is unavailable \(embeddings endpoint .* is unreachable/,
      );
      assert.equal(r.mode, "hybrid");
      server = http.createServer();
      await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
    });

    test("a URL without a model name is a clear error", async () => {
      await assert.rejects(
        runEmbedding(db, loadConfig({ DATA_DIR: dataDir, EMBEDDING_URL: url })),
        /EMBEDDING_MODEL is not/,
      );
    });
  });
}
