import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { scifactCorpus } from "../../bench/scifact/data.ts";
import { loadConfig } from "../../src/config.ts";
import { loadMigrations } from "../../src/db/migrate.ts";
import { checkReadiness } from "../../src/metrics/readiness.ts";
import { upsertPapers } from "../../src/papers/store.ts";
import { loadEmbedder } from "../../src/search/embed/embedder.ts";
import { embedPending, runEmbedding, trainBuiltinModel } from "../../src/search/embed/jobs.ts";
import {
  embeddingMaxSeq,
  embeddingModelById,
  pendingEmbeddingCount,
} from "../../src/search/embedding-store.ts";
import { searchIndexStatus } from "../../src/search/index-status.ts";
import { SemanticSearcher } from "../../src/search/semantic.ts";
import { createSearchService, type SearchService } from "../../src/search/service.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";

/**
 * Real abstracts: the first 600 SciFact documents plus "Orai1 and STIM1 are critical for breast
 * tumor cell migration and metastasis" (1379127). The paraphrase "Ca2+ influx in mammary
 * carcinoma" shares no word with that paper (it says "calcium entry", "breast tumor"), so
 * keyword search cannot find it; the model learns from the other abstracts that Ca2+ goes with
 * calcium and mammary carcinoma with breast tumours.
 */
const TARGET = "1379127";
const PARAPHRASE = "Ca2+ influx in mammary carcinoma";
const all = scifactCorpus();
// Added later, to test incremental updates: the thrice-weekly tuberculosis regimen paper.
const LATE = "341324";
const corpus = [
  ...all.slice(0, 600).filter((d) => d.id !== TARGET && d.id !== LATE),
  ...all.filter((d) => d.id === TARGET),
];
const asPaper = (d: (typeof all)[number]) => ({
  arxivId: d.id,
  title: d.title,
  abstract: d.text,
  source: "scifact" as const,
});

