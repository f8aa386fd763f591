import assert from "node:assert/strict";
import { test } from "node:test";
import { loadMigrations, migrate } from "../../src/db/migrate.ts";
import { papersByIds } from "../../src/papers/store.ts";
import { createSearchService } from "../../src/search/service.ts";
import { openTestDb, testBackends } from "../helpers/db.ts";
import { insertPapers, makePaper } from "../helpers/factories.ts";

const DROP = 34;

for (const backend of testBackends()) {
  test(`dropping search_vector keeps every paper and search on a populated database (${backend})`, async () => {
    const db = await openTestDb(
      backend,
      // A database made before the drop landed, with every later migration already applied.
      loadMigrations().filter((m) => m.version !== DROP),
    );
    try {
      const papers = Array.from({ length: 300 }, (_, i) =>
        makePaper({ arxivId: `2410.${String(10000 + i)}`, title: `Wombat burrow survey ${i}` }),
      );
      await insertPapers(db, papers);
      const column = () =>
        db.query(
          "select 1 from information_schema.columns where table_name = 'papers' and column_name = 'search_vector'",
        );
      assert.equal((await column()).length, 1, "the old schema has the column");

      assert.deepEqual(await migrate(db), [DROP]);
      assert.equal((await column()).length, 0);
      const index = await db.query("select 1 from pg_indexes where indexname = 'papers_search_idx'");
      assert.equal(index.length, 0);
      const kept = await papersByIds(
        db,
        papers.map((p) => p.arxivId),
      );
      assert.equal(kept.size, papers.length);
      assert.equal(kept.get("2410.10007")?.title, "Wombat burrow survey 7");
      const found = await createSearchService({ db }).search({ q: "wombat burrow", limit: 120 });
      assert.equal(found.total, papers.length);
      // Writes still work on the new schema.
      await insertPapers(db, [makePaper({ arxivId: "2410.99999", title: "Wombat latecomer" })]);
      assert.equal((await migrate(db)).length, 0, "applied once");
    } finally {
      await db.close();
    }
  });
}
