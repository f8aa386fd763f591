import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { upsertPapers } from "../../src/papers/store.ts";
import {
  activateEmbeddingModel,
  activeEmbeddingModel,
  embeddingModelById,
  insertEmbeddingModel,
  upsertPaperEmbeddings,
} from "../../src/search/embedding-store.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";

for (const backend of testBackends()) {
  describe(`model switches from several processes on ${backend}`, () => {
    let db: TestDb;
    before(async () => {
      db = await openTestDb(backend);
      await upsertPapers(db, [{ arxivId: "2101.00001", version: 1, title: "A paper", source: "sample" }]);
    });
    after(() => db.close());

    test("a model retired by another process's switch is not brought back, and its late vectors go", async () => {
      const model = {
        kind: "builtin-lsa" as const,
        name: "lsa",
        dims: 2,
        params: {},
        vocab: ["a"],
        weights: new Uint8Array(4),
      };
      const first = await insertEmbeddingModel(db, model);
      const second = await insertEmbeddingModel(db, model);
      // Process A finishes first and switches to its model, retiring B's.
      assert.equal(await db.transaction((tx) => activateEmbeddingModel(tx, first)), true);
      // B was still embedding with the model it had loaded, then tries to switch.
      const vector = new Float32Array([1, 0]);
      await upsertPaperEmbeddings(db, second, 2, [{ arxivId: "2101.00001", hash: "h", vector }]);
      assert.equal(await db.transaction((tx) => activateEmbeddingModel(tx, second)), false);
      assert.equal((await activeEmbeddingModel(db))?.id, first);
      assert.equal((await embeddingModelById(db, second))?.status, "retired");
      const [{ n }] = await db.query<{ n: number }>(
        "select count(*)::int as n from paper_embeddings where model_id = $1",
        [second],
      );
      assert.equal(n, 0);
    });
  });
}