for (const backend of testBackends()) {
  describe(`semantic search (${backend})`, () => {
    let db: TestDb;
    let dataDir: string;
    let config: ReturnType<typeof loadConfig>;
    let indexDir: string;
    let search: SearchService;

    before(async () => {
      db = await openTestDb(backend);
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-semantic-"));
      config = loadConfig({ DATA_DIR: dataDir });
      indexDir = path.join(dataDir, "index");
      await upsertPapers(db, corpus.map(asPaper));
      search = createSearchService({ db, semantic: { indexDir, config } });
    });
    after(async () => {
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    test("before any model exists, semantic mode answers with keyword results and says so", async () => {
      const r = await search.search({ q: "breast tumor", mode: "semantic" });
      assert.ok(r.hits.length > 0);
      assert.match(r.query.notices.join(" "), /not ready yet/);
    });

    test("a background run trains the built-in model, embeds every paper and activates it", async () => {
      await trainBuiltinModel(db, { dims: 64, seed: 42 });
      const report = await runEmbedding(db, config);
      assert.equal(report.embedded, corpus.length);
      assert.ok(report.switchedTo);
      assert.equal(await pendingEmbeddingCount(db, report.switchedTo), 0);
    });

    test("finds a paper by a paraphrase that shares no word with it", async () => {
      const keyword = await search.search({ q: PARAPHRASE, mode: "keyword", limit: 120 });
      assert.ok(!keyword.hits.some((h) => h.arxivId === TARGET), "keyword search should not reach it");
      const semantic = await search.search({ q: PARAPHRASE, mode: "semantic", limit: 5 });
      assert.ok(
        semantic.hits.some((h) => h.arxivId === TARGET),
        JSON.stringify(semantic.hits),
      );
      // Hybrid keeps BM25 in charge (fusion.ts), so a paper with no keyword match ranks after
      // the keyword matches, but it is still found.
      const hybrid = await search.search({ q: PARAPHRASE, mode: "hybrid", limit: 120 });
      const hit = hybrid.hits.find((h) => h.arxivId === TARGET);
      assert.ok(hit, "hybrid search should find it too");
      assert.equal(hit.why, "semantic");
      assert.deepEqual(hit.matchedTerms, []);
    });

    test("hybrid marks papers found both ways, and filters hold in every mode", async () => {
      const r = await search.search({ q: "breast tumor metastasis calcium", mode: "hybrid", limit: 10 });
      assert.equal(r.hits[0].arxivId, TARGET);
      assert.equal(r.hits[0].why, "both");
      for (const mode of ["semantic", "hybrid"] as const) {
        const excluded = await search.search({ q: `${PARAPHRASE} -metastasis`, mode, limit: 50 });
        assert.ok(!excluded.hits.some((h) => h.arxivId === TARGET), `${mode}: -metastasis must drop it`);
        const filtered = await search.search({ q: `${PARAPHRASE} category:cs.CV`, mode });
        assert.equal(filtered.hits.length, 0, `${mode}: no SciFact paper is in cs.CV`);
        const phrase = await search.search({ q: `${PARAPHRASE} "store-operated calcium"`, mode, limit: 5 });
        assert.ok(phrase.hits.length > 0);
        assert.ok(
          phrase.hits.every((h) =>
            corpus
              .find((d) => d.id === h.arxivId)!
              .text.toLowerCase()
              .includes("store-operated calcium"),
          ),
        );
      }
    });

    test("the index survives a restart, and a deleted index file is rebuilt from the database", async () => {
      const s = search.semantic!;
      s.save();
      const files = fs.readdirSync(indexDir).sort();
      assert.ok(
        files.some((f) => f.endsWith(".usearch")),
        files.join(),
      );
      const before = await s.search(db, PARAPHRASE, 10);

      const meta = fs.readdirSync(indexDir).find((f) => f.endsWith(".json"))!;
      const written = fs.statSync(path.join(indexDir, meta)).mtimeMs;
      const restarted = new SemanticSearcher({ indexDir, config });
      await restarted.settled(db);
      // Loaded from disk and current: nothing was rebuilt or written again.
      assert.equal(fs.statSync(path.join(indexDir, meta)).mtimeMs, written);
      assert.equal(restarted.modelId, s.modelId);
      assert.equal(restarted.indexSize, corpus.length);
      assert.deepEqual(await restarted.search(db, PARAPHRASE, 10), before);

      for (const f of fs.readdirSync(indexDir)) fs.rmSync(path.join(indexDir, f));
      const rebuilt = new SemanticSearcher({ indexDir, config });
      await rebuilt.settled(db);
      assert.equal(rebuilt.indexSize, corpus.length);
      assert.deepEqual(await rebuilt.search(db, PARAPHRASE, 10), before);
      assert.ok(
        fs.readdirSync(indexDir).some((f) => f.endsWith(".usearch")),
        "rebuilt index saved again",
      );
    });

    test("a paper that arrives later is embedded and found without a rebuild", async () => {
      const s = search.semantic!;
      const extra = all.find((d) => d.id === LATE)!;
      await upsertPapers(db, [asPaper(extra)]);
      const r = await runEmbedding(db, config);
      assert.equal(r.embedded, 1);
      await s.sync(db);
      assert.equal(s.indexSize, corpus.length + 1);
      const found = await search.search({ q: extra.title, mode: "semantic", limit: 10 });
      assert.ok(found.hits.some((h) => h.arxivId === extra.id));
      const similar = await s.similar(db, extra.id, 5);
      assert.equal(similar.length, 5);
      assert.ok(!similar.some((h) => h.arxivId === extra.id), "a paper is not similar to itself");
    });

    test("a saved copy is mapped; a paper added after it, one deleted and a restart keep it right; a corrupt one is rebuilt", async () => {
      const s = search.semantic!;
      s.save();
      // A low scan limit, so that these 600 papers are searched through the graphs.
      const open = async () => {
        const searcher = new SemanticSearcher({ indexDir, config, exactLimit: 100 });
        await searcher.settled(db);
        await searcher.verifying;
        return searcher;
      };
      const first = await open();
      assert.equal(first.indexMapped, true);
      assert.equal(first.note, null);
      const before = await first.search(db, PARAPHRASE, 10);
      assert.deepEqual(
        before,
        await s.search(db, PARAPHRASE, 10),
        "the mapped copy answers as the index it was saved from",
      );
      assert.ok(before.hits.some((h) => h.arxivId === TARGET));

      const added = all.find((d) => !corpus.some((c) => c.id === d.id) && d.id !== LATE)!;
      await upsertPapers(db, [asPaper(added)]);
      assert.equal((await runEmbedding(db, config)).embedded, 1);
      const gone = before.hits.find((h) => h.arxivId !== TARGET)!.arxivId;
      await db.query("delete from papers where arxiv_id = $1", [gone]);
      await first.sync(db);
      assert.equal(first.indexSize, s.indexSize, "one added, one deleted");
      const byTitle = await first.search(db, added.title, 10);
      assert.equal(byTitle.hits[0].arxivId, added.id, "the paper added after the copy is found");
      const after = await first.search(db, PARAPHRASE, 10);
      assert.ok(!after.hits.some((h) => h.arxivId === gone), "the deleted paper is not found");
      assert.ok(after.hits.some((h) => h.arxivId === TARGET));
      await s.sync(db);
      assert.ok(!(await s.search(db, PARAPHRASE, 10)).hits.some((h) => h.arxivId === gone));

      first.save();
      const second = await open();
      assert.equal(second.indexMapped, true);
      assert.equal(second.indexSize, first.indexSize);
      assert.deepEqual(await second.search(db, PARAPHRASE, 10), after);
      assert.deepEqual(await second.search(db, added.title, 10), byTitle);

      // A flipped byte in the graph passes the size checks and is caught by the checksum after.
      const graph = path.join(indexDir, `vectors-${s.modelId}.usearch`);
      const bytes = fs.readFileSync(graph);
      bytes[bytes.length - 20] ^= 0xff;
      fs.writeFileSync(graph, bytes);
      const corrupt = new SemanticSearcher({ indexDir, config, exactLimit: 100 });
      await corrupt.sync(db);
      await corrupt.verifying;
      assert.equal(corrupt.modelId, null, "the corrupt copy is dropped");
      const service = createSearchService({ db, semantic: corrupt });
      const ready = await checkReadiness(
        db,
        loadMigrations().map((m) => m.version),
        searchIndexStatus(service),
      );
      assert.match(ready.checks.vectorIndex, /^rebuilding: saved copy not used \(graph checksum mismatch\)/);
      await corrupt.settled(db);
      assert.equal(corrupt.note, null);
      assert.equal(corrupt.indexMapped, false, "rebuilt from the table");
      assert.deepEqual(await corrupt.search(db, PARAPHRASE, 10), after);
      const reopened = await open();
      assert.equal(reopened.indexMapped, true, "the rebuilt copy is saved and opened");
      assert.deepEqual(await reopened.search(db, PARAPHRASE, 10), after);
    });

    test("search keeps answering during re-embedding with a new model, then switches to it", async () => {
      const s = search.semantic!;
      const oldModel = s.modelId!;
      const trained = await trainBuiltinModel(db, { dims: 32, seed: 7 });
      const pending = (await embeddingModelById(db, trained.modelId))!;
      // Embed only part of the corpus for the new model, as if the job were still running.
      let batches = 0;
      await embedPending(db, await loadEmbedder(db, pending, config), {
        batchSize: 100,
        shouldStop: () => batches++ >= 2,
      });
      assert.ok((await pendingEmbeddingCount(db, pending.id)) > 0);

      const during = await search.search({ q: PARAPHRASE, mode: "semantic", limit: 5 });
      assert.ok(during.hits.length > 0);
      assert.equal(s.modelId, oldModel, "the half-embedded model is not used yet");

      const r = await runEmbedding(db, config);
      assert.equal(r.switchedTo, pending.id);
      // The next query still answers (from the old index) while the new one is built behind it.
      const switching = await search.search({ q: PARAPHRASE, mode: "hybrid", limit: 5 });
      assert.ok(switching.hits.length > 0);
      await s.settled(db);
      assert.equal(s.modelId, pending.id);
      assert.equal(
        (await embeddingMaxSeq(db, oldModel)).count,
        0,
        "old vectors are deleted after the switch",
      );
      const after = await search.search({ q: PARAPHRASE, mode: "semantic", limit: 5 });
      assert.equal(after.hits.length, 5);
      assert.ok(
        !fs.readdirSync(indexDir).some((f) => f.startsWith(`vectors-${oldModel}.`)),
        "old index files removed",
      );
    });
  });
}
